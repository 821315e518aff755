#include "auth/dmarc/options.h"

namespace mw::auth::dmarc {

namespace {

constexpr char kTimeout[] = "options.dmarc.timeout";
constexpr char kCheckNonexistent[] = "options.dmarc.check_nonexistent";
constexpr char kPublicSuffixList[] = "options.dmarc.public_suffix_list";

}  // namespace

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("options.dmarc", "DMARC evaluation (RFC 7489, with np= from DMARCbis)");
  s.add({kTimeout, OptType::kDuration, "\"5s\"",
         "Time limit for DMARC policy discovery; past it the result is temperror", 0, 300});
  s.add({kCheckNonexistent, OptType::kBool, "true",
         "Look up A, AAAA and MX of a From subdomain when its organizational domain "
         "publishes np=, so that the non-existent-domain policy can apply"});
  s.add({kPublicSuffixList, OptType::kString, "\"\"",
         "Public Suffix List file (publicsuffix.org format) for organizational domains; "
         "empty: libpsl's newest list (Debian: /usr/share/publicsuffix)",
         std::nullopt, std::nullopt, {}, false});
}

Options options_from(const core::Config& cfg) {
  Options o;
  o.timeout = cfg.get_duration(kTimeout);
  o.check_nonexistent = cfg.get_bool(kCheckNonexistent);
  o.public_suffix_list = cfg.get_string(kPublicSuffixList);
  return o;
}

Result<PslPtr> load_public_suffix_list(const Options& options) {
  if (options.public_suffix_list.empty()) return PublicSuffixList::load_latest();
  return PublicSuffixList::load_file(options.public_suffix_list);
}

}  // namespace mw::auth::dmarc
