// The configuration object (lua/config_api.cpp): every registration form, regexp rules from
// config.regexp, configuration tables, and what is refused.
#include <gtest/gtest.h>

#include <algorithm>

#include "lua_test_util.h"
#include "scan/regexp_rules.h"

namespace mw::lua {
namespace {

using namespace scan::testing;  // the task readers of scan_test_util.h
using testing::LuaHarness;

const scan::SymbolDef* def(LuaHarness& h, std::string_view name) {
  const scan::SymbolRegistry& reg = h.scan().engine().registry;
  scan::SymbolId id = reg.find(name);
  return id == scan::kNoSymbol ? nullptr : &reg.get(id);
}

TEST(LuaConfigApi, RegistrationFormsAndTypes) {
  LuaHarness h;
  h.rules(R"(
    local order = {}
    rspamd_config:register_prefilter(function(task) order[#order + 1] = 'pre' end, 10)
    rspamd_config:register_postfilter(function(task)
      order[#order + 1] = 'post'
      task:insert_result('ORDER', 1.0, table.concat(order, ','))
    end)
    local cb = rspamd_config:register_callback_symbol('CALLBACK', 1.0, function(task)
      order[#order + 1] = 'filter'
      task:insert_result('VIRT', 1.0)
    end)
    rspamd_config:register_virtual_symbol('VIRT', 2.5, cb)
    rspamd_config:register_symbol{ name = 'GROUPED', score = 1.5, groups = {'g1', 'g2'},
      description = 'two groups', one_shot = true,
      callback = function(task)
        task:insert_result('GROUPED', 1.0)
        task:insert_result('GROUPED', 3.0)
      end }
    rspamd_config:register_symbol{ name = 'LATE', callback = function(task)
      return task:has_symbol('GROUPED')
    end }
    rspamd_config:register_dependency('LATE', 'GROUPED')
    rspamd_config.FUNC_FORM = function(task) return true, 'opt' end
  )");
  ASSERT_TRUE(h.build());
  auto t = h.run("Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(symbol_options(*t, "ORDER"), std::vector<std::string>{"pre,filter,post"});
  EXPECT_DOUBLE_EQ(symbol_score(*t, "VIRT"), 2.5);
  EXPECT_FALSE(has_symbol(*t, "CALLBACK"));  // a callback symbol inserts nothing itself
  EXPECT_DOUBLE_EQ(symbol_score(*t, "GROUPED"), 4.5);  // one_shot: the highest insert, x1.5
  EXPECT_TRUE(has_symbol(*t, "LATE"));  // ran after GROUPED
  EXPECT_TRUE(has_symbol(*t, "FUNC_FORM"));
  EXPECT_EQ(symbol_options(*t, "FUNC_FORM"), std::vector<std::string>{"opt"});
  const scan::SymbolDef* g = def(h, "GROUPED");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->description, "two groups");
  EXPECT_EQ(g->groups, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_EQ(def(h, "VIRT")->type, scan::SymbolType::kVirtual);
  EXPECT_EQ(def(h, "CALLBACK")->type, scan::SymbolType::kCallback);
}

TEST(LuaConfigApi, ConfigurationWinsOverRuleScores) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config:register_symbol{ name = 'CONFIGURED', score = 1.0,
                                   callback = function() return true end }
    rspamd_config:register_symbol{ name = 'RULE_ONLY', callback = function() return true end }
    rspamd_config:set_metric_symbol{ name = 'RULE_ONLY', score = 7.0, description = 'meta',
                                     group = 'metag' }
    rspamd_config:register_symbol{ name = 'OWN_SCORE', score = 2.0,
                                   callback = function() return true end }
    rspamd_config:set_metric_symbol('OWN_SCORE', 8.0)
    rspamd_config:set_metric_symbol('CONFIGURED', 9.0)
  )");
  ASSERT_TRUE(h.build("[symbols.CONFIGURED]\nscore = 3.0\n"));
  auto t = h.run("Subject: x\r\n\r\nbody\r\n");
  EXPECT_DOUBLE_EQ(symbol_score(*t, "CONFIGURED"), 3.0);  // the file wins over both
  EXPECT_DOUBLE_EQ(symbol_score(*t, "RULE_ONLY"), 7.0);   // a metric score for a bare symbol
  EXPECT_DOUBLE_EQ(symbol_score(*t, "OWN_SCORE"), 2.0);   // a registration's score is kept
  EXPECT_EQ(def(h, "RULE_ONLY")->description, "meta");
  EXPECT_EQ(def(h, "RULE_ONLY")->groups, std::vector<std::string>{"metag"});
}

TEST(LuaConfigApi, CompositesFromLua) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.A = { score = 1, callback = function() return true end }
    rspamd_config.B = { score = 2, callback = function() return true end }
    rspamd_config:add_composite('A_AND_B', 'A & B')
    rspamd_config:register_composite('A_NOT_C', 'A & !C')
  )");
  ASSERT_TRUE(h.build("[symbols.A_AND_B]\nscore = 5.0\n"));
  auto t = h.run("Subject: x\r\n\r\nbody\r\n");
  EXPECT_TRUE(has_symbol(*t, "A_AND_B"));
  EXPECT_TRUE(has_symbol(*t, "A_NOT_C"));
  EXPECT_FALSE(has_symbol(*t, "B"));
}

TEST(LuaConfigApi, RegexpRulesFromTheConfigTable) {
  LuaHarness h;
  h.rules(R"(
    config.regexp.SUBJ_RE = { re = 'Subject=/^win/i', score = 4.0, group = 'spammy',
                              description = 'winner subject' }
    config.regexp.BODY_RE = '/lottery/i{body}'
    config.regexp.NOPE_RE = { re = 'Subject=/^lose/', score = 1 }
  )");
  ASSERT_TRUE(h.build());
  auto t = h.run("Subject: WIN big\r\n\r\nYour LOTTERY prize\r\n");
  EXPECT_DOUBLE_EQ(symbol_score(*t, "SUBJ_RE"), 4.0);
  EXPECT_TRUE(has_symbol(*t, "BODY_RE"));
  EXPECT_FALSE(has_symbol(*t, "NOPE_RE"));
  EXPECT_EQ(def(h, "SUBJ_RE")->description, "winner subject");
  EXPECT_EQ(def(h, "SUBJ_RE")->groups, std::vector<std::string>{"spammy"});
  EXPECT_EQ(h.scan().engine().regexp_rules->rule_count(), 3u);
}

TEST(LuaConfigApi, GetAllOptGivesConfigurationTables) {
  LuaHarness h2;
  h2.rules(R"(
    local opts = rspamd_config:get_all_opt('settings')
    local missing = rspamd_config:get_all_opt('no_such_section')
    rspamd_config.PROBE = { callback = function(task)
      local keys = {}
      for k in pairs(opts) do keys[#keys + 1] = k end
      table.sort(keys)
      local apply = opts.quiet.apply
      return true, 1.0, { 'keys=' .. table.concat(keys, ','), 'number=' .. apply.SYM,
                          'list=' .. table.concat(apply.symbols_disabled, '+'),
                          'bool=' .. tostring(apply.want_spam), 'missing=' .. tostring(missing) }
    end }
  )");
  ASSERT_TRUE(h2.build("[settings.loud.apply]\nX = 1\n"
                       "[settings.quiet.apply]\nSYM = 2.5\nsymbols_disabled = [\"A\", \"B\"]\n"
                       "want_spam = true\n"));
  auto got2 = h2.probe(*h2.run("Subject: x\r\n\r\nbody\r\n"));
  EXPECT_EQ(got2["keys"], "loud,quiet");
  EXPECT_EQ(got2["number"], "2.5");
  EXPECT_EQ(got2["list"], "A+B");
  EXPECT_EQ(got2["bool"], "true");
  EXPECT_EQ(got2["missing"], "nil");
}

TEST(LuaConfigApi, MistakesStopLoadingWithTheReason) {
  struct Case {
    const char* rules;
    const char* says;
  } cases[] = {
      {"rspamd_config.X = 5", "must be a table or a function"},
      {"config.regexp.R = { score = 1 }", "regexp rule R has no expression (re)"},
      {"config.regexp.R = 'Subject:broken'", "regexp rule R"},
      {"rspamd_config:add_composite('C', 'A & (')", "add_composite"},
      {"rspamd_config:register_dependency(9999, 'X')", "unknown symbol id"},
      {"rspamd_config:register_virtual_symbol('V', 1.0, 12345)", "unknown parent id"},
      {"rspamd_config:set_metric_symbol{ score = 1 }", "a name is required"},
  };
  for (const auto& c : cases) {
    LuaHarness h;
    h.rules(c.rules);
    Status st = h.build();
    ASSERT_FALSE(st) << c.rules;
    EXPECT_NE(st.error().message.find(c.says), std::string::npos)
        << c.rules << ": " << st.error().message;
  }
}

TEST(LuaConfigApi, RegistrationAfterLoadingIsRefused) {
  LuaHarness h;
  h.rules(R"(
    rspamd_config.LATE_REG = { callback = function(task)
      local ok, err = pcall(function()
        rspamd_config:register_symbol{ name = 'TOO_LATE', callback = function() end }
      end)
      return true, 1.0, { 'ok=' .. tostring(ok), 'err=' .. tostring(err) }
    end }
  )");
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run("Subject: x\r\n\r\nbody\r\n"), "LATE_REG");
  EXPECT_EQ(got["ok"], "false");
  EXPECT_FALSE(got["err"].empty());
}

}  // namespace
}  // namespace mw::lua
