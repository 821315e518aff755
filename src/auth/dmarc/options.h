// The `[options.dmarc]` configuration table.
//
// Options (declared once by declare_options; documented in the schema):
//   timeout              "5s"  limit for policy discovery (and the np existence check);
//                              past it the result is temperror
//   check_nonexistent    true  look up A/AAAA/MX of a From subdomain when the organizational
//                              domain publishes np= (DMARCbis, RFC 9091); false: sp/p only
//   public_suffix_list   ""    publicsuffix.org-format file for organizational domains;
//                              "" = libpsl's newest list (Debian: /usr/share/publicsuffix)
//
// And `[dmarc_report]`, for `mailward dmarc-report` (aggregate reports, RFC 7489 7.2):
//   org_name, email, extra_contact_info   our metadata in reports; `email` is also the From:
//   domain                                our domain in file names and subjects ("" = the
//                                         domain of `email`)
//   smtp_relay    "127.0.0.1:25"          where report mails are handed over (numeric)
//   helo          ""                      our name in EHLO ("" = `domain`)
//   timeout       "60s"                   per SMTP read/write and per DNS lookup batch
//   max_rows      100000                  rows read per policy domain and day at most
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <string>

#include "auth/dmarc/org_domain.h"
#include "core/config.h"
#include "core/result.h"

namespace mw::auth::dmarc {

struct Options {
  double timeout = 5.0;  // seconds; <= 0 disables the timer
  bool check_nonexistent = true;
  std::string public_suffix_list;  // "" = libpsl's newest
};

struct ReportOptions {
  std::string org_name;
  std::string email;
  std::string extra_contact_info;
  std::string domain;
  std::string smtp_relay = "127.0.0.1:25";
  std::string helo;
  double timeout = 60;
  size_t max_rows = 100000;
};

// Declare the `[options.dmarc]` and `[dmarc_report]` options (explicit registry: the app calls this once).
void declare_options(core::Schema& schema);

// Read the options from a loaded config. REQUIRES: its schema went through declare_options.
Options options_from(const core::Config& cfg);
ReportOptions report_options_from(const core::Config& cfg);

// Load the list named by options.public_suffix_list (libpsl's newest when empty).
// Result on failure: kIo naming the file. Done once at start-up; the result is shared.
Result<PslPtr> load_public_suffix_list(const Options& options);

}  // namespace mw::auth::dmarc
