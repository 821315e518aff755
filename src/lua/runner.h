// Running Lua rule code for a task: symbol callbacks as coroutines, asynchronous calls that
// suspend them, and the per-task Lua state (TaskExtension).
//
// Each Lua symbol callback runs in a fresh coroutine. If it calls an asynchronous function
// (DNS, store) that coroutine yields and the symbol stays pending; the I/O completion
// resumes it. Callback-style asynchronous calls (with a `callback` argument) keep the symbol
// pending until their callbacks have run. The symbol finishes when its coroutine returned
// and nothing it started is outstanding; the coroutine's return values are turned into a
// result (`return true, 0.5, 'option'` inserts the symbol with multiplier 0.5).
//
// Ownership: the LuaTaskExt of a task owns the registry references of its coroutines and
// releases them when the task ends; the task's Lua objects then report "task is gone".
#pragma once

#include <lua.hpp>

#include <string>
#include <vector>

#include "lua/bind.h"
#include "lua/state.h"
#include "scan/symbols.h"
#include "scan/task.h"

namespace mw::lua {

inline constexpr scan::ExtensionKey kLuaExtensionKey{"lua"};

// One run of a symbol's Lua code within a task.
struct SymbolRun {
  scan::SymbolId symbol = scan::kNoSymbol;
  std::string name;
  bool insert_on_return = true;  // callback return values insert `symbol`
  lua_State* co = nullptr;       // the coroutine (anchored by co_ref)
  int co_ref = LUA_NOREF;
  bool co_done = false;
  int pending = 0;               // outstanding callback-style async calls
  bool finished = false;
  bool failed = false;           // the Lua code raised an error
};

class LuaTaskExt final : public scan::TaskExtension {
 public:
  LuaTaskExt(LuaState& state, scan::Task& task);
  ~LuaTaskExt() override;

  TaskCellPtr cell;
  int userdata_ref = LUA_NOREF;  // the task's Lua object, reused for every call
  int cache_ref = LUA_NOREF;     // task:cache_set/cache_get table
  int html_ref = LUA_NOREF;      // text part index -> its get_html() table, built once per task
  std::vector<std::unique_ptr<SymbolRun>> runs;
  SymbolRun* current = nullptr;  // the run whose Lua code is executing now

  SymbolRun* find_run(lua_State* co);
  LuaState& state() { return state_; }

 private:
  LuaState& state_;
};

// The extension of a task (created on first use).
LuaTaskExt& ext_of(lua_State* L, scan::Task& task);

// A symbol callback that calls the Lua function `fn_ref` (a registry reference).
scan::SymbolCallback make_callback(LuaState& state, int fn_ref, std::string name,
                                   bool insert_on_return);

// For asynchronous bindings. Inside a rule coroutine: the run that owns `L`, else null.
SymbolRun* running_in(lua_State* L, scan::Task& task);
// Resume a suspended rule coroutine with `nargs` values already pushed on `run.co`.
void resume_run(scan::Task& task, SymbolRun& run, int nargs);
// Callback-style async calls: count one outstanding call on `run` and release it after the
// Lua callback ran (settle finishes the symbol when nothing is left).
void begin_async(SymbolRun& run);
void end_async(scan::Task& task, SymbolRun& run);
// Call a Lua function (on the main state's stack top, with nargs) on behalf of `run`.
void call_for_run(scan::Task& task, SymbolRun& run, int nargs);

}  // namespace mw::lua
