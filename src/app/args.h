// Command-line parsing for the subcommands: --name value, --name=value, repeated options,
// flags and positional arguments. Errors are values; the caller prints one line and exits 2.
#pragma once

#include <map>
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

}  // namespace mw::app
