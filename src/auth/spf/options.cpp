#include "auth/spf/options.h"

#include "auth/spf/macro.h"
#include "core/option_table.h"

namespace mw::auth::spf {

namespace {

constexpr char kPrefix[] = "options.spf";
constexpr int kMaxLimit = 1000;

core::OptionTable<Options> table() {
  using core::OptType;
  return {kPrefix, "SPF checks (RFC 7208) of the MAIL FROM and HELO identities", {
      {&Options::max_dns_mechanisms,
       {"max_dns_mechanisms", OptType::kInt, "10",
        "DNS-querying terms (include, a, mx, ptr, exists, redirect) one check may evaluate; "
        "one more gives permerror (RFC 7208 4.6.4)",
        1, kMaxLimit}},
      {&Options::max_void_lookups,
       {"max_void_lookups", OptType::kInt, "2",
        "Terms whose lookup returns NXDOMAIN or no records before the check gives permerror "
        "(RFC 7208 4.6.4)",
        0, kMaxLimit}},
      {&Options::max_mx_names,
       {"max_mx_names", OptType::kInt, "10",
        "MX host names an \"mx\" mechanism may return; more gives permerror", 1, kMaxLimit}},
      {&Options::max_ptr_names,
       {"max_ptr_names", OptType::kInt, "10",
        "PTR names \"ptr\" and %{p} check; further names are ignored", 1, kMaxLimit}},
      {&Options::timeout,
       {"timeout", OptType::kDuration, "\"5s\"",
        "Time limit of a whole SPF evaluation; past it the result is temperror "
        "(RFC 7208 suggests at least 20s)",
        0, 300}},
      {&Options::default_explanation,
       {"default_explanation", OptType::kString, "\"\"",
        "Explanation given with a fail result when the domain publishes no usable exp= "
        "(an RFC 7208 explain-string; macros such as %{i} and %{d} are expanded)"}},
  }};
}

}  // namespace

void declare_options(core::Schema& s) { table().declare(s); }

Result<Options> options_from(const core::Config& cfg) {
  Options o = table().read(cfg);
  Status st = check_macro_string(o.default_explanation, MacroUse::kExplanation);
  if (!st) {
    return fail(ErrorCode::kInvalidInput,
                table().path("default_explanation") + ": " + st.error().message);
  }
  return o;
}

}  // namespace mw::auth::spf
