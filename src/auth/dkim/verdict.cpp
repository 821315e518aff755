#include "auth/dkim/verdict.h"

#include <algorithm>

#include "core/enum_names.h"

namespace mw::auth::dkim {

namespace {

constexpr auto kResultNames =
    core::EnumNames<DkimResult, DkimResult::kPermError>{"pass", "fail", "neutral", "temperror",
                                                        "permerror"}
        .with_fallback("permerror");
constexpr core::EnumNames<Reason, Reason::kSignatureLimit> kReasonNames{
    "none",           "syntax",           "missing_tag",     "version",
    "algorithm",      "canonicalization", "query_method",    "bad_domain",
    "bad_base64",     "identity",         "from_not_signed", "bad_tag",
    "expired",        "future_timestamp", "timestamp_order", "key_not_found",
    "key_syntax",     "key_revoked",      "key_type",        "key_invalid",
    "key_hash",       "key_service",      "key_strict",      "key_too_small",
    "dns_error",      "timeout",          "insecure_algorithm", "body_hash_mismatch",
    "body_too_short", "bad_signature",    "signature_limit"};

}  // namespace

std::string_view result_name(DkimResult s) { return kResultNames.name(s); }

std::string_view reason_name(Reason r) { return kReasonNames.name(r); }

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
