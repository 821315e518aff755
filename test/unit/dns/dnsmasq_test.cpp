// UdpResolver against a real server: dnsmasq (Debian package) on a free loopback port,
// authoritative for a few local records, started and stopped by this test (by its own PID).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dns/udp_resolver.h"
#include "need_tool.h"
#include "test_util.h"

namespace mw::dns {
namespace {

namespace fs = std::filesystem;
using testing::run_until;

constexpr char kDnsmasq[] = "/usr/sbin/dnsmasq";

// A loopback port free for both UDP and TCP right now.
uint16_t free_port() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    int u = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(u, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
      ::close(u);
      continue;
    }
    socklen_t len = sizeof(sa);
    ::getsockname(u, reinterpret_cast<sockaddr*>(&sa), &len);
    int t = ::socket(AF_INET, SOCK_STREAM, 0);
    bool ok = ::bind(t, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
    ::close(t);
    ::close(u);
    if (ok) return ntohs(sa.sin_port);
  }
  return 0;
}

class Dnsmasq : public ::testing::Test {
 protected:
  void SetUp() override {
    MW_NEED_TOOL(::access(kDnsmasq, X_OK) == 0, "dnsmasq is not installed");
    char tmpl[] = "/tmp/mwdnsmasqXXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) start();
    MW_NEED_TOOL(pid_ > 0, "dnsmasq could not be started");
  }

  void TearDown() override {
    stop();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void start() {
    port_ = free_port();
    if (port_ == 0) return;
    std::vector<std::string> args = {
        kDnsmasq,
        "--keep-in-foreground",
        "--conf-file=/dev/null",
        "--port=" + std::to_string(port_),
        "--listen-address=127.0.0.1",
        "--bind-interfaces",
        "--no-resolv",
        "--no-hosts",
        "--no-negcache",
        "--pid-file=" + (dir_ / "dnsmasq.pid").string(),
        "--user=root",
        "--local-ttl=60",
        "--dns-forward-max=1000",
        "--log-facility=" + (dir_ / "dnsmasq.log").string(),
        "--address=/a.mw.test/192.0.2.10",
        "--address=/nx.mw.test/",
        "--host-record=host.mw.test,192.0.2.20,2001:db8::20",
        "--cname=alias.mw.test,host.mw.test",
        "--mx-host=mx.mw.test,mail.mw.test,10",
        "--local=/mw.test/",  // other names below mw.test: NXDOMAIN, not REFUSED
        // On the command line each comma starts another character-string (no quoting).
        "--txt-record=txt.mw.test,v=spf1 ip4:192.0.2.0/24 ,-all",
        "--txt-record=_dmarc.mw.test,v=DMARC1; p=reject",
        "--ptr-record=10.2.0.192.in-addr.arpa,a.mw.test",
        "--txt-record=xn--bcher-kva.mw.test,idn",
    };
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
      // Do not outlive this test process, however it ends.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      ::execv(kDnsmasq, argv.data());
      ::_exit(127);
    }
    if (pid < 0) return;
    pid_ = pid;
    // Ready when it answers; gone if it exited (port taken, bad option).
    auto probe = make(0.1, 1, 0);  // refused while dnsmasq starts: keep asking
    for (int i = 0; i < 50; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::optional<Reply> got;
      auto h = probe->resolve("a.mw.test", RrType::kA, [&](const Reply& r) { got = r; });
      run_until(d_, [&] { return got.has_value(); }, 1);
      if (got && got->rcode == Rcode::kNoError) return;
      testing::run_for(d_, 0.1);  // not listening yet
    }
    stop();
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) ::usleep(20000);
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

  std::unique_ptr<UdpResolver> make(double timeout = 1, int tries = 2, double dead_time = 5) {
    ResolverConfig c;
    c.nameservers.push_back(*parse_nameserver("127.0.0.1:" + std::to_string(port_)));
    c.timeout = timeout;
    c.retransmits = tries;
    c.dead_time = dead_time;
    auto r = UdpResolver::create(d_, c, log_);
    return r ? std::move(*r) : nullptr;
  }

