// A module's options as one table: each row declares one option and names the field of the
// module's options struct that it fills, so that a key, its range and its reading are written
// once (Redis config.c's standard-config table is the model).
//
//   std::vector<core::BoundOption<Options>> table() {
//     return {{core::bind<&Options::min_key_bits>,
//              {"min_key_bits", OptType::kInt, "1024", "Smallest RSA key", 512, 8192}}};
//   }
//   declare_table(schema, "options.dkim", table());    // Schema::add of every row
//   read_table(cfg, "options.dkim", table(), options); // every field from the config
//
// Row paths are relative to the table's prefix ("" = the path is absolute). A field can be
// nested: bind<&Outer::inner, &Inner::field>.
//
// Reading a field (read_table, and get_number for the odd option read by hand):
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
#include <cstdint>
#include <limits>
#include <span>
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
// it fills. A null `read` declares an option that is read elsewhere.
template <class T>
struct BoundOption {
  FieldReader<T> read = nullptr;
  OptionDecl decl;
};

// Schema::add of every row, with its path under `prefix`.
template <class T>
void declare_table(Schema& schema, std::string_view prefix,
                   std::span<const BoundOption<T>> rows) {
  for (const auto& row : rows) {
    OptionDecl d = row.decl;
    d.path = option_path(prefix, d.path);
    schema.add(std::move(d));
  }
}
template <class T>
void declare_table(Schema& schema, std::string_view prefix,
                   const std::vector<BoundOption<T>>& rows) {
  declare_table(schema, prefix, std::span<const BoundOption<T>>(rows));
}

// Every row's field of `out` from `cfg`. REQUIRES: the rows were declared in cfg's schema.
template <class T>
void read_table(const Config& cfg, std::string_view prefix,
                std::span<const BoundOption<T>> rows, T& out) {
  for (const auto& row : rows) {
    if (row.read != nullptr) row.read(out, cfg, option_path(prefix, row.decl.path));
  }
}
template <class T>
void read_table(const Config& cfg, std::string_view prefix,
                const std::vector<BoundOption<T>>& rows, T& out) {
  read_table(cfg, prefix, std::span<const BoundOption<T>>(rows), out);
}

}  // namespace mw::core
