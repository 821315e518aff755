#include "auth/dkim/message.h"

#include "core/ascii.h"

namespace mw::auth::dkim {

namespace {

// The field name of a raw field: text before the first colon of the first line, with
// trailing WSP removed (obs-optional allows WSP before the colon). Empty when invalid.
std::string_view name_of(std::string_view raw) {
  size_t eol = raw.find('\n');
  std::string_view first = raw.substr(0, eol);
  size_t colon = first.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view name = first.substr(0, colon);
  while (!name.empty() && core::is_wsp(name.back())) name.remove_suffix(1);
  return is_field_name(name) ? name : std::string_view{};
}

}  // namespace

bool is_field_name(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 33 || c > 126 || c == ':') return false;
  }
  return true;
}

HeaderField HeaderField::from_raw(std::string_view raw) { return HeaderField{name_of(raw), raw}; }

std::string_view HeaderField::value() const {
  size_t colon = raw.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view v = raw.substr(colon + 1);
  if (!v.empty() && v.back() == '\n') v.remove_suffix(1);
  if (!v.empty() && v.back() == '\r') v.remove_suffix(1);
  return v;
}

MessageView split_message(std::string_view raw) {
  MessageView m;
  size_t pos = 0;
  const size_t n = raw.size();
  while (pos < n) {
    // An empty line ends the header section.
    if (raw[pos] == '\n') {
      m.body = raw.substr(pos + 1);
      return m;
    }
    if (raw[pos] == '\r' && pos + 1 < n && raw[pos + 1] == '\n') {
      m.body = raw.substr(pos + 2);
      return m;
    }
    size_t start = pos;
    // A field runs to the end of a line not followed by a continuation (SP or HT).
    size_t end = n;
    size_t scan = pos;
    while (true) {
      size_t nl = raw.find('\n', scan);
      if (nl == std::string_view::npos) {
        end = n;
        break;
      }
      if (nl + 1 < n && core::is_wsp(raw[nl + 1])) {
        scan = nl + 1;
        continue;
      }
      end = nl + 1;
      break;
    }
    HeaderField f = HeaderField::from_raw(raw.substr(start, end - start));
    if (f.name.empty()) ++m.malformed_lines;
    m.headers.push_back(f);
    pos = end;
  }
  return m;
}

}  // namespace mw::auth::dkim
