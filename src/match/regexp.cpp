#include "match/regexp.h"

#include "match/pcre_util.h"
#include "match/text_util.h"

namespace mw::match {

namespace {

// JIT stack: PCRE2 starts with 32 KiB and grows it up to this size before failing with
// PCRE2_ERROR_JIT_STACKLIMIT (then counted as a limit hit).
constexpr size_t kJitStackStart = 32 * 1024;
constexpr size_t kJitStackMax = 1024 * 1024;

Error match_error(const Pattern& p, int rc) {
  ErrorCode code = pcre_is_limit_error(rc) ? ErrorCode::kLimit : ErrorCode::kInternal;
  return Error{code, "regexp " + describe_pattern(p) + ": " + pcre_error_message(rc)};
}

// Length of the character starting at `pos` in UTF-8 mode (1 for bytes that do not start a
// well-formed sequence, so that iteration always moves forward).
size_t char_length(std::string_view s, size_t pos, bool utf8) {
  if (!utf8 || pos >= s.size()) return 1;
  size_t n = 1;
  while (pos + n < s.size() && n < 4 && (static_cast<unsigned char>(s[pos + n]) & 0xC0) == 0x80) {
    ++n;
  }
  return n;
}

}  // namespace

// ---- RegexpContext ----

Result<RegexpContextPtr> RegexpContext::create(MatchLimits limits, bool jit_stack) {
  RegexpContextPtr ctx(new RegexpContext());
  ctx->limits_ = limits;
  ctx->mcontext_ = pcre2_match_context_create(nullptr);
  if (ctx->mcontext_ == nullptr) {
    return fail(ErrorCode::kInternal, "PCRE2: cannot allocate a match context");
  }
  pcre2_set_match_limit(ctx->mcontext_, limits.match_limit);
  if (jit_stack) ctx->jit_stack_ = pcre2_jit_stack_create(kJitStackStart, kJitStackMax, nullptr);
  // Without a JIT stack of our own PCRE2 uses 32 KiB of the machine stack: still correct.
  if (ctx->jit_stack_ != nullptr) pcre2_jit_stack_assign(ctx->mcontext_, nullptr, ctx->jit_stack_);
  if (ctx->match_data(16) == nullptr) {
    return fail(ErrorCode::kInternal, "PCRE2: cannot allocate match data");
  }
  return ctx;
}

RegexpContext::~RegexpContext() {
  pcre2_match_data_free(match_data_);
  pcre2_jit_stack_free(jit_stack_);
  pcre2_match_context_free(mcontext_);
}

pcre2_real_match_data_8* RegexpContext::match_data(uint32_t pairs) {
  if (pairs == 0) pairs = 1;
  if (match_data_ != nullptr && match_data_pairs_ >= pairs) return match_data_;
  pcre2_match_data* md = pcre2_match_data_create(pairs, nullptr);
  if (md == nullptr) return nullptr;
  pcre2_match_data_free(match_data_);
  match_data_ = md;
  match_data_pairs_ = pairs;
  return match_data_;
}

// ---- Regexp ----

Regexp::~Regexp() = default;

Result<RegexpPtr> Regexp::compile(const Pattern& pattern, bool jit) {
  auto compiled = pcre_compile_pattern(pattern, jit);
  if (!compiled) return fail(compiled.error());
  RegexpPtr re(new Regexp());
  re->pattern_ = pattern;
  re->code_ = std::move(compiled->code);
  re->captures_ = compiled->captures;
  re->jit_ = compiled->jit;
  return re;
}

Result<RegexpPtr> Regexp::create(std::string_view text, bool jit) {
  auto p = parse_pattern(text);
  if (!p) return fail(p.error());
  return compile(*p, jit);
}

Result<bool> Regexp::matches(std::string_view subject, RegexpContext& ctx) const {
  std::string_view s = clamp_subject(subject, ctx.limits().max_input);
  if (s.size() != subject.size()) ++ctx.mutable_stats().truncated;
  int rc = pcre_run(code_.get(), s, 0, 0, ctx, 1);
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) return fail(match_error(pattern_, rc));
  return true;
}

Result<bool> Regexp::full_match(std::string_view subject, RegexpContext& ctx) const {
  std::string_view s = clamp_subject(subject, ctx.limits().max_input);
  if (s.size() != subject.size()) {
    ++ctx.mutable_stats().truncated;
    return false;
  }
  int rc = pcre_run(code_.get(), s, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, ctx, 1);
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) return fail(match_error(pattern_, rc));
  return true;
}

