// URL and e-mail address recognition and normalisation.
//
// Finds URLs (with scheme, www.-prefixed, or bare host names whose TLD is in the public
// suffix list) and e-mail addresses in text; parses and normalises single URLs (HTML href):
// scheme and host lower-cased, IDN hosts as punycode with a Unicode twin, percent-decoding
// of the path, numeric hosts in odd forms (decimal, hex, octal dotted) recognised, the
// registrable domain (eTLD+1) computed with libpsl.
//
// One UrlExtractor per worker (inside the mime Parser). Not thread-safe.
// Failure modes: none; text that does not form a URL is skipped.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/arena.h"
#include "mime/message.h"

namespace mw::mime {

class UrlExtractor {
 public:
  UrlExtractor();  // loads the public suffix list (Debian publicsuffix, libpsl built-in else)
  ~UrlExtractor();
  UrlExtractor(const UrlExtractor&) = delete;
  UrlExtractor& operator=(const UrlExtractor&) = delete;

  // Parse one URL (e.g. an href). Fills `out` and returns true when `s` is a URL with a host
  // (http, https, ftp, mailto handled as an e-mail, or schemeless www./domain forms).
  bool parse(core::Arena& arena, std::string_view s, Url& out);

  // Scan free text; append every URL and address found (at most `limit` in total in `urls`
  // plus `emails`). Origin and part index are stored on each entry.
  void extract(core::Arena& arena, std::string_view text, Origin origin, int32_t part_index,
               Vec<Url>& urls, Vec<EmailRef>& emails, uint32_t limit);

  // Registrable domain (eTLD+1) of a lower-case ASCII host; the host itself when it is an IP
  // or has no known suffix.
  std::string_view registrable_domain(core::Arena& arena, std::string_view host);

  // IDN: Unicode host to ASCII (punycode) and back. Empty on failure.
  std::string_view to_ascii(core::Arena& arena, std::string_view host);
  std::string_view to_unicode(core::Arena& arena, std::string_view ascii_host);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mw::mime
