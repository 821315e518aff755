// UTF-8 validation, statistics and repair (see utf8.h and charset.h). Validation follows the
// Unicode Standard's table of well-formed byte sequences (chapter 3, table 3-7).
#include "mime/utf8.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "mime/charset.h"

namespace mw::mime {

namespace {

// Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not valid. Also reports, for
// an invalid sequence, how many bytes form its maximal valid prefix (at least 1).
inline size_t utf8_seq(const unsigned char* p, const unsigned char* e, size_t* bad_len) {
  unsigned c = p[0];
  *bad_len = 1;
  if (c < 0x80) return 1;
  size_t avail = static_cast<size_t>(e - p);
  unsigned lo = 0x80, hi = 0xBF;
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  // Second byte has the special range, the following ones are plain continuation bytes.
  if (avail < 2 || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (i >= avail || (p[i] & 0xC0) != 0x80) {
      *bad_len = i;
      return 0;
    }
  }
  return n;
}

inline bool ascii_block(const unsigned char* p) {
  uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return ((a | b) & 0x8080808080808080ULL) == 0;
}

}  // namespace

Utf8Stats utf8_stats(std::string_view s) {
  Utf8Stats st;
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  auto e = p + s.size();
  while (p < e) {
    if (e - p >= 16 && ascii_block(p)) {
      p += 16;
      continue;
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t bad = 1;
    size_t n = utf8_seq(p, e, &bad);
    if (n == 0) {
      ++st.invalid;
      p += bad;
    } else {
      ++st.multibyte;
      p += n;
    }
  }
  return st;
}

bool is_valid_utf8(std::string_view s) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  auto e = p + s.size();
  while (p < e) {
    if (e - p >= 16 && ascii_block(p)) {
      p += 16;
      continue;
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t bad;
    size_t n = utf8_seq(p, e, &bad);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

size_t append_repaired_utf8(std::string& out, std::string_view s) {
  auto base = reinterpret_cast<const unsigned char*>(s.data());
  auto p = base;
  auto e = p + s.size();
  auto run_start = p;
  size_t replaced = 0;
  out.reserve(out.size() + s.size() + 8);
  while (p < e) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t bad;
    size_t n = utf8_seq(p, e, &bad);
    if (n != 0) {
      p += n;
      continue;
    }
    out.append(reinterpret_cast<const char*>(run_start), static_cast<size_t>(p - run_start));
    out.append("\xEF\xBF\xBD");
    ++replaced;
    p += bad;
    run_start = p;
  }
  out.append(reinterpret_cast<const char*>(run_start), static_cast<size_t>(p - run_start));
  return replaced;
}

}  // namespace mw::mime
