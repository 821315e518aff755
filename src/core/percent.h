// Percent-decoding (RFC 3986 section 2.1: "%XX" is the byte XX): the one decoder for URLs,
// query strings (with '+' for a space), RFC 2231 parameter values, DMARC report URIs and
// credentials in URLs.
//
// Malformed escapes ("%4", "%zz") are kept literally, as browsers and curl do.
// Ownership: plain values. Loop affinity: none. Failure modes: none.
#pragma once

#include <string>
#include <string_view>

namespace mw::core {

struct PercentDecoding {
  bool plus_is_space = false;  // '+' -> ' ' (application/x-www-form-urlencoded)
  bool keep_controls = false;  // escapes of C0 controls and DEL stay escaped ("%0A")
};

// Append the decoded bytes of `in` to `out`.
void append_percent_decoded(std::string& out, std::string_view in, PercentDecoding how = {});

inline std::string percent_decode(std::string_view in, PercentDecoding how = {}) {
  std::string out;
  append_percent_decoded(out, in, how);
  return out;
}

}  // namespace mw::core
