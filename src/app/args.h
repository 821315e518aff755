// Command-line parsing for the subcommands: --name value, --name=value, repeated options,
// flags and positional arguments. Errors are values; the caller prints one line and exits 2.
// parse_command() does that for a command: --help, the error line, the usage, the status.
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mw::app {

struct ArgSpec {
  std::string name;      // without dashes, e.g. "conf"
  bool takes_value = true;
  bool repeatable = false;
  char short_name = 0;   // e.g. 'c' for -c
};

class Args {
 public:
  static Result<Args> parse(const std::vector<ArgSpec>& spec, int argc, char** argv, int first);

  bool has(std::string_view name) const;
  std::string get(std::string_view name, std::string fallback = "") const;
  const std::vector<std::string>& all(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
};

// What a command accepts, for parse_command().
struct CommandSpec {
  std::string_view name;                // "scan": errors read "mailward scan: ..."
  const std::vector<ArgSpec>& options;  // --help must be among them
  std::string_view usage;               // printed whole, ends with a newline
  size_t min_positional = 0;
  size_t max_positional = std::numeric_limits<size_t>::max();
};

// Parse argv[2..] for `command`. On success the arguments. Otherwise nothing, with
// `exit_status` set to what the command returns: 0 for --help (the usage printed on stdout),
// 2 for an unknown option, a missing value or a count of positional arguments outside
// [min_positional, max_positional] (the error, if any, then the usage printed on stderr).
std::optional<Args> parse_command(const CommandSpec& command, int argc, char** argv,
                                  int& exit_status);

}  // namespace mw::app
