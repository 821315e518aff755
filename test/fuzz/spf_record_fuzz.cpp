// Fuzz target: SPF record parsing and macro expansion (src/auth/spf/record.h, macro.h).
// Records and explanation texts come straight from DNS, i.e. from whoever controls a
// sender's domain: parsing and expanding them must never crash, hang, read out of bounds
// or produce unbounded output. The input is used three ways: as a whole record, as a record
// body after "v=spf1 ", and as an explanation / domain-spec macro-string; every domain-spec
// of a parsed record is expanded with a fixed context.
// Seeds: test/fuzz/corpus/spf_record/ (records of the RFC 7208 suite and crafted macros).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/spf/macro.h"
#include "auth/spf/record.h"

namespace {

using namespace mw::auth::spf;

MacroContext fixed_context() {
  MacroContext c;
  c.sender = "strong-bad@email.example.com";
  c.local_part = "strong-bad";
  c.sender_domain = "email.example.com";
  c.domain = "email.example.com";
  c.ip = *IpAddress::parse("2001:db8::cb01");
  c.helo = "mx.example.org";
  c.validated = "mx.example.org";
  c.receiver = "receiver.example.net";
  c.timestamp = 1700000000;
  return c;
}

void check_expansion(std::string_view spec, const MacroContext& ctx) {
  auto name = expand_domain(spec, ctx);
  if (name && name->size() > kMaxDomainLength && name->find('.') != std::string::npos) {
    __builtin_trap();  // must have been cut on the left
  }
  if (name && is_query_name(*name) && name->size() > kMaxDomainLength) __builtin_trap();
}

void exercise_record(std::string_view text, const MacroContext& ctx) {
  auto rec = parse_record(text);
  if (!rec) {
    if (rec.error().message.empty()) __builtin_trap();
    return;
  }
  if (!is_spf_record(text)) __builtin_trap();
  if (rec->dns_term_count() < 0) __builtin_trap();
  for (const auto& m : rec->mechanisms) {
    if (m.text.empty() || text.find(m.text) == std::string_view::npos) __builtin_trap();
    if (m.cidr4 < 0 || m.cidr4 > 32 || m.cidr6 < 0 || m.cidr6 > 128) __builtin_trap();
    if (!m.domain_spec.empty()) {
      if (!check_domain_spec(m.domain_spec)) __builtin_trap();  // parse checked it
      check_expansion(m.domain_spec, ctx);
    }
  }
  if (rec->redirect) check_expansion(*rec->redirect, ctx);
  if (rec->explanation) check_expansion(*rec->explanation, ctx);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;  // a TXT record cannot be larger than a DNS message
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const MacroContext ctx = fixed_context();

  exercise_record(input, ctx);
  exercise_record("v=spf1 " + std::string(input), ctx);

  auto text = expand_macros(input, ctx, MacroUse::kExplanation);
  if (text && text->size() > kMaxExpansion) __builtin_trap();
  bool valid = static_cast<bool>(check_macro_string(input, MacroUse::kExplanation));
  if (valid != (text.has_value() || text.error().code == mw::ErrorCode::kLimit)) {
    __builtin_trap();  // syntax check and expansion must agree
  }
  (void)uses_macro(input, 'p');
  if (check_domain_spec(input)) check_expansion(input, ctx);
  auto ip4 = parse_ip4_network(input);
  if (ip4 && ip4->family != 4) __builtin_trap();
  auto ip = IpAddress::parse(input);
  if (ip && ip->reverse_name().empty()) __builtin_trap();
  return 0;
}
