// Fuzz target: DMARC record parsing (src/auth/dmarc/record.h). The record comes from the
// DNS of the (claimed) From domain, i.e. from anyone who sends mail: parsing must never
// crash, hang or read out of bounds, and what it returns must be consistent.
// Seeds: test/fuzz/corpus/dmarc_record/ (OpenDMARC's parse table and crafted records).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/dmarc/record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mw::auth::dmarc;
  if (size > 65536) return 0;  // a TXT record cannot be larger than a DNS message
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParsedRecord p = parse_record(text);
  if (p.ok() != (p.error == RecordError::kNone)) __builtin_trap();
  if (p.ok() && !is_dmarc_record(text)) __builtin_trap();
  if (!p.ok() && p.problems.empty()) __builtin_trap();  // a reason is always given
  if (p.ok()) {
    const Record& r = *p.record;
    if (r.percent < 0 || r.percent > 100) __builtin_trap();
    if (r.problems.size() != p.problems.size()) __builtin_trap();
    if (r.policy_from_rua && r.aggregate_uris.empty()) __builtin_trap();
    for (const auto& u : r.aggregate_uris) {
      if (u.uri.empty() || u.uri.find(':') == std::string::npos) __builtin_trap();
    }
    for (const auto& u : r.failure_uris) {
      if (u.uri.empty() || u.uri.find(':') == std::string::npos) __builtin_trap();
    }
    if (r.report_formats.empty()) __builtin_trap();
    (void)policy_name(r.effective_subdomain_policy());
  }
  return 0;
}
