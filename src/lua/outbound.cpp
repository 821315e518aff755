// mailward_outbound: what rules/outbound.lua needs from outbound protection (src/outbound/).
//
//   local ob = require 'mailward_outbound'   -- absent when the outbound module is not built in
//   ob.config()              -- [outbound] as a table, defaults filled in, secret left out,
//                            -- durations in seconds
//   ob.hash(s)               -- keyed hash of an identifier (32 hex digits)
//   ob.has_model()           -- a classifier model is loaded
//   ob.predict(features)     -- probability, {{name=, value=}, ...} (each feature's
//                            -- contribution to the log-odds, largest first), the bias;
//                            -- nil without a model
//   ob.emit_event(task, ev)  -- report a detection: events file, store list, webhook, log
//                            -- (secrets the task registered are masked in it)
//   ob.credentials(task)     -- the credential verifier over the task's message
//                            -- (outbound/credential_scan.h); nil when nothing was found,
//                            -- else {decisive=, reason=, prose=, onboarding=, records=,
//                            -- complete=, format=, where=, identity=, login=, own=,
//                            -- secret="Pa******", secret_length=, host=, port=, method=,
//                            -- tuple="<the record, secret masked>"}; the secrets found are
//                            -- registered with the task and never reach Lua in clear
//   ob.redact(task, s)       -- s with the task's registered secrets masked
//
// The functions share one object of class mailward{outbound} (their upvalue) that holds the
// module's read-only Settings; they raise "outbound protection is not configured" before the
// module has configured them.
#include <map>
#include <memory>
#include <string>

#include "lua/bind.h"
#include "lua/convert.h"
#include "lua/outbound.h"
#include "lua/state.h"
#include "outbound/credential_scan.h"
#include "outbound/events.h"
#include "outbound/secret.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

struct OutboundRef {
  std::shared_ptr<const outbound::Settings> settings;
};

const luaL_Reg kNoMethods[] = {{nullptr, nullptr}};

const outbound::Settings& settings_of(lua_State* L) {
  auto* ref = check_object<OutboundRef>(L, lua_upvalueindex(1), kOutboundClass);
  if (ref->settings == nullptr || !ref->settings->configured) {
    luaL_error(L, "outbound protection is not configured");
  }
  return *ref->settings;
}

int l_config(lua_State* L) {
  push_json(L, settings_of(L).config);
  return 1;
}

int l_hash(lua_State* L) {
  push(L, outbound::keyed_hash(settings_of(L).secret, check_sv(L, 1)));
  return 1;
}

int l_has_model(lua_State* L) {
  lua_pushboolean(L, settings_of(L).model.has_value());
  return 1;
}

int l_predict(lua_State* L) {
  const outbound::Settings& s = settings_of(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  if (!s.model) {
    lua_pushnil(L);
    return 1;
  }
  std::map<std::string, double> f;
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      double v = lua_type(L, -1) == LUA_TBOOLEAN ? (lua_toboolean(L, -1) ? 1 : 0)
                                                 : lua_tonumber(L, -1);
      f[lua_tostring(L, -2)] = v;
    }
    lua_pop(L, 1);
  }
  outbound::Prediction p = s.model->predict(f);
  lua_pushnumber(L, p.probability);
  lua_createtable(L, static_cast<int>(p.contributions.size()), 0);
  int i = 1;
  for (const auto& [name, c] : p.contributions) {
    lua_createtable(L, 0, 2);
    set_field(L, "name", name);
    set_field(L, "value", c);
    lua_rawseti(L, -2, i++);
  }
  lua_pushnumber(L, s.model->bias());
  return 3;
}

int l_emit_event(lua_State* L) {
  const outbound::Settings& s = settings_of(L);
  scan::Task& task = check_task(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  outbound::event_sink(task, s).emit(task, to_json(L, 2));
  return 0;
}

int l_credentials(lua_State* L) {
  const outbound::Settings& s = settings_of(L);
  scan::Task& task = check_task(L, 1);
  outbound::CredentialFindings f = outbound::scan_message(task, s);
  const outbound::CredentialRecord* r = f.best();
  if (r == nullptr) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, 20);
  set_bool(L, "decisive", f.decisive);
  set_field(L, "reason", f.reason);
  set_field(L, "prose", static_cast<double>(f.prose));
  set_bool(L, "onboarding", r->onboarding || f.onboarding_text);
  set_field(L, "records", static_cast<double>(f.records.size()));
  set_bool(L, "complete", r->complete);
  set_field(L, "format", r->format);
  set_field(L, "where", r->where);
  set_field(L, "identity", r->identity);
  set_field(L, "login", r->login);
  set_bool(L, "own", r->own);
  set_field(L, "secret", outbound::mask_secret(r->secret));
  set_field(L, "secret_length", static_cast<double>(r->secret.size()));
  set_field(L, "strength", static_cast<double>(r->strength));
  set_field(L, "host", r->host);
  if (r->port != 0) set_field(L, "port", static_cast<double>(r->port));
  set_field(L, "method", r->method);
  set_field(L, "tuple", r->masked);
  return 1;
}

int l_redact(lua_State* L) {
  scan::Task& task = check_task(L, 1);
  push(L, task.redact(check_sv(L, 2)));
  return 1;
}

// package.preload entry: returns the module table (its upvalue).
int load_module(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  return 1;
}

}  // namespace

void open_outbound(lua_State* L, std::shared_ptr<const outbound::Settings> settings) {
  register_class<OutboundRef>(L, kOutboundClass, kNoMethods);
  static const luaL_Reg kFuncs[] = {{"config", l_config},       {"hash", l_hash},
                                    {"has_model", l_has_model}, {"predict", l_predict},
                                    {"emit_event", l_emit_event},
                                    {"credentials", l_credentials},
                                    {"redact", l_redact},       {nullptr, nullptr}};
  lua_newtable(L);  // the module
  push_object<OutboundRef>(L, kOutboundClass, OutboundRef{std::move(settings)});
  for (const luaL_Reg* f = kFuncs; f->name != nullptr; ++f) {
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, f->func, 1);
    lua_setfield(L, -3, f->name);
  }
  lua_pop(L, 1);  // the object (kept by the closures)
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushvalue(L, -3);
  lua_pushcclosure(L, load_module, 1);
  lua_setfield(L, -2, "mailward_outbound");
  lua_pop(L, 3);  // preload, package, the module
}

}  // namespace mw::lua
