// The Lua layer through the real pipeline: registration forms, task methods, coroutine DNS,
// time budgets, sandbox, errors with file:line.
#include <gtest/gtest.h>
#include <lua.hpp>

#include <chrono>

#include "core/config.h"
#include "lua_test_util.h"

namespace mw::lua {
namespace {

using namespace scan::testing;  // the task readers of scan_test_util.h
namespace fs = std::filesystem;

constexpr const char* kMessage =
    "From: Taro <taro@example.jp>\r\nTo: a@example.net, b@example.net\r\n"
    "Subject: Hello world\r\nMessage-ID: <m1@example.jp>\r\n"
    "Content-Type: multipart/alternative; boundary=\"B\"\r\n\r\n"
    "--B\r\nContent-Type: text/plain\r\n\r\nVisit https://www.example.com/a now\r\n"
    "--B\r\nContent-Type: text/html\r\n\r\n<p>Visit <a href=\"https://www.example.com/a\">here</a></p>\r\n"
    "--B--\r\n";

class LuaTest : public ::testing::Test {
 protected:
  void write(const std::string& rel, const std::string& text) { h_.write(rel, text); }
  Status build(const std::string& toml = "") { return h_.build(toml); }
  std::unique_ptr<scan::Task> run(scan::Envelope env = {}, std::string msg = kMessage) {
    return h_.run(std::move(msg), std::move(env));
  }

