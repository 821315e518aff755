#include "auth/dkim/verdict.h"

#include <algorithm>

namespace mw::auth::dkim {

std::string_view result_name(DkimResult s) {
  switch (s) {
    case DkimResult::kPass: return "pass";
    case DkimResult::kFail: return "fail";
    case DkimResult::kNeutral: return "neutral";
    case DkimResult::kTempError: return "temperror";
    case DkimResult::kPermError: return "permerror";
  }
  return "permerror";
}

std::string_view reason_name(Reason r) {
  switch (r) {
    case Reason::kNone: return "none";
    case Reason::kSyntax: return "syntax";
    case Reason::kMissingTag: return "missing_tag";
    case Reason::kVersion: return "version";
    case Reason::kAlgorithm: return "algorithm";
    case Reason::kCanonicalization: return "canonicalization";
    case Reason::kQueryMethod: return "query_method";
    case Reason::kBadDomain: return "bad_domain";
    case Reason::kBadBase64: return "bad_base64";
    case Reason::kIdentity: return "identity";
    case Reason::kFromNotSigned: return "from_not_signed";
    case Reason::kBadTag: return "bad_tag";
    case Reason::kExpired: return "expired";
    case Reason::kFutureTimestamp: return "future_timestamp";
    case Reason::kTimestampOrder: return "timestamp_order";
    case Reason::kKeyNotFound: return "key_not_found";
    case Reason::kKeySyntax: return "key_syntax";
    case Reason::kKeyRevoked: return "key_revoked";
    case Reason::kKeyType: return "key_type";
    case Reason::kKeyInvalid: return "key_invalid";
    case Reason::kKeyHash: return "key_hash";
    case Reason::kKeyService: return "key_service";
    case Reason::kKeyStrict: return "key_strict";
    case Reason::kKeyTooSmall: return "key_too_small";
    case Reason::kDnsError: return "dns_error";
    case Reason::kTimeout: return "timeout";
    case Reason::kInsecureAlgorithm: return "insecure_algorithm";
    case Reason::kBodyHashMismatch: return "body_hash_mismatch";
    case Reason::kBodyTooShort: return "body_too_short";
    case Reason::kBadSignature: return "bad_signature";
    case Reason::kSignatureLimit: return "signature_limit";
  }
  return "unknown";
}

bool Verdict::any_pass() const {
  return std::any_of(signatures.begin(), signatures.end(),
                     [](const SignatureVerdict& s) { return s.status == DkimResult::kPass; });
}

std::vector<std::string> Verdict::passing_domains() const {
  std::vector<std::string> out;
  for (const auto& s : signatures) {
    if (s.status != DkimResult::kPass) continue;
    if (std::find(out.begin(), out.end(), s.domain) == out.end()) out.push_back(s.domain);
  }
  return out;
}

}  // namespace mw::auth::dkim
