// Lua task methods about the envelope and the request (lua/task_envelope.cpp).
#include <gtest/gtest.h>

#include "lua_test_util.h"

namespace mw::lua {
namespace {

using testing::kRichMessage;
using testing::LuaHarness;

constexpr const char* kProbe = R"(
  local function addrs(list)
    if list == nil then return 'nil' end
    local out = {}
    for _, a in ipairs(list) do
      out[#out + 1] = a.addr .. '|' .. a.user .. '|' .. a.domain .. '|' .. a.name
    end
    return table.concat(out, ',')
  end
  rspamd_config.PROBE = { callback = function(task)
    local o = {}
    local function add(k, v) o[#o + 1] = k .. '=' .. tostring(v) end
    add('from_smtp', addrs(task:get_from('smtp')))
    add('from_mime', addrs(task:get_from('mime')))
    add('from_any', addrs(task:get_from()))
    add('from_1', addrs(task:get_from(1)))
    add('from_2', addrs(task:get_from(2)))
    add('rcpt_smtp', addrs(task:get_recipients('envelope')))
    add('rcpt_mime', addrs(task:get_recipients('header')))
    add('rcpt_any', addrs(task:get_recipients()))
    add('principal', task:get_principal_recipient())
    add('user', task:get_user())
    add('auth', task:is_authenticated())
    add('helo', task:get_helo())
    add('hostname', task:get_hostname())
    add('queue_id', task:get_queue_id())
    add('settings_id', task:get_settings_id())
    add('mta', task:get_mta_name())
    local ip = task:get_from_ip()
    add('ip', ip and ip:to_string())
    add('client_ip', task:get_client_ip() and task:get_client_ip():to_string())
    add('hdr', task:get_request_header('x-tenant'))
    add('hdr_missing', task:get_request_header('X-None'))
    add('size', task:get_size())
    add('time', string.format('%d', task:get_time()))
    add('timeval', string.format('%d', task:get_timeval()))
    return true, 1.0, o
  end }
)";

TEST(LuaTaskEnvelope, AFullEnvelope) {
  LuaHarness h;
  h.rules(kProbe);
  ASSERT_TRUE(h.build());
  scan::Envelope env;
  env.from = "Bounce@Example.ORG";
  env.has_from = true;
  env.rcpts = {"x@example.net", "y@example.com"};
  env.deliver_to = "final@example.net";
  env.user = "taro";
  env.helo = "mx.example.org";
  env.hostname = "mx.example.org";
  env.queue_id = "4711ABC";
  env.settings_id = "quiet";
  env.mta_name = "mx1";
  env.ip = "192.0.2.7";
  env.request_headers = {{"X-Tenant", "blue"}};
  env.time = 1800000000.5;
  std::string msg = kRichMessage;
  auto got = h.probe(*h.run(msg, env));
  EXPECT_EQ(got["from_smtp"], "Bounce@Example.ORG|Bounce|example.org|");  // domain lower-cased
  EXPECT_EQ(got["from_mime"], "taro@example.jp|taro|example.jp|Taro Yamada");
  EXPECT_EQ(got["from_any"], got["from_smtp"]);  // the envelope first
  EXPECT_EQ(got["from_1"], got["from_smtp"]);
  EXPECT_EQ(got["from_2"], got["from_mime"]);
  EXPECT_EQ(got["rcpt_smtp"], "x@example.net|x|example.net|,y@example.com|y|example.com|");
  EXPECT_EQ(got["rcpt_mime"],
            "a@example.net|a|example.net|,b@example.net|b|example.net|B,"
            "c@example.com|c|example.com|");  // To then Cc
  EXPECT_EQ(got["rcpt_any"], got["rcpt_smtp"]);
  EXPECT_EQ(got["principal"], "final@example.net");
  EXPECT_EQ(got["user"], "taro");
  EXPECT_EQ(got["auth"], "true");
  EXPECT_EQ(got["helo"], "mx.example.org");
  EXPECT_EQ(got["hostname"], "mx.example.org");
  EXPECT_EQ(got["queue_id"], "4711ABC");
  EXPECT_EQ(got["settings_id"], "quiet");
  EXPECT_EQ(got["mta"], "mx1");
  EXPECT_EQ(got["ip"], "192.0.2.7");
  EXPECT_EQ(got["client_ip"], "192.0.2.7");
  EXPECT_EQ(got["hdr"], "blue");
  EXPECT_EQ(got["hdr_missing"], "nil");
  EXPECT_EQ(got["size"], std::to_string(msg.size()));
  EXPECT_EQ(got["time"], "1800000000");
  EXPECT_EQ(got["timeval"], "1800000000");
}

TEST(LuaTaskEnvelope, AnEmptyEnvelopeFallsBackToTheMessage) {
  LuaHarness h;
  h.rules(kProbe);
  ASSERT_TRUE(h.build());
  scan::Envelope env;
  env.hostname = "unknown";  // no verified reverse name
  auto got = h.probe(*h.run(kRichMessage, env));
  EXPECT_EQ(got["from_smtp"], "nil");
  EXPECT_EQ(got["from_any"], got["from_mime"]);
  EXPECT_EQ(got["rcpt_smtp"], "nil");
  EXPECT_EQ(got["rcpt_any"], got["rcpt_mime"]);
  EXPECT_EQ(got["principal"], "a@example.net");  // the first To
  // The client comes from the message's only Received field (scan/received_chain.h).
  EXPECT_EQ(got["helo"], "mx.example.org");
  EXPECT_EQ(got["ip"], "192.0.2.7");
  EXPECT_EQ(got["client_ip"], "192.0.2.7");
  for (const char* k : {"user", "hostname", "queue_id", "settings_id", "mta"}) {
    EXPECT_EQ(got[k], "nil") << k;
  }
  EXPECT_EQ(got["auth"], "false");
}

TEST(LuaTaskEnvelope, TheNullSenderIsAnEnvelopeFrom) {
  LuaHarness h;
  h.rules(kProbe);
  ASSERT_TRUE(h.build());
  scan::Envelope env;
  env.has_from = true;  // MAIL FROM:<>
  auto got = h.probe(*h.run(kRichMessage, env));
  EXPECT_EQ(got["from_smtp"], "|||");
  EXPECT_EQ(got["from_any"], "|||");
}

}  // namespace
}  // namespace mw::lua
