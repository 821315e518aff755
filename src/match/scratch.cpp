#include "match/scratch.h"

#include "match/hs_handles.h"
#include "match/pattern_set.h"

namespace mw::match {

void HsDatabaseDeleter::operator()(hs_database* db) const { hs_free_database(db); }
void HsScratchDeleter::operator()(hs_scratch* scratch) const { hs_free_scratch(scratch); }

const char* hs_error_name(hs_error_t rc) {
  switch (rc) {
    case HS_SUCCESS: return "HS_SUCCESS";
    case HS_INVALID: return "HS_INVALID";
    case HS_NOMEM: return "HS_NOMEM";
    case HS_SCAN_TERMINATED: return "HS_SCAN_TERMINATED";
    case HS_COMPILER_ERROR: return "HS_COMPILER_ERROR";
    case HS_DB_VERSION_ERROR: return "HS_DB_VERSION_ERROR";
    case HS_DB_PLATFORM_ERROR: return "HS_DB_PLATFORM_ERROR";
    case HS_DB_MODE_ERROR: return "HS_DB_MODE_ERROR";
    case HS_BAD_ALIGN: return "HS_BAD_ALIGN";
    case HS_BAD_ALLOC: return "HS_BAD_ALLOC";
    case HS_SCRATCH_IN_USE: return "HS_SCRATCH_IN_USE";
    case HS_ARCH_ERROR: return "HS_ARCH_ERROR";
    case HS_INSUFFICIENT_SPACE: return "HS_INSUFFICIENT_SPACE";
    default: return "HS_UNKNOWN_ERROR";
  }
}

Result<ScratchPtr> Scratch::create(const MatchOptions& options,
                                   std::span<const PatternSet* const> sets) {
  ScratchPtr s(new Scratch());
  auto ctx = RegexpContext::create(options.limits());
  if (!ctx) return fail(ctx.error());
  s->pcre_ = std::move(*ctx);
  for (const PatternSet* set : sets) {
    if (set != nullptr) MW_TRY(s->prepare(*set));
  }
  return s;
}

Scratch::~Scratch() = default;

Status Scratch::prepare(const PatternSet& set) {
  if (set.prefilter_count_ > pending_.capacity()) pending_.reserve(set.prefilter_count_);
  if (!set.db_) return {};
  hs_scratch_t* raw = hs_.release();
  hs_error_t rc = hs_alloc_scratch(set.db_.get(), &raw);
  hs_.reset(raw);  // Hyperscan frees and nulls the old scratch when it fails after resizing
  if (rc != HS_SUCCESS) {
    return fail(ErrorCode::kInternal,
                "Hyperscan scratch for regexp class '" + set.name() + "': " + hs_error_name(rc));
  }
  return {};
}

}  // namespace mw::match
