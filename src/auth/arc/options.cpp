#include "auth/arc/options.h"

#include <algorithm>

namespace mw::auth::arc {

namespace {

constexpr char kMinKeyBits[] = "options.arc.min_key_bits";
constexpr char kClockSkew[] = "options.arc.clock_skew";
constexpr char kTimeout[] = "options.arc.timeout";

constexpr int kMaxKeyBitsLimit = 8192;

}  // namespace

dkim::Policy Options::policy() const {
  dkim::Policy p;
  p.allow_rsa_sha1 = false;
  p.min_key_bits = min_key_bits;
  p.clock_skew = static_cast<int64_t>(clock_skew);
  return p;
}

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("options.arc", "ARC chain validation (RFC 8617)");
  s.add({kMinKeyBits, OptType::kInt, "1024",
         "Smallest RSA key size accepted for ARC-Message-Signature and ARC-Seal "
         "(RFC 8301 3.2)",
         512, kMaxKeyBitsLimit});
  s.add({kClockSkew, OptType::kDuration, "\"5m\"",
         "Clock tolerance when checking ARC signature expiry (x=) and timestamps (t=)", 0, 86400});
  s.add({kTimeout, OptType::kDuration, "\"5s\"",
         "Time limit for the key lookups of one ARC chain; past it the result is temperror", 0,
         300});
}

Result<Options> options_from(const core::Config& cfg) {
  Options o;
  o.min_key_bits =
      static_cast<uint32_t>(std::clamp<int64_t>(cfg.get_int(kMinKeyBits), 512, kMaxKeyBitsLimit));
  o.clock_skew = std::max(0.0, cfg.get_duration(kClockSkew));
  o.timeout = cfg.get_duration(kTimeout);
  return o;
}

}  // namespace mw::auth::arc
