#include "lua/lua_module.h"

#include <algorithm>
#include <filesystem>

#include "lua/bind.h"
#include "lua/config_api.h"
#include "lua/state.h"
#include "scan/engine.h"
#include "scan/maps_support.h"
#include "scan/regexp_rules.h"

namespace mw::lua {

namespace {

namespace fs = std::filesystem;

class StateResource final : public scan::EngineResource {
 public:
  explicit StateResource(std::unique_ptr<LuaState> s) : state(std::move(s)) {}
  std::unique_ptr<LuaState> state;
};

std::vector<std::string> lua_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".lua" && e.is_regular_file(ec)) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class LuaModule final : public scan::Module {
 public:
  explicit LuaModule(LuaDefaults d) : defaults_(std::move(d)) {}

  std::string_view name() const override { return "lua"; }

  void declare_options(core::Schema& s) const override {
    using core::OptType;
    s.section("lua", "Lua rules and the Lua library");
    s.add({"lua.rules_dirs", OptType::kStringList, "[\"$RULESDIR\"]",
           "Directories whose *.lua rule files load first ($RULESDIR = the shipped rules)"});
    s.add({"lua.lualib_dirs", OptType::kStringList, "[\"$LUALIBDIR\"]",
           "Directories `require` searches ($LUALIBDIR = the shipped Lua library)"});
    s.add({"lua.local_dir", OptType::kString, "\"$CONFDIR/lua.local.d\"",
           "Operator rules: every *.lua here loads after the shipped rules"});
    s.add({"lua.map_dirs", OptType::kStringList, "[\"$CONFDIR\"]",
           "Directories map files named by rules (add_map, multimap) must be in; others are "
           "refused (a rule cannot read /etc/shadow through a map)"});
    s.add({"lua.files", OptType::kStringList, "[]", "More rule files to load last"});
    s.add({"lua.time_budget", OptType::kDuration, "\"1s\"",
           "CPU time one rule call may take before it is stopped as failed", 0.001, 600});
    s.add({"lists", OptType::kTable, "",
           "Extra entries for the shipped rules' lists: freemail, shorteners, bad_extensions "
           "(lists of strings; rules read them with get_all_opt('lists'))"});
    s.add({"lua.jit", OptType::kBool, "false",
           "Use the LuaJIT compiler (faster, but time budgets cannot stop compiled loops)"});
  }

  Status configure(scan::Engine& engine, core::Logger& logger) override {
    const core::Config& cfg = *engine.config;
    auto expand = [&](std::string p) {
      p = scan::replace_var(std::move(p), "$RULESDIR", defaults_.rules_dir);
      p = scan::replace_var(std::move(p), "$LUALIBDIR", defaults_.lualib_dir);
      return scan::expand_confdir(std::move(p), engine);
    };
    StateOptions opts;
    // require searches the Lua library, then the rule directories and the operator's
    // lua.local.d (fixed here: rules cannot change it, sandbox.h).
    for (const auto& d : cfg.get_strings("lua.lualib_dirs")) opts.lualib_dirs.push_back(expand(d));
    for (const auto& d : cfg.get_strings("lua.rules_dirs")) opts.lualib_dirs.push_back(expand(d));
    opts.lualib_dirs.push_back(expand(cfg.get_string("lua.local_dir")));
    for (const auto& d : cfg.get_strings("lua.map_dirs")) opts.map_dirs.push_back(expand(d));
    opts.time_budget = cfg.get_duration("lua.time_budget");
    opts.jit = cfg.get_bool("lua.jit");
    auto state = std::make_unique<LuaState>(logger, opts);
    lua_State* L = state->L();
    open_task(L);
    open_content_classes(L);
    open_url(L);
    open_ip(L);
    open_logger(L);
    open_util(L);
    open_regexp(L);
    open_dns(L);
    open_store(L);
    open_task_auth(L);
    open_received(L);
    open_hostname(L);
    open_config(*state, engine);
    open_maps(L);
    for (const auto& hook : defaults_.preload_hooks) hook(L);

    std::vector<std::string> files;
    for (const auto& d : cfg.get_strings("lua.rules_dirs")) {
      auto f = lua_files(expand(d));
      files.insert(files.end(), f.begin(), f.end());
    }
    auto local = lua_files(expand(cfg.get_string("lua.local_dir")));
    files.insert(files.end(), local.begin(), local.end());
    for (const auto& f : cfg.get_strings("lua.files")) files.push_back(expand(f));
    for (const auto& f : defaults_.extra_files) files.push_back(f);
    for (const auto& f : files) {
      auto st = state->load_file(f);
      if (!st) return fail(ErrorCode::kInvalidInput, st.error().message);
    }
    MW_TRY(finish_regexp_rules(*state, engine));
    if (engine.regexp_rules) {
      MW_TRY(engine.regexp_rules->build(engine.options.match, logger));
      logger.info("regexp", std::to_string(engine.regexp_rules->rule_count()) + " regexp rules, " +
                                std::to_string(engine.regexp_rules->pattern_count()) +
                                " regexps in " + std::to_string(engine.regexp_rules->class_count()) +
                                " classes (" + std::to_string(engine.regexp_rules->classes_from_cache()) +
                                " from cache)");
    }
    end_loading(*state);
    logger.info("lua", "loaded " + std::to_string(files.size()) + " rule files");
    engine.resources.push_back(std::make_unique<StateResource>(std::move(state)));
    return {};
  }

 private:
  LuaDefaults defaults_;
};

}  // namespace

scan::ModulePtr make_lua_module(LuaDefaults defaults) {
  return std::make_unique<LuaModule>(std::move(defaults));
}

}  // namespace mw::lua
