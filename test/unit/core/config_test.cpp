#include "core/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mw::core {
namespace {

namespace fs = std::filesystem;

Schema test_schema() {
  Schema s;
  s.section("options.dns", "DNS resolver");
  s.add({"options.dns.nameserver", OptType::kStringList, "[]", "name servers"});
  s.add({"options.dns.timeout", OptType::kDuration, "\"1s\"", "query timeout", 0.001, 60});
  s.add({"options.dns.retransmits", OptType::kInt, "2", "retransmits", 0, 10});
  s.add({"logging.level", OptType::kString, "\"info\"", "level", {}, {}, {"error", "warn", "info", "debug"}});
  s.add({"limits.max_message_size", OptType::kSize, "\"50M\"", "max message"});
  s.add({"groups.*.max_score", OptType::kFloat, "", "group cap"});
  s.add({"groups.*.description", OptType::kString, "", "doc"});
  s.add({"settings.*.apply", OptType::kTable, "", "free form"});
  return s;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/mwcfgXXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
};

TEST(Config, DefaultsApplyWhenAbsent) {
  Schema s = test_schema();
  std::vector<ConfigIssue> issues;
  auto c = Config::from_string(s, "", issues);
  ASSERT_TRUE(c);
  EXPECT_DOUBLE_EQ((*c)->get_duration("options.dns.timeout"), 1.0);
  EXPECT_EQ((*c)->get_int("options.dns.retransmits"), 2);
  EXPECT_EQ((*c)->get_size("limits.max_message_size"), 50u << 20);
  EXPECT_TRUE((*c)->get_strings("options.dns.nameserver").empty());
}

TEST(Config, LocalDMergesKeyByKeyInNameOrder) {
  Schema s = test_schema();
  TempDir d;
  d.write("mailward.toml",
          "[options.dns]\ntimeout = \"2s\"\nretransmits = 3\n[groups.header]\nmax_score = 5.0\n");
  d.write("local.d/10-dns.toml", "[options.dns]\nnameserver = [\"127.0.0.1:5353\"]\nretransmits = 4\n");
  d.write("local.d/20-dns.toml", "[options.dns]\nretransmits = 5\n");
  std::vector<ConfigIssue> issues;
  auto c = Config::load(s, {d.path.string(), ""}, issues);
  ASSERT_TRUE(c) << (issues.empty() ? "" : issues[0].to_string());
  EXPECT_DOUBLE_EQ((*c)->get_duration("options.dns.timeout"), 2.0);  // kept from defaults
  EXPECT_EQ((*c)->get_int("options.dns.retransmits"), 5);             // later file wins
  EXPECT_EQ((*c)->get_strings("options.dns.nameserver").at(0), "127.0.0.1:5353");
  EXPECT_DOUBLE_EQ((*c)->get_float("groups.header.max_score"), 5.0);
  EXPECT_EQ((*c)->keys("groups"), std::vector<std::string>{"header"});
}

TEST(Config, OverrideDReplacesWholeTables) {
  Schema s = test_schema();
  TempDir d;
  d.write("mailward.toml", "[groups.header]\nmax_score = 5.0\ndescription = \"h\"\n");
  d.write("override.d/groups.toml", "[groups.header]\nmax_score = 1.0\n");
  std::vector<ConfigIssue> issues;
  auto c = Config::load(s, {d.path.string(), ""}, issues);
  ASSERT_TRUE(c);
  EXPECT_DOUBLE_EQ((*c)->get_float("groups.header.max_score"), 1.0);
  EXPECT_FALSE((*c)->has("groups.header.description"));
}

TEST(Config, UnknownKeysAreNamedWithFileAndLine) {
  Schema s = test_schema();
  TempDir d;
  d.write("mailward.toml", "");
  d.write("local.d/dns.toml", "[options.dns]\n\nnameservers = [\"x\"]\n");
  std::vector<ConfigIssue> issues;
  auto c = Config::load(s, {d.path.string(), ""}, issues);
  ASSERT_FALSE(c);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].file.find("local.d/dns.toml"), std::string::npos);
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_NE(issues[0].message.find("unknown key 'options.dns.nameservers'"), std::string::npos);
  EXPECT_NE(issues[0].message.find("did you mean 'nameserver'"), std::string::npos);
}

