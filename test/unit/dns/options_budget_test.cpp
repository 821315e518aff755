#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "dns/budget_resolver.h"
#include "dns/fake_resolver.h"
#include "dns/options.h"
#include "test_util.h"

namespace mw::dns {
namespace {

namespace fs = std::filesystem;
using testing::run_for;
using testing::run_until;

uint16_t port_of(const Nameserver& ns) {
  if (ns.addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&ns.addr)->sin_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in6*>(&ns.addr)->sin6_port);
}

TEST(ParseNameserver, Forms) {
  auto v4 = parse_nameserver("127.0.0.1:5353");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->addr.ss_family, AF_INET);
  EXPECT_EQ(port_of(*v4), 5353);
  EXPECT_EQ(v4->text, "127.0.0.1:5353");
  auto bare = parse_nameserver(" 192.0.2.53 ");
  ASSERT_TRUE(bare);
  EXPECT_EQ(port_of(*bare), 53);
  auto v6 = parse_nameserver("[::1]:53");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->addr.ss_family, AF_INET6);
  EXPECT_EQ(v6->text, "[::1]:53");
  auto v6bare = parse_nameserver("2001:db8::53");
  ASSERT_TRUE(v6bare);
  EXPECT_EQ(port_of(*v6bare), 53);
  auto v6brackets = parse_nameserver("[2001:db8::53]");
  ASSERT_TRUE(v6brackets);
  EXPECT_EQ(port_of(*v6brackets), 53);
  for (const char* bad : {"", "dns.example.com", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000",
                          "127.0.0.1:53x", "[::1", "[::1]x", "[::1]:", "300.1.1.1", "[]:53"}) {
    EXPECT_FALSE(parse_nameserver(bad)) << bad;
  }
}

TEST(ResolvConf, Parses) {
  auto rc = parse_resolv_conf(
      "# comment\n"
      "search example.com\n"
      "nameserver 192.0.2.1\n"
      "nameserver   2001:db8::1  ; trailing comment\n"
      "options ndots:2 timeout:3 attempts:9 rotate\n"
      "nameserver\n");
  EXPECT_EQ(rc.nameservers, (std::vector<std::string>{"192.0.2.1", "2001:db8::1"}));
  EXPECT_EQ(rc.timeout, 3.0);
  EXPECT_EQ(rc.attempts, 5);  // capped like glibc
  auto empty = parse_resolv_conf("options timeout:x attempts:0\n");
  EXPECT_TRUE(empty.nameservers.empty());
  EXPECT_FALSE(empty.timeout);
  EXPECT_FALSE(empty.attempts);
}

struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& text) {
    char tmpl[] = "/tmp/mwdnsXXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    path = tmpl;
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
};

class DnsOptions : public ::testing::Test {
 protected:
  void SetUp() override { declare_options(schema_); }
  core::ConfigPtr load(const std::string& toml) {
    std::vector<core::ConfigIssue> issues;
    auto c = core::Config::from_string(schema_, toml, issues);
    EXPECT_TRUE(c) << (issues.empty() ? "" : issues[0].to_string());
    return c ? *c : nullptr;
  }
  core::Schema schema_;
};

TEST_F(DnsOptions, Defaults) {
  TempFile resolv("nameserver 192.0.2.7\n");
  auto cfg = load("");
  auto rc = config_from(*cfg, "", resolv.path.string());
  ASSERT_TRUE(rc) << rc.error().to_string();
  ASSERT_EQ(rc->nameservers.size(), 1u);
  EXPECT_EQ(rc->nameservers[0].text, "192.0.2.7:53");
  EXPECT_DOUBLE_EQ(rc->timeout, 1.0);
  EXPECT_EQ(rc->retransmits, 2);
  EXPECT_EQ(rc->cache_size, 4096u);
  EXPECT_EQ(rc->max_ttl, 86400u);
  EXPECT_EQ(rc->max_negative_ttl, 600u);
  EXPECT_EQ(rc->edns_payload, 1232);
  EXPECT_EQ(rc->max_lookups_per_task, 64u);
}

TEST_F(DnsOptions, ConfigValues) {
  auto cfg = load(
      "[options.dns]\n"
      "nameserver = [\"127.0.0.1:5353\", \"[::1]:53\"]\n"
      "timeout = \"250ms\"\n"
      "retransmits = 4\n"
      "cache_size = 10\n"
      "max_ttl = \"1h\"\n"
      "max_negative_ttl = \"30s\"\n"
      "edns_payload = 0\n"
      "max_lookups_per_task = 0\n");
  auto rc = config_from(*cfg, "");
  ASSERT_TRUE(rc) << rc.error().to_string();
  ASSERT_EQ(rc->nameservers.size(), 2u);
  EXPECT_EQ(rc->nameservers[0].text, "127.0.0.1:5353");
  EXPECT_EQ(rc->nameservers[1].text, "[::1]:53");
  EXPECT_DOUBLE_EQ(rc->timeout, 0.25);
  EXPECT_EQ(rc->retransmits, 4);
  EXPECT_EQ(rc->cache_size, 10u);
  EXPECT_EQ(rc->max_ttl, 3600u);
  EXPECT_EQ(rc->max_negative_ttl, 30u);
  EXPECT_EQ(rc->edns_payload, 0);
  EXPECT_EQ(rc->max_lookups_per_task, 0u);
}

