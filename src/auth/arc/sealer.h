// ARC sealing (RFC 8617 section 5.1): the three header fields of the next ARC Set.
//
//   auto sealer = arc::Sealer::create(std::move(key), opts);
//   auto out = sealer->seal(view, {verdict.status, "mx.example.org", results}, now);
//   if (out && out->sealed) prepend out->set.fields() to the message (AS first).
//
// The instance is one more than the highest in the message, and cv= follows the chain result
// of the message as received (ChainVerifier): none (no ARC fields: i=1), pass or fail.
//   - ARC-Authentication-Results: "i=N; <authserv-id>; <results>" (results "none" if empty);
//   - ARC-Message-Signature: relaxed/relaxed, rsa-sha256 or ed25519-sha256 by key type, the
//     configured h= list verbatim (names that are absent sign nothing, which also prevents
//     adding them; "arc-message-signature" is kept only as often as older AMS fields exist,
//     since a verifier would otherwise select the new AMS itself), body hash of the whole
//     body, t= now;
//   - ARC-Seal: cv=, t= now; it signs every ARC Set 1..N plus the new one, or only the new one
//     when cv=fail (RFC 8617 5.1.2).
// Tags are written in alphabetical order ("a=; b=; bh=; c=; d=; h=; i=; s=; t=" and
// "a=; b=; cv=; d=; i=; s=; t="), folded only between tags and inside b=.
// Nothing is added (sealed = false, with the reason) when the newest ARC-Seal already says
// cv=fail, or when the chain already has 50 sets.
//
// Ownership: a Sealer owns its key. seal() reads the MessageView only during the call.
// Loop affinity: none. Failure modes: create() returns kInvalidInput for bad parameters
// (domain, selector, an h= list naming ARC-Seal, authserv-id syntax is checked in seal());
// seal() returns kInvalidInput when the chain result does not match the ARC fields present
// (pass for a message without a valid chain, none while ARC fields exist, temperror), or for
// an empty or malformed authserv-id; kInternal when OpenSSL fails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/arc/verdict.h"
#include "auth/dkim/crypto.h"
#include "auth/dkim/message.h"
#include "auth/dkim/signer.h"
#include "core/result.h"

namespace mw::auth::arc {

struct SealOptions {
  std::string domain;    // d= of the AMS and AS
  std::string selector;  // s=
  // h= of the ARC-Message-Signature, verbatim (lower-cased).
  std::vector<std::string> headers = {"from",
                                      "to",
                                      "cc",
                                      "subject",
                                      "date",
                                      "message-id",
                                      "reply-to",
                                      "mime-version",
                                      "content-type",
                                      "content-transfer-encoding",
                                      "in-reply-to",
                                      "references",
                                      "dkim-signature"};
  std::string line_ending = "\r\n";
  size_t line_width = 78;
  // Fold inside b= values. The ARC-Seal signs the AMS with relaxed canonicalisation, which
  // keeps one space per fold, so the seal depends on where the AMS b= was folded. false
  // writes b= on one line (longer lines, still under RFC 5322's 998): the "standardized
  // format" of the ARC test suite, whose expected seals assume it.
  bool fold_signatures = true;
};

struct SealRequest {
  ChainStatus chain = ChainStatus::kNone;  // validation result of the message as received
  std::string authserv_id;                 // this ADMD's authserv-id
  std::string results;                     // resinfo list, e.g. "spf=pass ...; dkim=pass ..."
};

struct SealedSet {
  uint32_t instance = 0;
  std::string cv;                            // "none", "pass", "fail"
  dkim::SignedField seal;                    // ARC-Seal
  dkim::SignedField message_signature;       // ARC-Message-Signature
  dkim::SignedField authentication_results;  // ARC-Authentication-Results

  // The three fields, top first, each ending with `eol`, ready to prepend.
  std::string fields(std::string_view eol = "\r\n") const;
};

struct SealOutcome {
  bool sealed = false;
  std::string reason;  // why nothing was added (when sealed is false)
  SealedSet set;
};

class Sealer {
 public:
  static Result<Sealer> create(dkim::PrivateKey key, SealOptions options);

  // Build the next ARC Set for `message` at time `now` (seconds since the epoch).
  Result<SealOutcome> seal(const dkim::MessageView& message, const SealRequest& request,
                           int64_t now) const;

  const SealOptions& options() const { return options_; }

 private:
  Sealer(dkim::PrivateKey key, SealOptions options)
      : key_(std::move(key)), options_(std::move(options)) {}
  dkim::PrivateKey key_;
  SealOptions options_;
};

// AR consolidation (the ARC test suite's convention): the results of every
// Authentication-Results field whose authserv-id is `authserv_id` (case-insensitive), top to
// bottom, joined with "; ". Comments and quoted strings are kept; "none" is dropped;
// whitespace runs become one space.
std::string collect_auth_results(const dkim::MessageView& message, std::string_view authserv_id);

// The authserv-id an Authentication-Results value claims (RFC 8601 section 2.2: the first
// token after any comments, quotes removed), "" when the value has none or no ';'.
std::string authserv_id_of(std::string_view value);

}  // namespace mw::auth::arc
