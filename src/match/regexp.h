// Regexp: one compiled PCRE2 regular expression, for direct use by Lua rules
// (rspamd_regexp.create_cached('/re/i'), re:match(s), re:search(s), re:split(s)), and
// RegexpContext: the per-worker PCRE2 matching state it runs with.
//
// A Regexp is compiled once (JIT when PCRE2 has it and it is not disabled) and is immutable
// afterwards: it may be shared by every caller of one process and survives fork(). Every
// match call takes the caller's RegexpContext, which holds the reusable match data, the JIT
// stack and the limits, so no call allocates PCRE2 state.
//
// Limits (both come from [options.regexp], see match/options.h):
//   - max_input: a call looks at the first max_input bytes of its subject only (cut back to a
//     UTF-8 character boundary); positions are offsets into the subject as given.
//   - match_limit: PCRE2 backtracking steps per start position; a regexp that needs more
//     fails the call with kLimit (catastrophic backtracking never hangs a worker).
//
// Semantics: the newline is LF; in UTF-8 mode (flag u) subjects need not be valid UTF-8:
// invalid sequences simply never match (PCRE2_MATCH_INVALID_UTF).
//
// Ownership: a Regexp owns its pcre2_code; a RegexpContext owns its match data, match
// context and JIT stack. Match results hold offsets, never pointers into PCRE2 state.
// Loop affinity: a RegexpContext belongs to one thread (one per worker); a Regexp is
// read-only and may be used from any thread with that thread's context.
// Failure modes: compile errors are kInvalidInput with PCRE2's message and offset; match
// calls fail with kLimit (match limit, JIT stack, heap) or kInternal (out of memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "match/pattern.h"

// PCRE2 types (8-bit library), forward-declared so that this header does not pull in pcre2.h.
struct pcre2_real_code_8;
struct pcre2_real_match_data_8;
struct pcre2_real_match_context_8;
struct pcre2_real_jit_stack_8;

namespace mw::match {

inline constexpr uint32_t kDefaultMatchLimit = 1000000;
inline constexpr uint64_t kDefaultMaxInput = 1u << 20;

struct PcreCodeDeleter {
  void operator()(pcre2_real_code_8* code) const;
};
using PcreCodePtr = std::unique_ptr<pcre2_real_code_8, PcreCodeDeleter>;

struct MatchLimits {
  uint32_t match_limit = kDefaultMatchLimit;  // PCRE2 match limit (per start position)
  uint64_t max_input = kDefaultMaxInput;      // bytes of a subject looked at; 0 = no limit
};

class RegexpContext;
using RegexpContextPtr = std::unique_ptr<RegexpContext>;

class RegexpContext {
 public:
  struct Stats {
    uint64_t calls = 0;       // pcre2_match calls
    uint64_t truncated = 0;   // subjects cut to max_input
    uint64_t limit_hits = 0;  // calls stopped by the match limit, JIT stack or heap limit
    uint64_t errors = 0;      // other PCRE2 errors (out of memory)
  };

  // `jit_stack`: give JIT matching a stack of its own (grows to 1 MiB) instead of PCRE2's
  // 32 KiB default on the machine stack; per-worker contexts want it, one-off ones need not.
  // Result on failure: kInternal when PCRE2 cannot allocate its contexts.
  static Result<RegexpContextPtr> create(MatchLimits limits = {}, bool jit_stack = true);
  ~RegexpContext();
  RegexpContext(const RegexpContext&) = delete;
  RegexpContext& operator=(const RegexpContext&) = delete;

  const MatchLimits& limits() const { return limits_; }
  const Stats& stats() const { return stats_; }
  Stats& mutable_stats() { return stats_; }

  // For src/match: match data with room for at least `pairs` offset pairs (grown on demand,
  // reused afterwards); nullptr when it cannot be allocated.
  pcre2_real_match_data_8* match_data(uint32_t pairs);
  pcre2_real_match_context_8* match_context() { return mcontext_; }

 private:
  RegexpContext() = default;

  MatchLimits limits_;
  Stats stats_;
  pcre2_real_match_context_8* mcontext_ = nullptr;
  pcre2_real_jit_stack_8* jit_stack_ = nullptr;
  pcre2_real_match_data_8* match_data_ = nullptr;
  uint32_t match_data_pairs_ = 0;
};

// Offsets of one group in the subject: [begin, end). Groups that did not take part in the
// match have begin == end == kUnset.
struct Span {
  static constexpr size_t kUnset = static_cast<size_t>(-1);
  size_t begin = kUnset;
  size_t end = kUnset;

