// Files named on a command line: message files (scan, learn; '-' is standard input), rule
// files and rule tests (test-rules). A directory stands for the regular files below it, in
// name order, dot files and dot directories skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mw::app {

// The files `paths` name: "-" and anything not a directory stand for themselves; a directory
// for the regular files below it (only directly in it unless `recursive`) whose names end
// with `suffix` and are longer than it.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths,
                                      std::string_view suffix = {}, bool recursive = true);

// Message files: every file below a directory.
inline std::vector<std::string> expand_message_paths(const std::vector<std::string>& paths) {
  return expand_paths(paths);
}

// The bytes of `path` ('-': standard input). Fails with kIo naming the file when it cannot
// be read, kLimit when it is larger than `max_bytes`.
Result<std::string> read_message_file(const std::string& path, uint64_t max_bytes);

}  // namespace mw::app
