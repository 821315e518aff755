// mailward_hostname: what host names and client addresses look like, for the HELO and
// Received rules (scan/hostname_shape.h). Functions take and return strings:
//   ip_of(s)            the address in "[192.0.2.1]", "[IPv6:...]" or a bare address, or nil
//   is_literal(s)       s is a bracketed address literal
//   is_fqdn(s)          a dotted name with a top-level domain shape, not an address
//   embeds_ip(name, ip) the name spells the IPv4 address
//   dynamic(name, ip)   nil, or why the name looks dynamic ("ip-in-name", "keyword:dsl")
//   is_bogus_ip(ip)     an address no SMTP client can have
//   is_nonpublic(ip)    private, loopback, link-local, CGN or unique-local
#include "lua/bind.h"
#include "lua/state.h"
#include "scan/hostname_shape.h"

namespace mw::lua {

namespace {

std::string_view arg(lua_State* L, int idx) {
  if (lua_type(L, idx) != LUA_TSTRING) return {};
  return check_sv(L, idx);
}

int h_ip_of(lua_State* L) {
  return push_or_nil(L, scan::ip_literal_of(arg(L, 1)));
}
int h_is_literal(lua_State* L) {
  std::string_view s = arg(L, 1);
  lua_pushboolean(L, s.size() >= 2 && s.front() == '[' && s.back() == ']');
  return 1;
}
int h_embeds_ip(lua_State* L) { return push_value(L, scan::embeds_ip(arg(L, 1), arg(L, 2))); }
int h_dynamic(lua_State* L) {
  return push_or_nil(L, scan::dynamic_reason(arg(L, 1), arg(L, 2)));
}
// A test of one string (nil or another type: "") as a function returning a boolean.
template <bool (*Test)(std::string_view)>
int predicate(lua_State* L) {
  return push_value(L, Test(arg(L, 1)));
}

const luaL_Reg kFuncs[] = {{"ip_of", h_ip_of},
                           {"is_literal", h_is_literal},
                           {"is_fqdn", predicate<scan::is_fqdn>},
                           {"embeds_ip", h_embeds_ip},
                           {"dynamic", h_dynamic},
                           {"is_bogus_ip", predicate<scan::is_bogus_ip>},
                           {"is_nonpublic", predicate<scan::is_nonpublic_ip>},
                           {nullptr, nullptr}};

int open_module(lua_State* L) {
  lua_newtable(L);
  luaL_register(L, nullptr, kFuncs);
  return 1;
}

}  // namespace

void open_hostname(lua_State* L) { state_of(L).preload("mailward_hostname", open_module); }

}  // namespace mw::lua
