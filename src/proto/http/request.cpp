#include "proto/http/request.h"

#include "core/percent.h"

namespace mw::proto::http {

namespace {

std::string_view strip_slashes(std::string_view s) {
  if (!s.empty() && s.front() == '/') s.remove_prefix(1);
  return s;
}

// A list header (Accept-Encoding, Flags) has `token`, ignoring parameters (";q=0.5").
bool list_has(const HeaderMap& headers, std::string_view name, std::string_view token) {
  for (auto value : headers.find_all(name)) {
    for (auto item : split_list(value)) {
      size_t semi = item.find(';');
      if (iequals(trim_ows(item.substr(0, semi)), token)) return true;
    }
  }
  return false;
}

}  // namespace

std::string_view Request::command() const { return strip_slashes(path); }

bool Request::path_is(std::string_view name) const {
  return iequals(strip_slashes(path), strip_slashes(name));
}

const std::string* Request::param(std::string_view name) const {
  if (const std::string* h = headers.find(name)) return h;
  for (const auto& [k, v] : query) {
    if (iequals(k, name)) return &v;
  }
  return nullptr;
}

bool Request::wants_compressed_reply() const {
  return compressed || list_has(headers, "Accept-Encoding", "zstd") ||
         list_has(headers, "Flags", "zstd");
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    if (!item.empty()) {
      size_t eq = item.find('=');
      const core::PercentDecoding form{.plus_is_space = true};
      std::string key = core::percent_decode(item.substr(0, eq), form);
      std::string value = eq == std::string_view::npos
                              ? std::string()
                              : core::percent_decode(item.substr(eq + 1), form);
      if (!key.empty()) out.emplace_back(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

bool parse_target(std::string_view target, Request& request) {
  if (target.empty()) return false;
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  std::string_view rest = target;
  if (rest == "*") {
    request.path = "*";
    return true;
  }
  if (rest.front() != '/') {
    // absolute-form: scheme "://" authority path
    size_t scheme_end = rest.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
    rest.remove_prefix(scheme_end + 3);
    size_t path_start = rest.find_first_of("/?");
    rest = path_start == std::string_view::npos ? std::string_view("/") : rest.substr(path_start);
    if (rest.front() == '?') {
      request.path = "/";
      request.raw_query = std::string(rest.substr(1));
      request.query = parse_query(request.raw_query);
      return true;
    }
  }
  size_t q = rest.find('?');
  std::string_view raw_path = rest.substr(0, q);
  size_t frag = raw_path.find('#');  // a fragment never belongs to a request; drop it
  raw_path = raw_path.substr(0, frag);
  request.path = core::percent_decode(raw_path);
  if (request.path.find('\0') != std::string::npos) return false;
  if (q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    query = query.substr(0, query.find('#'));
    request.raw_query = std::string(query);
    request.query = parse_query(query);
  }
  return true;
}

}  // namespace mw::proto::http
