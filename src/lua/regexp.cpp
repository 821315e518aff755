// rspamd_regexp / mailward_regexp: compiled regexps for rules (PCRE2 via match::Regexp).
//   rspamd_regexp.create('/re/flags') / create_cached('/re/flags')  (cached per process)
//   re:match(s)                -> true/false
//   re:search(s[, raw[, captures]])  -> array of matched strings (with captures: arrays of
//                                       {whole, cap1, ...}) or false
//   re:split(s)                -> array of the pieces between matches
//   re:get_pattern()           -> the source text
#include <string>
#include <unordered_map>

#include "lua/bind.h"
#include "lua/state.h"
#include "match/regexp.h"

namespace mw::lua {

namespace {

struct RegexpRef {
  std::shared_ptr<match::Regexp> re;
  std::string pattern;
};

const char kCacheKey = 0;  // registry: table pattern -> regexp userdata

RegexpRef& check(lua_State* L, int idx) { return *check_object<RegexpRef>(L, idx, kRegexpClass); }

std::string spec_from_args(lua_State* L) {
  std::string spec(check_sv(L, 1));
  if (!lua_isnoneornil(L, 2)) {
    // create(pattern, flags): wrap a bare pattern in slashes.
    std::string flags(check_sv(L, 2));
    spec = "/" + spec + "/" + flags;
  }
  return spec;
}

int push_new(lua_State* L, const std::string& spec) {
  auto re = match::Regexp::compile(spec);
  if (!re) {
    lua_pushnil(L);
    push(L, re.error().message);
    return 2;
  }
  push_object<RegexpRef>(L, kRegexpClass, RegexpRef{std::shared_ptr<match::Regexp>(std::move(*re)), spec});
  return 1;
}

int mod_create(lua_State* L) { return push_new(L, spec_from_args(L)); }

int mod_create_cached(lua_State* L) {
  std::string spec = spec_from_args(L);
  lua_pushlightuserdata(L, const_cast<char*>(&kCacheKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushlightuserdata(L, const_cast<char*>(&kCacheKey));
    lua_pushvalue(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
  }
  int cache = lua_gettop(L);
  lua_getfield(L, cache, spec.c_str());
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);
  int n = push_new(L, spec);
  if (n != 1) return n;
  lua_pushvalue(L, -1);
  lua_setfield(L, cache, spec.c_str());
  return 1;
}

int re_match(lua_State* L) {
  RegexpRef& r = check(L, 1);
  lua_pushboolean(L, !lua_isnoneornil(L, 2) && r.re->matches(check_sv(L, 2)));
  return 1;
}

int re_search(lua_State* L) {
  RegexpRef& r = check(L, 1);
  if (lua_isnoneornil(L, 2)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  std::string_view s = check_sv(L, 2);
  bool captures = lua_toboolean(L, 4) != 0;
  auto matches = r.re->search(s, captures);
  if (matches.empty()) {
    lua_pushboolean(L, 0);
    return 1;
  }
  lua_createtable(L, static_cast<int>(matches.size()), 0);
  int i = 1;
  for (const auto& m : matches) {
    if (captures) {
      lua_createtable(L, static_cast<int>(m.size()), 0);
      int k = 1;
      for (auto g : m) {
        push(L, g);
        lua_rawseti(L, -2, k++);
      }
    } else {
      push(L, m.front());
    }
    lua_rawseti(L, -2, i++);
  }
  return 1;
}

int re_split(lua_State* L) {
  RegexpRef& r = check(L, 1);
  std::string_view s = check_sv(L, 2);
  auto pieces = r.re->split(s);
  lua_createtable(L, static_cast<int>(pieces.size()), 0);
  int i = 1;
  for (auto p : pieces) {
    push(L, p);
    lua_rawseti(L, -2, i++);
  }
  return 1;
}

int re_get_pattern(lua_State* L) {
  push(L, check(L, 1).pattern);
  return 1;
}

int re_tostring(lua_State* L) {
  push(L, "regexp(" + check(L, 1).pattern + ")");
  return 1;
}

const luaL_Reg kMethods[] = {{"match", re_match},   {"search", re_search},
                             {"split", re_split},   {"get_pattern", re_get_pattern},
                             {nullptr, nullptr}};

const luaL_Reg kFuncs[] = {
    {"create", mod_create}, {"create_cached", mod_create_cached}, {nullptr, nullptr}};

}  // namespace

void open_regexp(lua_State* L) {
  register_class<RegexpRef>(L, kRegexpClass, kMethods, re_tostring);
  state_of(L).preload_functions({"rspamd_regexp", "mailward_regexp"}, kFuncs);
}

}  // namespace mw::lua