TEST(Config, TypeAndRangeErrorsAreReported) {
  Schema s = test_schema();
  std::vector<ConfigIssue> issues;
  auto c = Config::from_string(s,
                               "[options.dns]\ntimeout = \"1 fortnight\"\nretransmits = 99\n"
                               "[logging]\nlevel = \"loud\"\n",
                               issues);
  ASSERT_FALSE(c);
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].line, 2);
  EXPECT_NE(issues[1].message.find("at most 10"), std::string::npos);
  EXPECT_NE(issues[2].message.find("one of"), std::string::npos);
}

TEST(Config, SyntaxErrorsCarryTheLine) {
  Schema s = test_schema();
  TempDir d;
  d.write("mailward.toml", "[options.dns]\ntimeout = \n");
  std::vector<ConfigIssue> issues;
  ASSERT_FALSE(Config::load(s, {d.path.string(), ""}, issues));
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].line, 2);
}

TEST(Config, FreeFormTablesAreNotValidatedInside) {
  Schema s = test_schema();
  std::vector<ConfigIssue> issues;
  auto c = Config::from_string(s, "[settings.outbound.apply]\nanything = 1\n[settings.outbound.apply.x]\ny=2\n", issues);
  EXPECT_TRUE(c);
}

TEST(Config, ParsesDurationsAndSizes) {
  EXPECT_DOUBLE_EQ(*parse_duration("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*parse_duration("2m"), 120);
  EXPECT_DOUBLE_EQ(*parse_duration("1.5"), 1.5);
  EXPECT_FALSE(parse_duration("soon"));
  EXPECT_EQ(*parse_size("10M"), 10u << 20);
  EXPECT_EQ(*parse_size("512k"), 512u << 10);
  EXPECT_EQ(*parse_size("1GiB"), 1ull << 30);
  EXPECT_FALSE(parse_size("-1"));
}

TEST(Config, ValueGivesFreeFormTablesAsJson) {
  Schema s = test_schema();
  std::vector<ConfigIssue> issues;
  auto c = Config::from_string(s,
                               "[settings.b.apply]\n"
                               "subject = \"[SPAM] %s\"\n"
                               "scores = { X = 2.5, Y = 3 }\n"
                               "list = [\"a\", \"b\"]\n"
                               "on = true\n"
                               "when = 1979-05-27\n"
                               "[settings.a.apply]\n"
                               "z = 1\n",
                               issues);
  ASSERT_TRUE(c) << (issues.empty() ? "" : issues[0].to_string());
  auto settings = (*c)->value("settings");
  ASSERT_TRUE(settings);
  ASSERT_TRUE(settings->is_object());
  // Keys in name order, whatever the file order.
  ASSERT_EQ(settings->members().size(), 2u);
  EXPECT_EQ(settings->members()[0].first, "a");
  EXPECT_EQ(settings->members()[1].first, "b");
  auto apply = (*c)->value("settings.b.apply");
  ASSERT_TRUE(apply);
  EXPECT_EQ(apply->find("subject")->as_string(), "[SPAM] %s");
  EXPECT_TRUE(apply->find("scores")->find("X")->type() == json::Value::Type::kDouble);
  EXPECT_DOUBLE_EQ(apply->find("scores")->find("X")->as_double(), 2.5);
  EXPECT_TRUE(apply->find("scores")->find("Y")->is_int());
  EXPECT_EQ(apply->find("scores")->find("Y")->as_int(), 3);
  ASSERT_EQ(apply->find("list")->items().size(), 2u);
  EXPECT_EQ(apply->find("list")->items()[1].as_string(), "b");
  EXPECT_TRUE(apply->find("on")->as_bool());
  EXPECT_TRUE(apply->find("when")->is_null());  // dates are not carried
  EXPECT_FALSE((*c)->value("settings.c"));
  EXPECT_FALSE((*c)->value("settings.b.apply.subject.deeper"));
  EXPECT_TRUE((*c)->value("")->is_object());  // the whole tree
}

TEST(Config, EffectiveValueFallsBackToTheDeclaredDefault) {
  Schema s = test_schema();
  std::vector<ConfigIssue> issues;
  auto c = Config::from_string(s, "[options.dns]\nretransmits = 5\n", issues);
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)->effective_value("options.dns.retransmits")->as_int(), 5);
  EXPECT_FALSE((*c)->value("options.dns.timeout"));
  EXPECT_EQ((*c)->effective_value("options.dns.timeout")->as_string(), "1s");  // as written
  EXPECT_FALSE((*c)->effective_value("groups.x.max_score"));  // declared without default
  EXPECT_FALSE((*c)->effective_value("not.declared"));
  const OptionDecl* d = s.find("logging.level");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(s.default_value(*d)->as_string(), "info");
}

