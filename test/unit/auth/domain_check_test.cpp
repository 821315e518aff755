// Domain checks (src/auth/check/domain_check.h): input normalisation, and the whole report
// (SPF tree, DMARC record with inheritance and advice, DKIM keys) over an in-memory zone.
#include "auth/check/domain_check.h"

#include <gtest/gtest.h>

#include <optional>

#include "dns/fake_resolver.h"

namespace mw::auth::check {
namespace {

// A 1024-bit RSA public key (generated for this test).
constexpr const char* kKey1024 =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5GcT3iHCv0RQjOIhklm3UpdVo0n6Wi66hyS1/mu5OKq5CUoOI8BS/"
    "3NQk/zoHfKHeOz8xD5oBny8kG/noOGWskzY8XXn4mtL0YqlK8A5DOTXF2TUXG74YnoNk01Yijh/MqwJq06+XdpzG1xRf"
    "ZnzgQA7S+KKGFoeOMYsghGA6zwIDAQAB";

TEST(DomainCheckInput, DomainsAreNormalisedAndNonDomainsRefused) {
  EXPECT_EQ(*normalize_domain("Example.COM."), "example.com");
  EXPECT_EQ(*normalize_domain(" mail.example.org "), "mail.example.org");
  EXPECT_EQ(*normalize_domain("bücher.example"), "xn--bcher-kva.example");
  for (const char* bad : {"", "localhost", "192.0.2.1", "exa mple.com", "a..b.com",
                          "-x.example.com", "x_y.example.com", "example.com/../etc",
                          "<script>.com"}) {
    auto r = normalize_domain(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_EQ(*normalize_selector("S1"), "s1");
  EXPECT_EQ(*normalize_selector("2024._sub"), "2024._sub");
  EXPECT_FALSE(normalize_selector("s 1"));
  EXPECT_FALSE(normalize_selector(""));
}

class DomainCheckTest : public ::testing::Test {
 protected:
  DomainCheckTest() : dns_(dispatcher_) {}

  DomainReport run(const std::string& domain, std::vector<std::string> selectors = {}) {
    std::optional<DomainReport> got;
    auto handle = check_domain(dispatcher_, dns_, domain, std::move(selectors), nullptr, {},
                               [&](DomainReport r) { got = std::move(r); });
    EXPECT_FALSE(got.has_value()) << "never called from inside check_domain()";
    dispatcher_.run();
    EXPECT_TRUE(got.has_value());
    return got ? std::move(*got) : DomainReport{};
  }

  core::Dispatcher dispatcher_;
  dns::FakeResolver dns_;
};

TEST_F(DomainCheckTest, ReportsSpfDmarcAndKeys) {
  dns_.add_txt("example.com", "v=spf1 include:_spf.example.com -all");
  dns_.add_txt("_spf.example.com", "v=spf1 ip4:192.0.2.0/24 -all");
  dns_.add_txt("_dmarc.example.com", "v=DMARC1; p=none; pct=50");
  dns_.add_txt("s1._domainkey.example.com", std::string("v=DKIM1; k=rsa; p=") + kKey1024);
  dns_.add_txt("bad._domainkey.example.com", "v=DKIM1; k=rsa; p=!!!");
  DomainReport r = run("example.com", {"s1", "bad", "none"});
  EXPECT_FALSE(r.dns_failed);
  EXPECT_EQ(r.spf.lookups, 1u);
  EXPECT_EQ(r.spf.root.children.size(), 1u);
  EXPECT_EQ(r.dmarc.find("status")->as_string(), "found");
  EXPECT_EQ(r.dmarc.find("policy")->as_string(), "none");
  EXPECT_EQ(r.dmarc.find("pct")->as_int(), 50);
  EXPECT_EQ(r.dmarc.find("advice")->size(), 3u);  // p=none, pct, no rua
  ASSERT_EQ(r.dkim.size(), 3u);
  const json::Value& s1 = r.dkim.items()[0];
  EXPECT_EQ(s1.find("status")->as_string(), "found");
  EXPECT_EQ(s1.find("bits")->as_int(), 1024);
  EXPECT_EQ(s1.find("algorithm")->as_string(), "rsa");
  EXPECT_NE(s1.find("advice"), nullptr);  // 1024 bits: 2048 recommended
  EXPECT_EQ(r.dkim.items()[1].find("status")->as_string(), "invalid");
  EXPECT_EQ(r.dkim.items()[2].find("status")->as_string(), "none");
  json::Value j = r.to_json();
  EXPECT_EQ(j.find("domain")->as_string(), "example.com");
  EXPECT_EQ(j.find("spf")->find("lookups")->as_int(), 1);
  std::string text = r.to_text();
  EXPECT_NE(text.find("policy none, subdomains none, pct 50"), std::string::npos) << text;
  EXPECT_NE(text.find("s1: found, rsa 1024 bits"), std::string::npos) << text;
}

TEST_F(DomainCheckTest, NoRecordsAndDnsFailures) {
  DomainReport none = run("nothing.example");
  EXPECT_EQ(none.dmarc.find("status")->as_string(), "none");
  EXPECT_FALSE(none.dns_failed);
  dns_.set_rcode("_dmarc.broken.example", dns::RrType::kTxt, dns::Rcode::kServFail);
  DomainReport broken = run("broken.example");
  EXPECT_EQ(broken.dmarc.find("status")->as_string(), "temperror");
  EXPECT_TRUE(broken.dns_failed);
}

TEST_F(DomainCheckTest, HandleDestroyedEarlyNeverCallsBack) {
  dns_.add_txt("example.com", "v=spf1 -all");
  bool called = false;
  auto handle = check_domain(dispatcher_, dns_, "example.com", {"s1"}, nullptr, {},
                             [&](DomainReport) { called = true; });
  handle.reset();
  dispatcher_.run();
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace mw::auth::check
