// rspamd_ip: IP address objects (to_string, get_version, is_valid, is_local, apply_mask,
// to_table, inversed_str_octets for DNSBL-style lookups) and the module functions
// (from_string).
#include "lua/ip.h"

#include <arpa/inet.h>

#include <array>
#include <cstdio>
#include <string>

#include "lua/bind.h"

namespace mw::lua {

namespace {

struct Ip {
  std::array<uint8_t, 16> addr{};
  int family = 0;  // 0 invalid, 4, 6
};

Ip parse(std::string_view text) {
  Ip ip;
  std::string s(text);
  if (!s.empty() && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (inet_pton(AF_INET, s.c_str(), ip.addr.data()) == 1) {
    ip.family = 4;
  } else if (inet_pton(AF_INET6, s.c_str(), ip.addr.data()) == 1) {
    ip.family = 6;
  }
  return ip;
}

std::string to_text(const Ip& ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ip.family == 4) inet_ntop(AF_INET, ip.addr.data(), buf, sizeof buf);
  if (ip.family == 6) inet_ntop(AF_INET6, ip.addr.data(), buf, sizeof buf);
  return buf;
}

Ip& check(lua_State* L, int idx) { return *check_object<Ip>(L, idx, kIpClass); }

int ip_to_string(lua_State* L) {
  Ip& ip = check(L, 1);
  if (ip.family == 0) {
    lua_pushnil(L);
  } else {
    push(L, to_text(ip));
  }
  return 1;
}
int ip_tostring_meta(lua_State* L) {
  Ip& ip = check(L, 1);
  push(L, ip.family == 0 ? std::string("(invalid ip)") : to_text(ip));
  return 1;
}
int ip_get_version(lua_State* L) {
  lua_pushinteger(L, check(L, 1).family);
  return 1;
}
int ip_is_valid(lua_State* L) {
  lua_pushboolean(L, check(L, 1).family != 0);
  return 1;
}
int ip_is_local(lua_State* L) {
  Ip& ip = check(L, 1);
  bool local = false;
  const auto& a = ip.addr;
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
  Ip ip = check(L, 1);
  int bits = static_cast<int>(luaL_checkinteger(L, 2));
  int max = ip.family == 4 ? 32 : 128;
  if (bits < 0) bits = 0;
  if (bits > max) bits = max;
  size_t nbytes = ip.family == 4 ? 4 : 16;
  for (size_t i = 0; i < nbytes; ++i) {
    int keep = bits - static_cast<int>(i) * 8;
    if (keep >= 8) continue;
    ip.addr[i] = keep <= 0 ? 0 : static_cast<uint8_t>(ip.addr[i] & (0xFF << (8 - keep)));
  }
  push_object<Ip>(L, kIpClass, ip);
  return 1;
}
int ip_to_table(lua_State* L) {
  Ip& ip = check(L, 1);
  size_t n = ip.family == 4 ? 4 : (ip.family == 6 ? 16 : 0);
  lua_createtable(L, static_cast<int>(n), 0);
  for (size_t i = 0; i < n; ++i) {
    lua_pushinteger(L, ip.addr[i]);
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  return 1;
}
// "4.3.2.1" for 1.2.3.4; nibbles for IPv6 (DNSBL query order).
int ip_inversed_str_octets(lua_State* L) {
  Ip& ip = check(L, 1);
  std::string out;
  if (ip.family == 4) {
    for (int i = 3; i >= 0; --i) {
      out += std::to_string(ip.addr[static_cast<size_t>(i)]);
      if (i > 0) out += '.';
    }
  } else if (ip.family == 6) {
    static const char kHex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
      uint8_t b = ip.addr[static_cast<size_t>(i)];
      out += kHex[b & 15];
      out += '.';
      out += kHex[b >> 4];
      if (i > 0) out += '.';
    }
  }
  push(L, out);
  return 1;
}
int ip_eq(lua_State* L) {
  Ip& a = check(L, 1);
  Ip& b = check(L, 2);
  lua_pushboolean(L, a.family == b.family && a.addr == b.addr);
  return 1;
}

const luaL_Reg kIpMethods[] = {
    {"to_string", ip_to_string},       {"get_version", ip_get_version},
    {"is_valid", ip_is_valid},         {"is_local", ip_is_local},
    {"apply_mask", ip_apply_mask},     {"to_table", ip_to_table},
    {"inversed_str_octets", ip_inversed_str_octets},
    {nullptr, nullptr}};

int mod_from_string(lua_State* L) {
  push_ip(L, check_sv(L, 1));
  return 1;
}

int open_module(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, mod_from_string);
  lua_setfield(L, -2, "from_string");
  return 1;
}

}  // namespace

void push_ip(lua_State* L, std::string_view text) { push_object<Ip>(L, kIpClass, parse(text)); }

void open_ip(lua_State* L) {
  register_class<Ip>(L, kIpClass, kIpMethods, ip_tostring_meta);
  luaL_getmetatable(L, kIpClass);
  lua_pushcfunction(L, ip_eq);
  lua_setfield(L, -2, "__eq");
  lua_pop(L, 1);
  for (const char* name : {"rspamd_ip", "mailward_ip"}) {
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, open_module);
    lua_setfield(L, -2, name);
    lua_pop(L, 2);
  }
}

}  // namespace mw::lua
