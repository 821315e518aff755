#include "auth/arc/options.h"

#include "auth/dkim/options.h"
#include "core/option_table.h"

namespace mw::auth::arc {

namespace {

constexpr char kPrefix[] = "options.arc";
constexpr int kMaxKeyBitsLimit = 8192;

core::OptionTable<Options> table() {
  using core::OptType;
  return {kPrefix, "ARC chain validation (RFC 8617)", {
      {&Options::min_key_bits,
       {"min_key_bits", OptType::kInt, "1024",
        "Smallest RSA key size accepted for ARC-Message-Signature and ARC-Seal "
        "(RFC 8301 3.2)",
        512, kMaxKeyBitsLimit}},
      {&Options::clock_skew,
       {"clock_skew", OptType::kDuration, "\"5m\"",
        "Clock tolerance when checking ARC signature expiry (x=) and timestamps (t=)", 0,
        86400}},
      {&Options::timeout,
       {"timeout", OptType::kDuration, "\"5s\"",
        "Time limit for the key lookups of one ARC chain; past it the result is temperror", 0,
        300}},
  }};
}

}  // namespace

dkim::Policy Options::policy() const {
  return dkim::Options{
      .allow_rsa_sha1 = false, .min_key_bits = min_key_bits, .clock_skew = clock_skew}
      .policy();
}

void declare_options(core::Schema& s) { table().declare(s); }

Result<Options> options_from(const core::Config& cfg) { return table().read(cfg); }

}  // namespace mw::auth::arc
