// Content-Transfer-Encoding decoders: base64, quoted-printable, uuencode (internal header).
//
// All decoders are lenient (real mail is often broken) and never read outside their input:
//   base64: whitespace ignored; other bytes outside the alphabet skipped and reported; missing
//           padding accepted; decoding stops after the first padding group unless the padded
//           quantum ends a line and the next line is more base64 (per-line encoders).
//   quoted-printable: "=XX" in either case, soft line breaks "=\r\n"/"=\n" (with transport
//           padding before the break), trailing whitespace on hard lines dropped (RFC 2045
//           6.7 rule 3), invalid escapes kept literally and reported.
//   uuencode: "begin <mode> <name>" ... "end" blocks; length characters honoured; lines that
//           do not decode are skipped and reported.
//
// Output buffers are sized by the *_max() helpers; the decoders write at most that much.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/arena.h"
#include "mime/message.h"

namespace mw::mime {

inline size_t base64_decoded_max(size_t n) { return n / 4 * 3 + 3; }
inline size_t qp_decoded_max(size_t n) { return n; }
inline size_t uu_decoded_max(size_t n) { return n + 4; }

// Decodes `in` into `out` (capacity >= base64_decoded_max(in.size())). Returns the number of
// bytes written. *bad is set when invalid characters, a bad final quantum or data after the
// padding were found (it is never cleared).
size_t base64_decode(std::string_view in, char* out, bool* bad);

// Quoted-printable body decoding (RFC 2045 6.7). `out` capacity >= in.size().
size_t qp_decode(std::string_view in, char* out, bool* bad);

// RFC 2047 "Q" decoding for encoded words: '_' is a space, "=XX" a byte, line breaks and the
// blanks after them (folding inside a broken word) are dropped, other blanks kept.
// `out` capacity >= in.size().
size_t q_word_decode(std::string_view in, char* out, bool* bad);

// One uuencoded block found in text.
struct UuBlock {
  size_t begin = 0;       // offset of the "begin" line
  size_t end = 0;         // offset just past the "end" line (or the last data line)
  size_t data_begin = 0;  // first data line
  size_t data_end = 0;    // end of the last data line
  std::string_view name;  // file name from the begin line (may be empty)
  bool closed = false;    // an "end" line was found
};

// Finds the first uuencoded block at or after `from` in `text`. A block starts with a line
// "begin NNN name" (NNN: 3 or 4 octal digits) followed by at least one data line.
bool find_uu_block(std::string_view text, size_t from, UuBlock* block);

// Decodes the data lines of a uuencoded block (without the begin/end lines).
// `out` capacity >= uu_decoded_max(lines.size()).
size_t uu_decode(std::string_view lines, char* out, bool* bad);

// Content-Transfer-Encoding header value to enum (case-insensitive, comments/spaces ignored).
// Unrecognised values give kUnknown; empty gives k7bit.
TransferEncoding parse_transfer_encoding(std::string_view value);

// Decode a part body according to `enc`. Identity encodings (7bit, 8bit, binary, unknown)
// return `raw` itself; others decode into the arena. Problems are recorded in `anomalies`.
std::string_view decode_body(core::Arena& arena, std::string_view raw, TransferEncoding enc,
                             AnomalySet& anomalies);

}  // namespace mw::mime
