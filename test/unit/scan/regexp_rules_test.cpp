// RegexpRules through the real pipeline: expressions over regexp and header_exists() atoms,
// including the shortcut for rules that cannot hold without a matching atom (negations and
// upper bounds must still be evaluated when nothing matched).
#include "scan/regexp_rules.h"

#include <gtest/gtest.h>

#include "core/config.h"
#include "scan/engine.h"
#include "scan/options.h"
#include "scan/task.h"

namespace mw::scan {
namespace {

constexpr const char* kMessage =
    "From: a@example.com\r\nTo: b@example.net\r\nSubject: hello there\r\n"
    "List-Id: <users.lists.example.org>\r\nX-Mailer: Mailer/1.0 (no / slash!)\r\n"
    "Message-ID: <m1@example.com>\r\n\r\nThe garden club meets on Thursday.\r\n";

class RegexpRulesTest : public ::testing::Test {
 protected:
  RegexpRulesTest() : logger_(core::LogLevel::kSilent), services_(dispatcher_, logger_) {
    scan::declare_options(schema_);
  }

  // Registers each (name, expression) as a regexp rule symbol and runs kMessage.
  std::unique_ptr<Task> run(const std::vector<std::pair<std::string, std::string>>& rules) {
    std::vector<core::ConfigIssue> issues;
    auto cfg = core::Config::from_string(schema_, "", issues);
    EXPECT_TRUE(cfg);
    engine_ = std::make_unique<Engine>();
    EXPECT_TRUE(configure_engine(*cfg, *engine_));
    engine_->regexp_rules = std::make_unique<RegexpRules>();
    for (const auto& [name, re] : rules) {
      auto idx = engine_->regexp_rules->add_rule(name, re);
      EXPECT_TRUE(idx) << name << ": " << idx.error().message;
      if (!idx) continue;
      SymbolDef d;
      d.name = name;
      d.callback = engine_->regexp_rules->callback(*idx);
      EXPECT_TRUE(engine_->registry.add(std::move(d)));
    }
    auto built = engine_->regexp_rules->build(engine_->options.match, logger_);
    EXPECT_TRUE(built) << (built ? "" : built.error().message);
    auto fin = engine_->finalize();
    EXPECT_TRUE(fin) << (fin ? "" : fin.error().message);
    auto task = std::make_unique<Task>(*engine_, services_, kMessage, Envelope{});
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

TEST_F(RegexpRulesTest, RulesWithoutMatchesStayOff) {
  auto t = run({{"SUM", "/viagra/i{mime} + /cialis/i{mime} >= 1"},
                {"OR", "/lottery/i{mime} | Subject=/winner/i{header}"},
                {"AND", "/garden/i{mime} & /lottery/i{mime}"}});
  EXPECT_FALSE(t->outcome().has_symbol("SUM"));
  EXPECT_FALSE(t->outcome().has_symbol("OR"));
  EXPECT_FALSE(t->outcome().has_symbol("AND"));
}

TEST_F(RegexpRulesTest, NegationsAndUpperBoundsHoldWithoutMatches) {
  auto t = run({{"NOT_LOTTERY", "!/lottery/i{mime}"},
                {"NOT_WORD", "not /lottery/i{mime}"},
                {"FEWER", "/viagra/i{mime} + /cialis/i{mime} < 1"},
                {"NO_HEADER", "!header_exists(X-Spam-Flag)"}});
  EXPECT_TRUE(t->outcome().has_symbol("NOT_LOTTERY"));
  EXPECT_TRUE(t->outcome().has_symbol("NOT_WORD"));
  EXPECT_TRUE(t->outcome().has_symbol("FEWER"));
  EXPECT_TRUE(t->outcome().has_symbol("NO_HEADER"));
}

TEST_F(RegexpRulesTest, SlashesAndBangsInsideRegexpsAreNotOperators) {
  // The '!' and '/' inside the regexp are text, the one outside is a negation.
  auto t = run({{"BANG_INSIDE", "X-Mailer=/no \\/ slash!/{header}"},
                {"BANG_OUTSIDE", "!X-Mailer=/no \\/ slash!/{header} | /garden/i{mime}"}});
  EXPECT_TRUE(t->outcome().has_symbol("BANG_INSIDE"));
  EXPECT_TRUE(t->outcome().has_symbol("BANG_OUTSIDE"));
}

TEST_F(RegexpRulesTest, HeaderExistsIgnoresCase) {
  auto t = run({{"LIST", "header_exists(list-id) & header_exists(MESSAGE-ID)"},
                {"NOT_THERE", "header_exists(X-Not-There)"}});
  EXPECT_TRUE(t->outcome().has_symbol("LIST"));
  EXPECT_FALSE(t->outcome().has_symbol("NOT_THERE"));
}

TEST_F(RegexpRulesTest, CountsNeedEnoughMatches) {
  auto t = run({{"TWO", "/garden/i{mime} + /thursday/i{mime} >= 2"},
                {"THREE", "/garden/i{mime} + /thursday/i{mime} + /lottery/i{mime} >= 3"}});
  EXPECT_TRUE(t->outcome().has_symbol("TWO"));
  EXPECT_FALSE(t->outcome().has_symbol("THREE"));
}

}  // namespace
}  // namespace mw::scan
