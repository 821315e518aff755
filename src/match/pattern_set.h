// PatternSet: one regexp class (all the regexps that scan the same kind of buffer, e.g. the
// Subject header, the text parts, the URLs), compiled so that one pass over a buffer answers
// every regexp of the class at once. Compiler: what builds PatternSets, once per
// configuration, in the master process before the workers fork.
//
// Engines. Each pattern of a set runs on one engine (see engine()):
//   kHyperscan  exact, inside the class's one Hyperscan database (BLOCK mode, SINGLEMATCH;
//               flags i, m, s map to CASELESS, MULTILINE, DOTALL and u to UTF8|UCP; x is
//               sent as a leading (?x), A as \A(?:...));
//   kPrefilter  Hyperscan refused it (back-references, lookaround, atomic groups, ...) but
//               accepted its HS_FLAG_PREFILTER approximation: a Hyperscan hit is confirmed by
//               running PCRE2 over the buffer, so only real matches are reported;
//   kPcre       PCRE2 alone (Hyperscan refused both forms, the pattern can match the empty
//               string, starts with a (*VERB), contains a NUL byte, or Hyperscan is off);
//   kInvalid    PCRE2 refused it: logged as an error once, never matches.
// Hyperscan is off for every set when MatchOptions::hyperscan is false or the CPU lacks
// SSSE3 (hs_valid_platform; one warning per Compiler). Each fallback is logged once, with
// Hyperscan's reason, when the set is compiled.
//
// Answers. scan() gives the same answer with Hyperscan on or off: both report whether a
// pattern matches somewhere in the buffer (Hyperscan's leftmost-longest reporting and
// PCRE2's first match differ in positions only, which a set does not report). UTF-8 (u)
// patterns on a buffer that is not valid UTF-8 are answered by PCRE2, whose
// PCRE2_MATCH_INVALID_UTF semantics are defined for such input, where Hyperscan's are not.
//
// Cache. With a cache directory, a compiled database is written to
// <cache_dir>/<key>.hsdb, key = SHA-256 over the patterns (source, flags, ids = positions),
// the Hyperscan and PCRE2 versions, the platform (hs_populate_platform: tuning and CPU
// features) and the file format version. The write is atomic (temporary file, fsync,
// rename). A later build with the same key loads the file instead of compiling; a file that
// is truncated, corrupt (SHA-256 trailer), for another key, or refused by
// hs_deserialize_database / hs_alloc_scratch is logged, recompiled and replaced. The cache
// directory is trusted (operator-owned): the checksum detects damage, not forgery.
// Stale files of old configurations stay until removed (see prune_cache in match/cache.h).
//
// Ownership: a PatternSet owns its database and PCRE2 code. It is immutable once built, so
// one set serves every worker (fork shares it copy-on-write). Scanning needs a per-worker
// Scratch (match/scratch.h). Loop affinity: build in the master (it may take seconds for
// thousands of patterns); scan from any thread with that thread's Scratch.
// Failure modes: see Compiler::build and PatternSet::scan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/result.h"
#include "match/hs_fwd.h"
#include "match/match_set.h"
#include "match/options.h"
#include "match/pattern.h"
#include "match/regexp.h"

