// Task methods about headers: get_header, get_header_raw, get_header_full, get_header_count,
// has_header, get_headers, get_raw_headers, get_subject, get_message_id, get_date.
#include <string>

#include "core/ascii.h"
#include "lua/bind.h"
#include "mime/message.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

bool name_matches(std::string_view a, std::string_view b, bool case_sensitive) {
  return case_sensitive ? a == b : core::iequals(a, b);
}

const mime::Header* first_header(scan::Task& t, std::string_view name, bool cs) {
  if (!t.has_message()) return nullptr;
  for (const auto& h : t.message().headers()) {
    if (name_matches(h.name, name, cs)) return &h;
  }
  return nullptr;
}

void push_full(lua_State* L, const mime::Header& h) {
  lua_createtable(L, 0, 6);
  set_field(L, "name", h.name);
  set_field(L, "value", h.value);
  set_field(L, "decoded", h.value);
  // raw: the value as written, without the leading space after the colon.
  std::string_view raw = h.raw_value;
  if (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  set_field(L, "raw", raw);
  set_field(L, "order", static_cast<double>(h.order));
  set_bool(L, "empty_separator", h.raw_value.empty() || (h.raw_value.front() != ' ' && h.raw_value.front() != '\t'));
  set_bool(L, "tab_separator", !h.raw_value.empty() && h.raw_value.front() == '\t');
}

int get_header(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  const mime::Header* h = first_header(t, check_sv(L, 2), lua_toboolean(L, 3) != 0);
  if (h == nullptr) {
    lua_pushnil(L);
  } else {
    push(L, h->value);
  }
  return 1;
}

int get_header_raw(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  const mime::Header* h = first_header(t, check_sv(L, 2), lua_toboolean(L, 3) != 0);
  if (h == nullptr) {
    lua_pushnil(L);
    return 1;
  }
  std::string_view raw = h->raw_value;
  if (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  push(L, raw);
  return 1;
}

int get_header_full(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  std::string_view name = check_sv(L, 2);
  bool cs = lua_toboolean(L, 3) != 0;
  if (!t.has_message()) {
    lua_pushnil(L);
    return 1;
  }
  lua_newtable(L);
  int i = 1;
  for (const auto& h : t.message().headers()) {
    if (!name_matches(h.name, name, cs)) continue;
    push_full(L, h);
    lua_rawseti(L, -2, i++);
  }
  if (i == 1) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  return 1;
}

int get_header_count(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  std::string_view name = check_sv(L, 2);
  lua_pushinteger(L, t.has_message() ? static_cast<lua_Integer>(t.message().header_count(name)) : 0);
  return 1;
}

int has_header(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  lua_pushboolean(L, first_header(t, check_sv(L, 2), lua_toboolean(L, 3) != 0) != nullptr);
  return 1;
}

int get_headers(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  lua_newtable(L);
  if (!t.has_message()) return 1;
  int i = 1;
  for (const auto& h : t.message().headers()) {
    push_full(L, h);
    lua_rawseti(L, -2, i++);
  }
  return 1;
}

int get_raw_headers(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  push(L, t.has_message() && t.message().root != nullptr ? t.message().root->raw_headers
                                                          : std::string_view());
  return 1;
}

int get_subject(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  if (!t.has_message() || first_header(t, "Subject", false) == nullptr) {
    lua_pushnil(L);
  } else {
    push(L, t.message().subject);
  }
  return 1;
}

int get_message_id(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  return push_or_nil(L, t.has_message() ? t.message().message_id : std::string_view());
}

// get_date{format = 'message'|'connect', gmt = true}: the Date header (or the message time
// when there is none, it does not parse, or format is 'connect') as epoch seconds; the
// second result says whether the value came from a valid Date header.
int get_date(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  std::string format = "message";
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "format");
    if (lua_isstring(L, -1)) format = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  if (format == "connect" || !t.has_message() || !t.message().date_valid) {
    lua_pushnumber(L, t.time());
    lua_pushboolean(L, 0);
  } else {
    lua_pushnumber(L, static_cast<double>(t.message().date));
    lua_pushboolean(L, 1);
  }
  return 2;
}

const luaL_Reg kMethods[] = {
    {"get_header", get_header},
    {"get_header_raw", get_header_raw},
    {"get_header_full", get_header_full},
    {"get_header_count", get_header_count},
    {"has_header", has_header},
    {"get_headers", get_headers},
    {"get_raw_headers", get_raw_headers},
    {"get_subject", get_subject},
    {"get_message_id", get_message_id},
    {"get_date", get_date},
    {nullptr, nullptr}};

}  // namespace

const luaL_Reg* task_header_methods() { return kMethods; }

}  // namespace mw::lua
