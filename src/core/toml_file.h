// TOML documents as JSON values: the one door to toml++ for code outside src/core (toml++
// is a private dependency of mw_core; core::Config reads the configuration itself).
//
//   parse_toml()        TOML text -> JSON object (tables become objects; dates and times null)
//   read_toml_file()    the same for a file
//   to_toml()           JSON object -> TOML text
//   write_toml_file()   to_toml() written to a temporary file beside `path`, then renamed
//                       over it (a reader sees the old or the new file, never half of one)
//
// Used where a program edits a TOML file of the configuration (the controller's save file).
// Ownership: plain values. Loop affinity: none (blocking file I/O: not on a busy loop).
// Failure modes: errors are values: kInvalidInput for TOML that does not parse (message
// "NAME:LINE:COLUMN: what") or a JSON value TOML cannot hold (a null, a root that is not an
// object); kNotFound for a file that does not exist; kIo when a file cannot be read, written
// or renamed.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/result.h"

namespace mw::core {

// `source_name` names the text in error messages.
Result<json::Value> parse_toml(std::string_view text, std::string_view source_name);
Result<json::Value> read_toml_file(const std::string& path);

// TOML text of a JSON object; `header` (lines of "# comment", may be empty) comes first.
Result<std::string> to_toml(const json::Value& table, std::string_view header = {});
// Creates the parent directories of `path` when missing.
Status write_toml_file(const std::string& path, const json::Value& table,
                       std::string_view header = {});

// The version of the TOML library ("MAJOR.MINOR.PATCH"), for `mailward --version`.
std::string toml_library_version();

}  // namespace mw::core
