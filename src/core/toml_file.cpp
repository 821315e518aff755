#include "core/toml_file.h"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>

#include "core/toml_json.h"

namespace mw::core {

namespace detail {

json::Value toml_to_json(const toml::node& n) {
  if (const auto* t = n.as_table()) {
    json::Value obj = json::Value::object();
    for (const auto& [k, v] : *t) obj.set(k.str(), toml_to_json(v));
    return obj;
  }
  if (const auto* a = n.as_array()) {
    json::Value arr = json::Value::array();
    for (const auto& v : *a) arr.push(toml_to_json(v));
    return arr;
  }
  if (auto str = n.value_exact<std::string>()) return json::Value(*str);
  if (auto b = n.value_exact<bool>()) return json::Value(*b);
  if (auto i = n.value_exact<int64_t>()) return json::Value(*i);
  if (auto d = n.value_exact<double>()) return json::Value(*d);
  return json::Value();  // dates and times
}

}  // namespace detail

namespace {

void put(toml::table& table, const std::string& key, auto&& value) {
  table.insert_or_assign(key, std::forward<decltype(value)>(value));
}
void put(toml::array& array, const std::string&, auto&& value) {
  array.push_back(std::forward<decltype(value)>(value));
}

// Add JSON value `v` to a toml++ table (under `key`) or array; `where` names it in errors
// ("actions.reject", "list[2]").
template <typename Container>
Status add(Container& to, const std::string& key, const json::Value& v, const std::string& where) {
  if (v.is_null()) return fail(ErrorCode::kInvalidInput, "TOML has no null (at " + where + ")");
  if (v.is_array()) {
    toml::array array;
    for (size_t i = 0; i < v.items().size(); ++i) {
      MW_TRY(add(array, {}, v.items()[i], where + "[" + std::to_string(i) + "]"));
    }
    put(to, key, std::move(array));
  } else if (v.is_object()) {
    toml::table table;
    for (const auto& [k, member] : v.members()) {
      MW_TRY(add(table, k, member, where.empty() ? k : where + "." + k));
    }
    put(to, key, std::move(table));
  } else if (v.is_bool()) {
    put(to, key, v.as_bool());
  } else if (v.is_int()) {
    put(to, key, v.as_int());
  } else if (v.is_string()) {
    put(to, key, v.as_string());
  } else {
    put(to, key, v.as_double());
  }
  return {};
}

Result<json::Value> parse_with(const std::function<toml::table()>& parse) {
  try {
    return detail::toml_to_json(parse());
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    std::string name = e.source().path ? std::string(*e.source().path) : std::string("TOML");
    return fail(ErrorCode::kInvalidInput, name + ":" + std::to_string(at.line) + ":" +
                                              std::to_string(at.column) + ": " +
                                              std::string(e.description()));
  }
}

}  // namespace

Result<json::Value> parse_toml(std::string_view text, std::string_view source_name) {
  return parse_with([&] { return toml::parse(text, source_name); });
}

Result<json::Value> read_toml_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return fail(ErrorCode::kNotFound, path + " does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_toml(text.str(), path);
}

Result<std::string> to_toml(const json::Value& table, std::string_view header) {
  if (!table.is_object()) return fail(ErrorCode::kInvalidInput, "a TOML document is a table");
  toml::table root;
  for (const auto& [key, member] : table.members()) MW_TRY(add(root, key, member, key));
  std::ostringstream out;
  out << header << toml::toml_formatter(root) << "\n";
  return out.str();
}

Status write_toml_file(const std::string& path, const json::Value& table,
                       std::string_view header) {
  auto text = to_toml(table, header);
  if (!text) return fail(text.error());
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
    out << *text;
    if (!out.good()) return fail(ErrorCode::kIo, "cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(ErrorCode::kIo, "cannot rename " + tmp + " to " + path);
  }
  return {};
}

std::string toml_library_version() {
  return std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) + "." +
         std::to_string(TOML_LIB_PATCH);
}

}  // namespace mw::core
