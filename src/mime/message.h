// The message model: one parsed e-mail, built once per task in the task's arena.
//
// Everything here is a view: string_views point into the raw message (the request buffer,
// which the task keeps alive) or into the task's Arena (decoded and converted text).
// Containers are std::pmr containers allocating from the same Arena. Nothing in a Message
// may be used after its Arena is destroyed.
//
// Parsing is lenient: malformed mail is never an error. What was odd is recorded as an
// Anomaly (rules turn anomalies into symbols); what exceeded a configured limit is cut and
// recorded too (MIME_TOO_DEEP, HEADERS_TRUNCATED, ...). The only failure of parse() is the
// arena cap (kLimit), which the caller turns into an error reply.
//
// Loop affinity: none. A Parser (see parser.h) holds per-worker resources (ICU converters,
// the public suffix list) and is used by one thread at a time.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory_resource>
#include <string_view>
#include <vector>

#include "mime/received.h"

namespace mw::mime {

using std::string_view;
template <typename T>
using Vec = std::pmr::vector<T>;

// Things worth knowing about a message that are not errors. Kept as a bit set; the names are
// what rules see (rules/mime.lua maps some of them to symbols).
enum class Anomaly : uint32_t {
  kMessageTruncated = 0,  // input larger than limits.max_message_size; the rest was not parsed
  kHeadersTruncated,      // more header fields than limits.max_headers
  kHeaderTooLong,         // a header field longer than limits.max_header_length was cut
  kMimeTooDeep,           // multipart nesting deeper than limits.max_mime_depth
  kTooManyParts,          // more MIME parts than limits.max_mime_parts
  kNoHeaders,             // the input does not start with a header block
  kBadHeaderLine,         // a line in the header block that is not a field nor a fold
  kEightBitHeader,        // raw 8-bit bytes in header values (not RFC 2047 encoded)
  kBadEncodedWord,        // RFC 2047 encoded word that could not be decoded cleanly
  kMissingBoundary,       // multipart without a boundary parameter
  kBoundaryNotFound,      // multipart whose boundary never occurs in the body
  kUnclosedMultipart,     // multipart without a closing --boundary--
  kDuplicateBoundary,     // nested multiparts reusing a parent's boundary
  kBadBase64,             // base64 with invalid characters or bad length
  kBadQuotedPrintable,    // quoted-printable with invalid escapes
  kUnknownTransferEncoding,
  kUuencodeFound,         // a uuencoded block inside a text part
  kBadCharset,            // declared charset unknown or wrong for the bytes; detection used
  kMissingCharset,        // 8-bit text without a declared charset; detection used
  kInvalidUtf8,           // text that claimed UTF-8 but was not (repaired with U+FFFD)
  kBareLf,                // bare LF line endings (informational)
  kMixedLineEndings,      // both CRLF and bare LF
  kNulBytes,              // NUL bytes in text
  kHtmlUnbalanced,        // HTML with unbalanced or unclosed tags
  kDuplicateHeader,       // a field that must appear once appears more (From, Subject, ...)
  kCount
};
// The enumerator's name in upper snake case without the k: kMimeTooDeep -> "MIME_TOO_DEEP",
// kTooManyParts -> "TOO_MANY_PARTS", kEightBitHeader -> "EIGHT_BIT_HEADER". These are the
// symbol names rules and conf/mailward.toml use.
string_view anomaly_name(Anomaly a);

class AnomalySet {
 public:
  void set(Anomaly a) { bits_ |= 1u << static_cast<uint32_t>(a); }
  bool has(Anomaly a) const { return (bits_ >> static_cast<uint32_t>(a)) & 1u; }
  uint32_t bits() const { return bits_; }
  void merge(const AnomalySet& other) { bits_ |= other.bits_; }
  bool empty() const { return bits_ == 0; }

