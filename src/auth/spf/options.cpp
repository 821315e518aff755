#include "auth/spf/options.h"

#include <algorithm>

#include "auth/spf/macro.h"

namespace mw::auth::spf {

namespace {

constexpr char kMaxDnsMechanisms[] = "options.spf.max_dns_mechanisms";
constexpr char kMaxVoidLookups[] = "options.spf.max_void_lookups";
constexpr char kMaxMxNames[] = "options.spf.max_mx_names";
constexpr char kMaxPtrNames[] = "options.spf.max_ptr_names";
constexpr char kTimeout[] = "options.spf.timeout";
constexpr char kDefaultExplanation[] = "options.spf.default_explanation";

constexpr int kMaxLimit = 1000;

uint32_t clamp_limit(int64_t v) {
  return static_cast<uint32_t>(std::clamp<int64_t>(v, 0, kMaxLimit));
}

}  // namespace

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("options.spf", "SPF checks (RFC 7208) of the MAIL FROM and HELO identities");
  s.add({kMaxDnsMechanisms, OptType::kInt, "10",
         "DNS-querying terms (include, a, mx, ptr, exists, redirect) one check may evaluate; "
         "one more gives permerror (RFC 7208 4.6.4)",
         1, kMaxLimit});
  s.add({kMaxVoidLookups, OptType::kInt, "2",
         "Terms whose lookup returns NXDOMAIN or no records before the check gives permerror "
         "(RFC 7208 4.6.4)",
         0, kMaxLimit});
  s.add({kMaxMxNames, OptType::kInt, "10",
         "MX host names an \"mx\" mechanism may return; more gives permerror", 1, kMaxLimit});
  s.add({kMaxPtrNames, OptType::kInt, "10",
         "PTR names \"ptr\" and %{p} check; further names are ignored", 1, kMaxLimit});
  s.add({kTimeout, OptType::kDuration, "\"5s\"",
         "Time limit of a whole SPF evaluation; past it the result is temperror "
         "(RFC 7208 suggests at least 20s)",
         0, 300});
  s.add({kDefaultExplanation, OptType::kString, "\"\"",
         "Explanation given with a fail result when the domain publishes no usable exp= "
         "(an RFC 7208 explain-string; macros such as %{i} and %{d} are expanded)"});
}

Result<Options> options_from(const core::Config& cfg) {
  Options o;
  o.max_dns_mechanisms = std::max<uint32_t>(1, clamp_limit(cfg.get_int(kMaxDnsMechanisms)));
  o.max_void_lookups = clamp_limit(cfg.get_int(kMaxVoidLookups));
  o.max_mx_names = std::max<uint32_t>(1, clamp_limit(cfg.get_int(kMaxMxNames)));
  o.max_ptr_names = std::max<uint32_t>(1, clamp_limit(cfg.get_int(kMaxPtrNames)));
  o.timeout = cfg.get_duration(kTimeout);
  o.default_explanation = cfg.get_string(kDefaultExplanation);
  Status st = check_macro_string(o.default_explanation, MacroUse::kExplanation);
  if (!st) {
    return fail(ErrorCode::kInvalidInput,
                std::string(kDefaultExplanation) + ": " + st.error().message);
  }
  return o;
}

}  // namespace mw::auth::spf
