#include "match/text_util.h"

#include <cstring>

namespace mw::match {

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  while (p < end) {
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;  // continuation byte, C0/C1 or F5..FF
    }
    if (static_cast<size_t>(end - p) <= need) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t i = 2; i <= need; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
    }
    p += need + 1;
  }
  return true;
}

std::string_view clamp_subject(std::string_view s, uint64_t max_bytes) {
  if (max_bytes == 0 || s.size() <= max_bytes) return s;
  size_t cut = static_cast<size_t>(max_bytes);
  // Back off while the first dropped byte continues a sequence (10xxxxxx), at most 3 bytes.
  for (int i = 0; i < 3 && cut > 0; ++i) {
    auto b = static_cast<unsigned char>(s[cut]);
    if ((b & 0xC0) != 0x80) break;
    --cut;
  }
  return s.substr(0, cut);
}

}  // namespace mw::match
