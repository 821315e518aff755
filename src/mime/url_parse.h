// URL syntax helpers (internal to the mime module): splitting a URL into its components,
// numeric host forms, percent-decoding. No IDNA, no public suffix list: UrlExtractor
// (urls.h) builds on these.
//
// The rules follow the WHATWG URL Standard where browsers are more lenient than RFC 3986:
// backslashes act as slashes in special schemes, "http:/x" and "http:x" have the host x,
// hosts that end in a number are IPv4 addresses with decimal, hex (0x) or octal (leading 0)
// parts and 1 to 4 parts ("URL Standard" 3.5 "IPv4 parser", 4.4 "URL parsing").
//
// Ownership: none; views point into the caller's input. Loop affinity: none (pure).
// Failure modes: none; malformed input yields false / kInvalid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mw::mime::detail {

struct UrlParts {
  std::string_view scheme;    // as written, without ':'; empty when schemeless
  std::string_view userinfo;  // before the last '@' of the authority (raw)
  std::string_view host;      // raw: may hold %XX, brackets (IPv6), non-ASCII, upper case
  std::string_view port;      // as written after ':' (may be empty or invalid)
  std::string_view path;      // raw, from the first '/' or '\' after the authority
  std::string_view query;     // raw, without '?'
  std::string_view fragment;  // raw, without '#'
  bool has_userinfo = false;
  bool has_port = false;
  bool has_query = false;
  bool has_fragment = false;
  bool special = false;         // http, https, ftp, ws, wss (and schemeless input)
  bool protocol_relative = false;  // schemeless and started with "//"
};

// True for the schemes with the WHATWG "special" parsing rules (input lower-cased).
bool is_special_scheme(std::string_view lower_scheme);

// Splits `s` (REQUIRES: no leading/trailing spaces, no tab/CR/LF inside). Returns false
// for URLs without an authority: opaque schemes ("mailto:", "javascript:", "data:") and
// relative references starting with '/', '?' or '#'. Schemeless input such as
// "www.example.com/a" or "//example.com/a" is split with an empty scheme; the caller
// decides whether the host is plausible. A "scheme" containing '.' (as in
// "www.example.com:8080/") is read as host and port instead.
bool split_url(std::string_view s, UrlParts& out);

enum class Ipv4Form : uint8_t {
  kNotNumeric,  // the host does not end in a number: it is a domain name
  kInvalid,     // ends in a number but is not a valid IPv4 address (a URL failure)
  kCanonical,   // four decimal parts without leading zeros ("192.168.1.1")
  kUnusual,     // valid but written oddly: decimal, hex, octal, fewer parts, trailing dot
};

// Parses a (lower-case ASCII) host as IPv4 the way browsers do. On kCanonical/kUnusual
// `addr` holds the address in host byte order.
Ipv4Form parse_ipv4(std::string_view host, uint32_t& addr);

// Dotted-quad text of an address (host byte order).
std::string format_ipv4(uint32_t addr);

// Parses the text inside IPv6 brackets and writes its canonical (RFC 5952) text to `out`.
// Returns false when it is not a valid IPv6 address (zone identifiers are rejected, as in
// the URL Standard).
bool normalize_ipv6(std::string_view text, std::string& out);

// True when s contains a "%XX" escape with two hex digits.
bool has_percent_escape(std::string_view s);

// Percent-decoding: core/percent.h.

// Appends `in` to `out`, percent-encoding bytes that may not appear in a serialised URL:
// C0 controls, space, '"', '<', '>', '`', DEL and every non-ASCII byte.
void percent_encode_unsafe(std::string_view in, std::string& out);

// True when `s` is valid UTF-8.
bool valid_utf8(std::string_view s);

}  // namespace mw::mime::detail
