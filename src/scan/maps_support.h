// The engine's map registry (maps/registry.h), for the modules and Lua rules that use maps.
//
// engine_maps() creates the registry on first use, with the options of [maps] and the
// engine's regexp options, and adds a task hook that starts the reload timer in every
// process that scans: when its first task starts, the maps are checked at once (they were
// read when the configuration loaded) and the process's Services keeps the timer
// (a Services extension slot), so it stops with that worker.
//
// Ownership: the Engine owns the registry. Loop affinity: configuration time (creation),
// then the worker thread. Failure modes: none.
#pragma once

#include <string>
#include <string_view>

#include "core/log.h"
#include "maps/registry.h"
#include "scan/engine.h"

namespace mw::scan {

maps::MapRegistry& engine_maps(Engine& engine, core::Logger& logger);

// Every `var` in `text` replaced by `value` (path variables of map files and rule
// directories).
std::string replace_var(std::string text, std::string_view var, std::string_view value);

// A map file named in a module option or a Lua rule with $CONFDIR replaced by the
// configuration's directory ("." for an engine without configuration).
std::string expand_confdir(std::string path, const Engine& engine);

}  // namespace mw::scan
