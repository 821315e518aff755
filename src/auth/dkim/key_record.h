// DKIM key records (RFC 6376 section 3.6.1), the TXT record at <s>._domainkey.<d>.
//
//   v=  optional; when present it must be the first tag and exactly "DKIM1"
//   k=  rsa (default) | ed25519 (RFC 8463); anything else is unusable
//   p=  required; empty = revoked; base64 of SubjectPublicKeyInfo / RSAPublicKey (RSA) or
//       the raw 32-byte key (Ed25519), decoded here into a usable public key
//   h=  acceptable hashes (unknown names ignored); absent = any
//   s=  service types; must include "email" or "*"; absent = any
//   t=  flags: y (testing), s (i= domain must equal d=); unknown flags ignored
//   n=  notes (kept); g= (RFC 4871 granularity, removed by RFC 6376) and unknown tags ignored
//
// Ownership: a KeyRecord owns its decoded public key (move-only). Loop affinity: none.
// Failure modes: `problem` says why a record is unusable: kKeySyntax (not a tag-list, v=
// wrong, p= missing), kKeyRevoked, kKeyType (unknown k=), kKeyInvalid (p= undecodable),
// kKeyService (not for email).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/dkim/crypto.h"
#include "auth/dkim/verdict.h"

namespace mw::auth::dkim {

struct KeyRecord {
  Reason problem = Reason::kNone;
  std::string problem_detail;

  KeyType type = KeyType::kRsa;
  std::optional<PublicKey> key;  // set when problem == kNone
  bool allows_sha1 = true;       // key h=
  bool allows_sha256 = true;
  bool testing = false;  // t=y
  bool strict = false;   // t=s
  std::string notes;     // n=

  bool ok() const { return problem == Reason::kNone; }
};

// Parse a key record (the TXT character-strings already joined).
KeyRecord parse_key_record(std::string_view text);

}  // namespace mw::auth::dkim
