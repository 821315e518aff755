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

}  // namespace
}  // namespace mw::core
