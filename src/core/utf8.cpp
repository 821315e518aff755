#include "core/utf8.h"

namespace mw::core {

size_t utf8_sequence(const unsigned char* p, const unsigned char* end, size_t* bad_len) {
  unsigned c = p[0];
  *bad_len = 1;
  if (c < 0x80) return 1;
  size_t avail = static_cast<size_t>(end - p);
  unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0/C1 or F5..FF
  }
  // The second byte has the special range, the following ones are plain continuation bytes.
  if (avail < 2 || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (i >= avail || (p[i] & 0xC0) != 0x80) {
      *bad_len = i;
      return 0;
    }
  }
  return n;
}

bool is_valid_utf8(std::string_view s) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  auto e = p + s.size();
  while (p < e) {
    if (e - p >= 16 && ascii16(p)) {
      p += 16;
      continue;
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t bad;
    size_t n = utf8_sequence(p, e, &bad);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

}  // namespace mw::core
