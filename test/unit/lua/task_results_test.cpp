// Lua task methods about results (lua/task_results.cpp): inserting, reading back, pre-results,
// metric score and action, settings, the per-task cache, milter and reply additions.
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using namespace scan::testing;  // the task readers of scan_test_util.h
using testing::kRichMessage;
using testing::LuaHarness;

constexpr const char* kConfig =
    "[actions]\nreject = 15\nadd_header = 6\ngreylist = 4\n"
    "[symbols.SYM_A]\nscore = 2.0\ngroup = \"ga\"\n[symbols.SYM_B]\nscore = 3.0\n";

TEST(LuaTaskResults, InsertAndReadBack) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config:register_symbol{ name = 'SYM_A', callback = function(task)
      task:insert_result('SYM_A', 0.5, 'one', 2, {'three', 'four'})
      task:insert_result(true, 'SYM_B', 1.0)            -- the forcing form
      task:insert_result('UNKNOWN_SYM', 1.0, 'u')        -- nobody registered it
    end }
    rspamd_config:register_symbol{ name = 'PROBE', type = 'postfilter', callback = function(task)
      local o = {}
      local function add(k, v) o[#o + 1] = k .. '=' .. tostring(v) end
      local s = task:get_symbol('SYM_A')[1]
      add('a_name', s.name)
      add('a_score', s.score)
      add('a_weight', s.weight)
      add('a_group', s.group)
      add('a_groups', table.concat(s.groups, ','))
      add('a_options', table.concat(s.options, ','))
      add('missing', task:get_symbol('NOPE'))
      add('has_b', task:has_symbol('SYM_B'))
      add('has_unknown', task:has_symbol('UNKNOWN_SYM'))
      local names, scores = task:get_symbols()
      local pairs_ = {}
      for i, n in ipairs(names) do pairs_[#pairs_ + 1] = n .. ':' .. scores[i] end
      table.sort(pairs_)
      add('symbols', table.concat(pairs_, ','))
      add('all', #task:get_symbols_all())
      local m = task:get_metric_score()
      add('score', m[1])
      add('required', m[2])
      add('action', task:get_metric_action())
      add('uid_nonempty', #task:get_uid() > 0)
      return true, 1.0, o
    end }
  )");
  ASSERT_TRUE(h.build(kConfig)) << h.build(kConfig).error().message;
  auto t = h.run(kRichMessage);
  auto got = h.probe(*t);
  EXPECT_EQ(got["a_name"], "SYM_A");
  EXPECT_EQ(got["a_score"], "1");  // 2.0 x 0.5
  EXPECT_EQ(got["a_weight"], "2");
  EXPECT_EQ(got["a_group"], "ga");
  EXPECT_EQ(got["a_groups"], "ga");
  EXPECT_EQ(got["a_options"], "one,2,three,four");
  EXPECT_EQ(got["missing"], "nil");
  EXPECT_EQ(got["has_b"], "true");
  EXPECT_EQ(got["has_unknown"], "true");
  EXPECT_EQ(got["symbols"], "SYM_A:1,SYM_B:3,UNKNOWN_SYM:0");
  EXPECT_EQ(got["all"], "3");
  EXPECT_EQ(got["score"], "4");
  EXPECT_EQ(got["required"], "15");
  EXPECT_EQ(got["action"], "greylist");  // 4 reaches greylist
  EXPECT_EQ(got["uid_nonempty"], "true");
  EXPECT_DOUBLE_EQ(symbol_score(*t, "SYM_A"), 1.0);
  EXPECT_EQ(symbol_options(*t, "UNKNOWN_SYM"), std::vector<std::string>{"u"});
}

TEST(LuaTaskResults, PreResultForcesTheAction) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config:register_symbol{ name = 'PRE', type = 'prefilter', callback = function(task)
      task:set_pre_result{ action = 'soft reject', message = 'try later', priority = 5 }
    end }
    rspamd_config:register_symbol{ name = 'PROBE', type = 'postfilter', callback = function(task)
      local has, act, msg, module = task:has_pre_result()
      return true, 1.0, { 'has=' .. tostring(has), 'act=' .. act, 'msg=' .. msg,
                          'module=' .. module, 'metric=' .. task:get_metric_action() }
    end }
  )");
  ASSERT_TRUE(h.build(kConfig));
  auto t = h.run(kRichMessage);
  auto got = h.probe(*t);
  EXPECT_EQ(got["has"], "true");
  EXPECT_EQ(got["act"], "soft reject");
  EXPECT_EQ(got["msg"], "try later");
  EXPECT_EQ(got["module"], "PRE");  // the running rule when no module is given
  EXPECT_EQ(got["metric"], "soft reject");
  EXPECT_EQ(action(*t), scan::Action::kSoftReject);
}

