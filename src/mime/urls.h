// URL and e-mail address recognition and normalisation.
//
// Finds URLs (with scheme, www.-prefixed, or bare host names whose TLD is in the public
// suffix list) and e-mail addresses in text; parses and normalises single URLs (HTML href):
// scheme and host lower-cased, IDN hosts as punycode with a Unicode twin, percent-decoding
// of the path, numeric hosts in odd forms (decimal, hex, octal dotted) recognised, the
// registrable domain (eTLD+1) computed with libpsl.
//
// Parsing follows the WHATWG URL Standard where browsers are lenient: surrounding spaces
// and control characters are trimmed, tabs/newlines inside removed, backslashes act as
// slashes ("http:\\x", "http:/x" and "http:x" all have the host x), hosts that end in a
// number are IPv4 in decimal/hex/octal forms ("http://3232235777/" -> 192.168.1.1).
// IDNA is UTS #46 nontransitional via ICU. The public suffix list is Debian's
// (/usr/share/publicsuffix via psl_latest), or libpsl's built-in copy. Both the ICANN and
// the private section count: "x.github.io" is its own registrable domain, as in browsers
// (each user site is a separate party).
//
// One UrlExtractor per worker (inside the mime Parser). Not thread-safe.
// Ownership: views in results point into the input text or the arena.
// Failure modes: none; text that does not form a URL is skipped. Without a suffix list
// (libpsl built without one) bare domains are not recognised and `tld` is the host; without
// ICU's IDNA object non-ASCII hosts are refused. The arena may throw
// core::ArenaExhausted at its cap (caught at the task seam).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/arena.h"
#include "core/non_copyable.h"
#include "mime/message.h"

namespace mw::mime {

class UrlExtractor : core::NonCopyable {
 public:
  UrlExtractor();  // loads the public suffix list (Debian publicsuffix, libpsl built-in else)
  ~UrlExtractor();

  // Parse one URL (e.g. an href). Fills `out` and returns true when `s` is a URL with a host
  // (http, https, ftp, mailto handled as an e-mail, or schemeless www./domain forms).
  // out.origin, part_index, header_name and anchor_text are kept as the caller set them;
  // every other field is overwritten on success. On false `out` is unchanged.
  // False for: mailto: (use parse_email), opaque schemes (javascript:, data:, tel:, cid:),
  // relative references ("/x", "page.html"), empty or forbidden host characters, invalid
  // ports or IPv4 forms, broken punycode, and schemeless hosts whose TLD is unknown (or,
  // with neither path, port, query nor "www.", a TLD that is usually a file extension:
  // "setup.py", "file.zip").
  // Normalised `url`: scheme://host[:port]/path[?query][#fragment] with the ASCII host, no
  // userinfo, the port only when written and not the scheme's default, unsafe bytes
  // (controls, space, quotes, <, >, `, non-ASCII) percent-encoded.
  // `user` is the user name only (never the password), percent-decoded. `obfuscated` is set
  // for a %-encoded host, an IPv4 host not written as a plain dotted quad, and a user name
  // that looks like a host ("http://bank.example@evil.test/"). `path` is percent-decoded
  // when that yields valid UTF-8 (escapes of control bytes stay), "/" when empty; `query`
  // and `fragment` are raw. IPv6 hosts are stored without brackets.
  bool parse(core::Arena& arena, std::string_view s, Url& out);

  // Parse an e-mail address: "user@domain" or "mailto:user@domain[?...]" (the first
  // address; percent-escapes decoded). Local part: RFC 5322 atext and dots (no leading,
  // trailing or double dot, at most 64 bytes); domain: at least two labels of
  // [A-Za-z0-9_-], an alphabetic or A-label TLD (IDN domains converted to punycode),
  // lower-cased. Keeps out.origin/part_index/header_name. False (out unchanged) otherwise.
  bool parse_email(core::Arena& arena, std::string_view s, EmailRef& out);

  // Scan free text; append every URL and address found (at most `limit` in total in `urls`
  // plus `emails`). Origin and part index are stored on each entry.
  // The limit counts the entries already in both vectors: scanning stops once
  // urls.size() + emails.size() >= limit. Recognised:
  //  - "scheme://..." for any scheme, and "http:/x", "http:\\x" for http(s);
  //  - "mailto:addr" and bare addresses user@domain.tld (local part [A-Za-z0-9._%+=-],
  //    known TLD);
  //  - www.-prefixed hosts and bare host.tld[:port][/path] whose TLD is a known public
  //    suffix (not "file.txt", "e.g.", "1.2.3", "end.The"; the TLD must be lower- or
  //    upper-case, not Title-case), bare dotted-quad IPs only with a path or port.
  // A URL ends at whitespace, a control, < > " ` { } | ^, or non-ASCII space/punctuation
  // (U+00A0, guillemets, U+2000-U+206F, CJK and full-width punctuation); trailing . , ; :
  // ! ? ' " * are stripped, and ) ] } when unbalanced inside the URL. URLs longer than
  // kMaxUrlScan bytes are cut there. Found URLs have `raw` pointing into `text`.
  void extract(core::Arena& arena, std::string_view text, Origin origin, int32_t part_index,
               Vec<Url>& urls, Vec<EmailRef>& emails, uint32_t limit);

  // Registrable domain (eTLD+1) of a lower-case ASCII host; the host itself when it is an IP
  // or has no known suffix (or is a suffix itself). The result is a view into `host`.
  std::string_view registrable_domain(core::Arena& arena, std::string_view host);

  // IDN: Unicode host to ASCII (punycode) and back. Empty on failure. The result is a view
  // of the input when unchanged, else arena memory.
  std::string_view to_ascii(core::Arena& arena, std::string_view host);
  std::string_view to_unicode(core::Arena& arena, std::string_view ascii_host);

  // Longest URL the free-text scanner takes; longer runs are cut.
  static constexpr size_t kMaxUrlScan = 8192;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mw::mime
