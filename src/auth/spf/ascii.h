// ASCII helpers shared by the SPF sources (internal to src/auth/spf).
//
// SPF records, macros and domain names are compared case-insensitively in ASCII only
// (RFC 7208 uses ABNF literals); locale-dependent <cctype> functions are not wanted here.
// Ownership: none. Loop affinity: none.
#pragma once

#include <string>
#include <string_view>

namespace mw::auth::spf::ascii {

constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

inline std::string lower_copy(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = to_lower(c);
  return out;
}

// `s` without one trailing dot.
inline std::string_view strip_dot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace mw::auth::spf::ascii
