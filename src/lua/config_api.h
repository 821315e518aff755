// The configuration object Lua rules register with: `mailward_config` (alias `rspamd_config`)
// and the `config` table whose `regexp` entries define regexp rules.
//
//   rspamd_config:register_symbol{name=, callback=, type=, priority=, flags=, parent=, score=,
//                                 description=, group=, groups=, one_shot=}      -> id
//   rspamd_config:register_symbol(name, weight, callback)                       -> id
//   rspamd_config:register_virtual_symbol(name, weight, parent_id)              -> id
//   rspamd_config:register_callback_symbol(name, weight, callback)              -> id
//   rspamd_config:register_prefilter(callback[, priority])                      -> id
//   rspamd_config:register_postfilter(callback[, priority])                     -> id
//   rspamd_config:register_dependency(from, to)
//   rspamd_config:add_composite(name, expression)
//   rspamd_config:set_metric_symbol{name=, score=, description=, group=}
//   rspamd_config:get_all_opt(section)          a configuration table as a Lua table
//   rspamd_config.SYMBOL = {callback=, score=, description=, group=, ...} | function
//   config.regexp.SYMBOL = {re=, score=, description=, group=, one_shot=} | "expression"
//
// Registration is only possible while the rules load (it raises afterwards).
#pragma once

#include <lua.hpp>

#include <string>

#include "core/result.h"
#include "lua/state.h"

namespace mw::scan {
class Engine;
}

namespace mw::lua {

// Install the config object and the `config` table, bound to `engine` until end_loading().
void open_config(LuaState& state, scan::Engine& engine);
// Turn the collected `config.regexp` entries into regexp rules and symbols.
Status finish_regexp_rules(LuaState& state, scan::Engine& engine);
// Forbid further registration (call after every rule file is loaded).
void end_loading(LuaState& state);
// The engine being configured, for other binding files that add config methods (maps.cpp).
// Raises a Lua error once the rules have loaded.
scan::Engine& loading_engine(lua_State* L);
// Add a method to the config object (call after open_config).
void add_config_method(lua_State* L, const char* name, lua_CFunction fn);

}  // namespace mw::lua