TEST(LuaTaskResults, LeastPreResultOnlySetsTheMinimum) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config:register_symbol{ name = 'PRE', type = 'prefilter', callback = function(task)
      task:set_pre_result('add header', 'suspicious', 'mod')
      -- Same priority: the later one wins; least = the filters still run.
      task:set_pre_result{ action = 'greylist', least = true, module = 'other' }
    end }
    rspamd_config.SYM_A = { callback = function() return true end }
    rspamd_config.SYM_B = { callback = function(task)
      if task:get_header('X-Loud') then task:insert_result('SYM_B', 2.0) end  -- 6
    end }
  )");
  ASSERT_TRUE(h.build(kConfig));
  auto t = h.run(kRichMessage);
  EXPECT_TRUE(has_symbol(*t, "SYM_A"));  // filters ran
  EXPECT_EQ(action(*t), scan::Action::kGreylist);  // score 2, raised to the minimum
  auto loud = h.run(std::string("X-Loud: 1\r\n") + kRichMessage);
  EXPECT_EQ(action(*loud), scan::Action::kAddHeader);  // score 8: above the minimum
}

TEST(LuaTaskResults, BadPreResultActionIsARuleError) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.BAD = { callback = function(task) task:set_pre_result('explode') return true end }
    rspamd_config.FINE = { callback = function() return true end }
  )");
  ASSERT_TRUE(h.build(kConfig));
  auto t = h.run(kRichMessage);
  EXPECT_FALSE(has_symbol(*t, "BAD"));  // the rule failed at the bad action
  EXPECT_TRUE(has_symbol(*t, "FINE"));
}

TEST(LuaTaskResults, SettingsAndCache) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.FIRST = { callback = function(task)
      task:cache_set('k', {n = 42})
      return false
    end }
    rspamd_config:register_symbol{ name = 'PROBE', type = 'postfilter', callback = function(task)
      local s = task:get_settings()
      local c = task:cache_get('k')
      return true, 1.0, { 'id=' .. tostring(s and s.id), 'score_a=' .. tostring(s and s.scores.SYM_A),
                          'want_spam=' .. tostring(s and s.want_spam),
                          'cache=' .. tostring(c and c.n), 'cache_missing=' .. tostring(task:cache_get('x')) }
    end }
  )");
  std::string config = std::string(kConfig) + "[settings.loud.apply]\nSYM_A = 9.0\n";
  ASSERT_TRUE(h.build(config));
  scan::Envelope env;
  env.settings_id = "loud";
  auto got = h.probe(*h.run(kRichMessage, env));
  EXPECT_EQ(got["id"], "loud");
  EXPECT_EQ(got["score_a"], "9");
  EXPECT_EQ(got["want_spam"], "false");
  EXPECT_EQ(got["cache"], "42");
  EXPECT_EQ(got["cache_missing"], "nil");
  auto none = h.probe(*h.run(kRichMessage));
  EXPECT_EQ(none["id"], "nil");  // no settings applied
}

TEST(LuaTaskResults, MilterReplyAndReplyFields) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.M1 = { callback = function(task)
      task:set_milter_reply{ add_headers = { ['X-One'] = 'a' } }
      task:set_milter_reply{ add_headers = { ['X-Two'] = { value = 'b', order = 0 } },
                             remove_headers = { ['X-Old'] = 0 } }
      task:set_reply_field('x-extra', { n = 1, s = 'str' })
      return false
    end }
  )");
  ASSERT_TRUE(h.build(kConfig));
  auto t = h.run(kRichMessage);
  const json::Value& m = milter_reply(*t);
  const json::Value* add = m.find("add_headers");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->find("X-One")->find("value")->as_string(), "a");  // merged, not replaced
  EXPECT_EQ(add->find("X-Two")->find("value")->as_string(), "b");
  EXPECT_EQ(m.find("remove_headers")->find("X-Old")->as_int(), 0);
  json::Value r = checkv2(*t);
  ASSERT_NE(r.find("x-extra"), nullptr);
  EXPECT_EQ(r.find("x-extra")->find("s")->as_string(), "str");
  EXPECT_EQ(r.find("milter")->find("add_headers")->find("X-One")->find("value")->as_string(), "a");
}

}  // namespace
}  // namespace mw::lua