 private:
  uint32_t bits_ = 0;
};

// One header field, duplicates kept in message order.
struct Header {
  string_view name;       // as written (case preserved), no trailing spaces
  string_view raw_value;  // as written after the colon: folded, leading space kept, no
                          // final line break (view into the raw message)
  string_view value;      // unfolded, RFC 2047 decoded to UTF-8, trimmed (arena or raw)
  string_view raw_field;  // the whole field: name, colon, value and its line break; what
                          // DKIM/ARC canonicalisation works on (view into the raw message)
  uint32_t order = 0;     // position in the header block (0-based)
  bool had_encoded_words = false;
  bool broken_encoding = false;  // an encoded word failed or was malformed
};

struct Address {
  string_view display_name;  // decoded to UTF-8, quotes removed
  string_view addr;          // local@domain as written (comments and angles removed)
  string_view local;         // part before the last '@'
  string_view domain;        // part after it, lower-cased
  bool valid = true;         // false when syntax had to be guessed (no '@', stray brackets...)
  bool in_group = false;     // came from an RFC 5322 group
};

struct ContentType {
  string_view type = "text";     // lower-cased ("text")
  string_view subtype = "plain"; // lower-cased ("plain")
  string_view charset;           // parameter as written (may be empty)
  string_view boundary;          // raw boundary parameter
  string_view name;              // decoded name parameter (RFC 2231/2047 applied)
  bool declared = false;         // a Content-Type header was present and parsed
  Vec<std::pair<string_view, string_view>> params;  // all parameters, name lower-cased,
                                                    // values decoded (RFC 2231 joined)
  explicit ContentType(std::pmr::memory_resource* mr) : params(mr) {}
};

enum class TransferEncoding : uint8_t {
  k7bit, k8bit, kBinary, kBase64, kQuotedPrintable, kUuencode, kUnknown
};

struct Url;
struct EmailRef;

// One MIME part (the message itself is part 0, the root).
struct Part {
  uint32_t index = 0;           // 0 = root, in document order
  uint32_t depth = 0;           // nesting depth (root = 0)
  Part* parent = nullptr;
  Vec<Header> headers;          // this part's own header block
  ContentType content_type;
  string_view disposition;      // lower-cased "inline"/"attachment" or empty
  string_view filename;         // decoded filename (disposition filename, else CT name)
  TransferEncoding encoding = TransferEncoding::k7bit;
  string_view raw;              // the whole part: headers + blank line + body (raw message)
  string_view raw_headers;      // the header block (raw message)
  string_view raw_body;         // the body as written (raw message)
  string_view decoded;          // body after transfer decoding (raw view or arena)
  string_view header_separator; // the empty line ending the header block ("\r\n", "\n"), or
                                // empty when the body follows without one (raw message)
  string_view preamble;         // multipart only: text before the first boundary
  string_view epilogue;         // multipart only: text after the closing boundary (when the
                                // part limit was hit: everything after the last kept part)
  Vec<string_view> delimiters;  // multipart only: each boundary line as written, with the line
                                // break before it (RFC 2046 makes it part of the delimiter)
                                // and its own line break (raw message)
  Vec<Part*> children;          // multipart children, or the single root of message/rfc822
  bool is_multipart = false;
  bool is_message = false;      // message/rfc822 (or global): children[0] is its root part
  bool is_attachment = false;   // disposition attachment, or a filename, or non-text leaf
  bool is_text = false;         // text/* leaf that is not an attachment -> has a TextPart;
                                // also a multipart whose boundary is missing or never occurs
                                // (it is then a leaf and its body is scanned as text)
  bool is_embedded = false;     // carved out of a text part's body (a uuencoded block):
                                // parent is that text part, it is in Message::parts after all
                                // MIME parts but in no children list; raw is a view of the
                                // text part's decoded body
  string_view sniffed_type;     // content type sniffed from the decoded bytes ("" unknown)
  AnomalySet anomalies;         // anomalies found in this part

