// Names of an enum's values as one table: name() one way, parse() the other.
//
//   enum class Color : uint8_t { kRed, kGreen, kBlue };
//   constexpr core::EnumNames<Color, Color::kBlue> kColorNames{"red", "green", "blue"};
//   kColorNames.name(Color::kGreen)      -> "green"
//   kColorNames.parse("blue")            -> Color::kBlue
//   kColorNames.parse_ci("BLUE")         -> Color::kBlue (ASCII case-insensitive)
//
// For enums numbered 0, 1, 2 ... in declaration order; `Last` is the last value, so the
// table holds exactly Last + 1 names (a different count does not compile). A value outside
// the table (a cast from a corrupted byte) is named by the fallback, "unknown" unless the
// table says otherwise with with_fallback(). Sparse enums (wire codes such as DNS types) use
// SparseEnumNames: a list of {value, name} pairs searched in order.
//
// is_one_of(v, {a, b, c}) says whether an enum value is in a set written at the call site
// (for predicates such as "does this mechanism query DNS").
//
// Ownership: views over string literals. Loop affinity: none. constexpr throughout.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/ascii.h"

namespace mw::core {

template <class E, E Last>
  requires std::is_enum_v<E>
class EnumNames {
 public:
  static constexpr size_t kSize = static_cast<size_t>(Last) + 1;

  template <class... S>
    requires(sizeof...(S) == kSize && (std::is_convertible_v<S, std::string_view> && ...))
  constexpr EnumNames(S... names) : names_{std::string_view(names)...} {}  // NOLINT

  // The same table with `fallback` as the name of values outside it.
  constexpr EnumNames with_fallback(std::string_view fallback) const {
    EnumNames copy = *this;
    copy.fallback_ = fallback;
    return copy;
  }

  constexpr std::string_view name(E e) const {
    auto i = static_cast<size_t>(e);
    return i < kSize ? names_[i] : fallback_;
  }
  // The value named exactly `s`; nullopt when no name matches.
  constexpr std::optional<E> parse(std::string_view s) const {
    for (size_t i = 0; i < kSize; ++i) {
      if (names_[i] == s) return static_cast<E>(i);
    }
    return std::nullopt;
  }
  // The same, ignoring ASCII case.
  std::optional<E> parse_ci(std::string_view s) const {
    for (size_t i = 0; i < kSize; ++i) {
      if (iequals(names_[i], s)) return static_cast<E>(i);
    }
    return std::nullopt;
  }
  constexpr const std::array<std::string_view, kSize>& names() const { return names_; }

 private:
  std::array<std::string_view, kSize> names_;
  std::string_view fallback_ = "unknown";
};

template <class E>
  requires std::is_enum_v<E>
constexpr bool is_one_of(E e, std::initializer_list<E> set) {
  for (E v : set) {
    if (v == e) return true;
  }
  return false;
}

template <class E, size_t N>
  requires std::is_enum_v<E>
class SparseEnumNames {
 public:
  constexpr SparseEnumNames(const std::pair<E, std::string_view> (&pairs)[N],
                            std::string_view fallback)
      : fallback_(fallback) {
    for (size_t i = 0; i < N; ++i) pairs_[i] = pairs[i];
  }
  constexpr std::string_view name(E e) const {
    for (const auto& [v, n] : pairs_) {
      if (v == e) return n;
    }
    return fallback_;
  }
  constexpr std::optional<E> parse(std::string_view s) const {
    for (const auto& [v, n] : pairs_) {
      if (n == s) return v;
    }
    return std::nullopt;
  }

 private:
  std::array<std::pair<E, std::string_view>, N> pairs_{};
  std::string_view fallback_;
};

}  // namespace mw::core
