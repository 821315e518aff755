// The `[options.regexp]` configuration table and the settings of the match module.
//
// Options (declared by declare_options, documented in the schema):
//   hyperscan         true   compile regexp classes with Hyperscan; false = PCRE2 only
//   cache_dir         ""     where compiled Hyperscan databases are kept between starts:
//                            "" = the application's default (<dbdir>/hs_cache, passed to
//                            options_from), "none" = no cache, anything else = that directory
//   max_scan_size     "1M"   bytes of one buffer a regexp looks at (both engines; 0 = all)
//   pcre_jit          true   JIT-compile PCRE2 regexps
//   pcre_match_limit  1000000  PCRE2 backtracking steps per start position; a regexp that
//                            needs more does not match (PatternSet) or fails (Regexp)
// All are read at start-up and on reload (a reload rebuilds the pattern sets).
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/result.h"
#include "match/regexp.h"

namespace mw::match {

struct MatchOptions {
  bool hyperscan = true;
  std::string cache_dir;                      // empty: no cache
  uint64_t max_scan_size = kDefaultMaxInput;  // 0: no limit
  bool pcre_jit = true;
  uint32_t pcre_match_limit = kDefaultMatchLimit;

  MatchLimits limits() const { return MatchLimits{pcre_match_limit, max_scan_size}; }
};

// Declare the `[options.regexp]` options (explicit registry: the app calls this once).
void declare_options(core::Schema& schema);

// Read the options from a loaded config. REQUIRES: its schema went through declare_options.
// `default_cache_dir` is what an empty cache_dir means: the app passes <dbdir>/hs_cache
// (left empty, an empty cache_dir means no cache).
// Result on failure: kInvalidInput when cache_dir is a relative path other than "none".
Result<MatchOptions> options_from(const core::Config& cfg,
                                  std::string_view default_cache_dir = {});

}  // namespace mw::match
