// Conversions between Lua values and JSON / TOML values.
#pragma once

#include <lua.hpp>

#include "core/json.h"

namespace toml {
inline namespace v3 {
class node;
}
}  // namespace toml

namespace mw::lua {

// A Lua value as JSON: tables with 1..n keys become arrays, others objects; functions and
// userdata become strings via tostring. Depth-limited (cycles are cut).
json::Value to_json(lua_State* L, int idx);
void push_json(lua_State* L, const json::Value& v);
void push_toml(lua_State* L, const toml::node& n);

}  // namespace mw::lua
