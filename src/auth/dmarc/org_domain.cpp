#include "auth/dmarc/org_domain.h"

#include <libpsl.h>

#include "core/ascii.h"

namespace mw::auth::dmarc {

void PublicSuffixList::Free::operator()(psl_ctx_st* p) const { psl_free(p); }

PublicSuffixList::~PublicSuffixList() = default;

Result<PslPtr> PublicSuffixList::load_latest() {
  // The newer of the built-in list and the distribution's file. psl_free() accepts the
  // built-in context too (it leaves it alone).
  psl_ctx_t* ctx = psl_latest(nullptr);
  if (ctx == nullptr) return fail(ErrorCode::kIo, "libpsl has no public suffix list");
  return PslPtr(new PublicSuffixList(ctx));
}

Result<PslPtr> PublicSuffixList::load_file(const std::string& path) {
  psl_ctx_t* ctx = psl_load_file(path.c_str());
  if (ctx == nullptr) return fail(ErrorCode::kIo, "cannot load the public suffix list " + path);
  return PslPtr(new PublicSuffixList(ctx));
}

std::string PublicSuffixList::organizational_domain(std::string_view domain) const {
  std::string name = normalize_domain(domain);
  if (name.empty()) return name;
  const char* reg = psl_registrable_domain(ctx_.get(), name.c_str());
  if (reg == nullptr) return name;  // a public suffix (or unknown): its own org domain
  return std::string(reg);
}

std::string normalize_domain(std::string_view domain) {
  return core::to_lower(core::trim_if(domain, [](char c) { return c == '.'; }));
}

bool aligned(std::string_view a, std::string_view b, Alignment mode,
             const PublicSuffixList& psl) {
  std::string na = normalize_domain(a);
  std::string nb = normalize_domain(b);
  if (na.empty() || nb.empty()) return false;
  if (na == nb) return true;
  if (mode == Alignment::kStrict) return false;
  return psl.organizational_domain(na) == psl.organizational_domain(nb);
}

}  // namespace mw::auth::dmarc
