// Task methods for sender authentication verdicts (filled by the auth module, see
// scan/auth_results.h): get_spf_result, get_dkim_results, get_dmarc_result, get_arc_result,
// get_auth_skipped, get_authentication_results. Each returns nil when the check did not run.

#include <optional>

#include "lua/bind.h"
#include "scan/auth_results.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

const scan::AuthResults* results(lua_State* L) { return scan::auth_results(check_task(L, 1)); }

// The verdict `member` of the task's results as a new table filled by `fill(results, verdict)`,
// or nil when that check did not run; returns 1.
template <typename V, typename Fill>
int push_verdict(lua_State* L, std::optional<V> scan::AuthResults::*member, Fill fill) {
  const scan::AuthResults* r = results(L);
  if (r == nullptr || !(r->*member)) {
    lua_pushnil(L);
    return 1;
  }
  lua_newtable(L);
  fill(*r, *(r->*member));
  return 1;
}

int get_spf_result(lua_State* L) {
  return push_verdict(L, &scan::AuthResults::spf, [L](const scan::AuthResults&, const auto& v) {
    set_field(L, "result", auth::spf::result_name(v.result));
    set_field(L, "identity", auth::spf::identity_name(v.identity));
    set_field(L, "domain", v.domain);
    set_field(L, "mechanism", v.mechanism);
    set_field(L, "matched_domain", v.matched_domain);
    set_field(L, "record", v.record);
    set_field(L, "explanation", v.explanation);
    set_field(L, "problem", v.problem);
    set_field(L, "lookups", static_cast<double>(v.dns_lookups));
    set_field(L, "void_lookups", static_cast<double>(v.void_lookups));
  });
}

int get_dkim_results(lua_State* L) {
  return push_verdict(L, &scan::AuthResults::dkim, [L](const scan::AuthResults&, const auto& v) {
    int i = 1;
    for (const auto& s : v.signatures) {
      lua_newtable(L);
      set_field(L, "result", auth::dkim::result_name(s.status));
      set_field(L, "reason", auth::dkim::reason_name(s.reason));
      set_field(L, "fail_reason", s.detail);
      set_field(L, "domain", s.domain);
      set_field(L, "selector", s.selector);
      set_field(L, "algorithm", s.algorithm);
      set_field(L, "identity", s.identity);
      set_field(L, "bits", static_cast<double>(s.key_bits));
      set_bool(L, "testing", s.testing);
      set_bool(L, "body_beyond_length", s.body_beyond_length);
      lua_rawseti(L, -2, i++);
    }
  });
}

int get_dmarc_result(lua_State* L) {
  return push_verdict(L, &scan::AuthResults::dmarc, [L](const scan::AuthResults& r, const auto& v) {
    set_field(L, "result", auth::dmarc::result_name(v.result));
    set_field(L, "from_domain", v.from_domain);
    set_field(L, "org_domain", v.org_domain);
    set_field(L, "record_domain", v.record_domain);
    set_field(L, "policy", auth::dmarc::policy_name(v.policy));
    set_field(L, "disposition", auth::dmarc::policy_name(v.disposition));
    set_field(L, "policy_source", auth::dmarc::policy_source_name(v.policy_source));
    set_bool(L, "sampled_out", v.sampled_out);
    set_bool(L, "spf_aligned", v.spf_aligned);
    set_bool(L, "dkim_aligned", v.dkim_aligned);
    set_field(L, "problem", v.problem);
    push_strings(L, v.problems);
    lua_setfield(L, -2, "problems");
    set_bool(L, "arc_override", r.arc_override);
    set_field(L, "arc_sealer", r.arc_override_sealer);
  });
}

int get_arc_result(lua_State* L) {
  return push_verdict(L, &scan::AuthResults::arc, [L](const scan::AuthResults&, const auto& v) {
    set_field(L, "result", auth::arc::chain_status_name(v.status));
    set_field(L, "reason", auth::arc::reason_name(v.reason));
    set_field(L, "detail", v.detail);
    set_field(L, "instances", static_cast<double>(v.instances));
    lua_newtable(L);
    int i = 1;
    for (const auto& s : v.sets) {
      lua_newtable(L);
      set_field(L, "instance", static_cast<double>(s.instance));
      set_field(L, "domain", s.seal.domain);
      set_field(L, "selector", s.seal.selector);
      set_field(L, "cv", s.cv);
      lua_rawseti(L, -2, i++);
    }
    lua_setfield(L, -2, "sets");
  });
}

// Why SPF / DMARC did not run (authenticated sender, local client, no IP), or nil.
int get_auth_skipped(lua_State* L) {
  const scan::AuthResults* r = results(L);
  return push_or_nil(L, r == nullptr ? std::string_view() : r->spf_skipped);
}

// get_authentication_results([authserv_id]) -> the header value and the 1-based indexes of
// the message's Authentication-Results fields that claim the same authserv-id (the ones to
// remove), or nil.
int get_authentication_results(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  const scan::AuthResults* r = scan::auth_results(t);
  if (r == nullptr) {
    lua_pushnil(L);
    return 1;
  }
  std::string id = scan::authserv_id_for(t, opt_sv(L, 2));
  push(L, scan::authentication_results(t, *r, id));
  std::vector<uint32_t> own = scan::own_authentication_results(t, id);
  lua_createtable(L, static_cast<int>(own.size()), 0);
  for (size_t i = 0; i < own.size(); ++i) {
    lua_pushinteger(L, static_cast<lua_Integer>(own[i]));
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  return 2;
}

}  // namespace

void open_task_auth(lua_State* L) {
  static const luaL_Reg kMethods[] = {{"get_spf_result", get_spf_result},
                                      {"get_dkim_results", get_dkim_results},
                                      {"get_dmarc_result", get_dmarc_result},
                                      {"get_arc_result", get_arc_result},
                                      {"get_auth_skipped", get_auth_skipped},
                                      {"get_authentication_results", get_authentication_results},
                                      {nullptr, nullptr}};
  add_task_methods(L, kMethods);
}

}  // namespace mw::lua
