// DMARC policy records (RFC 7489 section 6.3 and 6.4, plus `np` of DMARCbis / RFC 9091).
//
//   v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; pct=50;
//   rua=mailto:agg@example.com!10m; ruf=mailto:fail@example.com; fo=1:d; rf=afrf; ri=86400
//
// Parsing follows RFC 7489: "v=DMARC1" must be the first tag (exactly that value), tags are
// separated by ";" with optional spaces/tabs, tag names are case-insensitive, unknown tags
// are ignored. A syntax error in an optional tag is recorded in `problems` and that tag
// falls back to its default (RFC 7489 6.3: "syntax errors in the remainder of the record
// SHOULD be discarded in favor of default values"). A missing or invalid `p` (or an invalid
// `sp`) makes the record unusable, unless `rua` holds at least one valid URI: then the
// record is used as if it said p=none (RFC 7489 6.6.3 step 6), and policy_from_rua is set.
//
// Ownership: plain values. Loop affinity: none. Failure modes: parse_record never fails
// hard; an unusable record is reported through ParsedRecord::error (see below).
// Limits: a record is bounded by the DNS message that carried it; parsing is linear.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mw::auth::dmarc {

enum class Policy : uint8_t { kNone, kQuarantine, kReject };
std::string_view policy_name(Policy p);  // "none", "quarantine", "reject"

enum class Alignment : uint8_t { kRelaxed, kStrict };
std::string_view alignment_name(Alignment a);  // "r", "s"

// A reporting address: "mailto:dmarc@example.com!10m" -> uri + max_size 10 MiB.
struct ReportUri {
  std::string uri;        // without the "!size" suffix
  uint64_t max_size = 0;  // bytes; 0 = no limit given
};

struct Record {
  Policy policy = Policy::kNone;             // p
  std::optional<Policy> subdomain_policy;    // sp (defaults to p when absent)
  std::optional<Policy> nonexistent_policy;  // np (DMARCbis; defaults to sp, then p)
  Alignment dkim_alignment = Alignment::kRelaxed;  // adkim
  Alignment spf_alignment = Alignment::kRelaxed;   // aspf
  int percent = 100;                         // pct, 0..100
  std::vector<ReportUri> aggregate_uris;     // rua
  std::vector<ReportUri> failure_uris;       // ruf
  std::string failure_options = "0";         // fo: colon-separated 0, 1, d, s
  std::vector<std::string> report_formats{"afrf"};  // rf
  uint32_t report_interval = 86400;          // ri, seconds
  bool policy_from_rua = false;  // p/sp missing or invalid; p=none assumed because of rua
  std::vector<std::string> problems;  // every syntax problem noticed, in record order
  std::string text;                   // the record as published

  // The policy for mail from a subdomain of the record's domain (sp, else p).
  Policy effective_subdomain_policy() const { return subdomain_policy.value_or(policy); }
};

// Why a record could not be used.
enum class RecordError : uint8_t {
  kNone,           // usable
  kEmpty,          // nothing but spaces
  kNotDmarc,       // does not start with v=DMARC1: not a DMARC record at all
  kNoPolicy,       // no p tag and no valid rua
  kInvalidPolicy,  // p or sp has an invalid value and there is no valid rua
};
std::string_view record_error_name(RecordError e);  // "none", "empty", ...

struct ParsedRecord {
  std::optional<Record> record;  // set when usable (error == kNone)
  RecordError error = RecordError::kNone;
  std::vector<std::string> problems;  // same as record->problems, also when unusable

  bool ok() const { return record.has_value(); }
};

// True when `text` starts with the v=DMARC1 tag (leading spaces allowed): the test used to
// discard non-DMARC TXT records during discovery (RFC 7489 6.6.3 steps 2 and 4).
bool is_dmarc_record(std::string_view text);

ParsedRecord parse_record(std::string_view text);

}  // namespace mw::auth::dmarc
