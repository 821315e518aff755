// UTF-8 validation, statistics and repair (see utf8.h and charset.h). Validation follows the
// Unicode Standard's table of well-formed byte sequences (chapter 3, table 3-7).
#include "mime/utf8.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "core/utf8.h"
#include "mime/charset.h"

namespace mw::mime {

using core::utf8_sequence;

Utf8Stats utf8_stats(std::string_view s) {
  Utf8Stats st;
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  auto e = p + s.size();
  while (p < e) {
    if (e - p >= 16 && core::ascii16(p)) {
      p += 16;
      continue;
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t bad = 1;
    size_t n = utf8_sequence(p, e, &bad);
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
    size_t n = utf8_sequence(p, e, &bad);
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
