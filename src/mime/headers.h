// Header block splitting (internal header).
//
// A header block is a run of fields ("Name: value" plus folded continuation lines) ended by an
// empty line. Lenient rules, after what MUAs accept:
//   - CRLF and bare LF line endings, mixed;
//   - white space between the field name and the colon (RFC 5322 obsolete syntax);
//   - a line of blanks only is a fold (obs-FWS), not the end of the block;
//   - a line that is neither a field nor a fold ends the block there (the body starts with that
//     line, which is reported as bad_line), as does a line the caller's LineStop accepts (a MIME
//     boundary in a part without a blank line).
// Every field keeps its exact bytes (raw_field), which DKIM canonicalisation needs.
//
// Failure modes: none. Fields beyond `max_headers` are skipped (still scanned, so the body is
// found) and `truncated` is set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mime/message.h"

namespace mw::mime {

// Called with each line (without its line break) before it is parsed; returning true ends the
// header block at that line.
struct LineStop {
  bool (*fn)(const void* ctx, std::string_view line) = nullptr;
  const void* ctx = nullptr;
  bool operator()(std::string_view line) const { return fn != nullptr && fn(ctx, line); }
};

struct HeaderBlock {
  size_t end = 0;              // offset just past the last field (start of separator or body)
  size_t body = 0;             // offset of the first body byte (end + separator.size())
  std::string_view separator;  // the empty line that ended the block; empty when none
  uint32_t fields = 0;         // fields seen, kept or not
  uint32_t lf = 0;             // lines ended by a bare LF
  uint32_t crlf = 0;           // lines ended by CRLF
  bool bad_line = false;       // ended by a line that is neither a field nor a fold
  bool stopped = false;        // ended by the LineStop
  bool truncated = false;      // more than max_headers fields; the extra ones were skipped
};

// Splits the header block of `data` that starts at `pos`. Fields are appended to `out` with
// name, raw_value, raw_field and order set (value is left for the caller to decode).
HeaderBlock split_header_block(std::string_view data, size_t pos, uint32_t max_headers,
                               LineStop stop, Vec<Header>& out);

}  // namespace mw::mime
