#include "lua/runner.h"

#include "core/check.h"

namespace mw::lua {

LuaTaskExt::LuaTaskExt(LuaState& state, scan::Task& task)
    : cell(std::make_shared<TaskCell>()), state_(state) {
  cell->task = &task;
}

LuaTaskExt::~LuaTaskExt() {
  cell->task = nullptr;
  lua_State* L = state_.L();
  for (auto& r : runs) {
    if (r->co_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, r->co_ref);
  }
  if (userdata_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, userdata_ref);
  if (cache_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, cache_ref);
  if (html_ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, html_ref);
}

SymbolRun* LuaTaskExt::find_run(lua_State* co) {
  for (auto& r : runs) {
    if (r->co == co && !r->co_done) return r.get();
  }
  return nullptr;
}

LuaTaskExt& ext_of(lua_State* L, scan::Task& task) {
  auto* ext = static_cast<LuaTaskExt*>(task.extension(kLuaExtensionKey));
  if (ext == nullptr) {
    auto owned = std::make_unique<LuaTaskExt>(state_of(L), task);
    ext = owned.get();
    task.set_extension(kLuaExtensionKey, std::move(owned));
  }
  return *ext;
}

TaskCellPtr cell_of(lua_State* L, scan::Task& task) { return ext_of(L, task).cell; }

namespace {

// Turn a finished callback's return values (on `co` from index 1) into a result.
void insert_from_returns(scan::Task& task, lua_State* co, const SymbolRun& run) {
  int n = lua_gettop(co);
  if (n == 0 || !run.insert_on_return) return;
  double weight = 1.0;
  int i = 1;
  if (lua_type(co, 1) == LUA_TBOOLEAN) {
    if (!lua_toboolean(co, 1)) return;
    i = 2;
    if (n >= 2 && lua_type(co, 2) == LUA_TNUMBER) {
      weight = lua_tonumber(co, 2);
      i = 3;
    }
  } else if (lua_type(co, 1) == LUA_TNUMBER) {
    weight = lua_tonumber(co, 1);
    if (weight == 0) return;
    i = 2;
  } else {
    return;
  }
  std::vector<std::string> opts = collect_options(co, i, /*top_level_numbers=*/false);
  std::vector<std::string_view> views(opts.begin(), opts.end());
  task.insert_result(run.symbol, weight, views);
}

void settle(scan::Task& task, SymbolRun& run) {
  if (run.finished || !run.co_done || run.pending > 0) return;
  run.finished = true;
  if (run.failed) {
    task.symbol_failed(run.symbol);
  } else {
    task.finish_symbol(run.symbol);
  }
}

void report_error(scan::Task& task, SymbolRun& run, const std::string& err) {
  run.failed = true;
  task.log("lua").error("rule " + run.name + " failed: " + err);
}

// The run's coroutine returned (rc 0: insert what it returned) or raised (report the
// error); its thread goes back to `state`. REQUIRES: rc != LUA_YIELD.
void end_coroutine(scan::Task& task, SymbolRun& run, int rc, const std::string& err,
                   LuaState& state) {
  run.co_done = true;
  if (rc == 0) {
    insert_from_returns(task, run.co, run);
  } else {
    report_error(task, run, err);
  }
  lua_settop(run.co, 0);
  state.release_thread(run.co, run.co_ref, rc == 0);
  run.co_ref = LUA_NOREF;
}

void after_resume(scan::Task& task, LuaTaskExt& ext, SymbolRun& run, int rc,
                  const std::string& err) {
  if (rc == LUA_YIELD) return;  // waiting on I/O
  end_coroutine(task, run, rc, err, ext.state());
  settle(task, run);
}

}  // namespace

SymbolRun* running_in(lua_State* L, scan::Task& task) {
  auto* ext = static_cast<LuaTaskExt*>(task.extension(kLuaExtensionKey));
  if (ext == nullptr) return nullptr;
  return ext->find_run(L);
}

void resume_run(scan::Task& task, SymbolRun& run, int nargs) {
  auto* ext = static_cast<LuaTaskExt*>(task.extension(kLuaExtensionKey));
  if (ext == nullptr || run.co_done) return;
  SymbolRun* prev = ext->current;
  ext->current = &run;
  task.mark_running(run.name);
  std::string err;
  int rc = ext->state().resume(run.co, nargs, err);
  task.services().heartbeat().clear_activity();
  ext->current = prev;
  after_resume(task, *ext, run, rc, err);
}

void begin_async(SymbolRun& run) { ++run.pending; }

void end_async(scan::Task& task, SymbolRun& run) {
  if (run.pending > 0) --run.pending;
  settle(task, run);
}

void call_for_run(scan::Task& task, SymbolRun& run, int nargs) {
  auto* ext = static_cast<LuaTaskExt*>(task.extension(kLuaExtensionKey));
  if (ext == nullptr) return;
  SymbolRun* prev = ext->current;
  ext->current = &run;
  task.mark_running(run.name);
  auto st = ext->state().pcall(nargs, 0);
  task.services().heartbeat().clear_activity();
  ext->current = prev;
  if (!st) report_error(task, run, st.error().message);
}

scan::SymbolCallback make_callback(LuaState& state, int fn_ref, std::string name,
                                   bool insert_on_return) {
  return [&state, fn_ref, name = std::move(name), insert_on_return](
             scan::Task& task, scan::SymbolId self) -> scan::RunState {
    lua_State* L = state.L();
    LuaTaskExt& ext = ext_of(L, task);
    auto run = std::make_unique<SymbolRun>();
    run->symbol = self;
    run->name = name;
    run->insert_on_return = insert_on_return;
    run->co = state.acquire_thread(run->co_ref);
    SymbolRun& r = *run;
    ext.runs.push_back(std::move(run));
    lua_rawgeti(r.co, LUA_REGISTRYINDEX, fn_ref);
    push_task(r.co, task);
    SymbolRun* prev = ext.current;
    ext.current = &r;
    std::string err;
    int rc = state.resume(r.co, 1, err);
    ext.current = prev;
    if (rc == LUA_YIELD) return scan::RunState::kPending;
    end_coroutine(task, r, rc, err, state);
    if (r.pending > 0) return scan::RunState::kPending;
    r.finished = true;
    if (r.failed) task.symbol_failed(self);
    return scan::RunState::kDone;
  };
}

}  // namespace mw::lua
