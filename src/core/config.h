// Configuration: one typed table, declared once, loaded from TOML.
//
// Every option is declared once in a Schema (path, type, default, doc, range). That one
// declaration drives parsing, validation, `mailward configtest`, `mailward configdump` and the
// generated option reference. Paths are dotted; a `*` segment stands for any name, for
// tables keyed by the operator (groups.*, symbols.*, composites.*, settings.*).
//
// Loading (Config::load) reads, in order:
//   <dir>/mailward.toml           the shipped defaults (optional: built-in defaults otherwise)
//   <dir>/local.d/*.toml          merged over it in name order, table by table, key by key;
//                                 arrays and scalars of later files replace earlier ones
//   <dir>/override.d/*.toml       each table two levels deep (e.g. [options.dns],
//                                 [groups.header]) replaces the earlier table whole
// then validates the merged tree against the schema. Problems are reported with file:line.
//
// Values: declared options are read with the typed getters (declared default when absent).
// Free-form and operator-keyed tables (settings.*, composites.*, signing domains, ...) are
// read with value(), which gives them as JSON values (core/json.h): TOML tables become
// objects with their keys in name order, arrays stay arrays, strings, booleans, integers and
// floats keep their type, and TOML dates and times become null. TOML types never appear in
// this API; the parser is an implementation detail of config.cpp.
//
// Ownership: a Config owns the merged tree. It is immutable after load and shared between
// the master and the workers as a snapshot (std::shared_ptr<const Config>); SIGHUP builds a
// new one. Loop affinity: none.
// Failure modes: load() fails (kInvalidInput) when a file does not parse or validation finds
// an error; every problem is listed in the issues vector either way.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace mw::core {

enum class OptType {
  kBool,
  kInt,
  kFloat,       // integers accepted
  kString,
  kDuration,    // "1s", "250ms", "2m", "1h", "7d" or a number of seconds
  kSize,        // "10M", "512k", "1G" or a number of bytes
  kStringList,  // array of strings (a single string is accepted as a one-element list)
  kTable,       // free-form table: not validated below this point
  kAny,         // any TOML value: not validated
};

std::string_view opt_type_name(OptType t);

struct OptionDecl {
  std::string path;           // dotted, `*` matches any one key
  OptType type = OptType::kString;
  std::string default_toml;   // TOML value text ("10", "\"1s\"", "[]"); empty = no default
  std::string doc;
  std::optional<double> min;  // numeric range (also for durations in seconds, sizes in bytes)
  std::optional<double> max;
  std::vector<std::string> choices;  // allowed values for strings
  bool reloadable = true;
};

// The declarations of every option. Built once at start-up by the app, which asks each
// module to declare its own options (explicit registry, no static init).
class Schema {
 public:
  Schema();
  ~Schema();
  Schema(Schema&&) noexcept;
  Schema& operator=(Schema&&) noexcept;

  // Declare an option. REQUIRES: the path is not yet declared.
  void add(OptionDecl decl);
  // Declare a table (e.g. "options.dns" or "groups.*") with its documentation. Tables that
  // hold declared options are implied; declaring them gives them a doc line.
  void section(std::string path, std::string doc);

  const OptionDecl* find(std::string_view path) const;  // exact or wildcard match
  // The declared default of an option (nullopt when it has none).
  std::optional<json::Value> default_value(const OptionDecl& decl) const;
  bool is_section(std::string_view path) const;          // a declared or implied table
  const std::vector<OptionDecl>& options() const { return options_; }
  std::string section_doc(std::string_view path) const;
  // Declared keys directly below a table path (for "did you mean" hints).
  std::vector<std::string> children(std::string_view table_path) const;

 private:
  std::vector<OptionDecl> options_;
  std::map<std::string, size_t, std::less<>> exact_;  // path -> index in options_
  std::vector<std::pair<std::string, std::string>> sections_;
  struct Defaults;  // key = declared path, value = parsed default (config.cpp)
  std::unique_ptr<Defaults> defaults_;
  friend struct ConfigAccess;
};

struct ConfigIssue {
  std::string file;
  int line = 0;
  std::string message;
  bool error = true;  // false: warning

  std::string to_string() const;  // "file:line: error: message"
};

class Config;
using ConfigPtr = std::shared_ptr<const Config>;

struct LoadOptions {
  std::string dir;                 // configuration directory
  std::string builtin_defaults;    // TOML text used when <dir>/mailward.toml is absent
  // More directories of *.toml merged after local.d, in order (e.g. a test's overlay).
  std::vector<std::string> overlay_dirs;
};

class Config {
 public:
  // Load and validate. On failure the issues list says why.
  // REQUIRES: `schema` outlives the returned Config.
  static Result<ConfigPtr> load(const Schema& schema, const LoadOptions& opts,
                                std::vector<ConfigIssue>& issues);
  // Parse a single TOML text (tests, embedded defaults).
  static Result<ConfigPtr> from_string(const Schema& schema, std::string_view toml_text,
                                       std::vector<ConfigIssue>& issues,
                                       std::string dir = ".");
  ~Config();

  // Typed getters. REQUIRES: `path` is declared in the schema (exactly or by wildcard) with
  // the matching type. Absent keys give the declared default (zero/empty when none).
  bool get_bool(std::string_view path) const;
  int64_t get_int(std::string_view path) const;
  double get_float(std::string_view path) const;
  std::string get_string(std::string_view path) const;
  std::vector<std::string> get_strings(std::string_view path) const;
  double get_duration(std::string_view path) const;  // seconds
  uint64_t get_size(std::string_view path) const;    // bytes
  bool has(std::string_view path) const;             // present in the files (not default)

  // The value at `path` as loaded from the files, as JSON (see the top of this file); for
  // free-form and operator-keyed tables. nullopt when absent. Any path may be asked, declared
  // or not; "" is the whole configuration.
  std::optional<json::Value> value(std::string_view path) const;
  // value(path), or the declared default of `path` when the files do not set it (nullopt
  // when neither exists). Durations and sizes come as written ("1s", 30, "10M").
  std::optional<json::Value> effective_value(std::string_view path) const;
  // Keys of a table, sorted by name (e.g. keys("groups") lists the group names). Empty when
  // `path` is absent or not a table.
  std::vector<std::string> keys(std::string_view path) const;

  const std::string& dir() const { return dir_; }
  const Schema& schema() const { return *schema_; }
  // A hash of the merged configuration (for /stat config_id and cache keys).
  const std::string& id() const { return id_; }

  // Render every declared option with its effective value, as TOML with doc comments.
  std::string dump() const;

 private:
  Config();
  struct Tree;  // the merged TOML tree (config.cpp)
  friend struct ConfigAccess;

  std::unique_ptr<Tree> tree_;
  const Schema* schema_ = nullptr;
  std::string dir_;
  std::string id_;
};

// Helpers shared with the Lua bindings and settings parsing.
Result<double> parse_duration(std::string_view s);  // seconds
Result<uint64_t> parse_size(std::string_view s);    // bytes

}  // namespace mw::core
