#include "auth/arc/verdict.h"

#include "core/enum_names.h"

namespace mw::auth::arc {

namespace {

constexpr auto kChainStatusNames =
    core::EnumNames<ChainStatus, ChainStatus::kTempError>{"none", "pass", "fail", "temperror"}
        .with_fallback("fail");
constexpr core::EnumNames<Reason, Reason::kTimeout> kReasonNames{
    "none",     "too_many_sets", "chain_failed", "structure", "syntax",
    "invalid_cv", "ams_failed",  "seal_failed",  "dns_error", "timeout"};

}  // namespace

std::string_view chain_status_name(ChainStatus s) { return kChainStatusNames.name(s); }

std::string_view reason_name(Reason r) { return kReasonNames.name(r); }

}  // namespace mw::auth::arc
