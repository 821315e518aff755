#include "app/args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mw::app {
namespace {

const std::vector<ArgSpec> kSpec = {
    {"conf", true, false, 'c'}, {"rule", true, true}, {"help", false, false, 'h'}};
constexpr const char* kUsage = "usage: mailward demo [--conf DIR] FILE\n";

// argv for `mailward demo ARGS...`.
struct Argv {
  explicit Argv(std::vector<std::string> args) : words(std::move(args)) {
    words.insert(words.begin(), {"mailward", "demo"});
    for (auto& w : words) ptrs.push_back(w.data());
  }
  int argc() const { return static_cast<int>(ptrs.size()); }
  std::vector<std::string> words;
  std::vector<char*> ptrs;
};

std::optional<Args> run(std::vector<std::string> words, int& status) {
  Argv a(std::move(words));
  return parse_command({"demo", kSpec, kUsage, 1, 1}, a.argc(), a.ptrs.data(), status);
}

TEST(ParseCommand, GivesTheArguments) {
  int status = -1;
  auto args = run({"-c", "/etc/x", "--rule=a", "--rule", "b", "file"}, status);
  ASSERT_TRUE(args);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(args->get("conf"), "/etc/x");
  EXPECT_EQ(args->all("rule"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(args->positional(), std::vector<std::string>{"file"});
}

TEST(ParseCommand, HelpPrintsTheUsageOnStdoutAndExitsZero) {
  int status = -1;
  testing::internal::CaptureStdout();
  auto args = run({"--help"}, status);  // no FILE: --help wins over the count
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(args);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, kUsage);
}

TEST(ParseCommand, ErrorsPrintTheReasonAndTheUsageAndExitTwo) {
  int status = -1;
  testing::internal::CaptureStderr();
  EXPECT_FALSE(run({"--nope", "file"}, status));
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, 2);
  EXPECT_EQ(err, std::string("mailward demo: unknown option --nope\n") + kUsage);

  for (const auto& words : {std::vector<std::string>{}, std::vector<std::string>{"a", "b"}}) {
    status = -1;
    testing::internal::CaptureStderr();
    EXPECT_FALSE(run(words, status));
    EXPECT_EQ(testing::internal::GetCapturedStderr(), kUsage);  // wrong count: the usage
    EXPECT_EQ(status, 2);
  }
}

}  // namespace
}  // namespace mw::app
