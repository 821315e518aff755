#include "proto/options.h"

#include <gtest/gtest.h>

namespace mw::proto {
namespace {

TEST(ProtoOptions, DefaultsAndOverrides) {
  core::Schema schema;
  declare_options(schema);
  std::vector<core::ConfigIssue> issues;
  auto defaults = core::Config::from_string(schema, "", issues);
  ASSERT_TRUE(defaults) << (issues.empty() ? "" : issues[0].to_string());
  HttpOptions h = read_http_options(**defaults);
  EXPECT_EQ(h.limits.max_body_size, 50ull << 20);
  EXPECT_EQ(h.limits.max_header_size, 64u * 1024);
  EXPECT_DOUBLE_EQ(h.read_timeout, 60);
  EXPECT_DOUBLE_EQ(h.keepalive_timeout, 65);
  EXPECT_EQ(h.max_connections, 1024u);
  MilterOptions m = read_milter_options(**defaults);
  EXPECT_EQ(m.max_frame_size, 2u << 20);
  EXPECT_DOUBLE_EQ(m.progress_interval, 5);

  auto custom = core::Config::from_string(
      schema,
      "[worker]\nmax_body_size = \"10M\"\nread_timeout = \"5s\"\nmax_connections = 10\n"
      "[milter]\nreply_timeout = \"30s\"\nmax_recipients = 50\n",
      issues);
  ASSERT_TRUE(custom);
  h = read_http_options(**custom);
  EXPECT_EQ(h.limits.max_body_size, 10ull << 20);
  EXPECT_DOUBLE_EQ(h.read_timeout, 5);
  EXPECT_EQ(h.max_connections, 10u);
  m = read_milter_options(**custom);
  EXPECT_DOUBLE_EQ(m.reply_timeout, 30);
  EXPECT_EQ(m.max_recipients, 50u);

  issues.clear();
  auto bad = core::Config::from_string(schema, "[worker]\nmax_connections = 0\n", issues);
  EXPECT_FALSE(bad);
}

}  // namespace
}  // namespace mw::proto
