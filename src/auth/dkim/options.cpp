#include "auth/dkim/options.h"

#include <algorithm>

namespace mw::auth::dkim {

namespace {

constexpr char kAllowRsaSha1[] = "options.dkim.allow_rsa_sha1";
constexpr char kMinKeyBits[] = "options.dkim.min_key_bits";
constexpr char kMaxSignatures[] = "options.dkim.max_signatures";
constexpr char kClockSkew[] = "options.dkim.clock_skew";
constexpr char kTimeout[] = "options.dkim.timeout";

constexpr int kMaxKeyBitsLimit = 8192;
constexpr int kMaxSignaturesLimit = 100;

}  // namespace

Policy Options::policy() const {
  Policy p;
  p.allow_rsa_sha1 = allow_rsa_sha1;
  p.min_key_bits = min_key_bits;
  p.clock_skew = static_cast<int64_t>(clock_skew);
  return p;
}

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("options.dkim", "DKIM signature verification (RFC 6376, RFC 8301, RFC 8463)");
  s.add({kAllowRsaSha1, OptType::kBool, "false",
         "Accept rsa-sha1 signatures; RFC 8301 says verifiers must not (they fail with "
         "reason insecure_algorithm)"});
  s.add({kMinKeyBits, OptType::kInt, "1024",
         "Smallest RSA key size accepted; signatures made with smaller keys give permerror "
         "(RFC 8301 3.2 requires at least 1024)",
         512, kMaxKeyBitsLimit});
  s.add({kMaxSignatures, OptType::kInt, "5",
         "DKIM-Signature fields verified per message, from the top; the others are reported "
         "neutral (signature_limit) without any DNS query",
         1, kMaxSignaturesLimit});
  s.add({kClockSkew, OptType::kDuration, "\"5m\"",
         "Clock tolerance when checking signature expiry (x=) and timestamps in the future "
         "(t=)",
         0, 86400});
  s.add({kTimeout, OptType::kDuration, "\"5s\"",
         "Time limit for the key lookups of one message; keys not there by then give "
         "temperror",
         0, 300});
}

Result<Options> options_from(const core::Config& cfg) {
  Options o;
  o.allow_rsa_sha1 = cfg.get_bool(kAllowRsaSha1);
  o.min_key_bits =
      static_cast<uint32_t>(std::clamp<int64_t>(cfg.get_int(kMinKeyBits), 512, kMaxKeyBitsLimit));
  o.max_signatures = static_cast<uint32_t>(
      std::clamp<int64_t>(cfg.get_int(kMaxSignatures), 1, kMaxSignaturesLimit));
  o.clock_skew = std::max(0.0, cfg.get_duration(kClockSkew));
  o.timeout = cfg.get_duration(kTimeout);
  return o;
}

}  // namespace mw::auth::dkim
