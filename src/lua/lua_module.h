// The Lua module: creates the process's Lua state, loads the Lua library and the rules
// (shipped rules, then every *.lua in <conf>/lua.local.d/, then [lua] files), and registers
// their symbols, regexp rules and composites in the engine. The state is kept alive by the
// engine (EngineResource).
//
// Options ([lua]): rules_dirs, lualib_dirs, local_dir, files, time_budget, jit.
// Failure modes: a rule file that fails to load fails configuration (with file:line), so
// `configtest` catches it and a SIGHUP with a broken rule keeps the running generation.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "scan/module.h"

struct lua_State;

namespace mw::lua {

struct LuaDefaults {
  std::string rules_dir;   // the shipped rules/
  std::string lualib_dir;  // the shipped lualib/
  std::vector<std::string> extra_files;  // loaded last (e.g. `test-rules --rules DIR`)
  // Run on the new state before any rule loads: Lua modules of other parts of the build
  // (package.preload), wired by app::make_modules() (e.g. mailward_outbound).
  std::vector<std::function<void(lua_State*)>> preload_hooks;
};

scan::ModulePtr make_lua_module(LuaDefaults defaults);

}  // namespace mw::lua
