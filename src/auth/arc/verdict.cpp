#include "auth/arc/verdict.h"

namespace mw::auth::arc {

std::string_view chain_status_name(ChainStatus s) {
  switch (s) {
    case ChainStatus::kNone: return "none";
    case ChainStatus::kPass: return "pass";
    case ChainStatus::kFail: return "fail";
    case ChainStatus::kTempError: return "temperror";
  }
  return "fail";
}

std::string_view reason_name(Reason r) {
  switch (r) {
    case Reason::kNone: return "none";
    case Reason::kTooManySets: return "too_many_sets";
    case Reason::kChainFailed: return "chain_failed";
    case Reason::kStructure: return "structure";
    case Reason::kSyntax: return "syntax";
    case Reason::kInvalidCv: return "invalid_cv";
    case Reason::kAmsFailed: return "ams_failed";
    case Reason::kSealFailed: return "seal_failed";
    case Reason::kDnsError: return "dns_error";
    case Reason::kTimeout: return "timeout";
  }
  return "unknown";
}

}  // namespace mw::auth::arc
