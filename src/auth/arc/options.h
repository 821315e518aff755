// The `[options.arc]` configuration table (chain validation).
//
// Options (declared once by declare_options; documented in the schema):
//   min_key_bits   1024    smallest RSA key accepted for an AMS or AS (RFC 8301 3.2)
//   clock_skew     "5m"    tolerance when checking AMS/AS x= and t= against now
//   timeout        "5s"    limit for all key lookups of one chain; a key needed for the
//                          decision that has not arrived gives temperror
// RFC 8617 fixes the other limits: 50 instances at most, rsa-sha256 (ed25519-sha256 is
// accepted as well; rsa-sha1 never is).
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>

#include "auth/dkim/evaluate.h"
#include "core/config.h"
#include "core/result.h"

namespace mw::auth::arc {

struct Options {
  uint32_t min_key_bits = 1024;
  double clock_skew = 300;  // seconds
  double timeout = 5.0;     // seconds; <= 0 disables the time limit

  // The DKIM policy applied to each AMS and AS (rsa-sha1 never allowed).
  dkim::Policy policy() const;
};

// Declare the `[options.arc]` options (explicit registry: the app calls this once).
void declare_options(core::Schema& schema);

// Read the options from a loaded config. REQUIRES: its schema went through declare_options.
Result<Options> options_from(const core::Config& cfg);

}  // namespace mw::auth::arc
