// URL objects for Lua (rspamd_url-style): task:get_urls() returns them. Each object points at
// one entry of the task's URL list and dies with the task.
#pragma once

#include <lua.hpp>

#include <cstddef>

#include "lua/bind.h"

namespace mw::lua {

void push_url(lua_State* L, const TaskCellPtr& cell, size_t index);

}  // namespace mw::lua
