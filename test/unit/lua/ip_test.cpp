// IP address objects (lua/ip.cpp): rspamd_ip.from_string and task:get_from_ip().
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::LuaHarness;

TEST(LuaIp, FourAndSix) {
  LuaHarness h;
  auto got = h.eval(R"(
      local ip = require 'rspamd_ip'
      local v4 = ip.from_string('192.0.2.10')
      local v6 = ip.from_string('2001:db8::1')
      local bad = ip.from_string('not-an-ip')
    )",
                    {{"v4", "v4:to_string()"},
                     {"v4_version", "v4:get_version()"},
                     {"v4_valid", "v4:is_valid()"},
                     {"v4_rev", "v4:inversed_str_octets()"},
                     {"v4_table", "table.concat(v4:to_table(), '.')"},
                     {"v4_mask", "v4:apply_mask(24):to_string()"},
                     {"v4_mask_odd", "ip.from_string('10.255.255.255'):apply_mask(9):to_string()"},
                     {"v4_mask_clamp", "v4:apply_mask(99):to_string()"},
                     {"v4_unchanged", "v4:to_string()"},  // apply_mask returns a new object
                     {"v4_tostring", "tostring(v4)"},
                     {"v4_eq", "v4 == ip.from_string('192.0.2.10')"},
                     {"v4_ne", "v4 == ip.from_string('192.0.2.11')"},
                     {"v6", "v6:to_string()"},
                     {"v6_version", "v6:get_version()"},
                     {"v6_rev", "v6:inversed_str_octets()"},
                     {"v6_mask", "v6:apply_mask(16):to_string()"},
                     {"v6_bracketed", "ip.from_string('[2001:db8::2]'):to_string()"},
                     {"bad_valid", "bad:is_valid()"},
                     {"bad_string", "bad:to_string()"},
                     {"bad_version", "bad:get_version()"},
                     {"bad_tostring", "tostring(bad)"},
                     {"bad_table", "#bad:to_table()"},
                     {"alias", "require('mailward_ip').from_string('::1'):get_version()"}});
  EXPECT_EQ(got["v4"], "192.0.2.10");
  EXPECT_EQ(got["v4_version"], "4");
  EXPECT_EQ(got["v4_valid"], "true");
  EXPECT_EQ(got["v4_rev"], "10.2.0.192");
  EXPECT_EQ(got["v4_table"], "192.0.2.10");
  EXPECT_EQ(got["v4_mask"], "192.0.2.0");
  EXPECT_EQ(got["v4_mask_odd"], "10.128.0.0");
  EXPECT_EQ(got["v4_mask_clamp"], "192.0.2.10");
  EXPECT_EQ(got["v4_unchanged"], "192.0.2.10");
  EXPECT_EQ(got["v4_tostring"], "192.0.2.10");
  EXPECT_EQ(got["v4_eq"], "true");
  EXPECT_EQ(got["v4_ne"], "false");
  EXPECT_EQ(got["v6"], "2001:db8::1");
  EXPECT_EQ(got["v6_version"], "6");
  EXPECT_EQ(got["v6_rev"],
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
  EXPECT_EQ(got["v6_mask"], "2001::");
  EXPECT_EQ(got["v6_bracketed"], "2001:db8::2");
  EXPECT_EQ(got["bad_valid"], "false");
  EXPECT_EQ(got["bad_string"], "nil");
  EXPECT_EQ(got["bad_version"], "0");
  EXPECT_EQ(got["bad_tostring"], "(invalid ip)");
  EXPECT_EQ(got["bad_table"], "0");
  EXPECT_EQ(got["alias"], "6");
}

TEST(LuaIp, LocalAddresses) {
  LuaHarness h;
  auto got = h.eval("local ip = require 'rspamd_ip'\n"
                    "local function l(s) return ip.from_string(s):is_local() end",
                    {{"loop4", "l('127.0.0.1')"},
                     {"ten", "l('10.1.2.3')"},
                     {"172", "l('172.31.0.1')"},
                     {"172_out", "l('172.32.0.1')"},
                     {"192", "l('192.168.1.1')"},
                     {"linklocal4", "l('169.254.1.1')"},
                     {"public4", "l('192.0.2.1')"},
                     {"loop6", "l('::1')"},
                     {"ula", "l('fd00::1')"},
                     {"linklocal6", "l('fe80::1')"},
                     {"public6", "l('2001:db8::1')"}});
  for (const char* k : {"loop4", "ten", "172", "192", "linklocal4", "loop6", "ula", "linklocal6"}) {
    EXPECT_EQ(got[k], "true") << k;
  }
  for (const char* k : {"172_out", "public4", "public6"}) EXPECT_EQ(got[k], "false") << k;
}

TEST(LuaIp, TheClientAddressOfATask) {
  LuaHarness h;
  scan::Envelope env;
  env.ip = "2001:db8::7";
  auto got = h.eval("", {{"ip", "task:get_from_ip():to_string()"},
                         {"version", "task:get_from_ip():get_version()"}},
                    "Subject: x\r\n\r\nbody\r\n", env);
  EXPECT_EQ(got["ip"], "2001:db8::7");
  EXPECT_EQ(got["version"], "6");
}

}  // namespace
}  // namespace mw::lua
