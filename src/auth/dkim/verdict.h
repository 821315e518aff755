// DKIM verification verdicts: one per DKIM-Signature field, with a machine-readable reason.
//
// DkimResult follows RFC 8601 section 2.7.1 (the values an Authentication-Results "dkim="
// takes):
//   pass       the signature verified;
//   fail       it did not: bad signature, body hash mismatch, or an algorithm refused by
//              policy (rsa-sha1 unless allowed, RFC 8301);
//   neutral    it was not evaluated (beyond the per-message signature cap);
//   temperror  the key could not be fetched for a temporary reason (DNS timeout, SERVFAIL);
//   permerror  the signature or its key is unusable (syntax, missing tags, expired, no key,
//              revoked key, key too small, key restrictions not met).
// There are no scores and no symbols here: rules turn verdicts into those.
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mw::auth::dkim {

// Named like spf::SpfResult and dmarc::DmarcResult (not "Status": that is mw::Status).
enum class DkimResult : uint8_t { kPass, kFail, kNeutral, kTempError, kPermError };

enum class Reason : uint8_t {
  kNone,  // pass
  // Signature field problems (permerror).
  kSyntax,            // not a valid tag-list (bad tag name, duplicate tag, empty tag-spec)
  kMissingTag,        // a required tag is absent
  kVersion,           // v= absent or not "1"
  kAlgorithm,         // a= unknown
  kCanonicalization,  // c= unknown
  kQueryMethod,       // q= without dns/txt
  kBadDomain,         // d= or s= not a valid name
  kBadBase64,         // b= or bh= not base64
  kIdentity,          // i= malformed or not within d=
  kFromNotSigned,     // h= does not include From
  kBadTag,            // other tag value malformed (l=, t=, x=, h= names)
  kExpired,           // x= in the past (beyond the clock skew)
  kFutureTimestamp,   // t= in the future (beyond the clock skew)
  kTimestampOrder,    // x= not later than t=
  // Key problems (permerror).
  kKeyNotFound,  // NXDOMAIN / no TXT record at <s>._domainkey.<d>
  kKeySyntax,    // the record is not a valid key record (v=, tag-list, p= missing)
  kKeyRevoked,   // p= empty
  kKeyType,      // k= unknown, or it does not match a=
  kKeyInvalid,   // p= does not decode to a usable public key
  kKeyHash,      // key h= excludes the signature's hash
  kKeyService,   // key s= excludes email
  kKeyStrict,    // key t=s but the i= domain is not d=
  kKeyTooSmall,  // RSA key under the configured minimum
  // Temporary problems (temperror).
  kDnsError,  // timeout, SERVFAIL, network trouble, lookup budget spent
  kTimeout,   // the verification time limit passed before the key arrived
  // Cryptographic results (fail).
  kInsecureAlgorithm,  // rsa-sha1 while not allowed (RFC 8301)
  kBodyHashMismatch,   // bh= differs from the body hash
  kBodyTooShort,       // l= is larger than the canonical body
  kBadSignature,       // b= does not verify over the signed header fields
  // Not evaluated (neutral).
  kSignatureLimit,  // beyond options.max_signatures
};

// "pass", "fail", "neutral", "temperror", "permerror"
std::string_view result_name(DkimResult r);
std::string_view reason_name(Reason r);  // "body_hash_mismatch", ...

struct SignatureVerdict {
  DkimResult status = DkimResult::kPermError;
  Reason reason = Reason::kSyntax;
  std::string detail;       // human-readable explanation of the reason
  size_t header_index = 0;  // index of the DKIM-Signature in MessageView::headers
  // Tags as far as they could be read (empty when absent or unreadable).
  std::string domain;                   // d=, lower-cased
  std::string selector;                 // s=
  std::string algorithm;                // a= as written, lower-cased
  std::string identity;                 // i= decoded, or "@" + d= when absent
  std::string b_prefix;                 // first 12 base64 characters of b= (RFC 6008 header.b)
  std::string b_digest;                 // SHA-256 of b= decoded (32 bytes; empty when b= is
                                        // unreadable): names this one signature, e.g. for
                                        // replay counting, without keeping it
  std::optional<uint64_t> body_length;  // l=
  // l= security note (RFC 6376 8.2): the canonical body is longer than l=, so content was
  // appended that the signature does not cover.
  bool body_beyond_length = false;
  int key_bits = 0;      // size of the key used (when it was fetched and decoded)
  bool testing = false;  // the key record has t=y
};

struct Verdict {
  // One entry per DKIM-Signature field, in message order (top first).
  std::vector<SignatureVerdict> signatures;

  bool any_pass() const;
  // The domains (d=) of passing signatures, without duplicates, in order.
  std::vector<std::string> passing_domains() const;
};

}  // namespace mw::auth::dkim
