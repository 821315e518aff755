// Dotted configuration paths ("options.dns.timeout", "groups.*.max_score"): their segments,
// for the configuration core and the Lua configuration API.
//
// Ownership: the segments are views into the caller's string. Loop affinity: none.
// Failure modes: none ("" is one empty segment, "a..b" has an empty middle one).
#pragma once

#include <string_view>
#include <vector>

namespace mw::core {

inline std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) dot = path.size();
    out.push_back(path.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

}  // namespace mw::core
