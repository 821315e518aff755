// rspamd_regexp / mailward_regexp (lua/regexp.cpp).
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::LuaHarness;

TEST(LuaRegexp, MatchSearchSplitAndPattern) {
  LuaHarness h;
  auto got = h.eval(R"(
      local rspamd_regexp = require 'rspamd_regexp'
      local re = rspamd_regexp.create('/(\\d+)-(\\w+)/i')
      local function join(t)
        if not t then return tostring(t) end
        local out = {}
        for _, v in ipairs(t) do
          out[#out + 1] = type(v) == 'table' and table.concat(v, '+') or v
        end
        return table.concat(out, ',')
      end
    )",
                    {{"match", "re:match('order 12-AB')"},
                     {"nomatch", "re:match('no digits')"},
                     {"match_nil", "re:match(nil)"},
                     {"search", "join(re:search('1-a, 22-bb; 333-ccc'))"},
                     {"search_caps", "join(re:search('1-a, 22-bb', false, true))"},
                     {"search_none", "re:search('nothing')"},
                     {"split", "join(rspamd_regexp.create('/[,;]\\\\s*/'):split('a, b;c'))"},
                     {"pattern", "re:get_pattern()"},
                     {"tostring", "tostring(re)"},
                     {"two_args", "rspamd_regexp.create('^ab', 'i'):match('ABC')"},
                     {"bad", "select(2, rspamd_regexp.create('/(/'))"},
                     {"bad_first", "rspamd_regexp.create('/(/')"},
                     {"alias", "require('mailward_regexp').create('/b+/'):match('abbc')"}});
  EXPECT_EQ(got["match"], "true");
  EXPECT_EQ(got["nomatch"], "false");
  EXPECT_EQ(got["match_nil"], "false");
  EXPECT_EQ(got["search"], "1-a,22-bb,333-ccc");
  EXPECT_EQ(got["search_caps"], "1-a+1+a,22-bb+22+bb");
  EXPECT_EQ(got["search_none"], "false");
  EXPECT_EQ(got["split"], "a,b,c");
  EXPECT_EQ(got["pattern"], "/(\\d+)-(\\w+)/i");
  EXPECT_EQ(got["tostring"], "regexp(/(\\d+)-(\\w+)/i)");
  EXPECT_EQ(got["two_args"], "true");
  EXPECT_NE(got["bad"], "nil");  // the error text
  EXPECT_FALSE(got["bad"].empty());
  EXPECT_EQ(got["bad_first"], "nil");
  EXPECT_EQ(got["alias"], "true");
}

TEST(LuaRegexp, CreateCachedReturnsTheSameObject) {
  LuaHarness h;
  auto got = h.eval("local rspamd_regexp = require 'rspamd_regexp'",
                    {{"same", "rspamd_regexp.create_cached('/x/') == "
                              "rspamd_regexp.create_cached('/x/')"},
                     {"fresh", "rspamd_regexp.create('/x/') == rspamd_regexp.create('/x/')"},
                     {"bad", "rspamd_regexp.create_cached('/(/')"}});
  EXPECT_EQ(got["same"], "true");
  EXPECT_EQ(got["fresh"], "false");
  EXPECT_EQ(got["bad"], "nil");
}

}  // namespace
}  // namespace mw::lua
