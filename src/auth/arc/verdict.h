// ARC chain validation verdicts (RFC 8617 section 5.2).
//
//   none       the message has no ARC header fields
//   pass       the newest ARC-Message-Signature and every ARC-Seal verify, the structure and
//              the cv= values are consistent
//   fail       anything else that is definite: more than 50 sets, the newest seal already
//              says cv=fail, a missing / duplicate / unparsable ARC field or a gap in the
//              instances, cv= inconsistent, the newest AMS or any AS does not verify (bad
//              signature, body hash, missing or unusable key)
//   temperror  a key needed for the decision could not be fetched for a temporary reason
// No scores, no symbols: rules turn verdicts into those (ARC_ALLOW, ARC_REJECT, ...).
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dkim/verdict.h"

namespace mw::auth::arc {

enum class ChainStatus : uint8_t { kNone, kPass, kFail, kTempError };
std::string_view chain_status_name(ChainStatus s);  // "none", "pass", "fail", "temperror"

enum class Reason : uint8_t {
  kNone,
  kTooManySets,  // an instance above 50 (RFC 8617 4.2.1)
  kChainFailed,  // the newest ARC-Seal carries cv=fail (5.2 step 2)
  kStructure,    // missing, duplicate or non-contiguous ARC fields (5.2 step 3)
  kSyntax,       // an ARC field does not parse (detail says which and why)
  kInvalidCv,    // cv= not none at i=1, or not pass above
  kAmsFailed,    // the newest ARC-Message-Signature does not verify (5.2 step 4)
  kSealFailed,   // an ARC-Seal does not verify (5.2 step 6)
  kDnsError,     // temperror: key lookup failed temporarily
  kTimeout,      // temperror: the keys did not arrive in time
};
std::string_view reason_name(Reason r);

struct SetResult {
  uint32_t instance = 0;
  std::string authserv_id;      // from the ARC-Authentication-Results
  std::string cv;               // the ARC-Seal's cv=
  dkim::SignatureVerdict ams;   // its ARC-Message-Signature (status kNeutral if unchecked)
  dkim::SignatureVerdict seal;  // its ARC-Seal (status kNeutral if unchecked)
};

struct ChainVerdict {
  ChainStatus status = ChainStatus::kNone;
  Reason reason = Reason::kNone;
  std::string detail;
  uint32_t instances = 0;  // N, the highest instance (0 without a chain)
  // RFC 8617 5.2 step 5: 0 when every AMS verifies, otherwise the lowest instance i such
  // that the AMS of i..N all verify (N+1 never happens: AMS(N) must verify to pass).
  uint32_t oldest_pass = 0;
  uint32_t failed_instance = 0;  // the instance whose AMS/AS failed (0 when not applicable)
  std::vector<SetResult> sets;   // by instance, sets[0] is i=1 (filled once the structure is
                                 // valid)
};

}  // namespace mw::auth::arc
