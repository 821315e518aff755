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
  s.section("dmarc_report", "DMARC aggregate reports sent by `mailward dmarc-report`");
  s.add({"dmarc_report.org_name", OptType::kString, "\"\"",
         "Our organisation's name in reports (required to send)"});
  s.add({"dmarc_report.email", OptType::kString, "\"\"",
         "Contact address in reports and From: of report mails (required to send)"});
  s.add({"dmarc_report.extra_contact_info", OptType::kString, "\"\"",
         "More contact information in reports (optional)"});
  s.add({"dmarc_report.domain", OptType::kString, "\"\"",
         "Our domain in report file names and subjects (empty: the domain of `email`)"});
  s.add({"dmarc_report.smtp_relay", OptType::kString, "\"127.0.0.1:25\"",
         "SMTP relay (numeric HOST:PORT) that takes report mails"});
  s.add({"dmarc_report.helo", OptType::kString, "\"\"",
         "Our name in EHLO (empty: dmarc_report.domain)"});
  s.add({"dmarc_report.timeout", OptType::kDuration, "\"60s\"",
         "Time limit per SMTP read or write and per DNS lookup", 1, 3600});
  s.add({"dmarc_report.max_rows", OptType::kInt, "100000",
         "Report rows read per policy domain and day at most", 1, 10000000});
}

ReportOptions report_options_from(const core::Config& cfg) {
  ReportOptions o;
  o.org_name = cfg.get_string("dmarc_report.org_name");
  o.email = cfg.get_string("dmarc_report.email");
  o.extra_contact_info = cfg.get_string("dmarc_report.extra_contact_info");
  o.domain = cfg.get_string("dmarc_report.domain");
  if (o.domain.empty()) {
    auto at = o.email.rfind('@');
    if (at != std::string::npos) o.domain = o.email.substr(at + 1);
  }
  o.smtp_relay = cfg.get_string("dmarc_report.smtp_relay");
  o.helo = cfg.get_string("dmarc_report.helo");
  if (o.helo.empty()) o.helo = o.domain;
  o.timeout = cfg.get_duration("dmarc_report.timeout");
  o.max_rows = static_cast<size_t>(cfg.get_int("dmarc_report.max_rows"));
  return o;
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
