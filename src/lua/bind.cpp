#include "lua/bind.h"

#include <vector>

#include "lua/runner.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

struct TaskHandle {
  TaskCellPtr cell;
};

int task_tostring(lua_State* L) {
  auto* h = check_object<TaskHandle>(L, 1, kTaskClass);
  if (h->cell->task == nullptr) {
    lua_pushstring(L, "task(gone)");
  } else {
    std::string s = "task(" + std::string(h->cell->task->id()) + ")";
    push(L, s);
  }
  return 1;
}

}  // namespace

scan::Task& check_task(lua_State* L, int idx) {
  auto* h = check_object<TaskHandle>(L, idx, kTaskClass);
  if (h->cell->task == nullptr) luaL_error(L, "task is gone (the message was already answered)");
  return *h->cell->task;
}

scan::Task& task_of(lua_State* L, const TaskCellPtr& cell) {
  if (!cell || cell->task == nullptr) luaL_error(L, "task is gone (the message was already answered)");
  return *cell->task;
}

ItemOf check_item(lua_State* L, int idx, const char* name) {
  auto* item = check_object<MessageItem>(L, idx, name);
  return {task_of(L, item->cell).message(), item->index};
}

void push_task(lua_State* L, scan::Task& task) {
  LuaTaskExt& ext = ext_of(L, task);
  if (ext.userdata_ref != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ext.userdata_ref);
    return;
  }
  push_object<TaskHandle>(L, kTaskClass, TaskHandle{ext.cell});
  lua_pushvalue(L, -1);
  ext.userdata_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

std::string to_display(lua_State* L, int idx) {
  if (idx < 0) idx = lua_gettop(L) + idx + 1;
  lua_getglobal(L, "tostring");
  lua_pushvalue(L, idx);
  lua_call(L, 1, 1);
  size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  std::string out = s != nullptr ? std::string(s, len) : std::string("?");
  lua_pop(L, 1);
  return out;
}

void open_task(lua_State* L) {
  std::vector<luaL_Reg> all;
  for (auto* part : {task_envelope_methods(), task_header_methods(), task_content_methods(),
                     task_result_methods()}) {
    for (const luaL_Reg* r = part; r->name != nullptr; ++r) all.push_back(*r);
  }
  all.push_back({nullptr, nullptr});
  register_class<TaskHandle>(L, kTaskClass, all.data(), task_tostring);
}

void add_task_methods(lua_State* L, const luaL_Reg* methods) {
  luaL_getmetatable(L, kTaskClass);
  lua_getfield(L, -1, "__index");
  luaL_register(L, nullptr, methods);
  lua_pop(L, 2);
}

std::vector<std::string> collect_options(lua_State* L, int from, bool top_level_numbers) {
  std::vector<std::string> out;
  auto take = [&](int idx, bool numbers) {
    int t = lua_type(L, idx);
    if (t != LUA_TSTRING && !(numbers && t == LUA_TNUMBER)) return;
    size_t len;
    const char* s = lua_tolstring(L, idx, &len);  // a number is converted where it stands
    out.emplace_back(s, len);
  };
  int top = lua_gettop(L);
  for (int i = from; i <= top; ++i) {
    if (!lua_istable(L, i)) {
      take(i, top_level_numbers);
      continue;
    }
    size_t n = lua_objlen(L, i);
    for (size_t k = 1; k <= n; ++k) {
      lua_rawgeti(L, i, static_cast<int>(k));
      take(-1, true);
      lua_pop(L, 1);
    }
  }
  return out;
}

}  // namespace mw::lua
