// A scan engine built from TOML and test-defined symbols, and tasks run on it through the
// real pipeline (MIME parser included): shared by the scan and server unit tests.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "scan/engine.h"
#include "scan/options.h"
#include "scan/task.h"

namespace mw::scan::test {

constexpr const char* kMessage =
    "From: a@example.com\r\nTo: b@example.net\r\nSubject: hello\r\n"
    "Message-ID: <m1@example.com>\r\n\r\nbody text http://example.org/x\r\n";

class EngineFixture : public ::testing::Test {
 protected:
  EngineFixture() : logger_(core::LogLevel::kSilent), services_(dispatcher_, logger_) {
    scan::declare_options(schema_);
  }

  // Load `toml` as configuration, let `add_symbols` register symbols, finalize.
  void build(const std::string& toml, const std::function<void(Engine&)>& add_symbols) {
    std::vector<core::ConfigIssue> issues;
    auto cfg = core::Config::from_string(schema_, toml, issues);
    ASSERT_TRUE(cfg) << (issues.empty() ? cfg.error().message : issues[0].to_string());
    engine_ = std::make_unique<Engine>();
    auto st = configure_engine(*cfg, *engine_);
    ASSERT_TRUE(st) << st.error().message;
    add_symbols(*engine_);
    auto fin = engine_->finalize();
    ASSERT_TRUE(fin) << fin.error().message;
  }

  static void add(Engine& e, const std::string& name, SymbolCallback cb,
                  SymbolType type = SymbolType::kNormal, std::vector<std::string> deps = {},
                  int priority = 0) {
    SymbolDef d;
    d.name = name;
    d.type = type;
    d.callback = std::move(cb);
    d.deps = std::move(deps);
    d.priority = priority;
    auto id = e.registry.add(std::move(d));
    ASSERT_TRUE(id) << id.error().message;
  }
  static SymbolCallback inserts(std::string name, double mult = 1.0,
                                std::vector<std::string> opts = {}) {
    return [name, mult, opts](Task& t, SymbolId) {
      std::vector<std::string_view> o(opts.begin(), opts.end());
      t.insert_result(name, mult, o);
      return RunState::kDone;
    };
  }

  std::unique_ptr<Task> run(Envelope env = {}, std::string msg = kMessage) {
    auto task = std::make_unique<Task>(*engine_, services_, std::move(msg), std::move(env));
    bool done = false;
    task->run([&](Task&) {
      done = true;
      dispatcher_.exit();
    });
    if (!done) dispatcher_.run();
    EXPECT_TRUE(done);
    return task;
  }

  core::Schema schema_;
  core::Dispatcher dispatcher_;
  core::Logger logger_;
  Services services_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace mw::scan::test
