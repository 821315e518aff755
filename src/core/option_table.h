// A module's options as one table: each row declares one option and names the field of the
// module's options struct that it fills, so that a key, its range and its reading are written
// once (Redis config.c's standard-config table is the model).
//
//   core::OptionTable<Options> table() {
//     return {"options.dkim", "DKIM verification",
//             {{&Options::min_key_bits,
//               {"min_key_bits", OptType::kInt, "1024", "Smallest RSA key", 512, 8192}}}};
//   }
//   table().declare(schema);             // the section and every row
//   Options o = table().read(cfg);       // every bound field from the config
//
// Row paths are relative to the table's prefix ("" = the path is absolute). A nested field
// is bound with bind<&Outer::inner, &Inner::field>.
//
// Reading a field (OptionTable::read, and get_number for the odd option read by hand):
//   bool                      get_bool
//   std::string               get_string
//   std::vector<std::string>  get_strings
//   a number                  the option's declared type (int, float, duration in seconds,
//                             size in bytes), clamped to the declared min/max and then to
//                             the field type's own range; integers from durations and floats
//                             are truncated toward zero.
// The schema's validation already rejects values outside the declared range; the clamp is
// the one place that keeps a field inside it whatever the Config holds (built-in defaults,
// tests building a Config by hand).
//
// Ownership: rows are plain values. Loop affinity: none.
// Failure modes: none at run time; a row whose field type does not fit its OptType (a bool
// field for a kInt option) reads zero/false, as the Config getters do for a mistyped path.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/config.h"

namespace mw::core {

// "prefix.key" ("key" when prefix is empty).
std::string option_path(std::string_view prefix, std::string_view key);

// The number at `path` by its declared type (kInt, kFloat, kDuration, kSize), clamped to
// the declared range. Zero for a path of another type. REQUIRES: `path` is declared.
double get_number(const Config& cfg, std::string_view path);
// The same as a whole number: exact for kInt and kSize (no detour through double), truncated
// toward zero and saturated for kFloat and kDuration.
int64_t get_integer(const Config& cfg, std::string_view path);

// get_number/get_integer converted to N and kept inside N's range.
template <class N>
  requires std::is_arithmetic_v<N>
N get_number_as(const Config& cfg, std::string_view path) {
  if constexpr (std::is_floating_point_v<N>) {
    return static_cast<N>(get_number(cfg, path));
  } else {
    int64_t v = get_integer(cfg, path);
    if constexpr (std::is_same_v<N, bool>) {
      return v != 0;
    } else if constexpr (std::is_signed_v<N>) {
      return static_cast<N>(std::clamp<int64_t>(v, std::numeric_limits<N>::min(),
                                                std::numeric_limits<N>::max()));
    } else {
      if (v < 0) return 0;
      return static_cast<uint64_t>(v) > std::numeric_limits<N>::max()
                 ? std::numeric_limits<N>::max()
                 : static_cast<N>(v);
    }
  }
}

// Fills one field of T from the option at `path`.
template <class T>
using FieldReader = void (*)(T& out, const Config& cfg, std::string_view path);

struct OptionTableDetail {
  template <class F>
  static void assign(F& field, const Config& cfg, std::string_view path) {
    if constexpr (std::is_same_v<F, bool>) {
      field = cfg.get_bool(path);
    } else if constexpr (std::is_same_v<F, std::string>) {
      field = cfg.get_string(path);
    } else if constexpr (std::is_same_v<F, std::vector<std::string>>) {
      field = cfg.get_strings(path);
    } else {
      static_assert(std::is_arithmetic_v<F>, "bind: unsupported field type");
      field = get_number_as<F>(cfg, path);
    }
  }

  template <auto M, auto... Ms, class Obj>
  static auto& member(Obj& obj) {
    if constexpr (sizeof...(Ms) == 0) {
      return obj.*M;
    } else {
      return member<Ms...>(obj.*M);
    }
  }

  template <class P>
  struct ClassOf;
  template <class C, class F>
  struct ClassOf<F C::*> {
    using type = C;
  };

  template <auto First, auto... Rest>
  static void read(typename ClassOf<decltype(First)>::type& out, const Config& cfg,
                   std::string_view path) {
    assign(member<First, Rest...>(out), cfg, path);
  }
};

// The reader of the field reached through the member pointers M... (outermost first).
template <auto... M>
inline constexpr auto bind = &OptionTableDetail::read<M...>;

// One row of a table: the declaration (path relative to the table's prefix) and the field
// it fills: a member pointer (&Options::timeout), a bind<...> reader for a nested field, or
// nullptr for an option that is declared here and read by hand.
template <class T>
struct BoundOption {
  template <class F>
  BoundOption(F T::*member, OptionDecl d)
      : read([member](T& out, const Config& cfg, std::string_view path) {
          OptionTableDetail::assign(out.*member, cfg, path);
        }),
        decl(std::move(d)) {}
  BoundOption(FieldReader<T> reader, OptionDecl d) : read(reader), decl(std::move(d)) {}
  BoundOption(std::nullptr_t, OptionDecl d) : decl(std::move(d)) {}

  std::function<void(T&, const Config&, std::string_view)> read;  // empty: read by hand
  OptionDecl decl;
};

// A module's table: the section it fills, the section's doc line and the rows.
template <class T>
struct OptionTable {
  std::string prefix;  // "options.dkim"
  std::string doc;
  std::vector<BoundOption<T>> rows;

  // Schema::section(prefix, doc), then Schema::add of every row with its path under prefix.
  void declare(Schema& schema) const {
    schema.section(prefix, doc);
    for (const auto& row : rows) {
      OptionDecl d = row.decl;
      d.path = option_path(prefix, d.path);
      schema.add(std::move(d));
    }
  }
  // Every bound field of `out` from `cfg`. REQUIRES: declare() ran on cfg's schema.
  void read(const Config& cfg, T& out) const {
    for (const auto& row : rows) {
      if (row.read) row.read(out, cfg, option_path(prefix, row.decl.path));
    }
  }
  // A default-constructed T with every bound field read.
  T read(const Config& cfg) const {
    T out;
    read(cfg, out);
    return out;
  }
  // The full path of one of the table's keys (for options read by hand, and messages).
  std::string path(std::string_view key) const { return option_path(prefix, key); }
};

}  // namespace mw::core