  explicit Part(std::pmr::memory_resource* mr)
      : headers(mr), content_type(mr), delimiters(mr), children(mr) {}
};

struct HtmlLink {
  string_view href;        // attribute value, entities decoded, trimmed
  string_view text;        // visible anchor text (UTF-8, whitespace collapsed)
};

struct HtmlForm {
  string_view action;
  string_view method;
  bool has_password = false;  // an <input type=password> inside
};

struct HtmlInfo {
  Vec<HtmlLink> links;
  Vec<string_view> images;      // <img src>
  Vec<HtmlForm> forms;
  uint32_t tags = 0;            // number of tags seen
  uint32_t hidden_bytes = 0;    // bytes of hidden text (see html.h), up to the text limit
  uint32_t low_contrast_bytes = 0;  // bytes of visible text in (nearly) the colour of its
                                    // background, where both are known from the markup
  bool has_script = false;
  bool has_iframe = false;
  bool has_external_css = false;
  bool unbalanced = false;
  explicit HtmlInfo(std::pmr::memory_resource* mr) : links(mr), images(mr), forms(mr) {}
};

// A text part (text/plain, text/html, text/enriched ...) with its content as UTF-8.
struct TextPart {
  Part* part = nullptr;
  bool is_html = false;
  string_view charset_declared;  // as declared (may be empty)
  string_view charset_used;      // what the bytes were converted from ("UTF-8", "Shift_JIS")
  bool charset_detected = false; // detection overrode or supplied the charset
  string_view utf8;              // the decoded content converted to valid UTF-8 (for HTML:
                                 // the markup, converted)
  string_view text;              // visible text (HTML stripped; plain text = utf8)
  uint32_t lines = 0;
  uint32_t non_ascii_chars = 0;
  HtmlInfo* html = nullptr;      // HTML parts only
};

// Where a URL or address was found.
enum class Origin : uint8_t { kText, kHtmlHref, kHtmlText, kHtmlImage, kHtmlForm, kHeader, kSubject };

struct Url {
  string_view raw;        // as found in the source
  string_view url;        // normalised: scheme://host[:port]/path?query#fragment (ASCII host)
  string_view scheme;     // lower-cased
  string_view user;       // userinfo (decoded), if any
  string_view host;       // lower-cased, IDN as punycode (xn--), trailing dot removed
  string_view host_unicode;  // IDN host in Unicode (equal to host when ASCII)
  string_view tld;        // registrable domain (eTLD+1, via the public suffix list)
  uint16_t port = 0;      // 0 when not written
  string_view path;       // percent-decoded path, starts with '/' or empty
  string_view query;
  string_view fragment;
  string_view anchor_text;  // HTML anchor text for kHtmlHref
  Origin origin = Origin::kText;
  int32_t part_index = -1;  // text part's Part::index, or -1 for headers
  string_view header_name;  // for kHeader
  bool host_is_ip = false;  // numeric host (dotted quad, IPv6, or decimal/hex/octal forms)
  bool obfuscated = false;  // needed repair: %-encoded host, odd IP form, user@host tricks
  bool has_user = false;
  bool schemeless = false;  // found as www.example.com or bare domain
};

struct EmailRef {
  string_view addr;       // user@domain, domain lower-cased
  string_view user;
  string_view domain;
  Origin origin = Origin::kText;
  int32_t part_index = -1;
  string_view header_name;
};

struct Message {
  string_view raw;              // the whole input as received
  string_view mbox_from;        // a leading mbox "From " envelope line (with its line break),
                                // skipped before the headers; empty when absent
  Part* root = nullptr;         // part tree (root->headers are the message headers)
  Vec<Part*> parts;             // all parts in document order (parts[0] == root), then the
                                // embedded parts (Part::is_embedded)
  Vec<TextPart> text_parts;     // in document order
  Vec<Url> urls;                // every occurrence, in discovery order
  Vec<EmailRef> emails;         // every occurrence
  AnomalySet anomalies;         // union over the message and all parts

  // Top-level convenience views (decoded), filled by the parser.
  string_view subject;
  string_view message_id;       // without angle brackets
  Vec<Address> from;            // From: (may be several or none)
  Vec<Address> sender;
  Vec<Address> reply_to;
  Vec<Address> to;
  Vec<Address> cc;
  Vec<Address> bcc;
  Vec<Received> received;       // the Received fields in message order (topmost first), at
                                // most limits.max_received (see received.h)
  time_t date = 0;              // parsed Date:, 0 when missing or unparseable
  bool date_valid = false;
  bool crlf = true;             // line endings of the header block

  explicit Message(std::pmr::memory_resource* mr)
      : parts(mr), text_parts(mr), urls(mr), emails(mr), from(mr), sender(mr), reply_to(mr),
        to(mr), cc(mr), bcc(mr), received(mr) {}

  const Vec<Header>& headers() const { return root->headers; }
  // First/all header fields by case-insensitive name, in message order.
  const Header* header(string_view name) const;
  std::vector<const Header*> headers_named(string_view name) const;
  size_t header_count(string_view name) const;
};

}  // namespace mw::mime
