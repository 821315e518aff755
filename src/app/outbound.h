// Outbound protection support: the [outbound] options, the account classifier model, the
// keyed hashing of identifiers, and detection events (JSON lines file, store list, webhook),
// offered to the Lua rules (rules/outbound.lua, lualib/outbound/) as the `mailward_outbound`
// module. Also the controller endpoints and the CLI for the hold list.
//
// Privacy (THREAT.md): per-user profiles in the store are keyed by HMAC-SHA256 of recipients,
// IPs and user names with a secret ([outbound] secret, else a random one kept in
// $DBDIR/outbound.secret, created on first start); only flagged submissions produce events
// with the user, recipients and Subject in clear, for the abuse desk.
//
// Ownership: the shared state lives in the engine (EngineResource) and is read-only after
// configuration; the per-process parts (events file, webhook requests) are created lazily in
// each worker after fork.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "server/controller.h"
#include "core/loop.h"
#include "scan/module.h"
#include "store/store.h"

struct lua_State;

namespace mw::app {

struct OutboundShared;

// The module and the Lua preload hook share state; create them together.
struct OutboundParts {
  scan::ModulePtr module;
  std::function<void(lua_State*)> lua_hook;
};
OutboundParts make_outbound();

// Controller routes: GET /outbound/holds, POST /outbound/release (header User or ?user=),
// POST /outbound/hold (User, Reason).
std::vector<server::ControllerRoute> outbound_routes(store::Store* store, core::Dispatcher& dispatcher);

// `mailward hold list | release USER | add USER [REASON]` against the configured store.
int cmd_hold(int argc, char** argv);

}  // namespace mw::app
