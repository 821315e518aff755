// Scratch: the per-worker state that PatternSet::scan needs: one Hyperscan scratch large
// enough for every database of the configuration, the PCRE2 matching state (match data,
// JIT stack, limits) and the buffer of prefilter hits awaiting confirmation.
//
// Create it in each worker after fork (Hyperscan scratch must not be shared between
// processes or threads), from the sets the worker will scan. Lua regexps of the same worker
// can use pcre() as their RegexpContext.
//
// Ownership: owns the hs_scratch_t and the RegexpContext. Loop affinity: one thread; one
// scan at a time (a scan from inside another scan's callback is refused by Hyperscan).
// Failure modes: create/prepare fail with kInternal when Hyperscan or PCRE2 cannot allocate,
// or when a database is refused by this CPU (HS_DB_PLATFORM_ERROR).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/result.h"
#include "match/hs_fwd.h"
#include "match/options.h"
#include "match/regexp.h"

namespace mw::match {

class PatternSet;
class Scratch;
using ScratchPtr = std::unique_ptr<Scratch>;

class Scratch {
 public:
  struct Stats {
    uint64_t scans = 0;          // PatternSet::scan calls
    uint64_t bytes = 0;          // bytes scanned (after max_scan_size)
    uint64_t truncated = 0;      // buffers cut to max_scan_size
    uint64_t confirmations = 0;  // prefilter hits checked with PCRE2
    uint64_t utf_fallbacks = 0;  // buffers not valid UTF-8 that sent u patterns to PCRE2
    uint64_t scratch_grows = 0;  // scans that found the scratch too small for their set
    uint64_t hs_errors = 0;      // Hyperscan scan failures
  };

  // `options` gives the PCRE2 limits (pcre_match_limit, max_scan_size for pcre() users).
  // `sets` are prepared at once; null entries are skipped.
  static Result<ScratchPtr> create(const MatchOptions& options,
                                   std::span<const PatternSet* const> sets = {});
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // Make the Hyperscan scratch large enough for `set` too (a no-op without a database).
  // Result on failure: kInternal with Hyperscan's error. After an allocation failure the
  // scratch may be empty; scans then try to grow it again.
  Status prepare(const PatternSet& set);

  RegexpContext& pcre() { return *pcre_; }
  const Stats& stats() const { return stats_; }

 private:
  friend class PatternSet;
  Scratch() = default;

  HsScratchPtr hs_;
  RegexpContextPtr pcre_;
  std::vector<uint32_t> pending_;  // prefilter hits of the current scan
  Stats stats_;
};

}  // namespace mw::match
