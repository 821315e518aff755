// Lua task methods for the authentication verdicts (lua/task_auth.cpp), with the auth module
// running SPF, DKIM, DMARC and ARC against an in-memory zone (RFC 8463's example keys).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "auth/dmarc/options.h"
#include "auth/spf/options.h"
#include "lua_test_util.h"
#include "scan/auth_module.h"

namespace mw::lua {
namespace {

using testing::LuaHarness;

// The options the app declares for SPF and DMARC (bootstrap's make_schema); no symbols.
class AuthOptions final : public scan::Module {
 public:
  std::string_view name() const override { return "auth-options"; }
  void declare_options(core::Schema& s) const override {
    auth::spf::declare_options(s);
    auth::dmarc::declare_options(s);
  }
  Status configure(scan::Engine&, core::Logger&) override { return {}; }
};

std::vector<scan::ModulePtr> auth_modules() {
  std::vector<scan::ModulePtr> m;
  m.push_back(std::make_unique<AuthOptions>());
  m.push_back(scan::make_auth_module());
  return m;
}

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(MW_SOURCE_DIR) + "/test/lua/fixtures/auth/" + name,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr const char* kProbe = R"(
  rspamd_config:register_symbol{ name = 'PROBE', type = 'postfilter', callback = function(task)
    local o = {}
    local function add(k, v) o[#o + 1] = k .. '=' .. tostring(v) end
    local spf = task:get_spf_result()
    if spf then
      add('spf', spf.result .. '|' .. spf.identity .. '|' .. spf.domain .. '|' .. spf.mechanism)
      add('spf_record', spf.record)
      add('spf_lookups', spf.lookups)
    else
      add('spf', 'nil')
    end
    local dkim = task:get_dkim_results()
    if dkim then
      local rows = {}
      for _, s in ipairs(dkim) do
        rows[#rows + 1] = s.result .. '|' .. s.reason .. '|' .. s.domain .. '|' .. s.selector ..
                          '|' .. s.algorithm .. '|' .. s.bits
      end
      table.sort(rows)
      add('dkim', table.concat(rows, ','))
    else
      add('dkim', 'nil')
    end
    local dmarc = task:get_dmarc_result()
    if dmarc then
      add('dmarc', dmarc.result .. '|' .. dmarc.from_domain .. '|' .. dmarc.policy .. '|' ..
                   dmarc.disposition .. '|spf:' .. tostring(dmarc.spf_aligned) .. '|dkim:' ..
                   tostring(dmarc.dkim_aligned))
    else
      add('dmarc', 'nil')
    end
    local arc = task:get_arc_result()
    add('arc', arc and (arc.result .. '|' .. arc.instances) or 'nil')
    add('skipped', task:get_auth_skipped())
    add('ar', task:get_authentication_results('mx.test.example'))
    return true, 1.0, o
  end }
)";

class LuaTaskAuth : public ::testing::Test {
 protected:
  LuaTaskAuth() : h_(auth_modules()) {
    auto& z = h_.resolver();
    z.add_txt("test._domainkey.football.example.com",
              "v=DKIM1; g=*; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6Np"
              "P3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1"
              "Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB");
    z.add_txt("brisbane._domainkey.football.example.com",
              "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    z.add_txt("football.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
    z.add_txt("_dmarc.football.example.com", "v=DMARC1; p=reject; rua=mailto:d@football.example.com");
    h_.rules(kProbe);
  }

  std::map<std::string, std::string> run(const std::string& message, const std::string& ip,
                                         const std::string& user = "") {
    Status st = h_.build();
    EXPECT_TRUE(st) << st.error().message;
    scan::Envelope env;
    env.ip = ip;
    env.helo = "mx.football.example.com";
    env.from = "joe@football.example.com";
    env.has_from = true;
    env.rcpts = {"suzie@shopping.example.net"};
    env.user = user;
    env.time = 1700000000;
    return h_.probe(*h_.run(message, env));
  }

  LuaHarness h_;
};

TEST_F(LuaTaskAuth, EveryVerdictOfASignedMessage) {
  auto got = run(fixture("rfc8463-signed.eml"), "192.0.2.10");
  EXPECT_EQ(got["spf"], "pass|mailfrom|football.example.com|ip4:192.0.2.0/24");
  EXPECT_EQ(got["spf_record"], "v=spf1 ip4:192.0.2.0/24 -all");
  EXPECT_EQ(got["spf_lookups"], "0");
  EXPECT_EQ(got["dkim"],
            "pass|none|football.example.com|brisbane|ed25519-sha256|256,"
            "pass|none|football.example.com|test|rsa-sha256|1024");
  EXPECT_EQ(got["dmarc"], "pass|football.example.com|reject|none|spf:true|dkim:true");
  EXPECT_EQ(got["arc"], "nil");  // no ARC fields: no chain to validate
  EXPECT_EQ(got["skipped"], "nil");
  const std::string& ar = got["ar"];
  EXPECT_EQ(ar.rfind("mx.test.example;", 0), 0u) << ar;
  EXPECT_NE(ar.find("spf=pass"), std::string::npos) << ar;
  EXPECT_NE(ar.find("dkim=pass"), std::string::npos) << ar;
  EXPECT_NE(ar.find("dmarc=pass"), std::string::npos) << ar;
}

TEST_F(LuaTaskAuth, FailuresAreReportedWithTheirReasons) {
  auto got = run(fixture("rfc8463-tampered-body.eml"), "203.0.113.99");
  EXPECT_EQ(got["spf"].substr(0, 5), "fail|") << got["spf"];
  EXPECT_NE(got["dkim"].find("fail|body_hash_mismatch|"), std::string::npos) << got["dkim"];
  EXPECT_EQ(got["dmarc"], "fail|football.example.com|reject|reject|spf:false|dkim:false");
}

TEST_F(LuaTaskAuth, AuthenticatedSendersSkipSpfAndDmarc) {
  auto got = run(fixture("unsigned.eml"), "203.0.113.5", "joe");
  EXPECT_EQ(got["spf"], "nil");
  EXPECT_EQ(got["dmarc"], "nil");
  EXPECT_NE(got["skipped"], "nil");
  EXPECT_FALSE(got["skipped"].empty());
}

TEST(LuaTaskAuthOff, WithoutTheAuthModuleEverythingIsNil) {
  LuaHarness h;  // no auth module
  h.rules(kProbe);
  ASSERT_TRUE(h.build());
  auto got = h.probe(*h.run("From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n"));
  for (const char* k : {"spf", "dkim", "dmarc", "arc", "skipped", "ar"}) {
    EXPECT_EQ(got[k], "nil") << k;
  }
}

}  // namespace
}  // namespace mw::lua
