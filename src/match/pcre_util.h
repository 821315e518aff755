// PCRE2 helpers shared by Regexp and PatternSet. Private to src/match.
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "match/pattern.h"
#include "match/regexp.h"

namespace mw::match {

// PCRE2 compile options for pattern flags: i CASELESS, m MULTILINE, s DOTALL, x EXTENDED,
// u UTF|UCP|MATCH_INVALID_UTF, A ANCHORED. (O and L do not change the compiled pattern.)
uint32_t pcre_compile_options(uint32_t flags);

struct PcreCompiled {
  PcreCodePtr code;
  uint32_t captures = 0;
  bool jit = false;  // JIT code present
};

// Compile with LF newlines; JIT-compile when `jit` is set and the pattern has no O flag
// (a JIT failure leaves the interpreter). Result on failure: kInvalidInput with the PCRE2
// message and offset.
Result<PcreCompiled> pcre_compile_pattern(const Pattern& p, bool jit);

// JIT-compile an already compiled pattern; false when JIT is unavailable or fails.
bool pcre_jit(pcre2_code* code);

// One pcre2_match call with the context's match data (at least `pairs` pairs) and limits,
// counting it in the context's stats. Returns PCRE2's result code: > 0 or 0 on a match,
// PCRE2_ERROR_NOMATCH, or another negative error (the limit errors are counted as limit_hits,
// the rest as errors). PCRE2_ERROR_NOMEMORY when match data cannot be allocated.
int pcre_run(const pcre2_code* code, std::string_view subject, size_t offset, uint32_t options,
             RegexpContext& ctx, uint32_t pairs);

// True for the error codes that mean a configured limit stopped the match.
bool pcre_is_limit_error(int rc);

// PCRE2's text for an error code.
std::string pcre_error_message(int code);

// The library version, e.g. "10.42 2022-12-11".
std::string pcre_version();

}  // namespace mw::match
