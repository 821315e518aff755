#include "app/rule_test.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../scan/engine_fixture.h"

namespace mw::app {
namespace {

json::Value spec(const char* text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v) << text;
  return v ? *v : json::Value();
}

class CheckCase : public scan::test::EngineFixture {
 protected:
  void SetUp() override {
    build("[actions]\nreject = 15\nadd_header = 6\n"
          "[symbols.SEEN]\nscore = 7\n[symbols.OTHER]\nscore = 0.5\n",
          [](scan::Engine& e) {
            add(e, "SEEN", inserts("SEEN", 1.0, {"token-a", "secret Passw0rd"}));
            add(e, "OTHER", inserts("OTHER"));
          });
    task = run();
    ASSERT_TRUE(task);
  }
  std::unique_ptr<scan::Task> task;
};

TEST_F(CheckCase, MetExpectationsGiveNoProblems) {
  EXPECT_TRUE(check_case(spec(R"({"expect": ["SEEN", "OTHER"], "forbid": ["NOPE"],
                                  "options": {"SEEN": ["token-a"]}, "hidden": ["hunter2"],
                                  "action": "add header", "score_min": 7, "score_max": 8})"),
                         *task)
                  .empty());
}

TEST_F(CheckCase, EachUnmetExpectationIsOneLine) {
  auto problems = check_case(spec(R"({"expect": ["MISSING"], "forbid": ["SEEN"],
                                      "options": {"SEEN": ["token-b"], "NOPE": ["x"]},
                                      "hidden": ["Passw0rd"], "action": "reject",
                                      "score_min": 10, "score_max": 1})"),
                             *task);
  std::vector<std::string> want = {"missing MISSING",
                                   "unexpected SEEN",
                                   "NOPE lacks option 'x'",
                                   "SEEN lacks option 'token-b'",
                                   "SEEN shows 'Passw0rd'",
                                   "action is 'add header', want 'reject'",
                                   "score 7.500000 below 10.000000",
                                   "score 7.500000 above 1.000000"};
  std::sort(problems.begin(), problems.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(problems, want);
}

TEST(RuleTestFile, ReadsTheReturnedTableAndReportsLuaErrors) {
  core::Logger logger(core::LogLevel::kSilent);
  auto dir = std::filesystem::temp_directory_path() / ("mw-ruletest-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ok_test.lua") << "return { cases = { { name = 'x', expect = {'A'} } } }\n";
  std::ofstream(dir / "bad_test.lua") << "return {\n";
  auto ok = read_rule_test(logger, (dir / "ok_test.lua").string());
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->find("cases")->items()[0].find("expect")->items()[0].as_string(), "A");
  auto bad = read_rule_test(logger, (dir / "bad_test.lua").string());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad_test.lua"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(read_rule_test(logger, (dir / "none.lua").string()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mw::app