template <typename Visit>
Status Regexp::for_each_match(std::string_view s, RegexpContext& ctx, size_t offset,
                              size_t max_matches, Visit&& visit) const {
  const uint32_t pairs = captures_ + 1;
  uint32_t options = 0;
  size_t found = 0;
  while (found < max_matches && offset <= s.size()) {
    int rc = pcre_run(code_.get(), s, offset, options, ctx, pairs);
    if (rc == PCRE2_ERROR_NOMATCH) {
      if (options == 0) break;
      // The retry after an empty match failed: move one character on and search normally.
      offset += char_length(s, offset, pattern_.utf8());
      options = 0;
      continue;
    }
    if (rc < 0) return fail(match_error(pattern_, rc));
    pcre2_match_data* md = ctx.match_data(pairs);
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    uint32_t n = pcre2_get_ovector_count(md);
    size_t begin = ov[0], end = ov[1];
    // \K inside a lookaround can put the start after the end: report nothing further.
    if (begin > end || end > s.size()) break;
    Match m;
    m.groups.resize(pairs);
    for (uint32_t g = 0; g < pairs && g < n; ++g) {
      if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] == PCRE2_UNSET || ov[2 * g] > ov[2 * g + 1] ||
          ov[2 * g + 1] > s.size()) {
        continue;
      }
      m.groups[g] = Span{ov[2 * g], ov[2 * g + 1]};
    }
    ++found;
    if (!visit(std::move(m))) break;
    // After an empty match, first try a non-empty match at the same place (Perl's rule).
    options = (begin == end) ? (PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED) : 0;
    offset = end;
  }
  return {};
}

Result<std::optional<Match>> Regexp::find(std::string_view subject, RegexpContext& ctx,
                                          size_t offset) const {
  std::string_view s = clamp_subject(subject, ctx.limits().max_input);
  if (s.size() != subject.size()) ++ctx.mutable_stats().truncated;
  std::optional<Match> out;
  if (offset > s.size()) return out;
  MW_TRY(for_each_match(s, ctx, offset, 1, [&](Match&& m) {
    out = std::move(m);
    return false;
  }));
  return out;
}

Result<std::vector<Match>> Regexp::search(std::string_view subject, RegexpContext& ctx,
                                          size_t max_matches) const {
  std::string_view s = clamp_subject(subject, ctx.limits().max_input);
  if (s.size() != subject.size()) ++ctx.mutable_stats().truncated;
  std::vector<Match> out;
  MW_TRY(for_each_match(s, ctx, 0, max_matches, [&](Match&& m) {
    out.push_back(std::move(m));
    return true;
  }));
  return out;
}

Result<size_t> Regexp::count(std::string_view subject, RegexpContext& ctx,
                             size_t max_matches) const {
  std::string_view s = clamp_subject(subject, ctx.limits().max_input);
  if (s.size() != subject.size()) ++ctx.mutable_stats().truncated;
  size_t n = 0;
  MW_TRY(for_each_match(s, ctx, 0, max_matches, [&](Match&&) {
    ++n;
    return true;
  }));
  return n;
}

Result<std::vector<std::string_view>> Regexp::split(std::string_view subject,
                                                    RegexpContext& ctx) const {
  std::string_view s = clamp_subject(subject, ctx.limits().max_input);
  if (s.size() != subject.size()) ++ctx.mutable_stats().truncated;
  std::vector<std::string_view> out;
  size_t piece_start = 0;
  MW_TRY(for_each_match(s, ctx, 0, kNoLimit, [&](Match&& m) {
    if (m.begin() > piece_start)
      out.push_back(subject.substr(piece_start, m.begin() - piece_start));
    if (m.end() > piece_start) piece_start = m.end();
    return true;
  }));
  if (piece_start < subject.size()) out.push_back(subject.substr(piece_start));
  return out;
}

// ---- one-off convenience forms ----

bool Regexp::matches(std::string_view subject) const {
  auto ctx = RegexpContext::create({}, false);
  if (!ctx) return false;
  auto m = matches(subject, **ctx);
  return m && *m;
}

std::vector<std::vector<std::string_view>> Regexp::search(std::string_view subject,
                                                          bool captures) const {
  std::vector<std::vector<std::string_view>> out;
  auto ctx = RegexpContext::create({}, false);
  if (!ctx) return out;
  auto all = search(subject, **ctx);
  if (!all) return out;
  out.reserve(all->size());
  for (const Match& m : *all) {
    std::vector<std::string_view> groups;
    size_t n = captures ? m.groups.size() : 1;
    for (size_t g = 0; g < n && g < m.groups.size(); ++g) groups.push_back(m.groups[g].in(subject));
    out.push_back(std::move(groups));
  }
  return out;
}

std::vector<std::string_view> Regexp::split(std::string_view subject) const {
  auto ctx = RegexpContext::create({}, false);
  if (!ctx) return {};
  auto parts = split(subject, **ctx);
  return parts ? std::move(*parts) : std::vector<std::string_view>{};
}

}  // namespace mw::match
