#include "auth/dmarc/verdict.h"

#include "core/enum_names.h"

namespace mw::auth::dmarc {

namespace {

constexpr auto kSpfAuthNames =
    core::EnumNames<SpfAuth, SpfAuth::kPermError>{"none",     "neutral",   "pass",     "fail",
                                                  "softfail", "temperror", "permerror"}
        .with_fallback("none");
constexpr auto kDkimAuthNames =
    core::EnumNames<DkimAuth, DkimAuth::kPermError>{"none",    "pass",      "fail",     "policy",
                                                    "neutral", "temperror", "permerror"}
        .with_fallback("none");
constexpr auto kResultNames =
    core::EnumNames<DmarcResult, DmarcResult::kPermError>{"none", "pass", "fail", "temperror",
                                                          "permerror"}
        .with_fallback("none");
constexpr auto kPolicySourceNames =
    core::EnumNames<PolicySource, PolicySource::kNonExistent>{"p", "sp", "np"}.with_fallback("p");

}  // namespace

std::string_view spf_auth_name(SpfAuth r) { return kSpfAuthNames.name(r); }

std::string_view spf_scope_name(SpfScope s) { return s == SpfScope::kHelo ? "helo" : "mfrom"; }

std::string_view dkim_auth_name(DkimAuth r) { return kDkimAuthNames.name(r); }

std::string_view result_name(DmarcResult r) { return kResultNames.name(r); }

std::string_view policy_source_name(PolicySource s) { return kPolicySourceNames.name(s); }

json::Value ReportRecord::to_json() const {
  json::Value evaluated = json::Value::object();
  evaluated.set("disposition", policy_name(disposition));
  evaluated.set("dkim", dkim_pass ? "pass" : "fail");
  evaluated.set("spf", spf_pass ? "pass" : "fail");
  json::Value reason_list = json::Value::array();
  for (const auto& r : reasons) {
    json::Value item = json::Value::object();
    item.set("type", r.type);
    item.set("comment", r.comment);
    reason_list.push(std::move(item));
  }
  evaluated.set("reason", std::move(reason_list));

  json::Value row = json::Value::object();
  row.set("source_ip", source_ip);
  row.set("count", static_cast<int64_t>(count));
  row.set("policy_evaluated", std::move(evaluated));

  json::Value identifiers = json::Value::object();
  identifiers.set("envelope_to", envelope_to);
  identifiers.set("envelope_from", envelope_from);
  identifiers.set("header_from", header_from);

  json::Value dkim_list = json::Value::array();
  for (const auto& d : dkim) {
    json::Value item = json::Value::object();
    item.set("domain", d.domain);
    item.set("selector", d.selector);
    item.set("result", dkim_auth_name(d.result));
    item.set("human_result", d.human_result);
    dkim_list.push(std::move(item));
  }
  json::Value spf_item = json::Value::object();
  spf_item.set("domain", spf.domain);
  spf_item.set("scope", spf_scope_name(spf.scope));
  spf_item.set("result", spf_auth_name(spf.result));
  json::Value spf_list = json::Value::array();
  spf_list.push(std::move(spf_item));
  json::Value auth = json::Value::object();
  auth.set("dkim", std::move(dkim_list));
  auth.set("spf", std::move(spf_list));

  json::Value out = json::Value::object();
  out.set("row", std::move(row));
  out.set("identifiers", std::move(identifiers));
  out.set("auth_results", std::move(auth));
  if (!published_domain.empty()) {
    json::Value pub = json::Value::object();
    pub.set("domain", published_domain);
    pub.set("adkim", alignment_name(adkim));
    pub.set("aspf", alignment_name(aspf));
    pub.set("p", policy_name(p));
    pub.set("sp", policy_name(sp));
    if (np) pub.set("np", policy_name(*np));
    pub.set("pct", static_cast<int64_t>(pct));
    pub.set("fo", fo);
    out.set("policy_published", std::move(pub));
  }
  return out;
}

}  // namespace mw::auth::dmarc
