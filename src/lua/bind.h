// Binding helpers shared by every Lua class file.
//
// Userdata classes: a metatable registered under a name ("mailward{task}"), methods in its
// __index, __gc running the C++ destructor. Objects that belong to a task (the task itself,
// its text parts, MIME parts, URLs) hold a shared TaskCell: when the task ends the cell is
// cleared and every such object raises "task is gone" instead of touching freed memory.
#pragma once

#include <lua.hpp>

#include <concepts>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mw::scan {
class Task;
}
namespace mw::mime {
struct Message;
}

namespace mw::lua {

// Class names (metatable registry keys).
inline constexpr const char* kTaskClass = "mailward{task}";
inline constexpr const char* kTextPartClass = "mailward{textpart}";
inline constexpr const char* kMimePartClass = "mailward{mimepart}";
inline constexpr const char* kUrlClass = "mailward{url}";
inline constexpr const char* kRegexpClass = "mailward{regexp}";
inline constexpr const char* kConfigClass = "mailward{config}";
inline constexpr const char* kIpClass = "mailward{ip}";
inline constexpr const char* kOutboundClass = "mailward{outbound}";

struct TaskCell {
  scan::Task* task = nullptr;
};
using TaskCellPtr = std::shared_ptr<TaskCell>;

// Register a class: metatable `name` with `methods` as __index (plus __gc from T's dtor and
// an optional __tostring). Call once per state.
template <typename T>
void register_class(lua_State* L, const char* name, const luaL_Reg* methods,
                    lua_CFunction tostring = nullptr) {
  luaL_newmetatable(L, name);
  lua_newtable(L);
  luaL_register(L, nullptr, methods);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, [](lua_State* Ls) -> int {
    static_cast<T*>(lua_touserdata(Ls, 1))->~T();
    return 0;
  });
  lua_setfield(L, -2, "__gc");
  if (tostring != nullptr) {
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
}

// Push a new userdata of class `name` holding T(args...).
template <typename T, typename... Args>
T* push_object(lua_State* L, const char* name, Args&&... args) {
  void* p = lua_newuserdata(L, sizeof(T));
  T* obj = new (p) T(std::forward<Args>(args)...);
  luaL_getmetatable(L, name);
  lua_setmetatable(L, -2);
  return obj;
}

template <typename T>
T* check_object(lua_State* L, int idx, const char* name) {
  return static_cast<T*>(luaL_checkudata(L, idx, name));
}

// The userdata of one item of a task's message (a text part, a MIME part, a URL): the task's
// cell and the item's index in its Message vector.
struct MessageItem {
  TaskCellPtr cell;
  size_t index;
};
// The item object of class `name` at `idx`: the message of its task and the item's index.
// Raises a Lua error when the task has ended.
struct ItemOf {
  const mime::Message& message;
  size_t index;
};
ItemOf check_item(lua_State* L, int idx, const char* name);

// The task behind a task userdata; raises a Lua error when the task has ended.
scan::Task& check_task(lua_State* L, int idx);
// The task of an object holding a cell; raises when ended.
scan::Task& task_of(lua_State* L, const TaskCellPtr& cell);
// Push the task's userdata (one per task, cached in its Lua extension).
void push_task(lua_State* L, scan::Task& task);
// The cell of a live task (creates the Lua extension on first use).
TaskCellPtr cell_of(lua_State* L, scan::Task& task);

inline void push(lua_State* L, std::string_view s) { lua_pushlstring(L, s.data(), s.size()); }
inline std::string_view check_sv(lua_State* L, int idx) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, idx, &len);
  return {s, len};
}
inline std::string_view opt_sv(lua_State* L, int idx, std::string_view fallback = {}) {
  if (lua_isnoneornil(L, idx)) return fallback;
  return check_sv(L, idx);
}
// tostring(v) for any value (used by logger and print).
std::string to_display(lua_State* L, int idx);
// Push `s`, or nil when it is empty; returns 1 (the number of results, for C functions).
inline int push_or_nil(lua_State* L, std::string_view s) {
  if (s.empty()) {
    lua_pushnil(L);
  } else {
    push(L, s);
  }
  return 1;
}
// Push a field's value: strings (views) as strings, bools as booleans, integers as integers;
// returns 1.
inline int push_value(lua_State* L, std::string_view s) {
  push(L, s);
  return 1;
}
inline int push_value(lua_State* L, bool b) {
  lua_pushboolean(L, b);
  return 1;
}
template <std::integral I>
  requires(!std::same_as<I, bool>)
