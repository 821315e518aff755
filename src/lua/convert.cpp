#include "lua/convert.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "lua/bind.h"

namespace mw::lua {

namespace {

json::Value to_json_depth(lua_State* L, int idx, int depth) {
  if (idx < 0) idx = lua_gettop(L) + idx + 1;
  switch (lua_type(L, idx)) {
    case LUA_TNIL: return json::Value();
    case LUA_TBOOLEAN: return json::Value(lua_toboolean(L, idx) != 0);
    case LUA_TNUMBER: {
      double d = lua_tonumber(L, idx);
      if (std::floor(d) == d && std::fabs(d) < 9e15) return json::Value(static_cast<int64_t>(d));
      return json::Value(d);
    }
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, idx, &len);
      return json::Value(std::string_view(s, len));
    }
    case LUA_TTABLE: {
      if (depth > 32) return json::Value();
      size_t n = lua_objlen(L, idx);
      size_t count = 0;
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        ++count;
        lua_pop(L, 1);
      }
      if (n > 0 && n == count) {
        json::Value arr = json::Value::array();
        for (size_t i = 1; i <= n; ++i) {
          lua_rawgeti(L, idx, static_cast<int>(i));
          arr.push(to_json_depth(L, -1, depth + 1));
          lua_pop(L, 1);
        }
        return arr;
      }
      // Keys sorted: Lua's table order is not stable from run to run (hash seeds), and
      // replies, events and exported features must be.
      std::vector<std::pair<std::string, json::Value>> members;
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        std::string key;
        if (lua_type(L, -2) == LUA_TSTRING) {
          size_t len;
          const char* s = lua_tolstring(L, -2, &len);
          key.assign(s, len);
        } else {
          lua_pushvalue(L, -2);
          key = to_display(L, -1);
          lua_pop(L, 1);
        }
        members.emplace_back(std::move(key), to_json_depth(L, -1, depth + 1));
        lua_pop(L, 1);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      json::Value obj = json::Value::object();
      for (auto& [k, v] : members) obj.set(k, std::move(v));
      return obj;
    }
    default: return json::Value(to_display(L, idx));
  }
}

}  // namespace

json::Value to_json(lua_State* L, int idx) { return to_json_depth(L, idx, 0); }

void push_json(lua_State* L, const json::Value& v) {
  switch (v.type()) {
    case json::Value::Type::kNull: lua_pushnil(L); break;
    case json::Value::Type::kBool: lua_pushboolean(L, v.as_bool()); break;
    case json::Value::Type::kInt:
    case json::Value::Type::kDouble: lua_pushnumber(L, v.as_double()); break;
    case json::Value::Type::kString: push(L, v.as_string()); break;
    case json::Value::Type::kArray: {
      lua_createtable(L, static_cast<int>(v.size()), 0);
      int i = 1;
      for (const auto& item : v.items()) {
        push_json(L, item);
        lua_rawseti(L, -2, i++);
      }
      break;
    }
    case json::Value::Type::kObject: {
      lua_createtable(L, 0, static_cast<int>(v.size()));
      for (const auto& [k, item] : v.members()) {
        push(L, k);
        push_json(L, item);
        lua_rawset(L, -3);
      }
      break;
    }
  }
}

}  // namespace mw::lua