  Reply lookup(Resolver& r, std::string_view name, RrType type) {
    std::optional<Reply> got;
    auto h = r.resolve(name, type, [&](const Reply& reply) { got = reply; });
    EXPECT_TRUE(run_until(d_, [&] { return got.has_value(); }, 5)) << name;
    return got.value_or(Reply{Rcode::kNetError});
  }

  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  fs::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

std::vector<std::string> texts(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& rec : r.answers) out.push_back(rec.text);
  return out;
}

TEST_F(Dnsmasq, AddressRecords) {
  auto r = make();
  Reply a = lookup(*r, "a.mw.test", RrType::kA);
  ASSERT_EQ(a.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(a), std::vector<std::string>{"192.0.2.10"});
  // --address covers subdomains too.
  EXPECT_EQ(texts(lookup(*r, "deep.sub.a.mw.test", RrType::kA)),
            std::vector<std::string>{"192.0.2.10"});
  Reply v6 = lookup(*r, "host.mw.test", RrType::kAaaa);
  ASSERT_EQ(v6.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(v6), std::vector<std::string>{"2001:db8::20"});
}

TEST_F(Dnsmasq, TxtMxPtrCname) {
  auto r = make();
  Reply txt = lookup(*r, "TXT.mw.test", RrType::kTxt);
  ASSERT_EQ(txt.rcode, Rcode::kNoError);
  ASSERT_EQ(txt.answers.size(), 1u);
  EXPECT_EQ(txt.answers[0].strings,
            (std::vector<std::string>{"v=spf1 ip4:192.0.2.0/24 ", "-all"}));
  EXPECT_EQ(txt.answers[0].text, "v=spf1 ip4:192.0.2.0/24 -all");
  EXPECT_EQ(texts(lookup(*r, "_dmarc.mw.test", RrType::kTxt)),
            std::vector<std::string>{"v=DMARC1; p=reject"});
  Reply mx = lookup(*r, "mx.mw.test", RrType::kMx);
  ASSERT_EQ(mx.answers.size(), 1u);
  EXPECT_EQ(mx.answers[0].preference, 10);
  EXPECT_EQ(mx.answers[0].text, "mail.mw.test");
  EXPECT_EQ(texts(lookup(*r, "10.2.0.192.in-addr.arpa", RrType::kPtr)),
            std::vector<std::string>{"a.mw.test"});
  Reply alias = lookup(*r, "alias.mw.test", RrType::kA);
  ASSERT_EQ(alias.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(alias), std::vector<std::string>{"192.0.2.20"});
  EXPECT_EQ(alias.answers[0].name, "host.mw.test");
}

TEST_F(Dnsmasq, NegativeAnswersAndCache) {
  auto r = make();
  EXPECT_EQ(lookup(*r, "x.nx.mw.test", RrType::kA).rcode, Rcode::kNxDomain);
  EXPECT_EQ(lookup(*r, "unknown.mw.test", RrType::kA).rcode, Rcode::kNxDomain);
  // A name dnsmasq knows, a type it has nothing for: NODATA.
  Reply nodata = lookup(*r, "host.mw.test", RrType::kMx);
  EXPECT_EQ(nodata.rcode, Rcode::kNoError);
  EXPECT_TRUE(nodata.answers.empty());
  // Positive answers carry --local-ttl and come from the cache the second time.
  Reply first = lookup(*r, "a.mw.test", RrType::kA);
  EXPECT_EQ(first.answers.at(0).ttl, 60u);
  EXPECT_TRUE(lookup(*r, "a.mw.test", RrType::kA).from_cache);
  EXPECT_EQ(r->stats().queries, 4u);
  // dnsmasq's negative answers carry no SOA: not cached (RFC 2308 section 5).
  EXPECT_FALSE(lookup(*r, "x.nx.mw.test", RrType::kA).from_cache);
  EXPECT_EQ(r->stats().queries, 5u);
}

TEST_F(Dnsmasq, IdnName) {
  auto r = make();
  Reply txt = lookup(*r, "b\xC3\xBC" "cher.mw.test", RrType::kTxt);
  ASSERT_EQ(txt.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(txt), std::vector<std::string>{"idn"});
}

TEST_F(Dnsmasq, NotServedNamesAreRefusedOrFailed) {
  // Without upstream servers dnsmasq cannot answer other names: a temporary error.
  auto r = make(0.5, 1);
  Reply reply = lookup(*r, "example.invalid.", RrType::kA);
  EXPECT_TRUE(is_temporary(reply.rcode)) << rcode_name(reply.rcode);
}

TEST_F(Dnsmasq, ManyLookupsInParallel) {
  auto r = make();
  std::vector<RequestPtr> handles;
  int ok = 0;
  for (int i = 0; i < 100; ++i) {
    handles.push_back(r->resolve("n" + std::to_string(i) + ".a.mw.test", RrType::kA,
                                 [&](const Reply& x) {
                                   if (x.rcode == Rcode::kNoError && x.answers.size() == 1) ++ok;
                                 }));
  }
  EXPECT_TRUE(run_until(d_, [&] { return ok == 100; }, 10));
  EXPECT_EQ(ok, 100);
}

}  // namespace
}  // namespace mw::dns
