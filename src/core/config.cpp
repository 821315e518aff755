#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <toml++/toml.h>

#include "core/ascii.h"
#include "core/check.h"
#include "core/dotted_path.h"
#include "core/enum_names.h"
#include "core/hash.h"
#include "core/toml_json.h"

namespace mw::core {

namespace fs = std::filesystem;

namespace {

// Segment-wise match of a declared path (may hold `*`) against a concrete path.
bool path_matches(std::string_view decl, std::string_view path) {
  auto d = path_segments(decl);
  auto p = path_segments(path);
  if (d.size() != p.size()) return false;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] != "*" && d[i] != p[i]) return false;
  }
  return true;
}

// True when `decl` has `path` as a proper prefix (segment-wise, wildcards allowed).
bool path_is_prefix(std::string_view decl, std::string_view path) {
  auto d = path_segments(decl);
  auto p = path_segments(path);
  if (d.size() <= p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (d[i] != "*" && d[i] != p[i]) return false;
  }
  return true;
}

std::string source_file(const toml::source_region& src, const std::string& fallback) {
  if (src.path && !src.path->empty()) return *src.path;
  return fallback;
}

void merge_into(toml::table& base, toml::table&& overlay) {
  for (auto&& [key, value] : overlay) {
    toml::node* existing = base.get(key.str());
    if (existing != nullptr && existing->is_table() && value.is_table()) {
      merge_into(*existing->as_table(), std::move(*value.as_table()));
      continue;
    }
    base.insert_or_assign(key, std::move(value));
  }
}

// override.d: tables two levels deep replace the earlier table whole.
void override_into(toml::table& base, toml::table&& overlay) {
  for (auto&& [key, value] : overlay) {
    toml::node* existing = base.get(key.str());
    if (existing != nullptr && existing->is_table() && value.is_table()) {
      toml::table& dst = *existing->as_table();
      for (auto&& [k2, v2] : *value.as_table()) dst.insert_or_assign(k2, std::move(v2));
      continue;
    }
    base.insert_or_assign(key, std::move(value));
  }
}

std::vector<fs::path> toml_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".toml" && e.is_regular_file(ec)) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool parse_into(const std::string& file, std::optional<std::string_view> text, toml::table& out,
                std::vector<ConfigIssue>& issues) {
  try {
    if (text) {
      out = toml::parse(*text, file);
    } else {
      out = toml::parse_file(file);
    }
    return true;
  } catch (const toml::parse_error& e) {
    issues.push_back({source_file(e.source(), file), static_cast<int>(e.source().begin.line),
                      std::string(e.description()), true});
    return false;
  }
}

}  // namespace

// The toml++ trees behind Schema and Config: defined here only, so that no toml++ type
// appears in config.h.
struct Schema::Defaults {
  toml::table table;
};
struct Config::Tree {
  toml::table root;
};

// Reaches the trees (a friend of Schema and Config).
struct ConfigAccess {
  static toml::table& root(Config& c) { return c.tree_->root; }
  static const toml::table& root(const Config& c) { return c.tree_->root; }
  static const toml::node* default_of(const Schema& s, const OptionDecl& d) {
    return s.defaults_->table.get(d.path);
  }
  static const toml::node* node(const Config& c, std::string_view path) {
    const toml::node* cur = &root(c);
    if (path.empty()) return cur;
    for (auto seg : path_segments(path)) {
      if (cur == nullptr || !cur->is_table()) return nullptr;
      cur = cur->as_table()->get(seg);
    }
    return cur;
  }
  // The node at a declared path, or its declared default.
  static const toml::node* with_default(const Config& c, std::string_view path, OptType want) {
    const OptionDecl* decl = c.schema_->find(path);
    MW_BUG(decl != nullptr, "config getter for an undeclared option");
    MW_BUG(decl == nullptr || decl->type == want, "config getter with the wrong type");
    if (const toml::node* n = node(c, path)) return n;
    return decl != nullptr ? default_of(*c.schema_, *decl) : nullptr;
  }
};

