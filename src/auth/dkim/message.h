// MessageView: the input of DKIM and ARC, a message as header fields and body bytes.
//
// DKIM and ARC work on the exact bytes of a message, so they take a small view rather than
// the parsed MIME model: the header fields in message order (top first), each as the exact
// bytes of the field including its final line break, and the raw body. The scan layer fills
// one from its parsed message (`mime::Header::raw_field`, the raw body); tests and tools use
// split_message() on a raw RFC 5322 message.
//
// Line endings: CRLF and bare LF are both accepted. Canonicalisation (dkim/canon.h) treats a
// bare LF as CRLF, as deployed verifiers do, so a message stored with LF line endings still
// verifies.
//
// Ownership: a MessageView holds views only; the bytes it points to must outlive it and every
// verification or signing call that uses it. Loop affinity: none.
// Failure modes: none. split_message() accepts any bytes: a header line without a colon or
// with an invalid field name becomes a HeaderField with an empty name (counted in
// `malformed_lines`), which no h= list can select.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mw::auth::dkim {

struct HeaderField {
  std::string_view name;  // field name as written, without trailing WSP; empty if malformed
  std::string_view raw;   // the whole field: name, colon, value, folding, final line break

  // Build a field from its raw bytes (name taken from the text before the first colon).
  static HeaderField from_raw(std::string_view raw);
  // The value: the bytes after the colon up to, not including, the final line break.
  std::string_view value() const;
};

struct MessageView {
  std::vector<HeaderField> headers;  // message order, top first
  std::string_view body;             // everything after the empty line ending the header
  size_t malformed_lines = 0;        // header lines that are not "name: value"
};

// Split a raw message into header fields and body. A header section without an empty line
// after it leaves the body empty. Never fails.
MessageView split_message(std::string_view raw);

// True when `name` is an RFC 5322 field-name: 1*ftext, ftext = %d33-57 / %d59-126.
bool is_field_name(std::string_view name);

}  // namespace mw::auth::dkim
