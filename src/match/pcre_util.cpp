#include "match/pcre_util.h"

#include <memory>

#include "core/c_ptr.h"

namespace mw::match {

namespace {

using CompileContextPtr = core::CPtr<pcre2_compile_context, pcre2_compile_context_free>;

}  // namespace

void PcreCodeDeleter::operator()(pcre2_real_code_8* code) const { pcre2_code_free(code); }

uint32_t pcre_compile_options(uint32_t flags) {
  uint32_t o = 0;
  if (flags & kCaseless) o |= PCRE2_CASELESS;
  if (flags & kMultiline) o |= PCRE2_MULTILINE;
  if (flags & kDotall) o |= PCRE2_DOTALL;
  if (flags & kExtended) o |= PCRE2_EXTENDED;
  if (flags & kUtf8) o |= PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
  if (flags & kAnchored) o |= PCRE2_ANCHORED;
  return o;
}

std::string pcre_error_message(int code) {
  PCRE2_UCHAR buf[256];
  int n = pcre2_get_error_message(code, buf, sizeof(buf));
  if (n < 0) return "PCRE2 error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

std::string pcre_version() {
  char buf[64] = {};
  int n = pcre2_config(PCRE2_CONFIG_VERSION, buf);
  if (n <= 0) return "unknown";
  return std::string(buf);
}

bool pcre_jit(pcre2_code* code) { return pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0; }

Result<PcreCompiled> pcre_compile_pattern(const Pattern& p, bool jit) {
  CompileContextPtr cctx(
      pcre2_compile_context_create(nullptr));
  if (!cctx) return fail(ErrorCode::kInternal, "PCRE2: cannot allocate a compile context");
  pcre2_set_newline(cctx.get(), PCRE2_NEWLINE_LF);
  int err = 0;
  PCRE2_SIZE err_off = 0;
  PcreCompiled out;
  out.code.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.source.data()), p.source.size(),
                               pcre_compile_options(p.flags), &err, &err_off, cctx.get()));
  if (!out.code) {
    return fail(ErrorCode::kInvalidInput, "regexp " + describe_pattern(p) + ": " +
                                              pcre_error_message(err) + " at offset " +
                                              std::to_string(err_off));
  }
  pcre2_pattern_info(out.code.get(), PCRE2_INFO_CAPTURECOUNT, &out.captures);
  if (jit && !p.has(kNoOpt)) out.jit = pcre_jit(out.code.get());
  return out;
}

bool pcre_is_limit_error(int rc) {
  return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
         rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

int pcre_run(const pcre2_code* code, std::string_view subject, size_t offset, uint32_t options,
             RegexpContext& ctx, uint32_t pairs) {
  pcre2_match_data* md = ctx.match_data(pairs);
  auto& stats = ctx.mutable_stats();
  ++stats.calls;
  if (md == nullptr) {
    ++stats.errors;
    return PCRE2_ERROR_NOMEMORY;
  }
  // An empty subject is passed with a valid pointer: PCRE2 refuses a NULL subject.
  const char* data = subject.data() != nullptr ? subject.data() : "";
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(data), subject.size(), offset, options,
                       md, ctx.match_context());
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
    if (pcre_is_limit_error(rc)) {
      ++stats.limit_hits;
    } else {
      ++stats.errors;
    }
  }
  return rc;
}

}  // namespace mw::match