using detail::toml_to_json;  // dates and times become null

std::string_view opt_type_name(OptType t) {
  static constexpr auto kNames =
      EnumNames<OptType, OptType::kAny>{"boolean", "integer", "number",
                                        "string",  "duration", "size",
                                        "list of strings", "table", "any"}
          .with_fallback("?");
  return kNames.name(t);
}

namespace {

// A non-negative number and the unit after it ("250ms", " 10M "); `what` names the kind in
// messages. The unit is the caller's to interpret.
struct NumberWithUnit {
  std::string_view text;  // trimmed, for messages
  double value = 0;
  std::string_view unit;
};
Result<NumberWithUnit> number_with_unit(std::string_view s, std::string_view what) {
  s = core::trim_if(s, [](char c) { return c == ' '; });
  NumberWithUnit out;
  out.text = s;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out.value);
  if (r.ec != std::errc() || !std::isfinite(out.value) || out.value < 0) {
    return fail(ErrorCode::kInvalidInput, "bad " + std::string(what) + " '" + std::string(s) + "'");
  }
  out.unit = std::string_view(r.ptr, static_cast<size_t>(s.data() + s.size() - r.ptr));
  return out;
}

Failure bad_unit(std::string_view what, const NumberWithUnit& n) {
  return fail(ErrorCode::kInvalidInput,
              "bad " + std::string(what) + " unit in '" + std::string(n.text) + "'");
}

}  // namespace

Result<double> parse_duration(std::string_view s) {
  auto n = number_with_unit(s, "duration");
  if (!n) return fail(n.error());
  std::string_view unit = n->unit;
  double mul;
  if (unit.empty() || unit == "s") mul = 1;
  else if (unit == "ms") mul = 0.001;
  else if (unit == "us") mul = 1e-6;
  else if (unit == "m" || unit == "min") mul = 60;
  else if (unit == "h") mul = 3600;
  else if (unit == "d") mul = 86400;
  else if (unit == "w") mul = 7 * 86400;
  else return bad_unit("duration", *n);
  return n->value * mul;
}

Result<uint64_t> parse_size(std::string_view s) {
  auto n = number_with_unit(s, "size");
  if (!n) return fail(n.error());
  std::string unit = core::to_lower(n->unit);  // "k", "KiB", "MB" ...
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();
  if (!unit.empty() && unit.back() == 'i') unit.pop_back();
  double mul;
  if (unit.empty()) mul = 1;
  else if (unit == "k") mul = 1024;
  else if (unit == "m") mul = 1024.0 * 1024;
  else if (unit == "g") mul = 1024.0 * 1024 * 1024;
  else return bad_unit("size", *n);
  return static_cast<uint64_t>(n->value * mul);
}

std::string ConfigIssue::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += error ? ": error: " : ": warning: ";
  out += message;
  return out;
}

// ---------------------------------------------------------------------------------------
// Schema

Schema::Schema() : defaults_(std::make_unique<Defaults>()) {}
Schema::~Schema() = default;
Schema::Schema(Schema&&) noexcept = default;
Schema& Schema::operator=(Schema&&) noexcept = default;

void Schema::add(OptionDecl decl) {
  MW_BUG(find(decl.path) == nullptr || find(decl.path)->path != decl.path,
         "option declared twice");
  if (!decl.default_toml.empty()) {
    try {
      toml::table t = toml::parse("v = " + decl.default_toml);
      defaults_->table.insert_or_assign(decl.path, std::move(*t.get("v")));
    } catch (const toml::parse_error& e) {
      MW_PANIC("bad declared default for option " + decl.path);
    }
  }
  exact_.emplace(decl.path, options_.size());
  options_.push_back(std::move(decl));
}

void Schema::section(std::string path, std::string doc) {
  sections_.emplace_back(std::move(path), std::move(doc));
}

