// The `mailward_outbound` Lua module (outbound.cpp documents its functions).
#pragma once

#include <memory>

struct lua_State;

namespace mw::outbound {
struct Settings;
}

namespace mw::lua {

// Install the mailward{outbound} class and make require('mailward_outbound') return the
// module over `settings` (filled later, when the outbound module is configured).
void open_outbound(lua_State* L, std::shared_ptr<const outbound::Settings> settings);

}  // namespace mw::lua