int push_value(lua_State* L, I v) {
  lua_pushinteger(L, static_cast<lua_Integer>(v));
  return 1;
}

// A method returning the field `Member` of the object that `Check(L, 1)` gives (its first
// argument), e.g. {"is_html", field_getter<check_text, &mime::TextPart::is_html>}. The
// object's checks (a dead task raises) are Check's.
template <auto Check, auto Member>
int field_getter(lua_State* L) {
  return push_value(L, Check(L, 1).*Member);
}

// The same for a method without arguments: {"is_valid", method_getter<check, &Ip::valid>}.
template <auto Check, auto Method>
int method_getter(lua_State* L) {
  return push_value(L, (Check(L, 1).*Method)());
}

// Push `v` as an array of strings; returns 1.
inline int push_strings(lua_State* L, const std::vector<std::string>& v) {
  lua_createtable(L, static_cast<int>(v.size()), 0);
  int i = 1;
  for (const auto& s : v) {
    push(L, s);
    lua_rawseti(L, -2, i++);
  }
  return 1;
}
// Symbol options from the Lua values at [from, top]: strings, tables of strings and numbers,
// and numbers too unless `top_level_numbers` is false (a rule's return values, where a number
// is the weight).
std::vector<std::string> collect_options(lua_State* L, int from, bool top_level_numbers = true);

// Push the registry table `ref` names, creating it (and setting `ref`) when it is LUA_NOREF:
// the per-task tables of the Lua task extension (runner.h). Returns 1.
inline int push_ref_table(lua_State* L, int& ref) {
  if (ref == LUA_NOREF) {
    lua_newtable(L);
    ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  return 1;
}

// Set t[key] = value on the table at the top of the stack.
inline void set_field(lua_State* L, const char* key, std::string_view v) {
  push(L, v);
  lua_setfield(L, -2, key);
}
inline void set_field(lua_State* L, const char* key, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, key);
}
inline void set_bool(lua_State* L, const char* key, bool v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, key);
}

// Install the classes and modules of each binding file (called by the Lua module).
void open_task(lua_State* L);       // task_*.cpp
void open_url(lua_State* L);        // url.cpp
void open_regexp(lua_State* L);     // regexp.cpp
void open_logger(lua_State* L);     // logger.cpp
void open_util(lua_State* L);       // util.cpp
void open_ip(lua_State* L);         // ip.cpp
void open_dns(lua_State* L);        // dns.cpp
void open_store(lua_State* L);      // store.cpp
void open_task_auth(lua_State* L);  // task_auth.cpp (after open_task)
void open_content_classes(lua_State* L);  // task_content.cpp (text and MIME parts)
void open_received(lua_State* L);   // task_received.cpp (after open_task)
void open_maps(lua_State* L);       // maps.cpp (after open_config)
void open_hostname(lua_State* L);   // hostname.cpp (module mailward_hostname)

// Add `methods` (ended by {nullptr, nullptr}) to the task class's __index: the task methods of
// binding files opened after open_task (task_auth.cpp, task_received.cpp, dns.cpp).
void add_task_methods(lua_State* L, const luaL_Reg* methods);

// Pieces of the task class implemented in separate files; each returns its methods.
const luaL_Reg* task_envelope_methods();
const luaL_Reg* task_header_methods();
const luaL_Reg* task_content_methods();
const luaL_Reg* task_result_methods();

}  // namespace mw::lua
