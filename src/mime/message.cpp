// Message model helpers (see message.h).
#include "mime/message.h"

#include "mime/strutil.h"

namespace mw::mime {

string_view anomaly_name(Anomaly a) {
  static constexpr string_view kNames[] = {
      "MESSAGE_TRUNCATED",
      "HEADERS_TRUNCATED",
      "HEADER_TOO_LONG",
      "MIME_TOO_DEEP",
      "TOO_MANY_PARTS",
      "NO_HEADERS",
      "BAD_HEADER_LINE",
      "EIGHT_BIT_HEADER",
      "BAD_ENCODED_WORD",
      "MISSING_BOUNDARY",
      "BOUNDARY_NOT_FOUND",
      "UNCLOSED_MULTIPART",
      "DUPLICATE_BOUNDARY",
      "BAD_BASE64",
      "BAD_QUOTED_PRINTABLE",
      "UNKNOWN_TRANSFER_ENCODING",
      "UUENCODE_FOUND",
      "BAD_CHARSET",
      "MISSING_CHARSET",
      "INVALID_UTF8",
      "BARE_LF",
      "MIXED_LINE_ENDINGS",
      "NUL_BYTES",
      "HTML_UNBALANCED",
      "DUPLICATE_HEADER",
  };
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(Anomaly::kCount));
  auto i = static_cast<size_t>(a);
  return i < static_cast<size_t>(Anomaly::kCount) ? kNames[i] : string_view();
}

const Header* Message::header(string_view name) const {
  if (root == nullptr) return nullptr;
  for (const Header& h : root->headers) {
    if (iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::vector<const Header*> Message::headers_named(string_view name) const {
  std::vector<const Header*> out;
  if (root == nullptr) return out;
  for (const Header& h : root->headers) {
    if (iequals(h.name, name)) out.push_back(&h);
  }
  return out;
}

size_t Message::header_count(string_view name) const {
  size_t n = 0;
  if (root == nullptr) return n;
  for (const Header& h : root->headers) {
    if (iequals(h.name, name)) ++n;
  }
  return n;
}

}  // namespace mw::mime
