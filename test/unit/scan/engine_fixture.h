// A scan engine built from TOML and test-defined symbols, and tasks run on it through the
// real pipeline (MIME parser included): the gtest fixture form of ScanHarness, shared by the
// scan, server and outbound unit tests.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scan/engine.h"
#include "scan/task.h"
#include "scan_test_util.h"

namespace mw::scan::test {

constexpr const char* kMessage =
    "From: a@example.com\r\nTo: b@example.net\r\nSubject: hello\r\n"
    "Message-ID: <m1@example.com>\r\n\r\nbody text http://example.org/x\r\n";

// ScanHarness (scan_test_util.h) as a gtest fixture: build() asserts, run() takes the
// envelope first.
class EngineFixture : public ::testing::Test, protected testing::ScanHarness {
 protected:
  // Load `toml` as configuration, let `add_symbols` register symbols, finalize.
  void build(const std::string& toml, const std::function<void(Engine&)>& add_symbols) {
    auto st = ScanHarness::build(toml, [&](Engine& e) {
      add_symbols(e);
      return Status{};
    });
    ASSERT_TRUE(st) << st.error().message;
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
    return ScanHarness::run(std::move(msg), std::move(env));
  }
};

}  // namespace mw::scan::test
