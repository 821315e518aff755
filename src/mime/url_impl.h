// UrlExtractor internals shared by urls.cpp (parsing, IDNA, public suffixes) and
// url_extract.cpp (the free-text scanner). Internal to the mime module.
#pragma once

#include <libpsl.h>
#include <unicode/uidna.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mime/urls.h"

namespace mw::mime {

struct PslDeleter {
  void operator()(psl_ctx_t* p) const { psl_free(p); }  // a no-op for psl_builtin()
};
struct IdnaDeleter {
  void operator()(UIDNA* p) const { uidna_close(p); }
};

struct UrlExtractor::Impl {
  std::unique_ptr<psl_ctx_t, PslDeleter> psl;  // null only if libpsl has no list at all
  std::unique_ptr<UIDNA, IdnaDeleter> idna;    // null if ICU failed to open UTS #46

  // True when `label` (ASCII, any case) is a top-level suffix in the list (ICANN or
  // private section; the implicit "*" rule does not count). Answers for short labels are
  // cached (direct-mapped, per extractor): text scanning asks for the same few TLDs.
  bool known_tld(std::string_view label) const;

  // eTLD+1 of `host` (any case) as a view into `host`; `host` itself when it is a public
  // suffix, has no known top-level suffix, or the list is unavailable. When given, `known`
  // tells whether the TLD is known and `suffix` whether the host is itself a public suffix
  // ("co.uk", "github.io"). Results for hosts up to 63 bytes are cached per extractor.
  std::string_view classify(std::string_view host, bool* known, bool* suffix) const;

  // UTS #46 (nontransitional, CheckBidi, CheckJoiners; hyphen and DNS-length checks off,
  // as in the URL Standard's "domain to ASCII"). False on errors.
  bool idna_to_ascii(std::string_view in, std::string& out) const;
  bool idna_to_unicode(std::string_view in, std::string& out) const;

  // A schemeless host (lower-case ASCII, not an IP) is taken as a URL when its top-level
  // suffix is known and it has a registrable domain; a bare host without path/port/query
  // is refused when its TLD is mostly seen as a file extension (file.zip, setup.py).
  // On true, `reg` is the registrable part of `host`.
  bool plausible_schemeless(std::string_view host, bool has_more, std::string_view* reg) const;

  // UrlExtractor::parse with the scanner's extra strictness when `from_text`.
  bool parse_url(core::Arena& arena, std::string_view s, Url& out, bool from_text);

  // "user@domain" or "mailto:user@domain[?...]" (first address). `from_text` restricts the
  // local part to [A-Za-z0-9._%+=-] and requires a known TLD; otherwise the RFC 5322 atext
  // set is accepted and the TLD only has to be syntactically valid.
  bool parse_email(core::Arena& arena, std::string_view s, EmailRef& out, bool from_text);

  struct TldCacheEntry {
    char label[15];
    uint8_t len = 0;  // 0: empty slot
    bool known = false;
  };
  mutable std::array<TldCacheEntry, 256> tld_cache{};
  struct DomainCacheEntry {
    char host[63];
    uint8_t len = 0;      // 0: empty slot
    uint8_t offset = 0;   // start of the registrable domain in host
    bool suffix = false;  // the host is itself a public suffix
  };
  mutable std::array<DomainCacheEntry, 256> domain_cache{};

  // Reused buffers of parse_url (no heap allocation per URL once warm).
  std::string scratch_clean;
  std::string scratch_host;
  std::string scratch_path;
  std::string scratch_norm;
};

}  // namespace mw::mime
