// DMARC aggregate reports (RFC 7489 section 7.2 and Appendix C): from the report rows the
// auth module stores per policy domain and UTC day, to the gzip-compressed XML document and
// the e-mail that carries it (`mailward dmarc-report`, app/dmarc_report_cmd.cpp).
//
// What is here is pure: grouping rows into <record>s, the XML, the file name and subject of
// section 7.2.1.1, the mailto: destinations of a record's rua= and whether each needs the
// external destination verification of section 7.1, and the MIME message. DNS, the store
// and SMTP are the command's business.
//
// Ownership: plain values. Loop affinity: none. Failure modes: rows that do not decode are
// skipped and counted (Report::bad_rows); malformed rua= URIs are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dmarc/org_domain.h"
#include "auth/dmarc/record.h"
#include "core/json.h"
#include "core/result.h"

namespace mw::auth::dmarc {

// Store keys of the rows (written by the auth module, read by the report command).
// "dmarc:rows:<YYYY-MM-DD>:<policy domain>": a list of ReportRecord::to_json() rows plus
// "time"; "dmarc:domains:<YYYY-MM-DD>": a map whose fields are the policy domains of that day.
std::string rows_key(std::string_view day, std::string_view policy_domain);
std::string domains_key(std::string_view day);
// The UTC day of epoch seconds `t` ("2026-12-06").
std::string utc_day(double t);
// [begin, end] epoch seconds of a "YYYY-MM-DD" UTC day; kInvalidInput for another text.
Result<std::pair<int64_t, int64_t>> day_range(std::string_view day);

// Who we are in reports ([dmarc_report] options).
struct ReporterInfo {
  std::string org_name;            // <org_name>, and the Submitter of the subject
  std::string email;               // <email>, and the From: of the report mails
  std::string extra_contact_info;  // optional
  std::string domain;              // the "receiver" of the file name (our domain)
};

struct AggregateReport {
  std::string policy_domain;
  int64_t begin = 0, end = 0;  // the period (UTC day), epoch seconds
  std::string report_id;
  json::Value policy_published;  // as stored with the newest row
  struct Group {
    json::Value row;  // one stored row (time and count removed): identifies the group
    uint64_t count = 0;
  };
  std::vector<Group> groups;  // in order of first appearance
  uint64_t messages = 0;      // rows aggregated (= sum of counts)
  uint64_t bad_rows = 0;      // rows that did not decode, skipped

  // The XML document (UTF-8, elements in no namespace, RFC 7489 Appendix C).
  std::string to_xml(const ReporterInfo& me) const;
  // "<receiver>!<policy domain>!<begin>!<end>.xml.gz" (section 7.2.1.1).
  std::string file_name(const ReporterInfo& me) const;
  // "Report Domain: <policy domain> Submitter: <receiver> Report-ID: <<id>>".
  std::string subject(const ReporterInfo& me) const;
};

// Group the stored rows (JSON text) of one policy domain and period.
AggregateReport aggregate(std::string policy_domain, const std::vector<std::string>& rows,
                          int64_t begin, int64_t end);

// One mailto: destination of rua=.
struct Destination {
  std::string address;     // local@domain
  std::string domain;      // lower case
  uint64_t max_size = 0;   // bytes, 0 = no limit
  bool external = false;   // another organisational domain: section 7.1 applies
};
// The usable mailto: destinations of `record` published at `policy_domain` (other schemes
// and malformed addresses skipped). `psl` may be null (then only equal domains are internal).
std::vector<Destination> destinations(const Record& record, const std::string& policy_domain,
                                      const PublicSuffixList* psl);
// The name whose TXT record authorises `dest_domain` to receive `policy_domain`'s reports:
// "<policy_domain>._report._dmarc.<dest_domain>" (section 7.1).
std::string verification_name(const std::string& policy_domain, const std::string& dest_domain);
// Whether TXT answers at verification_name() authorise (a record starting "v=DMARC1").
bool verification_ok(const std::vector<std::string>& txt);

// The e-mail carrying the report to `to`: headers (From, To, Subject, Date, Message-ID,
// MIME) and a multipart/mixed body with a short text and the gzip attachment, CRLF lines.
std::string report_mail(const AggregateReport& report, const ReporterInfo& me,
                        const std::string& to, std::string_view gzip_bytes, double now);

// gzip (RFC 1952) of `data`. kInternal when zlib fails.
Result<std::string> gzip(std::string_view data);

}  // namespace mw::auth::dmarc
