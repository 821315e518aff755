// The `[options.dkim]` configuration table (verification).
//
// Options (declared once by declare_options; documented in the schema):
//   allow_rsa_sha1   false   accept rsa-sha1 signatures (RFC 8301 says verifiers must not;
//                            they fail with reason insecure_algorithm unless allowed)
//   min_key_bits     1024    smallest RSA key accepted; smaller keys give permerror
//                            (RFC 8301 section 3.2)
//   max_signatures   5       DKIM-Signature fields verified per message (top first); the
//                            rest get neutral / signature_limit without any DNS query
//   clock_skew       "5m"    tolerance when comparing x= (expiry) and t= (future) with now
//   timeout          "5s"    limit for all key lookups of one message; signatures whose key
//                            has not arrived by then give temperror / timeout
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>

#include "auth/dkim/evaluate.h"
#include "core/config.h"
#include "core/result.h"

namespace mw::auth::dkim {

struct Options {
  bool allow_rsa_sha1 = false;
  uint32_t min_key_bits = 1024;
  uint32_t max_signatures = 5;
  double clock_skew = 300;  // seconds
  double timeout = 5.0;     // seconds; <= 0 disables the time limit

  Policy policy() const;
};

// Declare the `[options.dkim]` options (explicit registry: the app calls this once).
void declare_options(core::Schema& schema);

// Read the options from a loaded config. REQUIRES: its schema went through declare_options.
// Values are range-checked by the schema; this never fails for a validated config.
Result<Options> options_from(const core::Config& cfg);

}  // namespace mw::auth::dkim
