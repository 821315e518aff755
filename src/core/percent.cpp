#include "core/percent.h"

#include "core/ascii.h"

namespace mw::core {

void append_percent_decoded(std::string& out, std::string_view in, PercentDecoding how) {
  out.reserve(out.size() + in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        auto byte = static_cast<unsigned char>(hi * 16 + lo);
        if (!(how.keep_controls && (byte < 0x20 || byte == 0x7F))) {
          out.push_back(static_cast<char>(byte));
          i += 2;
          continue;
        }
      }
    }
    out.push_back(how.plus_is_space && c == '+' ? ' ' : c);
  }
}

}  // namespace mw::core
