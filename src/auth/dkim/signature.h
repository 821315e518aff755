// DKIM-Signature (RFC 6376 section 3.5), ARC-Message-Signature (RFC 8617 4.1.2) and
// ARC-Seal (RFC 8617 4.1.3) fields: one parser, since they share the tag syntax.
//
// parse_signature() reads every tag it knows and validates it:
//   v=  (DKIM only) required, "1"
//   a=  rsa-sha1 | rsa-sha256 | ed25519-sha256 (RFC 8463); ASCII case-insensitive
//   b=, bh=  base64 with folding whitespace, non-empty
//   c=  header[/body] canonicalisation, each simple | relaxed; default simple/simple for
//       DKIM. An ARC-Message-Signature without c= is taken as relaxed/relaxed: RFC 8617
//       inherits the DKIM default, but the ARC conformance suite (test ams_fields_c_na) and
//       dkimpy, which produced it, use relaxed/relaxed, and every sealer writes c= anyway.
//   d=  domain-name; s= selector; both required
//   h=  colon-separated field names; DKIM requires From. Empty entries are ignored.
//       An ARC-Message-Signature may have an empty h= but must not sign ARC-Seal.
//   i=  DKIM: dkim-quoted-printable "[local]@domain" within d= (default "@" + d=).
//       ARC: the instance number (1..50 is checked by the ARC layer).
//   l=  body length (decimal); q= must list dns/txt; t=, x= decimal seconds, x= > t=.
//   z=  and unknown tags are ignored.
// ARC-Seal: a=, b=, cv=, d=, i=, s= required; cv= is none | pass | fail; h= is forbidden;
// no bh=/c= (the seal is always computed with relaxed header canonicalisation).
// The first problem found is recorded in `problem`/`problem_detail` and parsing continues so
// that the verdict can still report d=, s=, a= and i=.
//
// Ownership: a Signature owns copies of everything (no views into the header).
// Loop affinity: none. Failure modes: none beyond `problem`; any input is accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dkim/canon.h"
#include "auth/dkim/crypto.h"
#include "auth/dkim/verdict.h"

namespace mw::auth::dkim {

enum class Algorithm : uint8_t { kRsaSha1, kRsaSha256, kEd25519Sha256 };
std::string_view algorithm_name(Algorithm a);  // "rsa-sha256"
// Case-insensitive; nullopt for anything else.
std::optional<Algorithm> parse_algorithm(std::string_view text);
KeyType key_type_of(Algorithm a);
HashAlg hash_of(Algorithm a);

enum class SignatureKind : uint8_t { kDkim, kArcMessage, kArcSeal };

struct Signature {
  SignatureKind kind = SignatureKind::kDkim;
  Reason problem = Reason::kNone;  // kNone: well-formed
  std::string problem_detail;

  Algorithm algorithm = Algorithm::kRsaSha256;
  std::string algorithm_text;  // a= lower-cased, as written
  std::string signature;       // b= decoded
  std::string b_text;          // b= base64 without whitespace
  std::string body_hash;       // bh= decoded
  Canon header_canon = Canon::kSimple;
  Canon body_canon = Canon::kSimple;
  std::string domain;                       // d= lower-cased
  std::string selector;                     // s=
  std::vector<std::string> signed_headers;  // h= lower-cased, in order
  std::string identity;                     // DKIM i= decoded ("@" + d= when absent)
  bool has_identity = false;
  uint32_t instance = 0;                // ARC i= (0 when absent or invalid)
  std::string chain_validation;         // ARC-Seal cv= lower-cased ("none", "pass", "fail")
  std::optional<uint64_t> body_length;  // l=
  std::optional<uint64_t> timestamp;    // t=
  std::optional<uint64_t> expiration;   // x=
  // Offsets of the raw b= value within the parsed field value (for b= removal).
  size_t b_begin = 0;
  size_t b_end = 0;

  bool ok() const { return problem == Reason::kNone; }
  // The key's DNS name: <s>._domainkey.<d>.
  std::string key_name() const;
};

// Parse the value (text after the colon) of a DKIM-Signature, ARC-Message-Signature or
// ARC-Seal.
Signature parse_signature(std::string_view value, SignatureKind kind);

// Split a colon-separated list (h=, q=, key h= and s=), trimming FWS around the items.
// Empty items are kept (callers decide).
std::vector<std::string_view> split_colon_list(std::string_view text);

}  // namespace mw::auth::dkim
