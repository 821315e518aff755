// The Lua sandbox of rule code (doc/lua-api.md "What a rule may touch", doc/security.md).
//
// install_sandbox() turns a fresh state with the standard libraries open into the one rules
// run in:
//   - globals: an allow-list (base functions without dofile/loadfile/module/newproxy/gcinfo;
//     string, table, math, coroutine, bit, os with time/date/clock/difftime only); no io,
//     debug, jit, ffi;
//   - `load` and `loadstring` accept Lua text only (a chunk that starts like bytecode is
//     refused) and `collectgarbage` only reports ("count") or collects;
//   - `xpcall` calls its message handler after the error unwound (LuaJIT would run it with
//     the instruction hook off, out of reach of the time budget);
//   - `require` is our own: it looks in package.loaded, then package.preload (the built-in
//     modules), then for name.lua and name/init.lua in a fixed list of directories (the
//     shipped lualib/, the rule directories, conf/lua.local.d). Names are dotted words
//     only, files are text only and at most 4 MiB. It never reads package.path;
//   - `package` is a read-only view: package.path shows the fixed search path, cpath is
//     empty, writing a field raises an error; package.loaded holds only the restricted
//     tables (its `os` is the trimmed one; no io, debug, jit, ffi, jit.*).
//
// Ownership: the directory list is copied into the state. Failure modes: none (the state
// must have the standard libraries open).
#pragma once

#include <lua.hpp>

#include <string>
#include <vector>

namespace mw::lua {

void install_sandbox(lua_State* L, const std::vector<std::string>& require_dirs);

// Bytes a loaded chunk may have (rules, library modules, load()).
inline constexpr size_t kMaxChunkSize = 4u << 20;

// True when `chunk` starts like LuaJIT/Lua bytecode (ESC "Lua" / ESC "LJ").
inline bool looks_like_bytecode(const char* chunk, size_t size) {
  return size > 0 && chunk[0] == '\x1b';
}

}  // namespace mw::lua
