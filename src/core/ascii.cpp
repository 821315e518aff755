#include "core/ascii.h"

#include <cstdint>
#include <cstring>

namespace mw::core {

std::string to_lower(std::string_view s) {
  std::string out(s);
  lower_in_place(out);
  return out;
}

void lower_in_place(std::string& s) {
  for (auto& c : s) c = to_lower(c);
}

bool has_upper(std::string_view s) {
  for (char c : s) {
    if (is_upper(c)) return true;
  }
  return false;
}

bool is_ascii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 16; p += 16, n -= 16) {
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    if (((a | b) & 0x8080808080808080ULL) != 0) return false;
  }
  for (; n > 0; ++p, --n) {
    if (is_8bit(*p)) return false;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

size_t ifind(std::string_view s, std::string_view needle) {
  if (needle.empty()) return 0;
  if (s.size() < needle.size()) return std::string_view::npos;
  const char first = to_lower(needle[0]);
  for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (to_lower(s[i]) == first && iequals(s.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

}  // namespace mw::core
