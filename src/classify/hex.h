// Lower-case hex of the first bytes of a digest (private to src/classify).
#pragma once

#include <cstddef>
#include <string>

namespace mw::classify {

inline std::string hex_prefix(const unsigned char* bytes, size_t len, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < len && i < max_bytes; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

}  // namespace mw::classify
