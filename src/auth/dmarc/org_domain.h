// Organizational domains (RFC 7489 section 3.2) and identifier alignment (section 3.1).
//
// The organizational domain of a name is its registrable domain under the Public Suffix
// List: one label more than the longest public suffix it ends with ("mail.example.co.uk"
// -> "example.co.uk"). A name that is itself a public suffix is its own organizational
// domain. The list comes from libpsl: load_latest() uses psl_latest(NULL), which picks the
// newer of libpsl's built-in copy and the system one (Debian: /usr/share/publicsuffix);
// load_file() reads a list in the publicsuffix.org text format (tests, pinned copies).
//
// Ownership: a PublicSuffixList owns its libpsl context. It is immutable once loaded and may
// be shared between evaluators and threads (libpsl lookups are read-only).
// Loop affinity: none. Failure modes: loading fails with kIo / kInvalidInput.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "auth/dmarc/record.h"
#include "core/result.h"

struct psl_ctx_st;

namespace mw::auth::dmarc {

class PublicSuffixList;
using PslPtr = std::shared_ptr<const PublicSuffixList>;

class PublicSuffixList {
 public:
  // The newest list available (libpsl's built-in data or the system file).
  // Result on failure: kIo when libpsl has no list at all.
  static Result<PslPtr> load_latest();
  // A list in publicsuffix.org format ("effective_tld_names.dat").
  // Result on failure: kIo when the file cannot be read or parsed.
  static Result<PslPtr> load_file(const std::string& path);

  ~PublicSuffixList();
  PublicSuffixList(const PublicSuffixList&) = delete;
  PublicSuffixList& operator=(const PublicSuffixList&) = delete;

  // The organizational domain of `domain` (normalised first, see normalize_domain()).
  // Returns "" for an empty name.
  std::string organizational_domain(std::string_view domain) const;

 private:
  struct Free {
    void operator()(psl_ctx_st* p) const;
  };
  explicit PublicSuffixList(psl_ctx_st* ctx) : ctx_(ctx) {}
  std::unique_ptr<psl_ctx_st, Free> ctx_;
};

// Lower-case ASCII letters and strip leading and trailing dots (".mac.com." -> "mac.com").
std::string normalize_domain(std::string_view domain);

// Identifier alignment: strict = the same name; relaxed = the same organizational domain.
bool aligned(std::string_view a, std::string_view b, Alignment mode,
             const PublicSuffixList& psl);

}  // namespace mw::auth::dmarc
