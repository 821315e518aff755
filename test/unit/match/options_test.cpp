#include "match/options.h"

#include <gtest/gtest.h>

namespace mw::match {
namespace {

TEST(MatchOptions, DefaultsAndOverrides) {
  core::Schema schema;
  declare_options(schema);
  std::vector<core::ConfigIssue> issues;
  auto defaults = core::Config::from_string(schema, "", issues);
  ASSERT_TRUE(defaults) << (issues.empty() ? "" : issues[0].to_string());
  auto o = options_from(**defaults, "/var/lib/mailward/hs_cache");
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->hyperscan);
  EXPECT_EQ(o->cache_dir, "/var/lib/mailward/hs_cache");
  EXPECT_EQ(o->max_scan_size, 1u << 20);
  EXPECT_TRUE(o->pcre_jit);
  EXPECT_EQ(o->pcre_match_limit, kDefaultMatchLimit);
  EXPECT_EQ(o->limits().max_input, 1u << 20);

  auto custom = core::Config::from_string(
      schema,
      "[options.regexp]\nhyperscan = false\ncache_dir = \"/tmp/hs\"\nmax_scan_size = \"64k\"\n"
      "pcre_jit = false\npcre_match_limit = 5000\n",
      issues);
  ASSERT_TRUE(custom);
  auto c = options_from(**custom, "/default");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->hyperscan);
  EXPECT_EQ(c->cache_dir, "/tmp/hs");
  EXPECT_EQ(c->max_scan_size, 64u * 1024);
  EXPECT_FALSE(c->pcre_jit);
  EXPECT_EQ(c->pcre_match_limit, 5000u);
}

TEST(MatchOptions, CacheDirChoices) {
  core::Schema schema;
  declare_options(schema);
  std::vector<core::ConfigIssue> issues;
  auto none = core::Config::from_string(schema, "[options.regexp]\ncache_dir = \"none\"\n", issues);
  ASSERT_TRUE(none);
  auto o = options_from(**none, "/default");
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->cache_dir.empty());
  auto rel = core::Config::from_string(schema, "[options.regexp]\ncache_dir = \"hs\"\n", issues);
  ASSERT_TRUE(rel);
  auto bad = options_from(**rel, "/default");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
}

TEST(MatchOptions, RangesAreValidated) {
  core::Schema schema;
  declare_options(schema);
  std::vector<core::ConfigIssue> issues;
  EXPECT_FALSE(
      core::Config::from_string(schema, "[options.regexp]\npcre_match_limit = 1\n", issues));
  EXPECT_FALSE(
      core::Config::from_string(schema, "[options.regexp]\nmax_scan_size = \"2G\"\n", issues));
  EXPECT_FALSE(
      core::Config::from_string(schema, "[options.regexp]\nhyperscan = \"yes\"\n", issues));
}

}  // namespace
}  // namespace mw::match