  testing::LuaHarness h_;
  dns::FakeResolver& resolver_ = h_.resolver();
  const std::filesystem::path& dir_ = h_.dir();
};

TEST_F(LuaTest, RegistrationFormsAndReturnValues) {
  write("rules/a.lua", R"(
    rspamd_config:register_symbol{name = 'TABLE_FORM', score = 2.0, group = 'g',
      callback = function(task) return true, 0.5, 'opt1', {'opt2'} end}
    rspamd_config.SHORTHAND = {callback = function(task) return task:has_header('Subject') end,
      score = 1.0, description = 'has subject'}
    rspamd_config:register_symbol('OLD_FORM', 3.0, function(task) return 1 end)
    local parent = mailward_config:register_symbol{name = 'PARENT', type = 'callback',
      callback = function(task) task:insert_result('CHILD', 1.0, 'c') end}
    mailward_config:register_symbol{name = 'CHILD', type = 'virtual', parent = parent, score = 4}
    rspamd_config:register_symbol{name = 'FALSE_RESULT', score = 9,
      callback = function() return false end}
  )");
  ASSERT_TRUE(build());
  auto t = run();
  EXPECT_DOUBLE_EQ(symbol_score(*t, "TABLE_FORM"), 1.0);
  EXPECT_EQ(symbol_options(*t, "TABLE_FORM"), (std::vector<std::string>{"opt1", "opt2"}));
  EXPECT_TRUE(has_symbol(*t, "SHORTHAND"));
  EXPECT_DOUBLE_EQ(symbol_score(*t, "OLD_FORM"), 3.0);
  EXPECT_DOUBLE_EQ(symbol_score(*t, "CHILD"), 4.0);
  EXPECT_FALSE(has_symbol(*t, "PARENT"));
  EXPECT_FALSE(has_symbol(*t, "FALSE_RESULT"));
}

TEST_F(LuaTest, TaskMethodsSeeTheMessageAndEnvelope) {
  write("rules/a.lua", R"(
    rspamd_config.CHECK = {score = 1, callback = function(task)
      local out = {}
      local function add(k, v) out[#out + 1] = k .. '=' .. tostring(v) end
      add('subject', task:get_subject())
      add('mid', task:get_message_id())
      add('from_mime', task:get_from('mime')[1].addr)
      add('from_name', task:get_from('mime')[1].name)
      add('from_smtp', task:get_from('smtp')[1].domain)
      add('rcpt_mime', #task:get_recipients('mime'))
      add('rcpt_smtp', task:get_recipients('smtp')[1].addr)
      add('user', task:get_user())
      add('ip', task:get_from_ip():to_string())
      add('ipv', task:get_from_ip():get_version())
      add('rev', task:get_from_ip():inversed_str_octets())
      add('helo', task:get_helo())
      add('parts', #task:get_text_parts())
      add('html', tostring(task:get_text_parts()[2]:is_html()))
      add('text', task:get_text_parts()[1]:get_content():gsub('%s+$', ''))
      add('urls', #task:get_urls())
      add('host', task:get_urls()[1]:get_host())
      add('tld', task:get_urls()[1]:get_tld())
      add('hcount', task:get_header_count('to'))
      add('reqhdr', task:get_request_header('X-Custom'))
      return true, 1.0, table.concat(out, ';')
    end}
  )");
  ASSERT_TRUE(build());
  scan::Envelope env;
  env.from = "bounce@example.org";
  env.has_from = true;
  env.rcpts = {"a@example.net"};
  env.user = "taro";
  env.ip = "192.0.2.7";
  env.helo = "pc1.example.jp";
  env.request_headers = {{"X-Custom", "yes"}};
  auto t = run(env);
  ASSERT_EQ(symbol_options(*t, "CHECK").size(), 1u);
  EXPECT_EQ(symbol_options(*t, "CHECK")[0],
            "subject=Hello world;mid=m1@example.jp;from_mime=taro@example.jp;from_name=Taro;"
            "from_smtp=example.org;rcpt_mime=2;rcpt_smtp=a@example.net;user=taro;ip=192.0.2.7;"
            "ipv=4;rev=7.2.0.192;helo=pc1.example.jp;parts=2;html=true;"
            "text=Visit https://www.example.com/a now;urls=1;host=www.example.com;tld=example.com;"
            "hcount=1;reqhdr=yes");
}

TEST_F(LuaTest, CoroutineDnsSuspendsTheRuleNotTheWorker) {
  resolver_.add_txt("example.com", "v=spf1 -all");
  resolver_.set_rcode("slow.example", dns::RrType::kTxt, dns::Rcode::kTimeout);
  write("rules/a.lua", R"(
    local rspamd_dns = require 'rspamd_dns'
    rspamd_config.DNS_CORO = {score = 1, callback = function(task)
      local ok, results = rspamd_dns.request{task = task, type = 'txt', name = 'example.com'}
      local ok2, err = rspamd_dns.request{task = task, type = 'txt', name = 'slow.example'}
      return ok and not ok2, 1.0, results[1], err
    end}
    rspamd_config.DNS_CALLBACK = {score = 1, callback = function(task)
      task:get_resolver():resolve_txt{task = task, name = 'example.com',
        callback = function(resolver, name, results, err)
          task:insert_result('DNS_CALLBACK_DONE', 1.0, name, results[1])
        end}
    end}
  )");
  ASSERT_TRUE(build());
  auto t = run();
  EXPECT_EQ(symbol_options(*t, "DNS_CORO"), (std::vector<std::string>{"v=spf1 -all", "timeout"}));
  EXPECT_EQ(symbol_options(*t, "DNS_CALLBACK_DONE"),
            (std::vector<std::string>{"example.com", "v=spf1 -all"}));
}

TEST_F(LuaTest, RunawayRuleIsStoppedByItsBudget) {
  write("rules/a.lua", R"(
    rspamd_config.RUNAWAY = {score = 1, callback = function(task) while true do end end}
    rspamd_config.AFTER = {score = 1, callback = function(task) return true end}
  )");
  ASSERT_TRUE(build("[lua]\ntime_budget = \"100ms\"\n"));
  auto t = run();
  EXPECT_EQ(symbol_state(*t, "RUNAWAY"), scan::SymbolState::kFailed);
  EXPECT_TRUE(has_symbol(*t, "AFTER"));
}

TEST_F(LuaTest, RuleErrorsFailOnlyTheirSymbol) {
  write("rules/a.lua", R"(
    rspamd_config.BROKEN = {score = 1, callback = function(task) return nil + 1 end}
    rspamd_config.FINE = {score = 1, callback = function(task) return true end}
  )");
  ASSERT_TRUE(build());
  auto t = run();
  EXPECT_EQ(symbol_state(*t, "BROKEN"), scan::SymbolState::kFailed);
  EXPECT_TRUE(has_symbol(*t, "FINE"));
}

TEST_F(LuaTest, LoadErrorsNameFileAndLine) {
  write("rules/bad.lua", "local x = 1\nthis is not lua\n");
  auto st = build();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("bad.lua:2"), std::string::npos) << st.error().message;
}

TEST_F(LuaTest, SandboxHidesDangerousGlobals) {
  write("rules/a.lua", R"(
    assert(io == nil, 'io visible')
    assert(os.execute == nil, 'os.execute visible')
    assert(loadfile == nil and dofile == nil, 'file loaders visible')
    assert(not pcall(require, 'ffi'), 'ffi loadable')
    assert(os.time() > 0)
    rspamd_config.OK = {score = 1, callback = function() return true end}
  )");
  auto st = build();
  ASSERT_TRUE(st) << st.error().message;
}

TEST_F(LuaTest, RequireFindsTheLuaLibrary) {
  write("lualib/my_helpers.lua", "return { answer = function() return 42 end }\n");
  write("rules/a.lua", R"(
    local h = require 'my_helpers'
    local re = require('rspamd_regexp').create_cached('/wor(l)d/i')
    rspamd_config.REQ = {score = 1, callback = function(task)
      local m = re:search(task:get_subject(), false, true)
      return h.answer() == 42 and m ~= false, 1.0, m[1][2]
    end}
  )");
  ASSERT_TRUE(build());
  auto t = run();
  EXPECT_EQ(symbol_options(*t, "REQ"), std::vector<std::string>{"l"});
}

TEST_F(LuaTest, PreResultAndMilterReply) {
  write("rules/a.lua", R"(
    rspamd_config:register_symbol{name = 'HOLD', type = 'prefilter', callback = function(task)
      task:set_pre_result{action = 'soft reject', message = 'Account on hold'}
      task:set_milter_reply{add_headers = {['X-Hold'] = {value = 'yes', order = 0}}}
    end}
    rspamd_config.LATE = {score = 1, callback = function() return true end}
  )");
  ASSERT_TRUE(build());
  auto t = run();
  EXPECT_EQ(action(*t), scan::Action::kSoftReject);
  EXPECT_FALSE(has_symbol(*t, "LATE"));
  json::Value reply = checkv2(*t);
  EXPECT_EQ(reply.find("messages")->find("smtp_message")->as_string(), "Account on hold");
  EXPECT_EQ(reply.find("passthrough_module")->as_string(), "HOLD");
  EXPECT_EQ(reply.find("milter")->find("add_headers")->find("X-Hold")->find("value")->as_string(), "yes");
}

TEST_F(LuaTest, TaskObjectsDieWithTheTask) {
  write("rules/a.lua", R"(
    local saved, saved_url
    rspamd_config.SAVE = {score = 1, callback = function(task)
      if not saved then
        saved = task
        saved_url = task:get_urls()[1]
        return true, 1.0, 'first'
      end
      -- A later task: the first one is gone, its objects must refuse to work.
      local ok1, err1 = pcall(saved.get_subject, saved)
      local ok2, err2 = pcall(saved_url.get_host, saved_url)
      return true, 1.0, tostring(ok1) .. ':' .. tostring(ok2) .. ':' .. tostring(err1):match('task is gone')
    end}
  )");
  ASSERT_TRUE(build());
  run();
  auto t = run();
  EXPECT_EQ(symbol_options(*t, "SAVE"), std::vector<std::string>{"false:false:task is gone"});
}

TEST_F(LuaTest, CompositesFromLua) {
  write("rules/a.lua", R"(
    rspamd_config.A = {score = 1, callback = function() return true end}
    rspamd_config.B = {score = 1, callback = function() return true end}
    rspamd_config:add_composite('A_AND_B', 'A & B')
    rspamd_config:set_metric_symbol{name = 'A_AND_B', score = 5, description = 'both'}
  )");
  ASSERT_TRUE(build());
  auto t = run();
  EXPECT_TRUE(has_symbol(*t, "A_AND_B"));
  EXPECT_FALSE(has_symbol(*t, "A"));
  EXPECT_DOUBLE_EQ(total_score(*t), 5.0);
}

// ---- sandbox and budget hardening (issue 10) -------------------------------------------

TEST_F(LuaTest, PcallCannotBuyMoreTime) {
  write("rules/a.lua", R"(
    rspamd_config.GREEDY = {score = 1, callback = function(task)
      while true do
        pcall(function() while true do end end)
        pcall(error, 'x')
      end
    end}
    rspamd_config.XPCALL = {score = 1, callback = function(task)
      while true do xpcall(function() while true do end end, function() while true do end end) end
    end}
    rspamd_config.AFTER = {score = 1, callback = function(task) return true end}
  )");
  ASSERT_TRUE(build("[lua]\ntime_budget = \"100ms\"\n[options]\ntask_timeout = \"20s\"\n"));
  auto start = std::chrono::steady_clock::now();
  auto t = run();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
  EXPECT_EQ(t->symbol_state(h_.scan().engine().registry.find("GREEDY")), scan::SymbolState::kFailed);
  EXPECT_EQ(t->symbol_state(h_.scan().engine().registry.find("XPCALL")), scan::SymbolState::kFailed);
  EXPECT_TRUE(t->outcome().has_symbol("AFTER"));  // the budget resets for the next rule
  EXPECT_FALSE(t->timed_out());
}

TEST_F(LuaTest, SandboxPackageIsFixedAndLoadTakesTextOnly) {
  fs::create_directories(dir_ / "elsewhere");
  write("elsewhere/outside.lua", "return { escaped = true }\n");
  write("lualib/inside.lua", "return { fine = true }\n");
  write("rules/a.lua", R"(
    assert(os.getenv == nil and os.execute == nil and os.exit == nil, 'os not trimmed')
    assert(package.loaded.os.execute == nil, 'package.loaded.os is the full library')
    assert(package.loaded.io == nil and package.loaded.debug == nil, 'io/debug loaded')
    assert(package.loaded.ffi == nil and package.loaded.jit == nil, 'ffi/jit loaded')
    assert(not pcall(function() package.path = '/tmp/?.lua' end), 'package.path writable')
    assert(not pcall(function() package.cpath = '/tmp/?.so' end), 'package.cpath writable')
    assert(package.cpath == '', 'cpath set')
    assert(require('inside').fine)
    assert(not pcall(require, 'outside'), 'a module outside the search path loaded')
    assert(not pcall(require, '..elsewhere.outside'), 'a relative module name loaded')
    assert(not pcall(require, 'ffi') and not pcall(require, 'jit') and not pcall(require, 'io'))
    -- load: text yes, bytecode no (string and reader forms).
    assert(load('return 1 + 1')() == 2)
    assert(loadstring('return 3')() == 3)
    local dumped = string.dump(function() return 'from bytecode' end)
    local f, err = load(dumped)
    assert(f == nil and err:find('bytecode'), 'bytecode loaded')
    local parts = {dumped}
    f = load(function() return table.remove(parts, 1) end)
    assert(f == nil, 'bytecode loaded through a reader')
    assert(not pcall(collectgarbage, 'stop'), 'collectgarbage stop allowed')
    assert(collectgarbage('count') > 0)
    rspamd_config.OK = {score = 1, callback = function() return true end}
  )");
  auto st = build("[lua]\nlualib_dirs = [\"" + (dir_ / "lualib").string() + "\"]\n");
  ASSERT_TRUE(st) << st.error().message;
}

TEST_F(LuaTest, RequireRefusesBytecodeFiles) {
  // Bytecode made by a plain LuaJIT state (what `luajit -b` writes).
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  ASSERT_EQ(luaL_dostring(L, "return string.dump(function() return {} end)"), 0);
  size_t n = 0;
  const char* bc = lua_tolstring(L, -1, &n);
  std::ofstream(dir_ / "lualib" / "compiled.lua", std::ios::binary).write(bc, static_cast<long>(n));
  lua_close(L);
  write("rules/a.lua", R"(
    local ok, err = pcall(require, 'compiled')
    assert(not ok and tostring(err):find('bytecode'), 'bytecode module loaded: ' .. tostring(err))
  )");
  auto st = build("[lua]\nlualib_dirs = [\"" + (dir_ / "lualib").string() + "\"]\n");
  ASSERT_TRUE(st) << st.error().message;
}

}  // namespace
}  // namespace mw::lua

namespace mw::lua {
namespace {

TEST_F(LuaTest, MapsFromLua) {
  write("ips.map", "192.0.2.0/24 lan\n2001:db8::/32\n");
  write("rules/a.lua", R"(
    local ips = mailward_config:add_map{type = 'radix', url = '$CONFDIR/ips.map'}
    local doms = rspamd_config:add_map{type = 'domain', data = {'example.com listed'}}
    local re = mailward_config:add_map{type = 'regexp_multi', data = {'/^a/ first', '/b$/'}}
    local set = rspamd_config:add_hash_map({'$CONFDIR/unused-file-that-does-not-exist'}, 'missing')
    rspamd_config.MAPS = {score = 1, callback = function(task)
      local out = {}
      local function add(k, v)
        if type(v) == 'table' then v = table.concat((function()
          local t = {} for _, x in ipairs(v) do t[#t + 1] = tostring(x) end return t end)(), ',')
        end
        out[#out + 1] = k .. '=' .. tostring(v)
      end
      add('ip', ips:get_key(task:get_from_ip()))
      add('ipstr', ips:get_key('2001:db8::9'))
      add('ipmiss', ips:get_key('198.51.100.1'))
      add('dom', doms:get_key('www.example.com'))
      add('dommiss', doms:get_key('example.org'))
      add('re', re:get_key('ab'))
      add('remiss', re:get_key('zz'))
      add('set', set:get_key('x'))
      add('type', re:get_type() .. ',' .. ips:get_type() .. ',' .. ips:size())
      return true, 1.0, table.concat(out, ';')
    end}
  )");
  ASSERT_TRUE(build());
  scan::Envelope env;
  env.ip = "192.0.2.7";
  auto t = run(env);
  EXPECT_EQ(symbol_options(*t, "MAPS"),
            std::vector<std::string>{
                "ip=lan;ipstr=true;ipmiss=nil;dom=listed;dommiss=nil;re=first,true;remiss=nil;"
                "set=nil;type=regexp_multi,ip,2"});
  t.reset();  // the task dies before the engine it ran on

  // Maps can only be added while the rules load; a bad entry fails the configuration.
  write("rules/a.lua", R"(
    rspamd_config.LATE = {callback = function(task) rspamd_config:add_map{type = 'ip'} end}
    mailward_config:add_map{type = 'ip', data = {'not-an-ip'}}
  )");
  auto st = build();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("bad address"), std::string::npos) << st.error().message;
}

TEST_F(LuaTest, MapFilesOnlyFromMapDirs) {
  // A rule cannot read a file outside [lua] map_dirs through a map (issue 10: the sandbox
  // covers maps): absolute, relative, `..` and symbolic-link escapes are all refused.
  fs::create_directories(dir_ / "maps");
  fs::create_directories(dir_ / "private");
  write("private/secret.map", "root:hash\n");
  write("maps/ok.map", "fine\n");
  fs::create_symlink(dir_ / "private" / "secret.map", dir_ / "maps" / "link.map");
  std::string maps = (dir_ / "maps").string();
  std::string conf = "[lua]\nmap_dirs = [\"" + maps + "/\"]\n";
  for (std::string path : {(dir_ / "private/secret.map").string(), maps + "/../private/secret.map",
                           maps + "/link.map", std::string("/etc/passwd"),
                           "file://" + (dir_ / "private/secret.map").string(),
                           (dir_ / "mapsx/ok.map").string()}) {
    write("rules/a.lua", "mailward_config:add_map{type = 'hash', url = '" + path + "'}\n");
    auto st = build(conf);
    ASSERT_FALSE(st) << path;
    EXPECT_NE(st.error().message.find("map_dirs"), std::string::npos) << st.error().message;
  }
  write("rules/a.lua", R"(
    local m = mailward_config:add_map{type = 'hash', url = 'file://' .. ')" + maps + R"(/ok.map'}
    assert(m:get_key('fine'))
  )");
  auto st = build(conf);
  EXPECT_TRUE(st) << st.error().message;
  // By default the configuration directory (here dir_) is the one map directory.
  write("rules/a.lua", "mailward_config:add_map{type = 'hash', url = '/etc/passwd'}\n");
  EXPECT_FALSE(build());
  write("rules/a.lua", "mailward_config:add_map{type = 'hash', url = '$CONFDIR/maps/ok.map'}\n");
  st = build();
  EXPECT_TRUE(st) << st.error().message;
}

TEST_F(LuaTest, ReceivedHeadersInRspamdShape) {
  write("rules/a.lua", R"(
    rspamd_config.RCVD = {score = 1, callback = function(task)
      local out = {}
      for i, h in ipairs(task:get_received_headers()) do
        out[#out + 1] = table.concat({ i, tostring(h.from_hostname), tostring(h.from_ip),
          tostring(h.real_hostname), h.real_ip and h.real_ip:to_string() or '-',
          tostring(h.by_hostname), tostring(h.proto), tostring(h.flags.ssl),
          tostring(h.flags.authenticated), tostring(h.flags.artificial),
          tostring(h.flags.trusted), tostring(h.flags.first_untrusted),
          tostring(h['for']), tostring(h.timestamp) }, '|')
      end
      return true, 1.0, table.concat(out, ' ')
    end}
  )");
  ASSERT_TRUE(build());
  std::string msg =
      "Received: from filter (localhost [127.0.0.1]) by mx.example.net (Postfix) with ESMTP "
      "id 1 for <a@example.net>; Tue, 3 Sep 2024 10:00:01 +0000\r\n"
      "Received: from mail.example.jp (mail.example.jp [198.51.100.2]) by mx.example.net "
      "(Postfix) with ESMTPSA id 2; Tue, 3 Sep 2024 10:00:00 +0000\r\n" +
      std::string(kMessage);
  scan::Envelope env;
  env.ip = "203.0.113.1";  // not in the topmost field: the envelope hop comes first
  env.helo = "client.example";
  env.hostname = "unknown";
  env.time = 1725357700;
  auto t = run(env, msg);
  EXPECT_EQ(first_option(*t, "RCVD"),
            "1|client.example|203.0.113.1|nil|203.0.113.1|nil|smtp|nil|nil|true|nil|true|"
            "nil|1725357700 2|filter|127.0.0.1|localhost|127.0.0.1|mx.example.net|esmtp|nil|nil|nil|nil|"
            "nil|a@example.net|1725357601"
            " 3|mail.example.jp|198.51.100.2|mail.example.jp|198.51.100.2|mx.example.net|esmtpsa|"
            "true|true|nil|nil|nil|nil|1725357600");
}

}  // namespace
}  // namespace mw::lua
