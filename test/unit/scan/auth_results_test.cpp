// The authserv-id of Authentication-Results (scan/auth_results.h): configured, else the
// MTA's host name (milter macro j), else the request's MTA name ({daemon_name} or MTA-Name),
// else this host's name.
#include "scan/auth_results.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "engine_fixture.h"

namespace mw::scan {
namespace {

class AuthservIdTest : public test::EngineFixture {
 protected:
  void build_with(const std::string& toml) {
    schema_.add({"options.auth.authserv_id", core::OptType::kString, "\"\"", "test"});
    build(toml, [](Engine&) {});
  }
};

TEST_F(AuthservIdTest, MtaHostBeforeDaemonName) {
  build_with("");
  Envelope env;
  env.mta_name = "ORIGINATING";  // {daemon_name} of a Postfix submission service
  env.mta_host = "mx.example.org";
  auto task = run(env);
  EXPECT_EQ(authserv_id_for(*task), "mx.example.org");
  EXPECT_EQ(authserv_id_for(*task, "given.example"), "given.example");

  Envelope http_only;
  http_only.mta_name = "edge.example.org";  // MTA-Name header, no milter
  EXPECT_EQ(authserv_id_for(*run(http_only)), "edge.example.org");

  char host[256] = {0};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(authserv_id_for(*run(Envelope{})), host[0] ? std::string(host) : "localhost");
}

TEST_F(AuthservIdTest, ConfiguredWins) {
  build_with("[options.auth]\nauthserv_id = \"auth.example\"\n");
  Envelope env;
  env.mta_host = "mx.example.org";
  EXPECT_EQ(authserv_id_for(*run(env)), "auth.example");
}

}  // namespace
}  // namespace mw::scan
