#include "auth/spf/verdict.h"

#include "core/enum_names.h"

namespace mw::auth::spf {

namespace {

constexpr auto kResultNames =
    core::EnumNames<SpfResult, SpfResult::kPermError>{"none",     "neutral",   "pass",     "fail",
                                                      "softfail", "temperror", "permerror"}
        .with_fallback("none");

}  // namespace

std::string_view result_name(SpfResult r) { return kResultNames.name(r); }

std::string_view identity_name(Identity id) {
  return id == Identity::kHelo ? "helo" : "mailfrom";
}

}  // namespace mw::auth::spf
