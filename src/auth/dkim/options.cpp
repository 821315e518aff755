#include "auth/dkim/options.h"

#include "core/option_table.h"

namespace mw::auth::dkim {

namespace {

constexpr char kPrefix[] = "options.dkim";
constexpr int kMaxKeyBitsLimit = 8192;
constexpr int kMaxSignaturesLimit = 100;

core::OptionTable<Options> table() {
  using core::OptType;
  return {kPrefix, "DKIM signature verification (RFC 6376, RFC 8301, RFC 8463)", {
      {&Options::allow_rsa_sha1,
       {"allow_rsa_sha1", OptType::kBool, "false",
        "Accept rsa-sha1 signatures; RFC 8301 says verifiers must not (they fail with "
        "reason insecure_algorithm)"}},
      {&Options::min_key_bits,
       {"min_key_bits", OptType::kInt, "1024",
        "Smallest RSA key size accepted; signatures made with smaller keys give permerror "
        "(RFC 8301 3.2 requires at least 1024)",
        512, kMaxKeyBitsLimit}},
      {&Options::max_signatures,
       {"max_signatures", OptType::kInt, "5",
        "DKIM-Signature fields verified per message, from the top; the others are reported "
        "neutral (signature_limit) without any DNS query",
        1, kMaxSignaturesLimit}},
      {&Options::clock_skew,
       {"clock_skew", OptType::kDuration, "\"5m\"",
        "Clock tolerance when checking signature expiry (x=) and timestamps in the future "
        "(t=)",
        0, 86400}},
      {&Options::timeout,
       {"timeout", OptType::kDuration, "\"5s\"",
        "Time limit for the key lookups of one message; keys not there by then give "
        "temperror",
        0, 300}},
  }};
}

}  // namespace

Policy Options::policy() const {
  Policy p;
  p.allow_rsa_sha1 = allow_rsa_sha1;
  p.min_key_bits = min_key_bits;
  p.clock_skew = static_cast<int64_t>(clock_skew);
  return p;
}

void declare_options(core::Schema& s) { table().declare(s); }

Result<Options> options_from(const core::Config& cfg) { return table().read(cfg); }

}  // namespace mw::auth::dkim
