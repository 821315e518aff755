// rspamd_url objects: get_host, get_text, get_tld, get_path, get_query, get_fragment,
// get_port, get_scheme, get_user, get_raw, get_origin, get_part_index, is_obfuscated,
// is_numeric (host is an IP), is_html_displayed / get_display (anchor text), has_user,
// to_table.
#include "lua/url.h"

#include "mime/message.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

const mime::Url& check(lua_State* L, int idx) {
  ItemOf item = check_item(L, idx, kUrlClass);
  return item.message.urls[item.index];
}

std::string_view origin_name(mime::Origin o) {
  switch (o) {
    case mime::Origin::kText: return "text";
    case mime::Origin::kHtmlHref: return "html_href";
    case mime::Origin::kHtmlText: return "html_text";
    case mime::Origin::kHtmlImage: return "html_image";
    case mime::Origin::kHtmlForm: return "html_form";
    case mime::Origin::kHeader: return "header";
    case mime::Origin::kSubject: return "subject";
  }
  return "text";
}

int get_host(lua_State* L) { return push_or_nil(L, check(L, 1).host); }
int get_tld(lua_State* L) { return push_or_nil(L, check(L, 1).tld); }
int get_path(lua_State* L) { return push_or_nil(L, check(L, 1).path); }
int get_query(lua_State* L) { return push_or_nil(L, check(L, 1).query); }
int get_fragment(lua_State* L) { return push_or_nil(L, check(L, 1).fragment); }
int get_scheme(lua_State* L) { return push_or_nil(L, check(L, 1).scheme); }
int get_user(lua_State* L) { return push_or_nil(L, check(L, 1).user); }
int get_port(lua_State* L) {
  const mime::Url& u = check(L, 1);
  if (u.port == 0) {
    lua_pushnil(L);
  } else {
    lua_pushinteger(L, u.port);
  }
  return 1;
}
int get_origin(lua_State* L) {
  push(L, origin_name(check(L, 1).origin));
  return 1;
}
int is_html_displayed(lua_State* L) {
  lua_pushboolean(L, check(L, 1).origin == mime::Origin::kHtmlHref);
  return 1;
}
int get_display(lua_State* L) { return push_or_nil(L, check(L, 1).anchor_text); }
int to_table(lua_State* L) {
  const mime::Url& u = check(L, 1);
  lua_newtable(L);
  set_field(L, "url", u.url);
  set_field(L, "host", u.host);
  set_field(L, "tld", u.tld);
  set_field(L, "path", u.path);
  set_field(L, "scheme", u.scheme);
  set_field(L, "origin", origin_name(u.origin));
  if (!u.anchor_text.empty()) set_field(L, "display", u.anchor_text);
  set_bool(L, "numeric", u.host_is_ip);
  set_bool(L, "obfuscated", u.obfuscated);
  return 1;
}
int url_tostring(lua_State* L) {
  auto* u = check_object<MessageItem>(L, 1, kUrlClass);
  if (!u->cell || u->cell->task == nullptr) {
    lua_pushstring(L, "url(gone)");
    return 1;
  }
  push(L, u->cell->task->message().urls[u->index].url);
  return 1;
}

const luaL_Reg kMethods[] = {
    {"get_host", get_host},
    {"get_text", field_getter<check, &mime::Url::url>},
    {"get_raw", field_getter<check, &mime::Url::raw>},
    {"get_tld", get_tld},
    {"get_path", get_path},         {"get_query", get_query},
    {"get_fragment", get_fragment}, {"get_scheme", get_scheme},
    {"get_protocol", get_scheme},   {"get_user", get_user},
    {"get_port", get_port},         {"get_origin", get_origin},
    {"get_part_index", field_getter<check, &mime::Url::part_index>},
    {"is_obfuscated", field_getter<check, &mime::Url::obfuscated>},
    {"is_numeric", field_getter<check, &mime::Url::host_is_ip>},
    {"has_user", field_getter<check, &mime::Url::has_user>},
    {"is_html_displayed", is_html_displayed},
    {"get_display", get_display},
    {"is_schemeless", field_getter<check, &mime::Url::schemeless>},
    {"to_table", to_table},         {nullptr, nullptr}};

}  // namespace

void push_url(lua_State* L, const TaskCellPtr& cell, size_t index) {
  push_object<MessageItem>(L, kUrlClass, MessageItem{cell, index});
}

void open_url(lua_State* L) {
  register_class<MessageItem>(L, kUrlClass, kMethods, url_tostring);
}

}  // namespace mw::lua