const OptionDecl* Schema::find(std::string_view path) const {
  // Exact paths through the index (rules and modules look options up while scanning).
  if (auto it = exact_.find(path); it != exact_.end()) return &options_[it->second];
  for (const auto& d : options_) {
    if (d.path.find('*') != std::string::npos && path_matches(d.path, path)) return &d;
  }
  return nullptr;
}

std::optional<json::Value> Schema::default_value(const OptionDecl& decl) const {
  const toml::node* n = ConfigAccess::default_of(*this, decl);
  if (n == nullptr) return std::nullopt;
  return toml_to_json(*n);
}

bool Schema::is_section(std::string_view path) const {
  for (const auto& [p, doc] : sections_) {
    if (path_matches(p, path)) return true;
  }
  for (const auto& d : options_) {
    if (path_is_prefix(d.path, path)) return true;
  }
  return false;
}

std::string Schema::section_doc(std::string_view path) const {
  for (const auto& [p, doc] : sections_) {
    if (path_matches(p, path)) return doc;
  }
  return {};
}

std::vector<std::string> Schema::children(std::string_view table_path) const {
  std::vector<std::string> out;
  size_t depth = path_segments(table_path).size();
  auto add = [&](std::string_view decl_path) {
    auto segs = path_segments(decl_path);
    if (segs.size() <= depth) return;
    std::string name(segs[depth]);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  for (const auto& d : options_) {
    if (table_path.empty() || path_is_prefix(d.path, table_path)) add(d.path);
  }
  for (const auto& [p, doc] : sections_) {
    if (table_path.empty() || path_is_prefix(p, table_path)) add(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Validation

namespace {

class Validator {
 public:
  Validator(const Schema& schema, std::vector<ConfigIssue>& issues, std::string fallback_file)
      : schema_(schema), issues_(issues), fallback_(std::move(fallback_file)) {}

  void walk(const toml::table& t, const std::string& prefix) {
    for (const auto& [key, value] : t) {
      std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      const OptionDecl* decl = schema_.find(path);
      if (decl != nullptr) {
        check(*decl, path, value);
        continue;
      }
      if (value.is_table() && schema_.is_section(path)) {
        walk(*value.as_table(), path);
        continue;
      }
      std::string msg = "unknown key '" + path + "'";
      std::string hint = suggest(prefix, std::string(key.str()));
      if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
      report(key.source(), value.source(), msg);
    }
  }

 private:
  std::string suggest(const std::string& prefix, const std::string& key) {
    std::string best;
    size_t best_d = 3;
    for (const auto& c : schema_.children(prefix)) {
      if (c == "*") continue;
      size_t d = edit_distance(c, key);
      if (d < best_d) {
        best_d = d;
        best = c;
      }
    }
    return best;
  }

  void report(const toml::source_region& a, const toml::source_region& b, std::string msg) {
    const toml::source_region& src = a.path ? a : b;
    issues_.push_back({source_file(src, fallback_), static_cast<int>(src.begin.line),
                       std::move(msg), true});
  }

  void bad(const toml::node& v, const std::string& path, const std::string& what) {
    report(v.source(), v.source(), "option '" + path + "' " + what);
  }

  void range(const OptionDecl& d, const std::string& path, const toml::node& v, double x) {
    if (d.min && x < *d.min) {
      std::ostringstream o;
      o << "must be at least " << *d.min;
      bad(v, path, o.str());
    }
    if (d.max && x > *d.max) {
      std::ostringstream o;
      o << "must be at most " << *d.max;
      bad(v, path, o.str());
    }
  }

  // A duration or size: a plain number (`is_plain`) or text that `parse` reads; either way
  // within the declared range.
  template <typename Parse>
  void quantity(const OptionDecl& d, const std::string& path, const toml::node& v,
                bool is_plain, std::string_view what, Parse parse) {
    if (is_plain) {
      range(d, path, v, v.value<double>().value_or(0));
    } else if (v.is_string()) {
      Result<double> r = parse(*v.value<std::string>());
      if (!r) {
        bad(v, path, "is not a " + std::string(what) + " (" + r.error().message + ")");
      } else {
        range(d, path, v, *r);
      }
    } else {
      bad(v, path, "must be a " + std::string(opt_type_name(d.type)));
    }
  }

  void check(const OptionDecl& d, const std::string& path, const toml::node& v) {
    std::string want = "must be a " + std::string(opt_type_name(d.type));
    switch (d.type) {
      case OptType::kBool:
        if (!v.is_boolean()) bad(v, path, want);
        break;
      case OptType::kInt:
        if (!v.is_integer()) bad(v, path, want);
        else range(d, path, v, static_cast<double>(v.value<int64_t>().value_or(0)));
        break;
      case OptType::kFloat:
        if (!v.is_number()) bad(v, path, want);
        else range(d, path, v, v.value<double>().value_or(0));
        break;
      case OptType::kString:
        if (!v.is_string()) {
          bad(v, path, want);
        } else if (!d.choices.empty()) {
          const std::string s = v.value<std::string>().value_or("");
          if (std::find(d.choices.begin(), d.choices.end(), s) == d.choices.end()) {
            std::string list;
            for (const auto& c : d.choices) list += (list.empty() ? "" : ", ") + c;
            bad(v, path, "must be one of: " + list);
          }
        }
        break;
      case OptType::kDuration:
        quantity(d, path, v, v.is_number(), "duration", [](std::string_view s) {
          return parse_duration(s);
        });
        break;
      case OptType::kSize:
        quantity(d, path, v, v.is_integer(), "size", [](std::string_view s) -> Result<double> {
          auto bytes = parse_size(s);
          if (!bytes) return fail(bytes.error());
          return static_cast<double>(*bytes);
        });
        break;
      case OptType::kStringList:
        if (v.is_string()) break;
        if (!v.is_array()) {
          bad(v, path, want);
          break;
        }
        for (const auto& item : *v.as_array()) {
          if (!item.is_string()) {
            bad(item, path, "must hold only strings");
            break;
          }
        }
        break;
      case OptType::kTable:
        if (!v.is_table()) bad(v, path, want);
        break;
      case OptType::kAny: break;
    }
  }

  const Schema& schema_;
  std::vector<ConfigIssue>& issues_;
  std::string fallback_;
};

// TOML tables are ordered by key; report problems in file order instead.
void sort_issues(std::vector<ConfigIssue>& issues, size_t from) {
  std::stable_sort(issues.begin() + static_cast<long>(from), issues.end(),
                   [](const ConfigIssue& a, const ConfigIssue& b) {
                     return a.file != b.file ? a.file < b.file : a.line < b.line;
                   });
}

bool has_errors(const std::vector<ConfigIssue>& issues, size_t from) {
  for (size_t i = from; i < issues.size(); ++i) {
    if (issues[i].error) return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Config

Config::Config() : tree_(std::make_unique<Tree>()) {}
Config::~Config() = default;

Result<ConfigPtr> Config::load(const Schema& schema, const LoadOptions& opts,
                               std::vector<ConfigIssue>& issues) {
  size_t first_issue = issues.size();
  std::shared_ptr<Config> cfg(new Config());
  cfg->schema_ = &schema;
  cfg->dir_ = opts.dir;
  fs::path dir(opts.dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    issues.push_back({opts.dir, 0, "configuration directory does not exist", true});
    return fail(ErrorCode::kNotFound, "configuration directory " + opts.dir + " does not exist");
  }
  fs::path main = dir / "mailward.toml";
  if (fs::exists(main, ec)) {
    parse_into(main.string(), std::nullopt, ConfigAccess::root(*cfg), issues);
  } else if (!opts.builtin_defaults.empty()) {
    parse_into("<built-in mailward.toml>", opts.builtin_defaults, ConfigAccess::root(*cfg), issues);
  }
  for (const auto& f : toml_files_in(dir / "local.d")) {
    toml::table t;
    if (parse_into(f.string(), std::nullopt, t, issues)) merge_into(ConfigAccess::root(*cfg), std::move(t));
  }
  for (const auto& extra : opts.overlay_dirs) {
    for (const auto& f : toml_files_in(extra)) {
      toml::table t;
      if (parse_into(f.string(), std::nullopt, t, issues)) merge_into(ConfigAccess::root(*cfg), std::move(t));
    }
  }
  for (const auto& f : toml_files_in(dir / "override.d")) {
    toml::table t;
    if (parse_into(f.string(), std::nullopt, t, issues)) override_into(ConfigAccess::root(*cfg), std::move(t));
  }
  Validator(schema, issues, main.string()).walk(ConfigAccess::root(*cfg), "");
  sort_issues(issues, first_issue);
  if (has_errors(issues, first_issue)) {
    return fail(ErrorCode::kInvalidInput, "configuration has errors");
  }
  std::ostringstream ss;
  ss << toml::toml_formatter(ConfigAccess::root(*cfg));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(ss.str())));
  cfg->id_ = buf;
  return ConfigPtr(std::move(cfg));
}

Result<ConfigPtr> Config::from_string(const Schema& schema, std::string_view text,
                                      std::vector<ConfigIssue>& issues, std::string dir) {
  size_t first_issue = issues.size();
  std::shared_ptr<Config> cfg(new Config());
  cfg->schema_ = &schema;
  cfg->dir_ = std::move(dir);
  parse_into("<string>", text, ConfigAccess::root(*cfg), issues);
  Validator(schema, issues, "<string>").walk(ConfigAccess::root(*cfg), "");
  sort_issues(issues, first_issue);
  if (has_errors(issues, first_issue)) {
    return fail(ErrorCode::kInvalidInput, "configuration has errors");
  }
  cfg->id_ = "inline";
  return ConfigPtr(std::move(cfg));
}

std::optional<json::Value> Config::value(std::string_view path) const {
  const toml::node* n = ConfigAccess::node(*this, path);
  if (n == nullptr) return std::nullopt;
  return toml_to_json(*n);
}

std::optional<json::Value> Config::effective_value(std::string_view path) const {
  if (auto v = value(path)) return v;
  const OptionDecl* decl = schema_->find(path);
  return decl != nullptr ? schema_->default_value(*decl) : std::nullopt;
}

std::vector<std::string> Config::keys(std::string_view path) const {
  std::vector<std::string> out;
  const toml::node* n = ConfigAccess::node(*this, path);
  if (const toml::table* t = n != nullptr ? n->as_table() : nullptr) {
    for (const auto& [k, v] : *t) out.emplace_back(k.str());
  }
  return out;
}

bool Config::has(std::string_view path) const {
  return ConfigAccess::node(*this, path) != nullptr;
}

bool Config::get_bool(std::string_view path) const {
  const toml::node* n = ConfigAccess::with_default(*this, path, OptType::kBool);
  return n != nullptr ? n->value<bool>().value_or(false) : false;
}

int64_t Config::get_int(std::string_view path) const {
  const toml::node* n = ConfigAccess::with_default(*this, path, OptType::kInt);
  return n != nullptr ? n->value<int64_t>().value_or(0) : 0;
}

double Config::get_float(std::string_view path) const {
  const toml::node* n = ConfigAccess::with_default(*this, path, OptType::kFloat);
  return n != nullptr ? n->value<double>().value_or(0) : 0;
}

std::string Config::get_string(std::string_view path) const {
  const toml::node* n = ConfigAccess::with_default(*this, path, OptType::kString);
  return n != nullptr ? n->value<std::string>().value_or("") : "";
}

std::vector<std::string> Config::get_strings(std::string_view path) const {
  std::vector<std::string> out;
  const toml::node* n = ConfigAccess::with_default(*this, path, OptType::kStringList);
  if (n == nullptr) return out;
  if (n->is_string()) {
    out.push_back(*n->value<std::string>());
  } else if (const toml::array* a = n->as_array()) {
    for (const auto& item : *a) {
      if (auto s = item.value<std::string>()) out.push_back(*s);
    }
  }
  return out;
}

double Config::get_duration(std::string_view path) const {
  const toml::node* n = ConfigAccess::with_default(*this, path, OptType::kDuration);
  if (n == nullptr) return 0;
  if (n->is_number()) return n->value<double>().value_or(0);
  if (auto s = n->value<std::string>()) return parse_duration(*s).value_or(0.0);
  return 0;
}

uint64_t Config::get_size(std::string_view path) const {
  const toml::node* n = ConfigAccess::with_default(*this, path, OptType::kSize);
  if (n == nullptr) return 0;
  if (n->is_integer()) return static_cast<uint64_t>(n->value<int64_t>().value_or(0));
  if (auto s = n->value<std::string>()) return parse_size(*s).value_or(uint64_t{0});
  return 0;
}

std::string Config::dump() const {
  std::ostringstream out;
  std::string current_section = "\x01";
  // Top-level keys first (TOML puts them before any table), then the tables.
  std::vector<const OptionDecl*> order;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& d : schema_->options()) {
      if ((d.path.find('.') == std::string::npos) == (pass == 0)) order.push_back(&d);
    }
  }
  for (const OptionDecl* dp : order) {
    const OptionDecl& d = *dp;
    if (d.path.find('*') != std::string::npos) continue;
    auto dot = d.path.rfind('.');
    std::string section = dot == std::string::npos ? "" : d.path.substr(0, dot);
    std::string key = dot == std::string::npos ? d.path : d.path.substr(dot + 1);
    if (section != current_section) {
      if (!section.empty()) out << "\n[" << section << "]\n";
      std::string sdoc = schema_->section_doc(section);
      if (!sdoc.empty()) out << "# " << sdoc << "\n";
      current_section = section;
    }
    out << "# " << d.doc << " (" << opt_type_name(d.type) << ")\n";
    const toml::node* n = ConfigAccess::node(*this, d.path);
    if (n == nullptr) n = ConfigAccess::default_of(*schema_, d);
    if (n == nullptr) {
      out << "# " << key << " =  (unset)\n";
      continue;
    }
    toml::table one;
    one.insert_or_assign(key, *n);
    out << toml::toml_formatter(one, toml::format_flags::none) << "\n";
  }
  // Options of operator-keyed tables (rbl.NAME, multimap.NAME, groups.NAME ...): a
  // commented reference per table kind, each option with its default and documentation.
  std::vector<std::string> kinds;
  for (const auto& d : schema_->options()) {
    auto star = d.path.find(".*.");
    if (star == std::string::npos) continue;
    std::string kind = d.path.substr(0, star + 2);
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  }
  for (const auto& kind : kinds) {
    std::string doc = schema_->section_doc(kind);
    out << "\n# [" << kind << "]" << (doc.empty() ? "" : "  " + doc) << "\n";
    for (const auto& d : schema_->options()) {
      if (d.path.rfind(kind + ".", 0) != 0) continue;
      std::string key = d.path.substr(kind.size() + 1);
      std::string def = d.default_toml.empty() ? "(unset)" : d.default_toml;
      out << "#   " << key << " = " << def << "    # " << d.doc << " ("
          << opt_type_name(d.type) << ")\n";
    }
  }
  // Operator-keyed tables (groups, symbols, composites, settings ...) as loaded.
  for (const auto& [k, v] : ConfigAccess::root(*this)) {
    bool dynamic = false;
    for (const auto& d : schema_->options()) {
      auto segs = path_segments(d.path);
      if (segs.size() > 1 && segs[0] == k.str() && segs[1] == "*") dynamic = true;
    }
    if (!dynamic || !v.is_table()) continue;
    toml::table one;
    one.insert_or_assign(k, v);
    out << "\n" << toml::toml_formatter(one) << "\n";
  }
  return out.str();
}

}  // namespace mw::core
