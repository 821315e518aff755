// rspamd_dns / mailward_dns and task:get_resolver() (lua/dns.cpp), over an in-memory zone.
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::LuaHarness;

void zone(dns::FakeResolver& z) {
  z.add_a("host.example", "192.0.2.10");
  z.add_a("host.example", "2001:db8::10");
  z.add_txt("txt.example", std::vector<std::string>{"v=spf1 ", "-all"});
  z.add_mx("mail.example", 10, "mx1.mail.example");
  z.add_mx("mail.example", 20, "mx2.mail.example");
  z.add_ptr("10.2.0.192.in-addr.arpa", "host.example");
  z.add_empty_name("empty.example");
  z.set_rcode("broken.example", dns::RrType::kA, dns::Rcode::kServFail);
}

constexpr const char* kPrelude = R"(
  local rspamd_dns = require 'rspamd_dns'
  local function show(ok, results)
    if not ok then return 'err:' .. tostring(results) end
    local out = {}
    for _, r in ipairs(results) do
      if type(r) == 'table' then
        out[#out + 1] = r.name .. '/' .. r.priority
      else
        out[#out + 1] = tostring(r)
      end
    end
    table.sort(out)
    return table.concat(out, ',')
  end
  local function q(task, t, n) return show(rspamd_dns.request{task = task, type = t, name = n}) end
)";

TEST(LuaDns, CoroutineRequestsByType) {
  LuaHarness h;
  zone(h.resolver());
  auto got = h.eval(kPrelude, {{"a", "q(task, 'a', 'host.example')"},
                               {"aaaa", "q(task, 'AAAA', 'host.example')"},
                               {"txt", "q(task, 'txt', 'txt.example')"},
                               {"mx", "q(task, 'mx', 'mail.example')"},
                               {"ptr", "q(task, 'ptr', '10.2.0.192.in-addr.arpa')"},
                               {"nxdomain", "q(task, 'a', 'nope.example')"},
                               {"nodata", "q(task, 'a', 'empty.example')"},
                               {"servfail", "q(task, 'a', 'broken.example')"},
                               {"default_a", "show(rspamd_dns.request{task = task, "
                                             "name = 'host.example'})"},
                               {"bad_type", "q(task, 'srv', 'x.example')"},
                               {"no_name", "rspamd_dns.request{task = task}"},
                               {"alias", "show(require('mailward_dns').request{task = task, "
                                         "type = 'a', name = 'host.example'})"}});
  EXPECT_EQ(got["a"], "192.0.2.10");
  EXPECT_EQ(got["aaaa"], "2001:db8::10");
  EXPECT_EQ(got["txt"], "v=spf1 -all");  // character-strings joined
  EXPECT_EQ(got["mx"], "mx1.mail.example/10,mx2.mail.example/20");
  EXPECT_EQ(got["ptr"], "host.example");
  EXPECT_EQ(got["nxdomain"], "err:nxdomain");
  EXPECT_EQ(got["nodata"], "err:no records");
  EXPECT_EQ(got["servfail"], "err:servfail");
  EXPECT_EQ(got["default_a"], "192.0.2.10");
  EXPECT_NE(got["bad_type"].find("unsupported DNS record type 'srv'"), std::string::npos)
      << got["bad_type"];
  EXPECT_NE(got["no_name"].find("needs a name"), std::string::npos) << got["no_name"];
  EXPECT_EQ(got["alias"], "192.0.2.10");
}

TEST(LuaDns, CallbackFormsRunLaterAndKeepTheRuleOpen) {
  LuaHarness h;
  zone(h.resolver());
  h.rules(R"(
    local rspamd_dns = require 'rspamd_dns'
    rspamd_config.CB = { callback = function(task)
      rspamd_dns.request{ task = task, type = 'a', name = 'host.example',
        callback = function(results, err)
          task:insert_result('CB_MODULE', 1.0, results[1]:to_string(), tostring(err))
        end }
      local r = task:get_resolver()
      r:resolve_mx{ task = task, name = 'mail.example',
        callback = function(resolver, name, results, err)
          task:insert_result('CB_RESOLVER', 1.0, name, results[1].name, tostring(err))
        end }
      r:resolve('txt', { task = task, name = 'nope.example',
        callback = function(resolver, name, results, err)
          task:insert_result('CB_ERROR', 1.0, name, tostring(results), err)
        end })
      task:insert_result('CB_STARTED', 1.0)
    end }
  )");
  ASSERT_TRUE(h.build());
  auto t = h.run("Subject: x\r\n\r\nbody\r\n");
  using scan::testing::symbol_options;
  EXPECT_EQ(symbol_options(*t, "CB_MODULE"), (std::vector<std::string>{"192.0.2.10", "nil"}));
  EXPECT_EQ(symbol_options(*t, "CB_RESOLVER"),
            (std::vector<std::string>{"mail.example", "mx1.mail.example", "nil"}));
  EXPECT_EQ(symbol_options(*t, "CB_ERROR"),
            (std::vector<std::string>{"nope.example", "nil", "nxdomain"}));
  EXPECT_TRUE(scan::testing::has_symbol(*t, "CB_STARTED"));
  EXPECT_EQ(h.resolver().queries().size(), 3u);
}

TEST(LuaDns, TheTaskBudgetLimitsLookups) {
  LuaHarness h;
  zone(h.resolver());
  h.rules(std::string(kPrelude) + R"(
    rspamd_config.PROBE = { callback = function(task)
      return true, 1.0, { 'first=' .. q(task, 'a', 'host.example'),
                          'second=' .. q(task, 'a', 'host.example') }
    end }
  )");
  ASSERT_TRUE(h.build());
  h.scan().engine().options.max_dns_lookups = 1;
  auto got = h.probe(*h.run("Subject: x\r\n\r\nbody\r\n"));
  EXPECT_EQ(got["first"], "192.0.2.10");
  EXPECT_EQ(got["second"], "err:budget exceeded");
}

TEST(LuaDns, WithoutAResolverRulesGetAnError) {
  LuaHarness h;
  h.scan().services().set_resolver(nullptr);
  auto got = h.eval(std::string(kPrelude) + R"(
      local function cb(task)
        local seen
        rspamd_dns.request{ task = task, name = 'x.example',
                            callback = function(results, err) seen = err end }
        return seen
      end
    )",
                    {{"coroutine", "q(task, 'a', 'host.example')"},
                     {"callback", "cb(task)"}});
  EXPECT_EQ(got["coroutine"], "err:no resolver");
  EXPECT_EQ(got["callback"], "no resolver");  // called at once
}

}  // namespace
}  // namespace mw::lua
