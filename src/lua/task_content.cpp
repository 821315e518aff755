// Task methods about the message content: get_text_parts, get_parts, get_urls, get_emails,
// get_rawbody, get_content; and the text part and MIME part classes.
#include <string>

#include "core/ascii.h"
#include "lua/bind.h"
#include "lua/runner.h"
#include "lua/url.h"
#include "mime/message.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

const mime::TextPart& check_text(lua_State* L, int idx) {
  ItemOf item = check_item(L, idx, kTextPartClass);
  return item.message.text_parts[item.index];
}

const mime::Part& check_part(lua_State* L, int idx) {
  ItemOf item = check_item(L, idx, kMimePartClass);
  return *item.message.parts[item.index];
}

// ---- text parts

// get_content([type]): visible UTF-8 text (default); 'raw' = undecoded body; 'raw_utf'/'html'
// = converted content with markup; 'content_oneline' = visible text on one line.
int tp_get_content(lua_State* L) {
  const mime::TextPart& tp = check_text(L, 1);
  std::string_view kind = opt_sv(L, 2, "content");
  if (kind == "raw" || kind == "raw_parsed") {
    push(L, tp.part->raw_body);
  } else if (kind == "raw_utf" || kind == "html") {
    push(L, tp.utf8);
  } else if (kind == "content_oneline") {
    push(L, core::collapse_fws(tp.text));
  } else {
    push(L, tp.text);
  }
  return 1;
}
int tp_get_length(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(check_text(L, 1).text.size()));
  return 1;
}
int tp_get_raw_length(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(check_text(L, 1).part->raw_body.size()));
  return 1;
}
int tp_is_empty(lua_State* L) {
  const auto& t = check_text(L, 1).text;
  lua_pushboolean(L, core::trim_fws(t).empty());
  return 1;
}
// HTML facts of an HTML part as a table (nil for plain text). The table is built on the first
// call for the part and the same table is returned to every later call in the task (several
// rules read it; it must be treated as read-only).
int tp_get_html(lua_State* L) {
  const mime::TextPart& tp = check_text(L, 1);
  if (tp.html == nullptr) {
    lua_pushnil(L);
    return 1;
  }
  auto* ref = check_object<MessageItem>(L, 1, kTextPartClass);
  push_ref_table(L, ext_of(L, task_of(L, ref->cell)).html_ref);
  const int slot = static_cast<int>(ref->index + 1);
  lua_rawgeti(L, -1, slot);
  if (!lua_isnil(L, -1)) {
    lua_remove(L, -2);
    return 1;
  }
  lua_pop(L, 1);
  const mime::HtmlInfo& h = *tp.html;
  lua_newtable(L);
  set_field(L, "tags", static_cast<double>(h.tags));
  set_field(L, "hidden_len", static_cast<double>(h.hidden_bytes));
  set_field(L, "low_contrast_len", static_cast<double>(h.low_contrast_bytes));
  set_bool(L, "has_script", h.has_script);
  set_bool(L, "has_iframe", h.has_iframe);
  set_bool(L, "has_external_css", h.has_external_css);
  set_bool(L, "unbalanced", h.unbalanced);
  lua_newtable(L);
  int i = 1;
  for (const auto& l : h.links) {
    lua_createtable(L, 0, 2);
    set_field(L, "href", l.href);
    set_field(L, "text", l.text);
    lua_rawseti(L, -2, i++);
  }
  lua_setfield(L, -2, "links");
  lua_newtable(L);
  i = 1;
  for (auto img : h.images) {
    push(L, img);
    lua_rawseti(L, -2, i++);
  }
  lua_setfield(L, -2, "images");
  lua_newtable(L);
  i = 1;
  for (const auto& f : h.forms) {
    lua_createtable(L, 0, 3);
    set_field(L, "action", f.action);
    set_field(L, "method", f.method);
    set_bool(L, "has_password", f.has_password);
    lua_rawseti(L, -2, i++);
  }
  lua_setfield(L, -2, "forms");
  lua_pushvalue(L, -1);
  lua_rawseti(L, -3, slot);
  lua_remove(L, -2);
  return 1;
}
int tp_get_mimepart(lua_State* L) {
  auto* r = check_object<MessageItem>(L, 1, kTextPartClass);
  scan::Task& t = task_of(L, r->cell);
  const mime::Part* p = t.message().text_parts[r->index].part;
  const auto& parts = t.message().parts;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == p) {
      push_object<MessageItem>(L, kMimePartClass, MessageItem{r->cell, i});
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

const luaL_Reg kTextPartMethods[] = {
    {"get_content", tp_get_content},
    {"is_html", field_getter<check_text, &mime::TextPart::is_html>},
    {"get_length", tp_get_length},
    {"get_raw_length", tp_get_raw_length},
    {"get_lines_count", field_getter<check_text, &mime::TextPart::lines>},
    {"is_empty", tp_is_empty},
    {"get_charset", field_getter<check_text, &mime::TextPart::charset_used>},
    {"get_declared_charset", field_getter<check_text, &mime::TextPart::charset_declared>},
    {"get_non_ascii_count", field_getter<check_text, &mime::TextPart::non_ascii_chars>},
    {"get_html", tp_get_html},
    {"get_mimepart", tp_get_mimepart},
    {nullptr, nullptr}};

// ---- MIME parts

int mp_get_type(lua_State* L) {
  const mime::Part& p = check_part(L, 1);
  push(L, p.content_type.type);
  push(L, p.content_type.subtype);
  return 2;
}
int mp_get_type_full(lua_State* L) {
  const mime::Part& p = check_part(L, 1);
  push(L, std::string(p.content_type.type) + "/" + std::string(p.content_type.subtype));
  return 1;
}
int mp_get_detected_type(lua_State* L) {
  const mime::Part& p = check_part(L, 1);
  return push_or_nil(L, p.sniffed_type);
}
int mp_get_filename(lua_State* L) {
  const mime::Part& p = check_part(L, 1);
  return push_or_nil(L, p.filename);
}
int mp_get_length(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(check_part(L, 1).decoded.size()));
  return 1;
}
int mp_get_header(lua_State* L) {
  const mime::Part& p = check_part(L, 1);
  std::string_view name = check_sv(L, 2);
  for (const auto& h : p.headers) {
    if (core::iequals(h.name, name)) {
      push(L, h.value);
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}
int mp_get_cte(lua_State* L) {
  static const char* kNames[] = {"7bit", "8bit", "binary", "base64", "quoted-printable",
                                 "x-uuencode", "unknown"};
  push(L, kNames[static_cast<int>(check_part(L, 1).encoding)]);
  return 1;
}
int mp_is_image(lua_State* L) {
  const mime::Part& p = check_part(L, 1);
  lua_pushboolean(L, p.content_type.type == "image" ||
                         p.sniffed_type.substr(0, 6) == "image/");
  return 1;
}

const luaL_Reg kMimePartMethods[] = {
    {"get_type", mp_get_type},
    {"get_type_full", mp_get_type_full},
    {"get_detected_type", mp_get_detected_type},
    {"get_filename", mp_get_filename},
    {"get_length", mp_get_length},
    {"get_content", field_getter<check_part, &mime::Part::decoded>},
    {"get_raw_content", field_getter<check_part, &mime::Part::raw_body>},
    {"get_header", mp_get_header},
    {"get_cte", mp_get_cte},
    {"get_disposition", field_getter<check_part, &mime::Part::disposition>},
    {"is_attachment", field_getter<check_part, &mime::Part::is_attachment>},
    {"is_text", field_getter<check_part, &mime::Part::is_text>},
    {"is_multipart", field_getter<check_part, &mime::Part::is_multipart>},
    {"is_message", field_getter<check_part, &mime::Part::is_message>},
    {"is_image", mp_is_image},
    {"get_depth", field_getter<check_part, &mime::Part::depth>},
    {nullptr, nullptr}};

// ---- task methods

// An array of `class_name` objects for the task's parts (text parts or MIME parts).
int push_parts(lua_State* L, const char* class_name, bool text) {
  scan::Task& t = check_task(L, 1);
  lua_newtable(L);
  if (!t.has_message()) return 1;
  TaskCellPtr cell = cell_of(L, t);
  size_t n = text ? t.message().text_parts.size() : t.message().parts.size();
  for (size_t i = 0; i < n; ++i) {
    push_object<MessageItem>(L, class_name, MessageItem{cell, i});
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  return 1;
}

int get_text_parts(lua_State* L) { return push_parts(L, kTextPartClass, /*text=*/true); }
int get_parts(lua_State* L) { return push_parts(L, kMimePartClass, /*text=*/false); }

// get_urls(): URL objects, one per distinct normalised URL. E-mail addresses are separate
// (get_emails); Rspamd's need_emails argument is accepted and ignored.
int get_urls(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  lua_newtable(L);
  if (!t.has_message()) return 1;
  TaskCellPtr cell = cell_of(L, t);
  const auto& urls = t.message().urls;
  int n = 1;
  for (size_t i = 0; i < urls.size(); ++i) {
    bool dup = false;
    for (size_t j = 0; j < i && !dup; ++j) dup = urls[j].url == urls[i].url;
    if (dup) continue;
    push_url(L, cell, i);
    lua_rawseti(L, -2, n++);
  }
  return 1;
}

int get_emails(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  lua_newtable(L);
  if (!t.has_message()) return 1;
  int n = 1;
  const auto& emails = t.message().emails;
  for (size_t i = 0; i < emails.size(); ++i) {
    bool dup = false;
    for (size_t j = 0; j < i && !dup; ++j) dup = emails[j].addr == emails[i].addr;
    if (dup) continue;
    lua_createtable(L, 0, 3);
    set_field(L, "addr", emails[i].addr);
    set_field(L, "user", emails[i].user);
    set_field(L, "domain", emails[i].domain);
    lua_rawseti(L, -2, n++);
  }
  return 1;
}

int get_rawbody(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  push(L, t.has_message() && t.message().root != nullptr ? t.message().root->raw_body
                                                         : t.raw());
  return 1;
}

int get_content(lua_State* L) {
  push(L, check_task(L, 1).raw());
  return 1;
}

const luaL_Reg kMethods[] = {
    {"get_text_parts", get_text_parts},
    {"get_parts", get_parts},
    {"get_urls", get_urls},
    {"get_emails", get_emails},
    {"get_rawbody", get_rawbody},
    {"get_content", get_content},
    {"get_message", get_content},
    {nullptr, nullptr}};

}  // namespace

const luaL_Reg* task_content_methods() {
  return kMethods;
}

void open_content_classes(lua_State* L) {
  register_class<MessageItem>(L, kTextPartClass, kTextPartMethods);
  register_class<MessageItem>(L, kMimePartClass, kMimePartMethods);
}

}  // namespace mw::lua
