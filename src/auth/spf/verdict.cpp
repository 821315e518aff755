#include "auth/spf/verdict.h"

namespace mw::auth::spf {

std::string_view result_name(SpfResult r) {
  switch (r) {
    case SpfResult::kNone: return "none";
    case SpfResult::kNeutral: return "neutral";
    case SpfResult::kPass: return "pass";
    case SpfResult::kFail: return "fail";
    case SpfResult::kSoftFail: return "softfail";
    case SpfResult::kTempError: return "temperror";
    case SpfResult::kPermError: return "permerror";
  }
  return "none";
}

std::string_view identity_name(Identity id) {
  return id == Identity::kHelo ? "helo" : "mailfrom";
}

}  // namespace mw::auth::spf