TEST_F(DnsOptions, OverrideWins) {
  auto cfg = load("[options.dns]\nnameserver = [\"127.0.0.1:5353\"]\n");
  auto rc = config_from(*cfg, "192.0.2.9:5300");
  ASSERT_TRUE(rc);
  ASSERT_EQ(rc->nameservers.size(), 1u);
  EXPECT_EQ(rc->nameservers[0].text, "192.0.2.9:5300");
  auto two = config_from(*cfg, "192.0.2.9:5300,[::1]:5301");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->nameservers.size(), 2u);
  EXPECT_FALSE(config_from(*cfg, "not-an-address"));
}

TEST_F(DnsOptions, ResolvConfOptionsApplyUnlessConfigured) {
  TempFile resolv("nameserver 192.0.2.1\nnameserver 192.0.2.2\noptions timeout:3 attempts:2\n");
  auto rc = config_from(*load(""), "", resolv.path.string());
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->nameservers.size(), 2u);
  EXPECT_DOUBLE_EQ(rc->timeout, 3.0);
  EXPECT_EQ(rc->retransmits, 4);  // attempts x servers
  auto own = config_from(*load("[options.dns]\ntimeout = \"2s\"\nretransmits = 3\n"), "",
                         resolv.path.string());
  ASSERT_TRUE(own);
  EXPECT_DOUBLE_EQ(own->timeout, 2.0);
  EXPECT_EQ(own->retransmits, 3);
}

TEST_F(DnsOptions, FallsBackToLocalhost) {
  TempFile resolv("search example.com\nnameserver bogus.name\n");
  auto rc = config_from(*load(""), "", resolv.path.string());
  ASSERT_TRUE(rc);
  ASSERT_EQ(rc->nameservers.size(), 1u);
  EXPECT_EQ(rc->nameservers[0].text, "127.0.0.1:53");
  auto missing = config_from(*load(""), "", "/nonexistent/resolv.conf");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->nameservers[0].text, "127.0.0.1:53");
}

TEST_F(DnsOptions, BadValuesAreErrors) {
  EXPECT_FALSE(config_from(*load("[options.dns]\nnameserver = [\"dns.google\"]\n"), ""));
  EXPECT_FALSE(config_from(*load("[options.dns]\nedns_payload = 100\n"), ""));
  // Out-of-range values are caught by the schema when the configuration loads.
  std::vector<core::ConfigIssue> issues;
  EXPECT_FALSE(core::Config::from_string(schema_, "[options.dns]\nretransmits = 0\n", issues));
  EXPECT_FALSE(core::Config::from_string(schema_, "[options.dns]\ntimeout = \"5m\"\n", issues));
}

class Budget : public ::testing::Test {
 protected:
  void SetUp() override {
    zone_.add_a("a.example", "192.0.2.1");
    zone_.add_txt("t.example", "hello");
  }
  core::Dispatcher d_;
  FakeResolver zone_{d_};
};

TEST_F(Budget, ForwardsUntilSpentThenRefusesAsynchronously) {
  BudgetResolver b(d_, zone_, 2);
  std::vector<Rcode> got;
  auto cb = [&](const Reply& r) { got.push_back(r.rcode); };
  auto h1 = b.resolve("a.example", RrType::kA, cb);
  auto h2 = b.resolve("t.example", RrType::kTxt, cb);
  EXPECT_TRUE(b.exhausted());
  auto h3 = b.resolve("a.example", RrType::kA, cb);
  EXPECT_TRUE(got.empty());  // nothing delivered inside resolve()
  ASSERT_TRUE(run_until(d_, [&] { return got.size() == 3; }));
  EXPECT_EQ(std::count(got.begin(), got.end(), Rcode::kNoError), 2);
  EXPECT_EQ(std::count(got.begin(), got.end(), Rcode::kBudget), 1);
  EXPECT_EQ(zone_.queries().size(), 2u);  // the third never reached the resolver
  EXPECT_EQ(b.used(), 2u);
  EXPECT_EQ(b.refused(), 1u);
}

TEST_F(Budget, RefusedAnswerCanBeCancelled) {
  BudgetResolver b(d_, zone_, 1);
  int calls = 0;
  auto h1 = b.resolve("a.example", RrType::kA, [&](const Reply&) { ++calls; });
  auto h2 = b.resolve("a.example", RrType::kA, [&](const Reply&) { ++calls; });
  h2.reset();
  auto h3 = b.resolve("a.example", RrType::kA, [&](const Reply&) { ++calls; });
  h3->cancel();
  run_for(d_, 0.05);
  EXPECT_EQ(calls, 1);
}

TEST_F(Budget, DestroyedBudgetResolverCancelsRefusals) {
  int calls = 0;
  RequestPtr h;
  {
    BudgetResolver b(d_, zone_, 1);
    auto first = b.resolve("a.example", RrType::kA, [&](const Reply&) { ++calls; });
    first.reset();
    h = b.resolve("a.example", RrType::kA, [&](const Reply&) { ++calls; });
  }
  run_for(d_, 0.05);
  EXPECT_EQ(calls, 0);
}

TEST_F(Budget, ZeroMeansUnlimited) {
  BudgetResolver b(d_, zone_, 0);
  int ok = 0;
  std::vector<RequestPtr> handles;
  for (int i = 0; i < 500; ++i) {
    handles.push_back(b.resolve("a.example", RrType::kA, [&](const Reply& r) {
      if (r.rcode == Rcode::kNoError) ++ok;
    }));
  }
  ASSERT_TRUE(run_until(d_, [&] { return ok == 500; }));
  EXPECT_FALSE(b.exhausted());
}

}  // namespace
}  // namespace mw::dns
