// Message files named on a command line (scan, learn): '-' is standard input, a directory
// stands for every regular file below it (recursively, in name order, dot files skipped).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace mw::app {

// The files `paths` name, directories expanded.
std::vector<std::string> expand_message_paths(const std::vector<std::string>& paths);

// The bytes of `path` ('-': standard input). Fails with kIo naming the file when it cannot
// be read, kLimit when it is larger than `max_bytes`.
Result<std::string> read_message_file(const std::string& path, uint64_t max_bytes);

}  // namespace mw::app
