// rspamd_util / mailward_util: the basics rules need.
//   get_time() get_ticks()                  wall and monotonic seconds
//   is_valid_utf8(s) lower_utf8(s) str_lower(s) strequal_caseless(a, b)
//   get_tld(host)                           registrable domain (public suffix list)
//   levenshtein_distance(a, b[, max])
//   encode_base64(s) decode_base64(s)
//   md5_hex(s) sha256_hex(s) hmac_sha256_hex(key, s)
//   str_split(s, separators)                non-empty pieces
//   to_json(value) from_json(text)
#include <libpsl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <time.h>
#include <unicode/ucasemap.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/ascii.h"
#include "lua/bind.h"
#include "lua/convert.h"
#include "lua/state.h"
#include "mime/charset.h"

namespace mw::lua {

namespace {

const char kPslKey = 0;

struct PslHolder {
  psl_ctx_t* ctx = nullptr;
  ~PslHolder() {
    if (ctx != nullptr) psl_free(ctx);
  }
};

const psl_ctx_t* psl(lua_State* L) {
  lua_pushlightuserdata(L, const_cast<char*>(&kPslKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* h = static_cast<PslHolder*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  if (h != nullptr) return h->ctx;
  lua_pushlightuserdata(L, const_cast<char*>(&kPslKey));
  h = static_cast<PslHolder*>(lua_newuserdata(L, sizeof(PslHolder)));
  new (h) PslHolder();
  h->ctx = psl_latest(nullptr);
  lua_newtable(L);
  lua_pushcfunction(L, [](lua_State* Ls) -> int {
    static_cast<PslHolder*>(lua_touserdata(Ls, 1))->~PslHolder();
    return 0;
  });
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
  return h->ctx != nullptr ? h->ctx : psl_builtin();
}

int get_time(lua_State* L) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lua_pushnumber(L, static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9);
  return 1;
}

int get_ticks(lua_State* L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9);
  return 1;
}

int is_valid_utf8(lua_State* L) {
  lua_pushboolean(L, mime::is_valid_utf8(check_sv(L, 1)));
  return 1;
}

int str_lower(lua_State* L) {
  push(L, core::to_lower(check_sv(L, 1)));
  return 1;
}

int lower_utf8(lua_State* L) {
  std::string_view in = check_sv(L, 1);
  UErrorCode err = U_ZERO_ERROR;
  UCaseMap* map = ucasemap_open("", 0, &err);
  if (U_FAILURE(err)) return str_lower(L);
  std::string out(in.size() * 2 + 4, '\0');
  int32_t n = ucasemap_utf8ToLower(map, out.data(), static_cast<int32_t>(out.size()), in.data(),
                                   static_cast<int32_t>(in.size()), &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) {
    err = U_ZERO_ERROR;
    out.resize(static_cast<size_t>(n) + 1);
    n = ucasemap_utf8ToLower(map, out.data(), static_cast<int32_t>(out.size()), in.data(),
                             static_cast<int32_t>(in.size()), &err);
  }
  ucasemap_close(map);
  if (U_FAILURE(err)) return str_lower(L);
  out.resize(static_cast<size_t>(n));
  push(L, out);
  return 1;
}

int strequal_caseless(lua_State* L) {
  std::string_view a = check_sv(L, 1), b = check_sv(L, 2);
  lua_pushboolean(L, core::iequals(a, b));
  return 1;
}

int get_tld(lua_State* L) {
  std::string host = core::to_lower(check_sv(L, 1));
  while (!host.empty() && host.back() == '.') host.pop_back();
  const char* r = psl_registrable_domain(psl(L), host.c_str());
  push(L, r != nullptr ? std::string(r) : host);
  return 1;
}

// is_public_suffix(name): true when `name` (e.g. "com", "co.uk") is listed in the public
// suffix list itself, not only covered by its "*" default rule ("title", "local" are not).
int is_public_suffix(lua_State* L) {
  std::string name(check_sv(L, 1));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!name.empty() && name.back() == '.') name.pop_back();
  lua_pushboolean(L, !name.empty() && psl_is_public_suffix2(psl(L), name.c_str(),
                                                             PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE));
  return 1;
}

int levenshtein_distance(lua_State* L) {
  std::string_view a = check_sv(L, 1), b = check_sv(L, 2);
  if (a.size() > 4096 || b.size() > 4096) return luaL_error(L, "levenshtein_distance: too long");
  lua_pushinteger(L, static_cast<lua_Integer>(core::edit_distance(a, b)));
  return 1;
}

int encode_base64(lua_State* L) {
  std::string_view in = check_sv(L, 1);
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  push(L, out);
  return 1;
}

int decode_base64(lua_State* L) {
  std::string in;
  for (char c : check_sv(L, 1)) {
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') in += c;
  }
  while (in.size() % 4 != 0) in += '=';
  std::string out(in.size() / 4 * 3 + 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) {
    lua_pushnil(L);
    return 1;
  }
  size_t pad = 0;
  for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - std::min<size_t>(pad, 2));
  push(L, out);
  return 1;
}

int digest_hex(lua_State* L, const EVP_MD* md) {
  std::string_view in = check_sv(L, 1);
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(in.data(), in.size(), buf, &n, md, nullptr);
  push(L, core::hex_encode({reinterpret_cast<const char*>(buf), n}));
  return 1;
}
int md5_hex(lua_State* L) { return digest_hex(L, EVP_md5()); }
int sha256_hex(lua_State* L) { return digest_hex(L, EVP_sha256()); }

int hmac_sha256_hex(lua_State* L) {
  std::string_view key = check_sv(L, 1), in = check_sv(L, 2);
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(in.data()), in.size(), buf, &n);
  push(L, core::hex_encode({reinterpret_cast<const char*>(buf), n}));
  return 1;
}

int str_split(lua_State* L) {
  std::string_view s = check_sv(L, 1);
  std::string_view seps = opt_sv(L, 2, " \t\r\n");
  lua_newtable(L);
  int n = 1;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || seps.find(s[i]) != std::string_view::npos) {
      if (i > start) {
        push(L, s.substr(start, i - start));
        lua_rawseti(L, -2, n++);
      }
      start = i + 1;
    }
  }
  return 1;
}

// to_json(value) -> compact JSON text; from_json(text) -> value or nil, error.
int to_json_fn(lua_State* L) {
  push(L, json::write(to_json(L, 1)));
  return 1;
}

int from_json_fn(lua_State* L) {
  auto v = json::parse(check_sv(L, 1));
  if (!v) {
    lua_pushnil(L);
    push(L, v.error().message);
    return 2;
  }
  push_json(L, *v);
  return 1;
}

const luaL_Reg kFuncs[] = {{"get_time", get_time},
                           {"to_json", to_json_fn},
                           {"from_json", from_json_fn},
                           {"get_ticks", get_ticks},
                           {"is_valid_utf8", is_valid_utf8},
                           {"str_lower", str_lower},
                           {"lower_utf8", lower_utf8},
                           {"strequal_caseless", strequal_caseless},
                           {"get_tld", get_tld},
                           {"is_public_suffix", is_public_suffix},
                           {"levenshtein_distance", levenshtein_distance},
                           {"encode_base64", encode_base64},
                           {"decode_base64", decode_base64},
                           {"md5_hex", md5_hex},
                           {"sha256_hex", sha256_hex},
                           {"hmac_sha256_hex", hmac_sha256_hex},
                           {"str_split", str_split},
                           {nullptr, nullptr}};

}  // namespace

void open_util(lua_State* L) {
  state_of(L).preload_functions({"rspamd_util", "mailward_util"}, kFuncs);
}

}  // namespace mw::lua
