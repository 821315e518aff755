// LuaState: one LuaJIT state per process, sandboxed, with a time budget.
//
// The state is created when the rules are loaded (in the master, before workers fork; each
// worker then owns its copy). Rules run in the sandbox of sandbox.h: an allow-list of
// globals (no io, no os.execute/getenv, no ffi, jit, debug, loadfile, dofile), `load` for
// text only, and a `require` that finds only the built-in modules (rspamd_logger,
// rspamd_regexp, rspamd_util, rspamd_dns, ... and their mailward_* aliases) and the fixed
// `lualib_dirs` (the Lua library, the rule directories, conf/lua.local.d).
//
// Time budget: every call into rule code (symbol callbacks, coroutine resumes) gets a
// deadline; a count hook raises "time budget exceeded" past it. Once spent, the hook runs
// on every instruction and raises again each time until the call returns to C++: a rule
// that catches the error with pcall cannot buy more time, and its symbol fails with the
// error recorded. LuaJIT only checks hooks in interpreted code, so the JIT is off unless
// configured on (then budgets cannot stop compiled loops; the master's watchdog,
// core/watchdog.h, still ends a stuck worker).
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
  std::vector<std::string> lualib_dirs;  // searched by require (in this order)
  // Where map files named by rules may be (add_map): a path that does not resolve inside
  // one of these is refused. Empty: no map files at all.
  std::vector<std::string> map_dirs;
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

  // Coroutines for rule calls. acquire_thread() hands out an idle thread that a previous
  // call returned normally from (at most kMaxIdleThreads are kept), or a new one; `ref` is its
  // registry reference, which keeps it alive. release_thread() takes it back after its call:
  // a thread whose call raised, or whose status is not "finished", is dropped instead.
  static constexpr size_t kMaxIdleThreads = 64;
  lua_State* acquire_thread(int& ref);
  void release_thread(lua_State* co, int ref, bool ok);

  // Register a built-in module for require(name) (and its alias).
  void preload(const char* name, lua_CFunction opener);
  // Register a module that is a table of `functions` under each of `names` (rspamd_x and
  // mailward_x). REQUIRES: `functions` is static (a null-terminated luaL_Reg array).
  void preload_functions(std::initializer_list<const char*> names, const luaL_Reg* functions);

  // Set by the count hook when the budget is exceeded (for tests and logs).
  double deadline() const { return deadline_; }
  // Around every call into rule code (nested calls keep the outer call's deadline).
  void set_deadline_from_now();
  // The call into rule code returned: no deadline, the hook back to its normal interval.
  void clear_deadline();

 private:
  static constexpr int kHookInterval = 1000;  // instructions between budget checks

  void sandbox();
  static void hook(lua_State* L, lua_Debug* ar);

  core::Logger& logger_;
  StateOptions options_;
  lua_State* L_ = nullptr;
  double deadline_ = 0;
  bool expired_ = false;  // the budget of the current call is spent
  int depth_ = 0;         // calls into rule code in progress (nested: the outer deadline)
  std::vector<std::pair<lua_State*, int>> idle_threads_;  // (thread, registry ref)
};

// The LuaState that owns a lua_State (stored in the registry).
LuaState& state_of(lua_State* L);

// Format an error message with a traceback (used as the pcall message handler).
int traceback_handler(lua_State* L);

}  // namespace mw::lua