  bool matched() const { return begin != kUnset; }
  size_t size() const { return matched() ? end - begin : 0; }
  // The group's bytes in `subject` (the subject the match was made on); empty when unset.
  std::string_view in(std::string_view subject) const {
    return matched() ? subject.substr(begin, end - begin) : std::string_view();
  }
};

struct Match {
  std::vector<Span> groups;  // groups[0] is the whole match, then capture groups 1..n

  size_t begin() const { return groups.empty() ? Span::kUnset : groups[0].begin; }
  size_t end() const { return groups.empty() ? Span::kUnset : groups[0].end; }
};

class Regexp;
using RegexpPtr = std::unique_ptr<Regexp>;

class Regexp {
 public:
  static constexpr size_t kNoLimit = static_cast<size_t>(-1);

  // Compile a pattern. `jit` = false (or flag O) runs it in the PCRE2 interpreter; a JIT
  // compile that fails also falls back to the interpreter (see jit()).
  // Result on failure: kInvalidInput "regexp /.../: <PCRE2 message> at offset N".
  static Result<RegexpPtr> compile(const Pattern& pattern, bool jit = true);
  // parse_pattern + compile. Result on failure: the parse or compile error.
  static Result<RegexpPtr> create(std::string_view text, bool jit = true);
  static Result<RegexpPtr> compile(std::string_view text, bool jit = true) {
    return create(text, jit);
  }
  ~Regexp();
  Regexp(const Regexp&) = delete;
  Regexp& operator=(const Regexp&) = delete;

  const Pattern& pattern() const { return pattern_; }
  uint32_t capture_count() const { return captures_; }
  bool jit() const { return jit_; }

  // Whether the regexp matches anywhere in `subject`.
  Result<bool> matches(std::string_view subject, RegexpContext& ctx) const;
  // Whether the regexp matches the whole subject (anchored at both ends). A subject longer
  // than max_input never matches whole.
  Result<bool> full_match(std::string_view subject, RegexpContext& ctx) const;
  // The first match starting at or after `offset`, with its groups; nullopt when none.
  Result<std::optional<Match>> find(std::string_view subject, RegexpContext& ctx,
                                    size_t offset = 0) const;
  // Every non-overlapping match, left to right, at most `max_matches` of them. An empty
  // match is followed by a search one character further on (Perl's //g behaviour).
  Result<std::vector<Match>> search(std::string_view subject, RegexpContext& ctx,
                                    size_t max_matches = kNoLimit) const;
  // Number of non-overlapping matches, counting at most `max_matches`.
  Result<size_t> count(std::string_view subject, RegexpContext& ctx,
                       size_t max_matches = kNoLimit) const;
  // The pieces of `subject` between matches, empty pieces left out (as Rspamd's re:split).
  // Views point into `subject`. Past max_input the rest of the subject is one last piece.
  Result<std::vector<std::string_view>> split(std::string_view subject, RegexpContext& ctx) const;

  // Convenience forms for cold paths (configuration checks, settings, rarely run Lua
  // calls): each call makes its own PCRE2 match state with the default limits
  // (kDefaultMatchLimit, kDefaultMaxInput), and a limit hit or PCRE2 error reads as "no
  // match". Hot paths pass the worker's RegexpContext to the forms above instead.
  bool matches(std::string_view subject) const;
  // Rspamd's re:search shape: per match {whole match} or, with captures, {whole, group 1,
  // ...} (groups that did not take part are empty), views into `subject`.
  std::vector<std::vector<std::string_view>> search(std::string_view subject, bool captures) const;
  std::vector<std::string_view> split(std::string_view subject) const;

 private:
  Regexp() = default;
  // Visits matches in order; visit returns false to stop. REQUIRES: the subject is already
  // cut to max_input.
  template <typename Visit>
  Status for_each_match(std::string_view subject, RegexpContext& ctx, size_t offset,
                        size_t max_matches, Visit&& visit) const;

  Pattern pattern_;
  PcreCodePtr code_;
  uint32_t captures_ = 0;
  bool jit_ = false;
};

}  // namespace mw::match
