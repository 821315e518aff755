// How the unit tests build an engine, run a Task and read what it produced. This is the one
// place that knows Task's constructor and its result methods (scan and lua tests use it), so
// that a change of Task's API touches this file only.
//
//   ScanHarness h;
//   ASSERT_TRUE(h.build("[symbols.A]\nscore = 2.0\n", [](Engine& e) { ...register...; return
//   Status{}; }));
//   auto t = h.run(kMessage);
//   EXPECT_TRUE(has_symbol(*t, "A"));
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "scan/engine.h"
#include "scan/options.h"
#include "scan/reply.h"
#include "scan/task.h"
#include "scan/verdict.h"

namespace mw::scan::testing {

class ScanHarness {
 public:
  using Setup = std::function<Status(Engine&)>;

  // `declare` adds option declarations beyond scan's own (a module's, say).
  explicit ScanHarness(const std::function<void(core::Schema&)>& declare = {})
      : logger_(core::LogLevel::kSilent), services_(dispatcher_, logger_) {
    declare_options(schema_);
    if (declare) declare(schema_);
  }

  // Load `toml` (relative paths under `dir`), configure the engine from it, let `setup`
  // register more (symbols, modules, regexp rules), finalize.
  Status build(const std::string& toml, const Setup& setup = {}, std::string dir = ".") {
    std::vector<core::ConfigIssue> issues;
    auto cfg = core::Config::from_string(schema_, toml, issues, std::move(dir));
    if (!cfg) {
      return fail(ErrorCode::kInvalidInput,
                  issues.empty() ? cfg.error().message : issues.front().to_string());
    }
    engine_ = std::make_unique<Engine>();
    MW_TRY(configure_engine(*cfg, *engine_));
    if (setup) MW_TRY(setup(*engine_));
    return engine_->finalize();
  }

  // Run one task to its end and hand it back.
  std::unique_ptr<Task> run(std::string message, Envelope env = {}) {
    auto task = std::make_unique<Task>(*engine_, services_, std::move(message), std::move(env));
    bool done = false;
    task->run([&](Task&) {
      done = true;
      dispatcher_.exit();
    });
    if (!done) dispatcher_.run();
    EXPECT_TRUE(done) << "the task did not finish";
    return task;
  }

  core::Schema& schema() { return schema_; }
  core::Dispatcher& dispatcher() { return dispatcher_; }
  core::Logger& logger() { return logger_; }
  Services& services() { return services_; }
  Engine& engine() { return *engine_; }

 protected:  // EngineFixture (engine_fixture.h) uses them by name
  core::Schema schema_;
  core::Dispatcher dispatcher_;
  core::Logger logger_;
  Services services_;
  std::unique_ptr<Engine> engine_;
};

// Registration shortcuts.
inline Status add_symbol(Engine& e, const std::string& name, SymbolCallback cb,
                         SymbolType type = SymbolType::kNormal) {
  SymbolDef d;
  d.name = name;
  d.type = type;
  d.callback = std::move(cb);
  auto id = e.registry.add(std::move(d));
  if (!id) return fail(id.error());
  return {};
}

// A callback that inserts `name` with `options`.
inline SymbolCallback inserts(std::string name, std::vector<std::string> options = {},
                              double multiplier = 1.0) {
  return [name, options, multiplier](Task& t, SymbolId) {
    std::vector<std::string_view> o(options.begin(), options.end());
    t.insert_result(name, multiplier, o);
    return RunState::kDone;
  };
}

// ---------------------------------------------------------------------------------------
// Reading a finished task

inline bool has_symbol(const Task& t, std::string_view name) {
  return t.outcome().has_symbol(name);
}

// The symbol's score, NaN when it is not in the result.
inline double symbol_score(const Task& t, std::string_view name) {
  const SymbolResult* r = t.outcome().find_result(name);
  return r != nullptr ? r->score : std::nan("");
}

inline std::vector<std::string> symbol_options(const Task& t, std::string_view name) {
  std::vector<std::string> out;
  if (const SymbolResult* r = t.outcome().find_result(name)) {
    for (auto o : r->options) out.emplace_back(o);
  }
  return out;
}

// The first option of `name` ("" when absent): rules under test report through it.
inline std::string first_option(const Task& t, std::string_view name) {
  auto o = symbol_options(t, name);
  return o.empty() ? std::string() : o.front();
}

// Names of the symbols in the result (not those a composite removed), sorted.
inline std::vector<std::string> symbol_names(const Task& t) {
  std::vector<std::string> out;
  for (const SymbolResult* r : t.outcome().results()) {
    if (!r->removed) out.emplace_back(r->name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The state of a registered symbol in this task (ran, failed, disabled, ...).
inline SymbolState symbol_state(const Task& t, std::string_view name) {
  return t.symbol_state(t.engine().registry.find(name));
}

inline double total_score(const Task& t) { return t.outcome().score(); }
inline Action action(const Task& t) { return t.outcome().action(); }
// Profile name(s) of the settings that applied ("" when none).
inline std::string settings_id(const Task& t) { return t.settings().id; }
inline json::Value checkv2(const Task& t) { return checkv2_reply(make_verdict(t)); }
inline json::Value milter_reply(const Task& t) {
  return milter_block_json(t.outcome().additions().milter);
}

}  // namespace mw::scan::testing
