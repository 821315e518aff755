// The synchronous core of DKIM verification, shared by the asynchronous Verifier, the ARC
// verifier and the benchmarks: policy checks, key checks, body and header hashes, and the
// signature check once the key is known. Also maps a DNS reply to a usable key record.
//
// Order of checks for one signature (RFC 6376 section 6.1):
//   precheck()         syntax problems, policy (rsa-sha1, RFC 8301), x= / t= against now
//   <fetch the key>    key_from_reply()
//   check_key()        key usable, k= matches a=, key h=, t=s, minimum key size
//   verify_with_key()  l= against the body, body hash, then the signature over the headers
//
// Ownership: functions fill caller-owned verdicts; BodyHashCache owns its digests.
// Loop affinity: none. Failure modes: none (results are verdicts); malformed input of any
// kind is turned into a permerror or fail verdict.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dkim/key_record.h"
#include "auth/dkim/message.h"
#include "auth/dkim/signature.h"
#include "auth/dkim/verdict.h"
#include "dns/resolver.h"

namespace mw::auth::dkim {

struct Policy {
  bool allow_rsa_sha1 = false;   // RFC 8301: rsa-sha1 signatures fail unless allowed
  uint32_t min_key_bits = 1024;  // RFC 8301: smaller RSA keys give permerror
  int64_t clock_skew = 300;      // seconds of tolerance for x= and t=
};

// A fresh verdict naming the signature (d=, s=, a=, i=, l=, b= prefix).
SignatureVerdict start_verdict(const Signature& sig, size_t header_index);

// Set `out` to a final status. Always returns false (for `return decide(...)` chains).
bool decide(SignatureVerdict& out, DkimResult status, Reason reason, std::string detail);

// Checks needing no key. Returns true when the signature should go on to the key lookup;
// false when `out` holds the final verdict.
bool precheck(const Signature& sig, const Policy& policy, int64_t now, SignatureVerdict& out);

// Checks of the key against the signature; true when usable, else `out` is final.
bool check_key(const Signature& sig, const KeyRecord& key, const Policy& policy,
               SignatureVerdict& out);

// The outcome of a key lookup.
struct KeyLookup {
  DkimResult status = DkimResult::kPass;  // kPass: `record` is set; otherwise temperror/permerror
  Reason reason = Reason::kNone;
  std::string detail;
  std::shared_ptr<const KeyRecord> record;
};
// Interpret the TXT reply for <s>._domainkey.<d>. Several records: the first usable one
// wins. NXDOMAIN or no record: permerror kKeyNotFound; timeouts, SERVFAIL and other
// rcodes: temperror kDnsError; no usable record: permerror with the first record's problem.
KeyLookup key_from_reply(const dns::Reply& reply);

// Body hashes of one message, computed once per (canonicalisation, hash, l=).
class BodyHashCache {
 public:
  struct Entry {
    Canon canon;
    HashAlg hash;
    std::optional<uint64_t> limit;
    std::string digest;
    uint64_t canonical_length = 0;  // of the whole canonical body, not just l=
  };
  explicit BodyHashCache(std::string_view body) : body_(body) {}
  const Entry& get(Canon canon, HashAlg hash, std::optional<uint64_t> limit);

 private:
  std::string_view body_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// Hash of the canonical body (first `limit` bytes of it when set).
BodyHashCache::Entry compute_body_hash(std::string_view body, Canon canon, HashAlg hash,
                                       std::optional<uint64_t> limit);

// Digest of the header fields a DKIM-Signature / ARC-Message-Signature signs: the fields
// selected by h= (bottom-up), then the signature field itself with b= emptied.
// REQUIRES: sig_index < message.headers.size() and `sig` was parsed from that field.
std::string header_digest(const MessageView& message, size_t sig_index, const Signature& sig);

// The same from parts: the fields of `message` selected by `names`, then `own_field` (the
// whole signature field) with [b_begin, b_end) (offsets within it) removed, canonicalised
// with `canon` and hashed with `hash`. Signers use it with their field not yet in `message`.
std::string header_digest_of(const MessageView& message, const std::vector<std::string>& names,
                             Canon canon, HashAlg hash, std::string_view own_field, size_t b_begin,
                             size_t b_end);

// Body hash and signature check with a usable key (check_key() passed). Sets `out` final.
void verify_with_key(const MessageView& message, size_t sig_index, const Signature& sig,
                     const KeyRecord& key, BodyHashCache& bodies, SignatureVerdict& out);

// Everything after the lookup: check_key() then verify_with_key().
void evaluate_with_key(const MessageView& message, size_t sig_index, const Signature& sig,
                       const KeyRecord& key, const Policy& policy, BodyHashCache& bodies,
                       SignatureVerdict& out);

}  // namespace mw::auth::dkim
