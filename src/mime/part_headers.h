// Interpretation of one part's header block (internal header): decoded header values,
// Content-Type, Content-Transfer-Encoding, Content-Disposition and the file name.
#pragma once

#include "mime/context.h"
#include "mime/message.h"

namespace mw::mime {

// Fills Header::value (and its flags) for every field of `part`, then content_type, encoding,
// disposition and filename. Fields longer than limits.max_header_length are decoded from
// their first max_header_length bytes (HEADER_TOO_LONG). `digest_child`: the part sits in a
// multipart/digest, so its default type is message/rfc822 (RFC 2046 5.1.5).
// Anomalies go to part.anomalies.
void interpret_part_headers(ParseContext& ctx, Part& part, bool digest_child);

// True for the message types whose body is a whole message to parse (message/rfc822,
// message/global, message/news).
bool is_encapsulated_message(const ContentType& ct);

}  // namespace mw::mime
