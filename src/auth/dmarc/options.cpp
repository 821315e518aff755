#include "auth/dmarc/options.h"

#include "core/option_table.h"

namespace mw::auth::dmarc {

namespace {

constexpr char kPrefix[] = "options.dmarc";
constexpr char kReportPrefix[] = "dmarc_report";

std::vector<core::BoundOption<Options>> table() {
  using core::bind;
  using core::OptType;
  return {
      {bind<&Options::timeout>,
       {"timeout", OptType::kDuration, "\"5s\"",
        "Time limit for DMARC policy discovery; past it the result is temperror", 0, 300}},
      {bind<&Options::check_nonexistent>,
       {"check_nonexistent", OptType::kBool, "true",
        "Look up A, AAAA and MX of a From subdomain when its organizational domain "
        "publishes np=, so that the non-existent-domain policy can apply"}},
      {bind<&Options::public_suffix_list>,
       {"public_suffix_list", OptType::kString, "\"\"",
        "Public Suffix List file (publicsuffix.org format) for organizational domains; "
        "empty: libpsl's newest list (Debian: /usr/share/publicsuffix)",
        std::nullopt, std::nullopt, {}, false}},
  };
}

std::vector<core::BoundOption<ReportOptions>> report_table() {
  using core::bind;
  using core::OptType;
  using R = ReportOptions;
  return {
      {bind<&R::org_name>,
       {"org_name", OptType::kString, "\"\"",
        "Our organisation's name in reports (required to send)"}},
      {bind<&R::email>,
       {"email", OptType::kString, "\"\"",
        "Contact address in reports and From: of report mails (required to send)"}},
      {bind<&R::extra_contact_info>,
       {"extra_contact_info", OptType::kString, "\"\"",
        "More contact information in reports (optional)"}},
      {bind<&R::domain>,
       {"domain", OptType::kString, "\"\"",
        "Our domain in report file names and subjects (empty: the domain of `email`)"}},
      {bind<&R::smtp_relay>,
       {"smtp_relay", OptType::kString, "\"127.0.0.1:25\"",
        "SMTP relay (numeric HOST:PORT) that takes report mails"}},
      {bind<&R::helo>,
       {"helo", OptType::kString, "\"\"", "Our name in EHLO (empty: dmarc_report.domain)"}},
      {bind<&R::timeout>,
       {"timeout", OptType::kDuration, "\"60s\"",
        "Time limit per SMTP read or write and per DNS lookup", 1, 3600}},
      {bind<&R::max_rows>,
       {"max_rows", OptType::kInt, "100000", "Report rows read per policy domain and day at most",
        1, 10000000}},
  };
}

}  // namespace

void declare_options(core::Schema& s) {
  s.section(kPrefix, "DMARC evaluation (RFC 7489, with np= from DMARCbis)");
  core::declare_table(s, kPrefix, table());
  s.section(kReportPrefix, "DMARC aggregate reports sent by `mailward dmarc-report`");
  core::declare_table(s, kReportPrefix, report_table());
}

ReportOptions report_options_from(const core::Config& cfg) {
  ReportOptions o;
  core::read_table(cfg, kReportPrefix, report_table(), o);
  if (o.domain.empty()) {
    auto at = o.email.rfind('@');
    if (at != std::string::npos) o.domain = o.email.substr(at + 1);
  }
  if (o.helo.empty()) o.helo = o.domain;
  return o;
}

Options options_from(const core::Config& cfg) {
  Options o;
  core::read_table(cfg, kPrefix, table(), o);
  return o;
}

Result<PslPtr> load_public_suffix_list(const Options& options) {
  if (options.public_suffix_list.empty()) return PublicSuffixList::load_latest();
  return PublicSuffixList::load_file(options.public_suffix_list);
}

}  // namespace mw::auth::dmarc
