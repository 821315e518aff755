#include "proto/http/headers.h"

#include <algorithm>

#include "core/ascii.h"

namespace mw::proto::http {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_tchar(static_cast<unsigned char>(c)); });
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = trim_ows(value.substr(0, comma));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  return core::percent_decode(s, plus_is_space);
}

void HeaderMap::set(std::string_view name, std::string value) {
  for (auto it = fields_.begin(); it != fields_.end(); ++it) {
    if (iequals(it->name, name)) {
      it->value = std::move(value);
      auto rest = std::remove_if(it + 1, fields_.end(),
                                 [&](const HeaderField& f) { return iequals(f.name, name); });
      fields_.erase(rest, fields_.end());
      return;
    }
  }
  fields_.push_back({std::string(name), std::move(value)});
}

size_t HeaderMap::remove(std::string_view name) {
  size_t before = fields_.size();
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const HeaderField& f) { return iequals(f.name, name); }),
                fields_.end());
  return before - fields_.size();
}

const std::string* HeaderMap::find(std::string_view name) const {
  for (const auto& f : fields_) {
    if (iequals(f.name, name)) return &f.value;
  }
  return nullptr;
}

std::vector<std::string_view> HeaderMap::find_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields_) {
    if (iequals(f.name, name)) out.push_back(f.value);
  }
  return out;
}

bool HeaderMap::has_token(std::string_view name, std::string_view token) const {
  for (const auto& f : fields_) {
    if (!iequals(f.name, name)) continue;
    for (auto item : split_list(f.value)) {
      if (iequals(item, token)) return true;
    }
  }
  return false;
}

}  // namespace mw::proto::http
