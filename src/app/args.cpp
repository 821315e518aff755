#include "app/args.h"

#include <cstdio>

namespace mw::app {

Result<Args> Args::parse(const std::vector<ArgSpec>& spec, int argc, char** argv, int first) {
  Args out;
  bool only_positional = false;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (only_positional || a == "-" || a.empty() || a[0] != '-') {
      out.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name, value;
    bool has_value = false;
    if (a.rfind("--", 0) == 0) {
      name = a.substr(2);
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
    } else {
      const ArgSpec* s = nullptr;
      for (const auto& sp : spec) {
        if (sp.short_name != 0 && a.size() == 2 && a[1] == sp.short_name) s = &sp;
      }
      if (s == nullptr) return fail(ErrorCode::kInvalidInput, "unknown option " + a);
      name = s->name;
    }
    const ArgSpec* s = nullptr;
    for (const auto& sp : spec) {
      if (sp.name == name) s = &sp;
    }
    if (s == nullptr) return fail(ErrorCode::kInvalidInput, "unknown option --" + name);
    if (s->takes_value && !has_value) {
      if (i + 1 >= argc) return fail(ErrorCode::kInvalidInput, "option --" + name + " needs a value");
      value = argv[++i];
    } else if (!s->takes_value && has_value) {
      return fail(ErrorCode::kInvalidInput, "option --" + name + " takes no value");
    }
    auto& slot = out.values_[name];
    if (!s->repeatable && !slot.empty()) {
      return fail(ErrorCode::kInvalidInput, "option --" + name + " given twice");
    }
    slot.push_back(s->takes_value ? value : "1");
  }
  return out;
}

bool Args::has(std::string_view name) const { return values_.find(name) != values_.end(); }

std::string Args::get(std::string_view name, std::string fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

const std::vector<std::string>& Args::all(std::string_view name) const {
  static const std::vector<std::string> kEmpty;
  auto it = values_.find(name);
  return it == values_.end() ? kEmpty : it->second;
}

std::optional<Args> parse_command(const CommandSpec& command, int argc, char** argv,
                                  int& exit_status) {
  auto args = Args::parse(command.options, argc, argv, 2);
  if (args && args->has("help")) {
    std::fwrite(command.usage.data(), 1, command.usage.size(), stdout);
    exit_status = 0;
    return std::nullopt;
  }
  size_t n = args ? args->positional().size() : 0;
  if (args && n >= command.min_positional && n <= command.max_positional) {
    exit_status = 0;
    return std::move(*args);
  }
  if (!args) {
    std::fprintf(stderr, "mailward %.*s: %s\n", static_cast<int>(command.name.size()),
                 command.name.data(), args.error().message.c_str());
  }
  std::fwrite(command.usage.data(), 1, command.usage.size(), stderr);
  exit_status = 2;
  return std::nullopt;
}

}  // namespace mw::app
