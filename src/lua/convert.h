// Conversions between Lua values and JSON values (configuration tables arrive as JSON too:
// core::Config::value()).
#pragma once

#include <lua.hpp>

#include "core/json.h"

namespace mw::lua {

// A Lua value as JSON: tables with 1..n keys become arrays, others objects; functions and
// userdata become strings via tostring. Depth-limited (cycles are cut).
json::Value to_json(lua_State* L, int idx);
// Push `v`: null -> nil, numbers -> numbers, arrays -> sequences (1..n), objects -> tables.
void push_json(lua_State* L, const json::Value& v);

}  // namespace mw::lua
