#include "core/option_table.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace mw::core {
namespace {

struct Inner {
  uint16_t port = 0;
  std::vector<std::string> names;
};

struct Opts {
  bool flag = false;
  uint32_t count = 0;
  int8_t small = 0;
  double seconds = 0;
  uint64_t bytes = 0;
  int64_t whole_seconds = 0;
  std::string text;
  Inner inner;
  std::string by_hand = "untouched";
};

OptionTable<Opts> table() {
  return {"t", "test table", {
      {&Opts::flag, {"flag", OptType::kBool, "true", "a flag"}},
      {&Opts::count, {"count", OptType::kInt, "7", "a count", 1, 100}},
      {&Opts::small, {"small", OptType::kInt, "5", "wider than the field"}},
      {&Opts::seconds, {"seconds", OptType::kDuration, "\"2m\"", "a duration", 0, 600}},
      {&Opts::bytes, {"bytes", OptType::kSize, "\"4k\"", "a size"}},
      {&Opts::whole_seconds,
       {"whole_seconds", OptType::kDuration, "\"1500ms\"", "a duration into an integer"}},
      {&Opts::text, {"text", OptType::kString, "\"hello\"", "a string"}},
      {bind<&Opts::inner, &Inner::port>, {"inner.port", OptType::kInt, "53", "nested", 0, 65535}},
      {bind<&Opts::inner, &Inner::names>, {"inner.names", OptType::kStringList, "[\"a\"]", "list"}},
      {nullptr, {"by_hand", OptType::kString, "\"x\"", "read elsewhere"}},
  }};
}

Schema schema() {
  Schema s;
  table().declare(s);
  return s;
}

Opts load(const Schema& s, const std::string& toml) {
  std::vector<ConfigIssue> issues;
  auto cfg = Config::from_string(s, toml, issues);
  EXPECT_TRUE(cfg.has_value()) << (issues.empty() ? "" : issues[0].to_string());
  Opts o;
  if (cfg) table().read(**cfg, o);
  return o;
}

TEST(OptionTable, DeclaresEveryRowUnderThePrefix) {
  Schema s = schema();
  const OptionDecl* d = s.find("t.count");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->type, OptType::kInt);
  EXPECT_EQ(d->max, 100);
  ASSERT_NE(s.find("t.inner.port"), nullptr);
  ASSERT_NE(s.find("t.by_hand"), nullptr);
  EXPECT_EQ(s.find("count"), nullptr);
  EXPECT_EQ(s.section_doc("t"), "test table");
  EXPECT_EQ(table().path("inner.port"), "t.inner.port");
  EXPECT_EQ(option_path("", "a.b"), "a.b");
  EXPECT_EQ(option_path("t", "a"), "t.a");
}

TEST(OptionTable, ReadsDefaults) {
  Schema s = schema();
  Opts o = load(s, "");
  EXPECT_TRUE(o.flag);
  EXPECT_EQ(o.count, 7u);
  EXPECT_EQ(o.small, 5);
  EXPECT_DOUBLE_EQ(o.seconds, 120);
  EXPECT_EQ(o.bytes, 4096u);
  EXPECT_EQ(o.whole_seconds, 1);  // truncated toward zero
  EXPECT_EQ(o.text, "hello");
  EXPECT_EQ(o.inner.port, 53);
  EXPECT_EQ(o.inner.names, std::vector<std::string>{"a"});
  EXPECT_EQ(o.by_hand, "untouched");
}

TEST(OptionTable, ReadsConfiguredValues) {
  Schema s = schema();
  Opts o = load(s,
                "[t]\nflag = false\ncount = 99\nseconds = \"10s\"\nbytes = \"2M\"\n"
                "text = \"x\"\ninner.port = 5353\ninner.names = [\"p\", \"q\"]\n");
  EXPECT_FALSE(o.flag);
  EXPECT_EQ(o.count, 99u);
  EXPECT_DOUBLE_EQ(o.seconds, 10);
  EXPECT_EQ(o.bytes, 2u << 20);
  EXPECT_EQ(o.text, "x");
  EXPECT_EQ(o.inner.port, 5353);
  EXPECT_EQ(o.inner.names, (std::vector<std::string>{"p", "q"}));
}

TEST(OptionTable, OutOfRangeValuesAreRejectedByValidation) {
  Schema s = schema();
  std::vector<ConfigIssue> issues;
  EXPECT_FALSE(Config::from_string(s, "[t]\ncount = 1000\n", issues).has_value());
}

// A default outside the declared range (no validation applies to defaults) is clamped, and
// a value wider than its field saturates instead of wrapping.
TEST(OptionTable, ClampsToTheDeclaredRangeAndTheFieldType) {
  Schema s;
  s.add({"n.low", OptType::kInt, "-5", "", 0, 10});
  s.add({"n.high", OptType::kDuration, "\"1h\"", "", 0, 60});
  s.add({"n.wide", OptType::kInt, "300", ""});
  s.add({"n.negative", OptType::kInt, "-3", ""});
  std::vector<ConfigIssue> issues;
  auto cfg = Config::from_string(s, "", issues);
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(get_integer(**cfg, "n.low"), 0);
  EXPECT_DOUBLE_EQ(get_number(**cfg, "n.high"), 60);
  EXPECT_EQ(get_number_as<int8_t>(**cfg, "n.wide"), 127);
  EXPECT_EQ(get_number_as<uint8_t>(**cfg, "n.wide"), 255);
  EXPECT_EQ(get_number_as<uint32_t>(**cfg, "n.negative"), 0u);
  EXPECT_EQ(get_number_as<int>(**cfg, "n.negative"), -3);
  EXPECT_EQ(get_number_as<uint32_t>(**cfg, "n.high"), 60u);
}

}  // namespace
}  // namespace mw::core
