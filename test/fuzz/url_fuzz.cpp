// Fuzz target: URL and e-mail recognition (mime/urls.h). The input is scanned as free
// text (extract) and parsed as one URL (parse, as for an href) and one address
// (parse_email). Checks: no crash or hang, normalised URLs are ASCII and re-parse to
// themselves, hosts are lower-case, addresses have a domain with a dot, the limit holds.
// Seeds: test/fuzz/corpus/url/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/arena.h"
#include "mime/urls.h"

namespace {

void check_url(mw::mime::UrlExtractor& ex, mw::core::Arena& arena, const mw::mime::Url& u) {
  if (u.host.empty() || u.url.empty() || u.scheme.empty()) __builtin_trap();
  for (char c : u.url) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F) __builtin_trap();
  }
  for (char c : u.host) {
    if (c >= 'A' && c <= 'Z') __builtin_trap();
  }
  if (u.tld.size() > u.host.size()) __builtin_trap();
  mw::mime::Url again;
  if (!ex.parse(arena, u.url, again)) __builtin_trap();
  if (again.url != u.url || again.host != u.host) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One extractor for the whole run, as one per worker in production (loading the suffix
  // list per input would dominate the run time).
  static mw::mime::UrlExtractor ex;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  mw::core::Arena arena;
  mw::mime::Vec<mw::mime::Url> urls(&arena);
  mw::mime::Vec<mw::mime::EmailRef> emails(&arena);
  constexpr uint32_t kLimit = 200;
  ex.extract(arena, in, mw::mime::Origin::kText, 0, urls, emails, kLimit);
  if (urls.size() + emails.size() > kLimit) __builtin_trap();
  for (const auto& u : urls) {
    check_url(ex, arena, u);
    if (u.raw.data() < in.data() || u.raw.data() + u.raw.size() > in.data() + in.size()) {
      __builtin_trap();
    }
  }
  for (const auto& e : emails) {
    if (e.domain.find('.') == std::string_view::npos || e.user.empty()) __builtin_trap();
  }
  mw::mime::Url one;
  if (ex.parse(arena, in, one)) check_url(ex, arena, one);
  mw::mime::EmailRef addr;
  if (ex.parse_email(arena, in, addr) && addr.domain.empty()) __builtin_trap();
  if (size <= 256) {
    auto ascii = ex.to_ascii(arena, in);
    if (!ascii.empty()) (void)ex.to_unicode(arena, ascii);
    (void)ex.registrable_domain(arena, in);
  }
  return 0;
}
