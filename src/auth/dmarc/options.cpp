#include "auth/dmarc/options.h"

#include "core/option_table.h"

namespace mw::auth::dmarc {

namespace {

constexpr char kPrefix[] = "options.dmarc";
constexpr char kReportPrefix[] = "dmarc_report";

core::OptionTable<Options> table() {
  using core::OptType;
  return {kPrefix, "DMARC evaluation (RFC 7489, with np= from DMARCbis)", {
      {&Options::timeout,
       {"timeout", OptType::kDuration, "\"5s\"",
        "Time limit for DMARC policy discovery; past it the result is temperror", 0, 300}},
      {&Options::check_nonexistent,
       {"check_nonexistent", OptType::kBool, "true",
        "Look up A, AAAA and MX of a From subdomain when its organizational domain "
        "publishes np=, so that the non-existent-domain policy can apply"}},
      {&Options::public_suffix_list,
       {"public_suffix_list", OptType::kString, "\"\"",
        "Public Suffix List file (publicsuffix.org format) for organizational domains; "
        "empty: libpsl's newest list (Debian: /usr/share/publicsuffix)",
        std::nullopt, std::nullopt, {}, false}},
  }};
}

core::OptionTable<ReportOptions> report_table() {
  using core::OptType;
  using R = ReportOptions;
  return {kReportPrefix, "DMARC aggregate reports sent by `mailward dmarc-report`", {
      {&R::org_name,
       {"org_name", OptType::kString, "\"\"",
        "Our organisation's name in reports (required to send)"}},
      {&R::email,
       {"email", OptType::kString, "\"\"",
        "Contact address in reports and From: of report mails (required to send)"}},
      {&R::extra_contact_info,
       {"extra_contact_info", OptType::kString, "\"\"",
        "More contact information in reports (optional)"}},
      {&R::domain,
       {"domain", OptType::kString, "\"\"",
        "Our domain in report file names and subjects (empty: the domain of `email`)"}},
      {&R::smtp_relay,
       {"smtp_relay", OptType::kString, "\"127.0.0.1:25\"",
        "SMTP relay (numeric HOST:PORT) that takes report mails"}},
      {&R::helo,
       {"helo", OptType::kString, "\"\"", "Our name in EHLO (empty: dmarc_report.domain)"}},
      {&R::timeout,
       {"timeout", OptType::kDuration, "\"60s\"",
        "Time limit per SMTP read or write and per DNS lookup", 1, 3600}},
      {&R::max_rows,
       {"max_rows", OptType::kInt, "100000", "Report rows read per policy domain and day at most",
        1, 10000000}},
  }};
}

}  // namespace

void declare_options(core::Schema& s) {
  table().declare(s);
  report_table().declare(s);
}

ReportOptions report_options_from(const core::Config& cfg) {
  ReportOptions o = report_table().read(cfg);
  if (o.domain.empty()) {
    auto at = o.email.rfind('@');
    if (at != std::string::npos) o.domain = o.email.substr(at + 1);
  }
  if (o.helo.empty()) o.helo = o.domain;
  return o;
}

Options options_from(const core::Config& cfg) { return table().read(cfg); }

Result<PslPtr> load_public_suffix_list(const Options& options) {
  if (options.public_suffix_list.empty()) return PublicSuffixList::load_latest();
  return PublicSuffixList::load_file(options.public_suffix_list);
}

}  // namespace mw::auth::dmarc
