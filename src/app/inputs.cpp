#include "app/inputs.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "match/cache.h"

namespace mw::app {

std::vector<std::string> expand_paths(const std::vector<std::string>& paths,
                                      std::string_view suffix, bool recursive) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (p == "-" || !fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      bool dir = it->is_directory(ec);
      if (dir && (!recursive || name[0] == '.')) it.disable_recursion_pending();
      if (dir || name[0] == '.' || name.size() <= suffix.size() ||
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
        continue;
      }
      if (it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

Result<std::string> read_message_file(const std::string& path, uint64_t max_bytes) {
  if (path != "-") return match::read_file_bytes(path, max_bytes);
  std::ostringstream ss;
  ss << std::cin.rdbuf();
  if (ss.str().size() > max_bytes) return fail(ErrorCode::kLimit, "standard input: too large");
  return ss.str();
}

}  // namespace mw::app
