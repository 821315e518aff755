// rspamd_util / mailward_util (lua/util.cpp).
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::LuaHarness;

TEST(LuaUtil, TextHelpers) {
  LuaHarness h;
  auto got = h.eval(R"(
      local util = require 'rspamd_util'
      local function join(t) return table.concat(t, '|') end
    )",
                    {{"utf8_ok", "util.is_valid_utf8('caf\\195\\169')"},
                     {"utf8_bad", "util.is_valid_utf8('caf\\233')"},
                     {"lower", "util.str_lower('MiXeD \\196')"},  // ASCII only
                     {"lower_utf8", "util.lower_utf8('ÀÉÎ Straße')"},
                     {"caseless", "util.strequal_caseless('Example.COM', 'example.com')"},
                     {"caseless_no", "util.strequal_caseless('example.com', 'example.co')"},
                     {"split_default", "join(util.str_split('  a b\\t\\tc\\n'))"},
                     {"split_seps", "join(util.str_split('a,,b;c', ',;'))"},
                     {"lev", "util.levenshtein_distance('kitten', 'sitting')"},
                     {"lev_same", "util.levenshtein_distance('same', 'same')"},
                     {"lev_long", "util.levenshtein_distance(string.rep('a', 5000), 'a')"},
                     {"alias", "require('mailward_util').str_lower('X')"}});
  EXPECT_EQ(got["utf8_ok"], "true");
  EXPECT_EQ(got["utf8_bad"], "false");
  EXPECT_EQ(got["lower"], "mixed \xC4");
  EXPECT_EQ(got["lower_utf8"], "àéî straße");
  EXPECT_EQ(got["caseless"], "true");
  EXPECT_EQ(got["caseless_no"], "false");
  EXPECT_EQ(got["split_default"], "a|b|c");
  EXPECT_EQ(got["split_seps"], "a|b|c");
  EXPECT_EQ(got["lev"], "3");
  EXPECT_EQ(got["lev_same"], "0");
  EXPECT_NE(got["lev_long"].find("error:"), std::string::npos);  // bounded input
  EXPECT_EQ(got["alias"], "x");
}

TEST(LuaUtil, EncodingsAndDigests) {
  LuaHarness h;
  auto got = h.eval("local util = require 'rspamd_util'",
                    {{"b64", "util.encode_base64('hello world')"},
                     {"b64_empty", "util.encode_base64('')"},
                     {"unb64", "util.decode_base64('aGVsbG8g\\r\\nd29ybGQ=')"},
                     {"unb64_nopad", "util.decode_base64('aGk')"},
                     {"unb64_bad", "util.decode_base64('!!!!')"},
                     {"md5", "util.md5_hex('abc')"},
                     {"sha256", "util.sha256_hex('abc')"},
                     {"hmac", "util.hmac_sha256_hex('key', 'The quick brown fox jumps over the "
                              "lazy dog')"}});
  EXPECT_EQ(got["b64"], "aGVsbG8gd29ybGQ=");
  EXPECT_EQ(got["b64_empty"], "");
  EXPECT_EQ(got["unb64"], "hello world");
  EXPECT_EQ(got["unb64_nopad"], "hi");
  EXPECT_EQ(got["unb64_bad"], "nil");
  EXPECT_EQ(got["md5"], "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(got["sha256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(got["hmac"], "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(LuaUtil, JsonTimeAndTld) {
  LuaHarness h;
  auto got = h.eval(R"(
      local util = require 'rspamd_util'
      local t0 = util.get_ticks()
    )",
                    {{"to_json", "util.to_json({b = 1, a = {true, 'x'}})"},
                     {"from_json", "util.from_json('{\"k\": [1, 2, {\"n\": null}]}').k[2]"},
                     {"from_json_bad", "select(2, util.from_json('{bad'))"},
                     {"from_json_bad_first", "util.from_json('{bad')"},
                     {"time_recent", "util.get_time() > 1600000000"},
                     {"ticks_monotonic", "util.get_ticks() >= t0"},
                     {"tld", "util.get_tld('www.Example.CO.UK.')"},
                     {"tld_bare", "util.get_tld('example.com')"}});
  EXPECT_EQ(got["to_json"], R"({"a":[true,"x"],"b":1})");  // keys sorted
  EXPECT_EQ(got["from_json"], "2");
  EXPECT_NE(got["from_json_bad"], "nil");
  EXPECT_EQ(got["from_json_bad_first"], "nil");
  EXPECT_EQ(got["time_recent"], "true");
  EXPECT_EQ(got["ticks_monotonic"], "true");
  EXPECT_EQ(got["tld"], "example.co.uk");
  EXPECT_EQ(got["tld_bare"], "example.com");
}

}  // namespace
}  // namespace mw::lua
