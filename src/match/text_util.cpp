#include "match/text_util.h"

#include <cstring>

namespace mw::match {

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
