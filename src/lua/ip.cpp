// rspamd_ip: IP address objects (to_string, get_version, is_valid, is_local, apply_mask,
// to_table, inversed_str_octets for DNSBL-style lookups) and the module functions
// (from_string).
#include "lua/ip.h"

#include <string>

#include "core/ip_address.h"
#include "lua/bind.h"
#include "lua/state.h"

namespace mw::lua {

namespace {

using Ip = core::IpAddress;  // family 0: invalid (rules still get an object, as in Rspamd)

Ip parse(std::string_view text) {
  return core::IpAddress::parse(text, /*brackets=*/true).value_or(Ip{});
}

Ip& check(lua_State* L, int idx) { return *check_object<Ip>(L, idx, kIpClass); }

int ip_to_string(lua_State* L) {
  Ip& ip = check(L, 1);
  if (!ip.valid()) {
    lua_pushnil(L);
  } else {
    push(L, ip.to_string());
  }
  return 1;
}

int ip_tostring_meta(lua_State* L) {
  Ip& ip = check(L, 1);
  push(L, ip.valid() ? ip.to_string() : std::string("(invalid ip)"));
  return 1;
}

int ip_is_local(lua_State* L) {
  Ip& ip = check(L, 1);
  bool local = false;
  const auto& a = ip.bytes;
  if (ip.family == 4) {
    local = a[0] == 127 || a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) ||
            (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254);
  } else if (ip.family == 6) {
    bool loop = true;
    for (int i = 0; i < 15; ++i) loop = loop && a[static_cast<size_t>(i)] == 0;
    local = (loop && a[15] == 1) || (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80);
  }
  lua_pushboolean(L, local);
  return 1;
}
int ip_apply_mask(lua_State* L) {
  Ip& ip = check(L, 1);
  push_object<Ip>(L, kIpClass, ip.masked(static_cast<int>(luaL_checkinteger(L, 2))));
  return 1;
}

int ip_to_table(lua_State* L) {
  Ip& ip = check(L, 1);
  size_t n = ip.family == 4 ? 4 : (ip.family == 6 ? 16 : 0);
  lua_createtable(L, static_cast<int>(n), 0);
  for (size_t i = 0; i < n; ++i) {
    lua_pushinteger(L, ip.bytes[i]);
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  return 1;
}
int ip_eq(lua_State* L) {
  Ip& a = check(L, 1);
  Ip& b = check(L, 2);
  lua_pushboolean(L, a == b);
  return 1;
}

const luaL_Reg kIpMethods[] = {
    {"to_string", ip_to_string},
    {"get_version", field_getter<check, &Ip::family>},
    {"is_valid", method_getter<check, &Ip::valid>},
    {"is_local", ip_is_local},
    {"apply_mask", ip_apply_mask},
    {"to_table", ip_to_table},
    // "4.3.2.1" for 1.2.3.4; nibbles for IPv6 (DNSBL query order).
    {"inversed_str_octets", method_getter<check, &Ip::reversed_labels>},
    {nullptr, nullptr}};

int mod_from_string(lua_State* L) {
  push_ip(L, check_sv(L, 1));
  return 1;
}

const luaL_Reg kFuncs[] = {{"from_string", mod_from_string}, {nullptr, nullptr}};

}  // namespace

void push_ip(lua_State* L, std::string_view text) { push_object<Ip>(L, kIpClass, parse(text)); }

void open_ip(lua_State* L) {
  register_class<Ip>(L, kIpClass, kIpMethods, ip_tostring_meta);
  luaL_getmetatable(L, kIpClass);
  lua_pushcfunction(L, ip_eq);
  lua_setfield(L, -2, "__eq");
  lua_pop(L, 1);
  state_of(L).preload_functions({"rspamd_ip", "mailward_ip"}, kFuncs);
}

}  // namespace mw::lua
