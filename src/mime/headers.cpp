// Header block splitting (see headers.h).
#include "mime/headers.h"

#include "mime/strutil.h"

namespace mw::mime {

namespace {

// Length of a field name at the start of `line` and the offset of its colon; 0 when the line
// is not a field ("Name" = printable ASCII except ':', then optional blanks, then ':').
size_t field_name(std::string_view line, size_t* colon) {
  size_t i = 0;
  while (i < line.size()) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c <= 32 || c >= 127 || c == ':') break;
    ++i;
  }
  size_t name_end = i;
  if (name_end == 0) return 0;
  while (i < line.size() && is_wsp(line[i])) ++i;
  if (i >= line.size() || line[i] != ':') return 0;
  *colon = i;
  return name_end;
}

}  // namespace

HeaderBlock split_header_block(std::string_view data, size_t pos, uint32_t max_headers,
                               LineStop stop, Vec<Header>& out) {
  HeaderBlock hb;
  size_t n = data.size();
  // The field being collected.
  bool open = false;
  size_t field_start = 0, value_start = 0, field_end = 0;
  std::string_view name;
  auto finish = [&]() {
    if (!open) return;
    open = false;
    ++hb.fields;
    if (out.size() >= max_headers) {
      hb.truncated = true;
      return;
    }
    std::string_view field = data.substr(field_start, field_end - field_start);
    size_t lb = line_break_len(field);
    Header h;
    h.name = name;
    h.raw_field = field;
    h.raw_value = data.substr(value_start, field_end - lb - value_start);
    h.order = static_cast<uint32_t>(out.size());
    out.push_back(h);
  };

  size_t p = pos;
  while (p < n) {
    size_t nl = next_line(data, p);
    std::string_view line = data.substr(p, nl - p);
    size_t lb = line_break_len(line);
    if (lb == 2) {
      ++hb.crlf;
    } else if (lb == 1) {
      ++hb.lf;
    }
    std::string_view content = line.substr(0, line.size() - lb);
    if (content.empty() && lb != 0) {
      finish();
      hb.end = p;
      hb.separator = line;
      hb.body = nl;
      return hb;
    }
    if (stop(content)) {
      finish();
      hb.end = hb.body = p;
      hb.stopped = true;
      return hb;
    }
    if (is_wsp(content[0])) {
      if (open) {
        field_end = nl;
        p = nl;
        continue;
      }
      finish();
      hb.end = hb.body = p;
      hb.bad_line = true;
      return hb;
    }
    size_t colon = 0;
    size_t name_len = field_name(content, &colon);
    if (name_len == 0) {
      finish();
      hb.end = hb.body = p;
      hb.bad_line = true;
      return hb;
    }
    finish();
    open = true;
    field_start = p;
    value_start = p + colon + 1;
    field_end = nl;
    name = content.substr(0, name_len);
    p = nl;
  }
  finish();
  hb.end = hb.body = n;
  return hb;
}

}  // namespace mw::mime