TEST(Config, KeysListATableInNameOrder) {
  Schema s = test_schema();
  std::vector<ConfigIssue> issues;
  auto c = Config::from_string(
      s, "[groups.zeta]\nmax_score = 1.0\n[groups.alpha]\nmax_score = 2.0\n", issues);
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)->keys("groups"), (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_TRUE((*c)->keys("groups.alpha.max_score").empty());  // not a table
  EXPECT_TRUE((*c)->keys("nothing").empty());
  EXPECT_TRUE((*c)->has("groups.zeta.max_score"));
  EXPECT_FALSE((*c)->has("options.dns.timeout"));  // the default is not "in the files"
}

// Durations and sizes are numbers or text in their own syntax, within the declared range.
TEST(Config, DurationsAndSizesAreNumbersOrTextInRange) {
  Schema s;
  s.add({"a.d", OptType::kDuration, "\"1s\"", "a duration", 0, 60});
  s.add({"a.z", OptType::kSize, "\"1k\"", "a size", 0, 1 << 20});
  auto first_issue = [&](const std::string& toml) {
    std::vector<ConfigIssue> issues;
    auto cfg = Config::from_string(s, toml, issues);
    EXPECT_EQ(cfg.has_value(), issues.empty()) << toml;
    return issues.empty() ? std::string() : issues[0].message;
  };
  EXPECT_EQ(first_issue("[a]\nd = \"30s\"\nz = \"512k\"\n"), "");
  EXPECT_EQ(first_issue("[a]\nd = 2.5\nz = 100\n"), "");
  EXPECT_NE(first_issue("[a]\nd = \"soon\"\n").find("is not a duration"), std::string::npos);
  EXPECT_NE(first_issue("[a]\nd = \"2m\"\n").find("must be at most 60"), std::string::npos);
  EXPECT_NE(first_issue("[a]\nd = 61\n").find("must be at most 60"), std::string::npos);
  EXPECT_NE(first_issue("[a]\nd = true\n").find("must be a duration"), std::string::npos);
  EXPECT_NE(first_issue("[a]\nz = \"lots\"\n").find("is not a size"), std::string::npos);
  EXPECT_NE(first_issue("[a]\nz = \"2M\"\n").find("must be at most"), std::string::npos);
  EXPECT_NE(first_issue("[a]\nz = 1.5\n").find("must be a size"), std::string::npos);
  std::vector<ConfigIssue> issues;
  auto cfg = Config::from_string(s, "[a]\nd = \"30s\"\nz = \"512k\"\n", issues);
  ASSERT_TRUE(cfg.has_value());
  EXPECT_DOUBLE_EQ((*cfg)->get_duration("a.d"), 30);
  EXPECT_EQ((*cfg)->get_size("a.z"), 512u * 1024);
}

}  // namespace
}  // namespace mw::core
