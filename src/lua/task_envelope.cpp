// Task methods about the envelope and the request: get_from, get_recipients, get_user,
// get_from_ip/get_client_ip, get_helo, get_hostname, get_queue_id, get_request_header,
// get_settings_id, get_size, get_time, get_reply_sender (the first Reply-To address).
#include <string>

#include "core/ascii.h"
#include "lua/bind.h"
#include "lua/ip.h"
#include "mime/message.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

enum class Source { kSmtp, kMime, kAny };

Source source_arg(lua_State* L, int idx) {
  if (lua_isnoneornil(L, idx)) return Source::kAny;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    int n = static_cast<int>(lua_tointeger(L, idx));
    return n == 1 ? Source::kSmtp : (n == 2 ? Source::kMime : Source::kAny);
  }
  std::string_view s = check_sv(L, idx);
  if (s == "smtp" || s == "envelope") return Source::kSmtp;
  if (s == "mime" || s == "header") return Source::kMime;
  return Source::kAny;
}

// {addr=, user=, domain=, name=} for an address given as text.
void push_addr(lua_State* L, std::string_view addr, std::string_view name) {
  lua_createtable(L, 0, 4);
  set_field(L, "addr", addr);
  auto at = addr.rfind('@');
  std::string domain;
  if (at != std::string_view::npos) {
    set_field(L, "user", addr.substr(0, at));
    domain = core::to_lower(addr.substr(at + 1));
  } else {
    set_field(L, "user", addr);
  }
  set_field(L, "domain", domain);
  set_field(L, "name", name);
}

void push_mime_list(lua_State* L, const mime::Vec<mime::Address>& list, int& i) {
  for (const auto& a : list) {
    push_addr(L, a.addr, a.display_name);
    lua_rawseti(L, -2, i++);
  }
}

int get_from(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  Source src = source_arg(L, 2);
  const auto& env = t.envelope();
  bool smtp = src == Source::kSmtp || (src == Source::kAny && env.has_from);
  if (smtp) {
    if (!env.has_from) {
      lua_pushnil(L);
      return 1;
    }
    lua_createtable(L, 1, 0);
    push_addr(L, env.from, "");
    lua_rawseti(L, -2, 1);
    return 1;
  }
  if (!t.has_message() || t.message().from.empty()) {
    lua_pushnil(L);
    return 1;
  }
  lua_newtable(L);
  int i = 1;
  push_mime_list(L, t.message().from, i);
  return 1;
}

int get_recipients(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  Source src = source_arg(L, 2);
  const auto& env = t.envelope();
  bool smtp = src == Source::kSmtp || (src == Source::kAny && !env.rcpts.empty());
  if (smtp) {
    if (env.rcpts.empty()) {
      lua_pushnil(L);
      return 1;
    }
    lua_createtable(L, static_cast<int>(env.rcpts.size()), 0);
    int i = 1;
    for (const auto& r : env.rcpts) {
      push_addr(L, r, "");
      lua_rawseti(L, -2, i++);
    }
    return 1;
  }
  if (!t.has_message()) {
    lua_pushnil(L);
    return 1;
  }
  const auto& m = t.message();
  if (m.to.empty() && m.cc.empty() && m.bcc.empty()) {
    lua_pushnil(L);
    return 1;
  }
  lua_newtable(L);
  int i = 1;
  push_mime_list(L, m.to, i);
  push_mime_list(L, m.cc, i);
  push_mime_list(L, m.bcc, i);
  return 1;
}

int get_principal_recipient(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  const auto& env = t.envelope();
  if (!env.deliver_to.empty()) {
    push(L, env.deliver_to);
  } else if (!env.rcpts.empty()) {
    push(L, env.rcpts.front());
  } else if (t.has_message() && !t.message().to.empty()) {
    push(L, t.message().to.front().addr);
  } else {
    lua_pushnil(L);
  }
  return 1;
}

// The first Reply-To address (Rspamd's shape: the address as a string), nil without one.
int get_reply_sender(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  if (!t.has_message() || t.message().reply_to.empty() ||
      t.message().reply_to.front().addr.empty()) {
    lua_pushnil(L);
  } else {
    push(L, t.message().reply_to.front().addr);
  }
  return 1;
}

int get_user(lua_State* L) { return push_or_nil(L, check_task(L, 1).envelope().user); }
int get_helo(lua_State* L) { return push_or_nil(L, check_task(L, 1).envelope().helo); }
int get_queue_id(lua_State* L) { return push_or_nil(L, check_task(L, 1).envelope().queue_id); }
int get_settings_id(lua_State* L) {
  return push_or_nil(L, check_task(L, 1).envelope().settings_id);
}

int get_hostname(lua_State* L) {
  const std::string& h = check_task(L, 1).envelope().hostname;
  return push_or_nil(L, h == "unknown" ? std::string() : h);
}

int get_from_ip(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  if (t.envelope().ip.empty()) {
    lua_pushnil(L);
    return 1;
  }
  push_ip(L, t.envelope().ip);
  return 1;
}

int get_request_header(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  const std::string* v = t.envelope().request_header(check_sv(L, 2));
  if (v == nullptr) {
    lua_pushnil(L);
  } else {
    push(L, *v);
  }
  return 1;
}

int get_size(lua_State* L) {
  lua_pushnumber(L, static_cast<double>(check_task(L, 1).raw().size()));
  return 1;
}

// Message time (the envelope's, else when the scan started), epoch seconds.
int get_time(lua_State* L) {
  lua_pushnumber(L, check_task(L, 1).time());
  return 1;
}

int is_authenticated(lua_State* L) {
  lua_pushboolean(L, check_task(L, 1).envelope().authenticated());
  return 1;
}

int get_mta_name(lua_State* L) { return push_or_nil(L, check_task(L, 1).envelope().mta_name); }

const luaL_Reg kMethods[] = {
    {"get_from", get_from},
    {"get_recipients", get_recipients},
    {"get_principal_recipient", get_principal_recipient},
    {"get_reply_sender", get_reply_sender},
    {"get_user", get_user},
    {"get_helo", get_helo},
    {"get_hostname", get_hostname},
    {"get_queue_id", get_queue_id},
    {"get_settings_id", get_settings_id},
    {"get_from_ip", get_from_ip},
    {"get_client_ip", get_from_ip},
    {"get_request_header", get_request_header},
    {"get_size", get_size},
    {"get_time", get_time},
    {"get_timeval", get_time},
    {"is_authenticated", is_authenticated},
    {"get_mta_name", get_mta_name},
    {nullptr, nullptr}};

}  // namespace

const luaL_Reg* task_envelope_methods() { return kMethods; }

}  // namespace mw::lua
