// IP address objects for Lua (rspamd_ip-style): task:get_from_ip() returns one.
#pragma once

#include <lua.hpp>

#include <string_view>

namespace mw::lua {

// Push an IP object for `text` (an invalid or empty address gives an object whose
// is_valid() is false, as Rspamd does).
void push_ip(lua_State* L, std::string_view text);

}  // namespace mw::lua