namespace mw::match {

class Scratch;

enum class Engine : uint8_t {
  kHyperscan = 0,
  kPrefilter = 1,
  kPcre = 2,
  kInvalid = 3,
};
std::string_view engine_name(Engine e);  // "hyperscan", "prefilter", "pcre", "invalid"

enum class CacheStatus : uint8_t {
  kNone,   // no cache: no directory configured, Hyperscan off, or no pattern
  kHit,    // loaded from the cache file
  kMiss,   // no cache file: compiled (and written, unless cache_error says otherwise)
  kStale,  // a cache file was there but unusable (see cache_error): compiled and replaced
};
std::string_view cache_status_name(CacheStatus s);

struct BuildInfo {
  CacheStatus cache = CacheStatus::kNone;
  std::string cache_file;     // the file read or written; empty without a cache
  std::string cache_error;    // why the file was unusable or could not be written
  double seconds = 0;         // wall time of the build (compile or load)
  size_t database_bytes = 0;  // size of the Hyperscan database; 0 without one
  bool from_cache() const { return cache == CacheStatus::kHit; }
};

// What Hyperscan says about this machine. detect() asks the library; tests may fake it.
struct HsPlatform {
  bool valid = false;         // hs_valid_platform() == HS_SUCCESS
  uint32_t tune = 0;          // hs_platform_info_t::tune
  uint64_t cpu_features = 0;  // hs_platform_info_t::cpu_features
  static HsPlatform detect();
};

class PatternSet;
using PatternSetPtr = std::unique_ptr<const PatternSet>;

class PatternSet {
 public:
  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  const std::string& name() const { return name_; }
  size_t size() const { return entries_.size(); }
  // REQUIRES for the per-id accessors: id < size().
  const Pattern& pattern(size_t id) const { return entries_[id].pattern; }
  Engine engine(size_t id) const { return entries_[id].engine; }
  // Why the pattern is not kHyperscan (Hyperscan's or PCRE2's message); empty otherwise.
  const std::string& note(size_t id) const { return entries_[id].note; }
  size_t count(Engine e) const;
  const BuildInfo& build_info() const { return build_; }
  bool from_cache() const { return build_.from_cache(); }
  bool has_database() const { return db_ != nullptr; }
  uint64_t max_scan_size() const { return max_scan_size_; }

  // A MatchSet sized for this set (all bits clear).
  MatchSet make_match_set() const { return MatchSet(size()); }

  // Mark in `out` every pattern that matches somewhere in the first max_scan_size() bytes
  // of `buffer` (cut back to a UTF-8 character boundary). Bits already set stay set, and
  // patterns already set are not run again, so buffers of one class accumulate; `out` grows
  // to size() if it is smaller.
  // A PCRE2 pattern stopped by the match limit counts as not matched (scratch stats count it).
  // Result on failure: kInternal when Hyperscan fails (out of memory, a scratch that is in
  // use by an enclosing scan); the PCRE2 patterns have still been run. A scratch not yet
  // prepared for this set is grown on the spot (counted in Scratch::stats).
  Status scan(std::string_view buffer, Scratch& scratch, MatchSet& out) const;

 private:
  friend class Compiler;
  friend class Scratch;
  friend struct SetBuilder;

  struct Entry {
    Pattern pattern;
    Engine engine = Engine::kPcre;
    std::string note;
  };

  PatternSet() = default;
  bool pcre_matches(uint32_t id, std::string_view buf, Scratch& scratch) const;

  std::string name_;
  std::vector<Entry> entries_;
  std::vector<PcreCodePtr> pcre_;  // per id; set when the pattern needs PCRE2
  HsDatabasePtr db_;
  // Per id, how a Hyperscan report is handled (kRoute* bits in pattern_set.cpp).
  std::vector<uint8_t> routes_;
  std::vector<uint32_t> pcre_ids_;    // kPcre patterns with code, in id order
  std::vector<uint32_t> utf_hs_ids_;  // u patterns in the database (rerun on bad UTF-8)
  size_t prefilter_count_ = 0;
  uint64_t max_scan_size_ = 0;
  BuildInfo build_;
};

class Compiler {
 public:
  // Detects the platform; warns once on `logger` when Hyperscan is wanted but unusable.
  // REQUIRES: `logger` outlives the Compiler.
  Compiler(MatchOptions options, core::Logger& logger);
  // Same with a given platform (tests: a CPU without SSSE3, other CPU features).
  Compiler(MatchOptions options, core::Logger& logger, HsPlatform platform);

  const MatchOptions& options() const { return options_; }
  const HsPlatform& platform() const { return platform_; }
  bool hyperscan_enabled() const { return hyperscan_; }

  // Build the set of `patterns`; pattern ids are their positions. `name` (the class, e.g.
  // "header:Subject") is used in log lines only.
  // Invalid patterns do not fail the build: they become kInvalid (logged as errors). Cache
  // problems do not fail it either: they are logged and reported in build_info().
  // A class Hyperscan cannot build as a whole (resource limits) falls back to PCRE2, warned.
  // Result on failure: kInternal when PCRE2 cannot allocate a compile context.
  Result<PatternSetPtr> build(std::string name, std::vector<Pattern> patterns) const;

 private:
  MatchOptions options_;
  core::Logger* logger_;
  HsPlatform platform_;
  bool hyperscan_ = false;
};

}  // namespace mw::match
