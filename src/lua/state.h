// LuaState: one LuaJIT state per process, sandboxed, with a time budget.
//
// The state is created when the rules are loaded (in the master, before workers fork; each
// worker then owns its copy). Rules see an allow-list of globals (no io, no os.execute, no
// ffi, no debug, no loadfile); `require` finds only the Lua library directories and the
// built-in modules (rspamd_logger, rspamd_regexp, rspamd_util, rspamd_dns, ... and their
// mailward_* aliases).
//
// Time budget: every call into rule code (symbol callbacks, coroutine resumes) gets a
// deadline; a count hook raises "time budget exceeded" past it, so a runaway rule fails its
// symbol instead of stalling the worker. LuaJIT only checks hooks in interpreted code, so
// the JIT is off unless configured on (then budgets cannot stop compiled loops).
//
// Ownership: owns the lua_State (closed on destruction). Loop affinity: one thread.
// Failure modes: load_file/call report Lua errors as kInvalidInput with file:line and a
// traceback; they never throw.
#pragma once

#include <lua.hpp>

#include <initializer_list>

#include <memory>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/result.h"

namespace mw::lua {

struct StateOptions {
  std::vector<std::string> lualib_dirs;  // searched by require
  double time_budget = 1.0;              // seconds per call into rule code
  bool jit = false;
};

class LuaState {
 public:
  LuaState(core::Logger& logger, StateOptions options);
  ~LuaState();
  LuaState(const LuaState&) = delete;
  LuaState& operator=(const LuaState&) = delete;

  lua_State* L() const { return L_; }
  core::Logger& logger() const { return logger_; }
  const StateOptions& options() const { return options_; }

  // Run a Lua file in the sandbox. Errors come back with file:line.
  Status load_file(const std::string& path);
  // Run a chunk of Lua text (tests, -e style tools).
  Status load_string(const std::string& code, const std::string& chunk_name);

  // Call the function on top of the stack of `co` (a coroutine of this state) with `nargs`
  // arguments under the time budget: lua_resume semantics. Returns LUA_YIELD, 0 or an error
  // code; on error the message (with traceback) is in `err`.
  int resume(lua_State* co, int nargs, std::string& err);
  // Plain protected call on the main state with the time budget (non-yieldable code).
  Status pcall(int nargs, int nresults);

  // Register a built-in module for require(name) (and its alias).
  void preload(const char* name, lua_CFunction opener);
  // Register a module that is a table of `functions` under each of `names` (rspamd_x and
  // mailward_x). REQUIRES: `functions` is static (a null-terminated luaL_Reg array).
  void preload_functions(std::initializer_list<const char*> names, const luaL_Reg* functions);

  // Set by the count hook when the budget is exceeded (for tests and logs).
  double deadline() const { return deadline_; }
  void set_deadline_from_now();
  void clear_deadline() { deadline_ = 0; }

 private:
  void sandbox();
  static void hook(lua_State* L, lua_Debug* ar);

  core::Logger& logger_;
  StateOptions options_;
  lua_State* L_ = nullptr;
  double deadline_ = 0;
};

// The LuaState that owns a lua_State (stored in the registry).
LuaState& state_of(lua_State* L);

// Format an error message with a traceback (used as the pcall message handler).
int traceback_handler(lua_State* L);

}  // namespace mw::lua
