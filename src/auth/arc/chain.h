// ARC header fields and chain structure (RFC 8617 sections 4 and 5.2 steps 1 to 3).
//
// An ARC Set is the ARC-Authentication-Results (AAR), ARC-Message-Signature (AMS) and
// ARC-Seal (AS) fields of one instance i= (1..50). collect_chain() finds every ARC field of
// a message, parses it and checks the structure:
//   - no ARC field at all                                   -> status none
//   - an instance above 50                                  -> fail, too_many_sets
//   - the newest ARC-Seal has cv=fail                       -> fail, chain_failed
//   - a field whose instance cannot be read, a missing or duplicate field for some
//     instance, a gap between 1 and N                       -> fail, structure
//   - any field that does not parse (tag syntax, required tags, AMS signing ARC-Seal,
//     AS with h=, AAR without a leading "i=N;")             -> fail, syntax
//   - cv= not "none" at i=1 or not "pass" above             -> fail, invalid_cv
// Otherwise the status is pass, meaning "structurally valid, go on verifying".
//
// seal_digest() is the hash an ARC-Seal signs (RFC 8617 5.1.1): for each instance from 1
// up to the seal's own, the AAR, AMS and AS with relaxed header canonicalisation, the
// seal's own last and with its b= value removed.
//
// Ownership: Chain and ArcSet own their parsed copies; indices refer to the MessageView
// given. Loop affinity: none. Failure modes: none beyond the status; any input is accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/arc/verdict.h"
#include "auth/dkim/message.h"
#include "auth/dkim/signature.h"

namespace mw::auth::arc {

inline constexpr uint32_t kMaxInstance = 50;  // RFC 8617 4.2.1

// The three ARC header fields (RFC 8617 4.1).
inline constexpr std::string_view kSealName = "ARC-Seal";
inline constexpr std::string_view kAmsName = "ARC-Message-Signature";
inline constexpr std::string_view kAarName = "ARC-Authentication-Results";

struct AuthResults {
  bool ok = false;
  std::string problem;  // why it does not parse
  uint32_t instance = 0;
  std::string authserv_id;  // lower-cased
  std::string payload;      // everything after "i=N;", FWS-trimmed (authserv-id; results)
};
// Parse an ARC-Authentication-Results value: "i=" instance ";" authres-payload.
AuthResults parse_aar(std::string_view value);

struct ArcSet {
  uint32_t instance = 0;
  size_t aar_index = 0;  // indices into MessageView::headers
  size_t ams_index = 0;
  size_t seal_index = 0;
  AuthResults aar;
  dkim::Signature ams;
  dkim::Signature seal;
};

struct Chain {
  ChainStatus status = ChainStatus::kNone;  // kNone, kPass (structure valid) or kFail
  Reason reason = Reason::kNone;
  std::string detail;
  uint32_t max_instance = 0;  // highest instance seen, also when the structure is invalid
  std::vector<ArcSet> sets;   // sets[i-1] is instance i; filled when status is kPass
};

Chain collect_chain(const dkim::MessageView& message);

// Digest signed by the ARC-Seal of instance `upto` (1-based).
// REQUIRES: 1 <= upto <= sets.size(); `sets` came from collect_chain(message) with a valid
// structure (or from the sealer for its new set).
std::string seal_digest(const dkim::MessageView& message, const std::vector<ArcSet>& sets,
                        size_t upto);

// True for "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results".
bool is_arc_field(std::string_view name);

}  // namespace mw::auth::arc
