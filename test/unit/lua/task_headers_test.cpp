// Lua task methods about headers (lua/task_headers.cpp).
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::kRichMessage;
using testing::LuaHarness;

TEST(LuaTaskHeaders, ValuesRawFormsAndCase) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.PROBE = { callback = function(task)
      local o = {}
      local function add(k, v) o[#o + 1] = k .. '=' .. tostring(v) end
      add('subject', task:get_subject())
      add('subject_raw', task:get_header_raw('subject'))
      add('header', task:get_header('X-DUP'))
      add('case_sensitive_miss', task:get_header('x-dup', true))
      add('case_sensitive_hit', task:get_header('X-Dup', true))
      add('count', task:get_header_count('x-dup'))
      add('count_missing', task:get_header_count('X-None'))
      add('has', task:has_header('cc'))
      add('has_not', task:has_header('Bcc'))
      add('missing', task:get_header('X-None'))
      add('mid', task:get_message_id())
      return true, 1.0, o
    end }
  )");
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run(kRichMessage));
  EXPECT_EQ(got["subject"], "こんにちは world");
  EXPECT_EQ(got["subject_raw"], "=?UTF-8?B?44GT44KT44Gr44Gh44Gv?= world");
  EXPECT_EQ(got["header"], "one");
  EXPECT_EQ(got["case_sensitive_miss"], "nil");
  EXPECT_EQ(got["case_sensitive_hit"], "one");
  EXPECT_EQ(got["count"], "2");
  EXPECT_EQ(got["count_missing"], "0");
  EXPECT_EQ(got["has"], "true");
  EXPECT_EQ(got["has_not"], "false");
  EXPECT_EQ(got["missing"], "nil");
  EXPECT_EQ(got["mid"], "m1@example.jp");  // without the angle brackets
}

TEST(LuaTaskHeaders, FullFormsInMessageOrder) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.PROBE = { callback = function(task)
      local o = {}
      local full = task:get_header_full('X-Dup')
      o[#o + 1] = 'n=' .. #full
      for i, f in ipairs(full) do
        o[#o + 1] = string.format('%d=%s|%s|%s|tab:%s|empty:%s', i, f.name, f.value, f.raw,
                                  tostring(f.tab_separator), tostring(f.empty_separator))
      end
      o[#o + 1] = 'before=' .. tostring(full[1].order < full[2].order)
      o[#o + 1] = 'none=' .. tostring(task:get_header_full('X-None'))
      local all = task:get_headers()
      o[#o + 1] = 'first=' .. all[1].name
      o[#o + 1] = 'total=' .. #all
      local raw = task:get_raw_headers()
      o[#o + 1] = 'raw_starts=' .. raw:sub(1, 12)
      o[#o + 1] = 'raw_has_body=' .. tostring(raw:find('Caf', 1, true) ~= nil)
      return true, 1.0, o
    end }
  )");
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run(kRichMessage));
  EXPECT_EQ(got["n"], "2");
  EXPECT_EQ(got["1"], "X-Dup|one|one|tab:false|empty:false");
  EXPECT_EQ(got["2"], "X-Dup|two|two|tab:true|empty:false");
  EXPECT_EQ(got["before"], "true");
  EXPECT_EQ(got["none"], "nil");
  EXPECT_EQ(got["first"], "Return-Path");
  EXPECT_EQ(got["total"], "12");
  EXPECT_EQ(got["raw_starts"], "Return-Path:");
  EXPECT_EQ(got["raw_has_body"], "false");
}

TEST(LuaTaskHeaders, DateFromTheHeaderOrTheMessageTime) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.PROBE = { callback = function(task)
      local d, valid = task:get_date()
      local c, cvalid = task:get_date{format = 'connect'}
      return true, 1.0, { 'date=' .. string.format('%d', d), 'valid=' .. tostring(valid),
                          'connect=' .. string.format('%d', c), 'cvalid=' .. tostring(cvalid) }
    end }
  )");
  ASSERT_TRUE(h.build());
  scan::Envelope env;
  env.time = 1800000000;
  auto got = h.probe(*h.run(kRichMessage, env));
  EXPECT_EQ(got["date"], "1795742100");  // 2026-11-27T01:15:00Z
  EXPECT_EQ(got["valid"], "true");
  EXPECT_EQ(got["connect"], "1800000000");
  EXPECT_EQ(got["cvalid"], "false");
  auto bad = h.probe(*h.run("Date: whenever\r\nSubject: x\r\n\r\nbody\r\n", env));
  EXPECT_EQ(bad["date"], "1800000000");  // falls back to the message time
  EXPECT_EQ(bad["valid"], "false");
}

TEST(LuaTaskHeaders, AbsentSubjectAndMessageIdAreNil) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.PROBE = { callback = function(task)
      return true, 1.0, { 'subject=' .. tostring(task:get_subject()),
                          'mid=' .. tostring(task:get_message_id()),
                          'empty_subject=' .. tostring(task:get_header('X-Empty')) }
    end }
  )");
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run("From: a@example.com\r\nX-Empty:\r\n\r\nbody\r\n"));
  EXPECT_EQ(got["subject"], "nil");
  EXPECT_EQ(got["mid"], "nil");
  EXPECT_EQ(got["empty_subject"], "");
}

}  // namespace
}  // namespace mw::lua
