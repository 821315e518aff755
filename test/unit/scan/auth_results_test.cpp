// The Authentication-Results identity of a scan (issues 16, 17): which authserv-id we write, and
// which of the message's Authentication-Results fields are ours to replace (RFC 8601
// section 5: only those claiming our authserv-id; other ADMDs' fields stay).
#include "scan/auth_results.h"

#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace mw::scan {
namespace {

class AuthResultsTest : public test::EngineFixture {
 protected:
  AuthResultsTest() {
    // Declared by the auth module in the daemon.
    schema_.add({"options.auth.authserv_id", core::OptType::kString, "\"\"", "authserv-id"});
  }
};

constexpr const char* kWithResults =
    "Authentication-Results: (forged) scanner.example.net; spf=pass\r\n"
    "Authentication-Results: mx.other.example; dkim=pass header.d=other.example\r\n"
    "Received: from a by b\r\n"
    "Authentication-Results: SCANNER.example.NET 1; dmarc=pass\r\n"
    "Authentication-Results: \"scanner.example.net\"; arc=none\r\n"
    "Authentication-Results: scanner.example.network; spf=none\r\n"
    "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n";

TEST_F(AuthResultsTest, OnlyFieldsClaimingOurAuthservIdAreOurs) {
  build("[options]\nhostname = \"scanner.example.net\"\n", [](Engine&) {});
  auto t = run({}, kWithResults);
  std::string id = authserv_id_for(*t);
  EXPECT_EQ(id, "scanner.example.net");
  EXPECT_EQ(own_authentication_results(*t, id), (std::vector<uint32_t>{1, 3, 4}));
  EXPECT_EQ(own_authentication_results(*t, "mx.other.example"), (std::vector<uint32_t>{2}));
  EXPECT_TRUE(own_authentication_results(*t, "nobody.example").empty());
}

TEST_F(AuthResultsTest, AuthservIdOrder) {
  build("[options]\nhostname = \"scanner.example.net\"\n", [](Engine&) {});
  Envelope env;
  env.mta_name = "mx1.example.net";
  EXPECT_EQ(authserv_id_for(*run(env)), "mx1.example.net");  // the MTA's name first
  EXPECT_EQ(authserv_id_for(*run(env), "given.example"), "given.example");
  EXPECT_EQ(authserv_id_for(*run()), "scanner.example.net");  // no MTA name: options.hostname
  build("[options]\nhostname = \"scanner.example.net\"\n"
        "[options.auth]\nauthserv_id = \"auth.example.net\"\n", [](Engine&) {});
  EXPECT_EQ(authserv_id_for(*run(env)), "auth.example.net");  // configured: first of all
  // Nothing configured: the machine's name, never empty.
  build("", [](Engine&) {});
  EXPECT_FALSE(authserv_id_for(*run()).empty());
}
// The MTA's host name (milter macro j) comes before {daemon_name}, which often names a
// service ("ORIGINATING") rather than a host (issue 16).
TEST_F(AuthResultsTest, MtaHostBeforeDaemonName) {
  build("[options]\nhostname = \"scanner.example.net\"\n", [](Engine&) {});
  Envelope env;
  env.mta_name = "ORIGINATING";  // {daemon_name} of a Postfix submission service
  env.mta_host = "mx.example.org";
  EXPECT_EQ(authserv_id_for(*run(env)), "mx.example.org");
  EXPECT_EQ(authserv_id_for(*run(env), "given.example"), "given.example");
  build("[options.auth]\nauthserv_id = \"auth.example\"\n", [](Engine&) {});
  EXPECT_EQ(authserv_id_for(*run(env)), "auth.example");  // configured wins
}

}  // namespace
}  // namespace mw::scan
