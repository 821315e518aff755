// Canonicalisation (RFC 6376 section 3.4) and header selection (section 5.4.2).
//
// Header fields:
//   simple   the field unchanged (bare LF line breaks become CRLF);
//   relaxed  name lower-cased, folding removed, WSP runs reduced to one SP, WSP at the end
//            of the value and around the colon removed.
// Body:
//   simple   trailing empty lines removed; an empty body becomes one CRLF; a missing final
//            CRLF is added;
//   relaxed  WSP at line ends removed, WSP runs reduced to one SP, trailing empty lines
//            removed; a non-empty body gets a final CRLF, an empty one stays empty.
// Bare LF is treated as CRLF everywhere (messages stored with LF line endings verify).
//
// Ownership: functions append to caller-owned strings or write to a caller-owned sink.
// Loop affinity: none. Failure modes: none; any bytes are accepted and memory use is bounded
// by one line of the body at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dkim/message.h"

namespace mw::auth::dkim {

enum class Canon : uint8_t { kSimple, kRelaxed };
std::string_view canon_name(Canon c);  // "simple", "relaxed"

// Append the canonical form of one whole header field (its raw bytes) with a final CRLF.
void canon_header(Canon c, std::string_view raw_field, std::string& out);

// Append the canonical form of a signature header field (DKIM-Signature, AMS or AS) with its
// "b=" value removed and without the final CRLF, as the signature hash takes it.
// `raw_field` is the whole field; [b_begin, b_end) are the offsets *within the field* of the
// b= tag's value (including surrounding whitespace) to delete.
void canon_signature_header(Canon c, std::string_view raw_field, size_t b_begin, size_t b_end,
                            std::string& out);

// Receives canonical body bytes.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

// Canonicalise a whole body into `sink`.
void canon_body(Canon c, std::string_view body, ByteSink& sink);

// Bottom-up selection of the fields named in an h= list: the n-th occurrence of a name in
// the list takes the n-th field of that name counted from the bottom; names that are not
// (or no longer) present select nothing. Returns indices into `headers`, in h= order.
std::vector<size_t> select_headers(const std::vector<HeaderField>& headers,
                                   const std::vector<std::string>& names);

}  // namespace mw::auth::dkim
