#include "dns/udp_resolver.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "fake_dns_server.h"
#include "test_util.h"

namespace mw::dns {
namespace {

using testing::Behavior;
using testing::FakeDnsServer;
using testing::run_for;
using testing::run_until;

constexpr char kSoa[] = "test. 3600 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60";

// "127.0.0.1:PORT" of a UDP port nobody listens on (bound, then closed).
std::string closed_udp_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) ADD_FAILURE() << "bind";
  socklen_t len = sizeof(sa);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(sa.sin_port));
}

class UdpResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("MW_DNS_TEST_DEBUG") != nullptr) log_.set_level(core::LogLevel::kDebug);
    server_ = std::make_unique<FakeDnsServer>(d_);
    ASSERT_TRUE(server_->ok());
    const char* zone[] = {
        kSoa,
        "a.test. 300 IN A 192.0.2.1",
        "a.test. 300 IN A 192.0.2.2",
        "a.test. 300 IN AAAA 2001:db8::1",
        "txt.test. 300 IN TXT \"v=spf1 \" \"include:_spf.test \" \"-all\"",
        "mx.test. 300 IN MX 10 mail1.test.",
        "mx.test. 300 IN MX 20 Mail2.Test.",
        "1.2.0.192.in-addr.arpa. 300 IN PTR a.test.",
        "WWW.test. 300 IN CNAME alias.test.",
        "alias.test. 60 IN CNAME a.test.",
        "dangling.test. 300 IN CNAME nothing.test.",
        "short.test. 2 IN A 192.0.2.9",
        "nodata.test. 300 IN A 192.0.2.3",
        "xn--bcher-kva.test. 300 IN A 192.0.2.4",
        "slow.test. 300 IN A 192.0.2.5",
        "other.test. 300 IN A 192.0.2.6",
    };
    for (const char* rr : zone) ASSERT_TRUE(server_->add(rr)) << rr;
    // A TXT record set far larger than 1232 bytes: UDP replies get truncated.
    std::string big = "big.test. 300 IN TXT";
    for (int i = 0; i < 8; ++i) big += " \"" + std::string(250, static_cast<char>('a' + i)) + "\"";
    ASSERT_TRUE(server_->add(big));
  }

  ResolverConfig config(std::vector<std::string> servers = {}) {
    ResolverConfig c;
    if (servers.empty()) servers.push_back(server_->address());
    for (const auto& s : servers) c.nameservers.push_back(*parse_nameserver(s));
    c.timeout = 0.2;
    c.retransmits = 2;
    return c;
  }

  std::unique_ptr<UdpResolver> make(ResolverConfig c) {
    auto r = UdpResolver::create(d_, std::move(c), log_, [this] { return now_; });
    EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
    return r ? std::move(*r) : nullptr;
  }

  Reply lookup(Resolver& r, std::string_view name, RrType type, double wait = 5) {
    std::optional<Reply> got;
    int calls = 0;
    auto handle = r.resolve(name, type, [&](const Reply& reply) {
      got = reply;
      ++calls;
    });
    EXPECT_FALSE(got.has_value()) << "callback ran inside resolve()";
    EXPECT_TRUE(run_until(d_, [&] { return got.has_value(); }, wait)) << name;
    EXPECT_LE(calls, 1);
    if (!got) {
      Reply none;
      none.rcode = Rcode::kNetError;
      return none;
    }
    return *got;
  }

  core::Dispatcher d_;
  core::Logger log_{core::LogLevel::kSilent};
  double now_ = 1000;
  std::unique_ptr<FakeDnsServer> server_;
};

std::vector<std::string> texts(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& rec : r.answers) out.push_back(rec.text);
  return out;
}

TEST_F(UdpResolverTest, AnswersA) {
  auto r = make(config());
  Reply reply = lookup(*r, "A.Test.", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(reply), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(reply.answers[0].name, "a.test");
  EXPECT_EQ(reply.answers[0].family, 4);
  EXPECT_EQ(reply.answers[0].addr[3], 1);
  EXPECT_EQ(reply.answers[0].ttl, 300u);
  EXPECT_FALSE(reply.from_cache);
  // The query on the wire: RD set, EDNS0 with the default payload size, lower-case name.
  ASSERT_EQ(server_->seen().size(), 1u);
  EXPECT_EQ(server_->seen()[0].name, "a.test");
  EXPECT_TRUE(server_->seen()[0].rd);
  EXPECT_TRUE(server_->seen()[0].edns);
  EXPECT_EQ(server_->seen()[0].edns_size, 1232);
}

TEST_F(UdpResolverTest, AnswersAaaa) {
  auto r = make(config());
  Reply reply = lookup(*r, "a.test", RrType::kAaaa);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  ASSERT_EQ(reply.answers.size(), 1u);
  EXPECT_EQ(reply.answers[0].text, "2001:db8::1");
  EXPECT_EQ(reply.answers[0].family, 6);
  EXPECT_EQ(reply.answers[0].addr[0], 0x20);
  EXPECT_EQ(reply.answers[0].addr[15], 1);
}

TEST_F(UdpResolverTest, TxtStringsKeptApartAndJoined) {
  auto r = make(config());
  Reply reply = lookup(*r, "txt.test", RrType::kTxt);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  ASSERT_EQ(reply.answers.size(), 1u);
  EXPECT_EQ(reply.answers[0].strings,
            (std::vector<std::string>{"v=spf1 ", "include:_spf.test ", "-all"}));
  EXPECT_EQ(reply.answers[0].text, "v=spf1 include:_spf.test -all");
}

TEST_F(UdpResolverTest, MxWithPreferences) {
  auto r = make(config());
  Reply reply = lookup(*r, "mx.test", RrType::kMx);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  ASSERT_EQ(reply.answers.size(), 2u);
  EXPECT_EQ(reply.answers[0].preference, 10);
  EXPECT_EQ(reply.answers[0].text, "mail1.test");
  EXPECT_EQ(reply.answers[1].preference, 20);
  EXPECT_EQ(reply.answers[1].text, "mail2.test");  // lower-cased, no trailing dot
}

TEST_F(UdpResolverTest, Ptr) {
  auto r = make(config());
  Reply reply = lookup(*r, "1.2.0.192.in-addr.arpa", RrType::kPtr);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(reply), std::vector<std::string>{"a.test"});
}

TEST_F(UdpResolverTest, CnameChainFollowed) {
  auto r = make(config());
  Reply reply = lookup(*r, "www.test", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(reply), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(reply.answers[0].name, "a.test");
  // Asking for the CNAME itself gives the first link.
  Reply cname = lookup(*r, "www.test", RrType::kCname);
  ASSERT_EQ(cname.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(cname), std::vector<std::string>{"alias.test"});
}

TEST_F(UdpResolverTest, NxDomainAndNoData) {
  auto r = make(config());
  EXPECT_EQ(lookup(*r, "missing.test", RrType::kA).rcode, Rcode::kNxDomain);
  Reply nodata = lookup(*r, "nodata.test", RrType::kTxt);
  EXPECT_EQ(nodata.rcode, Rcode::kNoError);
  EXPECT_TRUE(nodata.answers.empty());
  // A CNAME to a name that does not exist: NXDOMAIN, no records of the asked type.
  Reply dangling = lookup(*r, "dangling.test", RrType::kA);
  EXPECT_EQ(dangling.rcode, Rcode::kNxDomain);
  EXPECT_TRUE(dangling.answers.empty());
}

TEST_F(UdpResolverTest, NegativeAnswersAreCached) {
  auto r = make(config());
  EXPECT_EQ(lookup(*r, "missing.test", RrType::kA).rcode, Rcode::kNxDomain);
  Reply again = lookup(*r, "missing.test", RrType::kA);
  EXPECT_EQ(again.rcode, Rcode::kNxDomain);
  EXPECT_TRUE(again.from_cache);
  EXPECT_EQ(lookup(*r, "nodata.test", RrType::kTxt).rcode, Rcode::kNoError);
  Reply nodata = lookup(*r, "nodata.test", RrType::kTxt);
  EXPECT_TRUE(nodata.from_cache);
  EXPECT_TRUE(nodata.answers.empty());
  EXPECT_EQ(server_->count("missing.test"), 1);
  EXPECT_EQ(server_->count("nodata.test"), 1);
  // SOA MINIMUM is 60 s: after that the question goes out again.
  now_ += 61;
  EXPECT_FALSE(lookup(*r, "missing.test", RrType::kA).from_cache);
  EXPECT_EQ(server_->count("missing.test"), 2);
}

TEST_F(UdpResolverTest, NegativeTtlCappedByConfig) {
  auto c = config();
  c.max_negative_ttl = 10;
  auto r = make(c);
  lookup(*r, "missing.test", RrType::kA);
  now_ += 9;
  EXPECT_TRUE(lookup(*r, "missing.test", RrType::kA).from_cache);
  now_ += 2;
  EXPECT_FALSE(lookup(*r, "missing.test", RrType::kA).from_cache);
  EXPECT_EQ(server_->count("missing.test"), 2);
}

TEST_F(UdpResolverTest, PositiveCacheHitAndExpiry) {
  auto r = make(config());
  lookup(*r, "a.test", RrType::kA);
  now_ += 100;
  Reply hit = lookup(*r, "a.test", RrType::kA);
  EXPECT_TRUE(hit.from_cache);
  ASSERT_EQ(hit.answers.size(), 2u);
  EXPECT_EQ(hit.answers[0].ttl, 200u);  // time left
  EXPECT_EQ(server_->count("a.test"), 1);
  EXPECT_EQ(r->stats().cache_hits, 1u);
  now_ += 201;
  Reply miss = lookup(*r, "a.test", RrType::kA);
  EXPECT_FALSE(miss.from_cache);
  EXPECT_EQ(miss.answers[0].ttl, 300u);
  EXPECT_EQ(server_->count("a.test"), 2);
}

TEST_F(UdpResolverTest, ChainTtlBoundsTheCacheTime) {
  auto r = make(config());
  lookup(*r, "www.test", RrType::kA);  // alias.test CNAME has TTL 60
  now_ += 59;
  EXPECT_TRUE(lookup(*r, "www.test", RrType::kA).from_cache);
  now_ += 2;
  EXPECT_FALSE(lookup(*r, "www.test", RrType::kA).from_cache);
}

TEST_F(UdpResolverTest, ShortTtlExpiresWithTheRealClock) {
  auto c = config();
  auto created = UdpResolver::create(d_, c, log_);  // default clock: Dispatcher::monotonic
  ASSERT_TRUE(created);
  auto& r = **created;
  lookup(r, "short.test", RrType::kA);  // TTL 2
  EXPECT_TRUE(lookup(r, "short.test", RrType::kA).from_cache);
  run_for(d_, 2.1);
  EXPECT_FALSE(lookup(r, "short.test", RrType::kA).from_cache);
  EXPECT_EQ(server_->count("short.test"), 2);
}

TEST_F(UdpResolverTest, CacheDisabled) {
  auto c = config();
  c.cache_size = 0;
  auto r = make(c);
  lookup(*r, "a.test", RrType::kA);
  EXPECT_FALSE(lookup(*r, "a.test", RrType::kA).from_cache);
  EXPECT_EQ(server_->count("a.test"), 2);
}

TEST_F(UdpResolverTest, TruncatedAnswerRetriedOverTcp) {
  auto r = make(config());
  Reply reply = lookup(*r, "big.test", RrType::kTxt);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_TRUE(reply.truncated_retried);
  ASSERT_EQ(reply.answers.size(), 1u);
  ASSERT_EQ(reply.answers[0].strings.size(), 8u);
  EXPECT_EQ(reply.answers[0].strings[7], std::string(250, 'h'));
  EXPECT_EQ(reply.answers[0].text.size(), 2000u);
  EXPECT_EQ(server_->udp_count(), 1);
  EXPECT_EQ(server_->tcp_count(), 1);
  EXPECT_EQ(r->stats().tcp_sent, 1u);
}

TEST_F(UdpResolverTest, ForcedTruncationUsesTcpOfTheSameServer) {
  server_->set_behavior("a.test", Behavior::kTruncateUdp);
  auto r = make(config());
  Reply reply = lookup(*r, "a.test", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_TRUE(reply.truncated_retried);
  EXPECT_EQ(texts(reply), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(server_->tcp_count(), 1);
}

TEST_F(UdpResolverTest, TimeoutAfterConfiguredTries) {
  server_->set_default_behavior(Behavior::kDrop);
  auto c = config();
  c.timeout = 0.1;
  c.retransmits = 3;
  c.dead_time = 0;  // the retry mechanics only (dead servers: DeadServerIsSkipped)
  auto r = make(c);
  double start = d_.monotonic();
  Reply reply = lookup(*r, "a.test", RrType::kA);
  double took = d_.monotonic() - start;
  EXPECT_EQ(reply.rcode, Rcode::kTimeout);
  EXPECT_EQ(server_->count("a.test"), 3);
  EXPECT_GE(took, 0.29);
  EXPECT_LT(took, 1.5);
  EXPECT_EQ(r->stats().timeouts, 3u);
  // Every try used a fresh ID.
  EXPECT_NE(server_->seen()[0].id, server_->seen()[1].id);
  // Timeouts are not cached.
  server_->set_default_behavior(Behavior::kAnswer);
  EXPECT_EQ(lookup(*r, "a.test", RrType::kA).rcode, Rcode::kNoError);
}

TEST_F(UdpResolverTest, FailoverToSecondServerWhenFirstIsSilent) {
  FakeDnsServer second(d_);
  ASSERT_TRUE(second.ok());
  second.add("a.test. 300 IN A 198.51.100.1");
  second.add("other.test. 300 IN A 198.51.100.2");
  server_->set_default_behavior(Behavior::kDrop);
  auto r = make(config({server_->address(), second.address()}));
  Reply reply = lookup(*r, "a.test", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(reply), std::vector<std::string>{"198.51.100.1"});
  EXPECT_EQ(server_->count("a.test"), 1);
  EXPECT_EQ(second.count("a.test"), 1);
  // The server that answered is asked first from now on.
  EXPECT_EQ(lookup(*r, "other.test", RrType::kA).rcode, Rcode::kNoError);
  EXPECT_EQ(server_->count("other.test"), 0);
  EXPECT_EQ(second.count("other.test"), 1);
}

TEST_F(UdpResolverTest, ServFailMovesOnAtOnce) {
  FakeDnsServer second(d_);
  ASSERT_TRUE(second.ok());
  second.add("a.test. 300 IN A 198.51.100.1");
  server_->set_default_behavior(Behavior::kServFail);
  auto c = config({server_->address(), second.address()});
  c.timeout = 2;
  auto r = make(c);
  double start = d_.monotonic();
  Reply reply = lookup(*r, "a.test", RrType::kA);
  EXPECT_LT(d_.monotonic() - start, 1.0);  // no waiting for the timeout
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(reply), std::vector<std::string>{"198.51.100.1"});
}

TEST_F(UdpResolverTest, LastErrorReportedWhenEveryServerFails) {
  auto c = config();
  c.timeout = 2;
  auto r = make(c);
  server_->set_behavior("a.test", Behavior::kServFail);
  EXPECT_EQ(lookup(*r, "a.test", RrType::kA).rcode, Rcode::kServFail);
  server_->set_behavior("other.test", Behavior::kRefused);
  EXPECT_EQ(lookup(*r, "other.test", RrType::kA).rcode, Rcode::kRefused);
  server_->set_behavior("nodata.test", Behavior::kNotImp);
  EXPECT_EQ(lookup(*r, "nodata.test", RrType::kA).rcode, Rcode::kNotImp);
  EXPECT_EQ(server_->count("a.test"), 2);
  // Errors are not cached.
  server_->set_behavior("a.test", Behavior::kAnswer);
  EXPECT_EQ(lookup(*r, "a.test", RrType::kA).rcode, Rcode::kNoError);
}

TEST_F(UdpResolverTest, ClosedPortIsANetworkError) {
  auto c = config({closed_udp_port()});
  c.timeout = 2;
  auto r = make(c);
  double start = d_.monotonic();
  EXPECT_EQ(lookup(*r, "a.test", RrType::kA).rcode, Rcode::kNetError);
  EXPECT_LT(d_.monotonic() - start, 1.0);
}

TEST_F(UdpResolverTest, FormErrToEdnsRetriedWithoutEdns) {
  server_->set_behavior("a.test", Behavior::kFormErrOnEdns);
  auto r = make(config());
  Reply reply = lookup(*r, "a.test", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  ASSERT_EQ(server_->seen().size(), 2u);
  EXPECT_TRUE(server_->seen()[0].edns);
  EXPECT_FALSE(server_->seen()[1].edns);
}

TEST_F(UdpResolverTest, NoEdnsWhenPayloadIsZero) {
  auto c = config();
  c.edns_payload = 0;
  auto r = make(c);
  EXPECT_EQ(lookup(*r, "a.test", RrType::kA).rcode, Rcode::kNoError);
  EXPECT_FALSE(server_->seen()[0].edns);
  // Without EDNS, 512 bytes is the limit: the big record needs TCP.
  EXPECT_TRUE(lookup(*r, "big.test", RrType::kTxt).truncated_retried);
}

TEST_F(UdpResolverTest, WrongIdIgnored) {
  server_->set_behavior("a.test", Behavior::kWrongIdThenAnswer);
  auto r = make(config());
  Reply reply = lookup(*r, "a.test", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(reply.answers.size(), 2u);
  EXPECT_EQ(r->stats().ignored, 1u);
  EXPECT_EQ(server_->count("a.test"), 1);
}

TEST_F(UdpResolverTest, OnlyWrongIdsTimeOut) {
  server_->set_behavior("a.test", Behavior::kWrongIdOnly);
  auto c = config();
  c.timeout = 0.1;
  auto r = make(c);
  EXPECT_EQ(lookup(*r, "a.test", RrType::kA).rcode, Rcode::kTimeout);
  EXPECT_EQ(r->stats().ignored, 2u);
}

TEST_F(UdpResolverTest, WrongQuestionIgnored) {
  server_->set_behavior("a.test", Behavior::kWrongQuestionThenAnswer);
  auto r = make(config());
  Reply reply = lookup(*r, "a.test", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(reply), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(r->stats().ignored, 1u);
  // The other name's answer did not go into the cache either.
  EXPECT_EQ(r->cache_entries(), 1u);
}

TEST_F(UdpResolverTest, MalformedReplyIgnored) {
  server_->set_behavior("a.test", Behavior::kGarbageThenAnswer);
  auto r = make(config());
  Reply reply = lookup(*r, "a.test", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(reply.answers.size(), 2u);
  EXPECT_EQ(r->stats().ignored, 1u);
}

TEST_F(UdpResolverTest, LateAnswerToEarlierTryAccepted) {
  FakeDnsServer second(d_);
  ASSERT_TRUE(second.ok());
  second.set_default_behavior(Behavior::kDrop);
  server_->set_behavior("slow.test", Behavior::kDelay);
  server_->set_delay(0.15);
  auto c = config({server_->address(), second.address()});
  c.timeout = 0.1;
  c.retransmits = 2;
  auto r = make(c);
  Reply reply = lookup(*r, "slow.test", RrType::kA);
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(reply), std::vector<std::string>{"192.0.2.5"});
  EXPECT_EQ(second.count("slow.test"), 1);
}

TEST_F(UdpResolverTest, IdnNameSentAsPunycode) {
  auto r = make(config());
  Reply reply = lookup(*r, "B\xC3\xBC" "cher.test", RrType::kA);  // "Bücher.test"
  ASSERT_EQ(reply.rcode, Rcode::kNoError);
  EXPECT_EQ(texts(reply), std::vector<std::string>{"192.0.2.4"});
  ASSERT_EQ(server_->seen().size(), 1u);
  EXPECT_EQ(server_->seen()[0].name, "xn--bcher-kva.test");
}

TEST_F(UdpResolverTest, BadNamesAnswerWithoutQuery) {
  auto r = make(config());
  std::string long_label(64, 'a');
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefghi.";
  long_name += "test";
  for (const std::string& bad : {long_label + ".test", long_name, std::string("a..test"),
                                 std::string(""), std::string("."), std::string("a b.test"),
                                 std::string("\xff\xfe.test")}) {
    EXPECT_EQ(lookup(*r, bad, RrType::kA).rcode, Rcode::kBadName) << bad;
  }
  EXPECT_TRUE(server_->seen().empty());
  EXPECT_EQ(r->stats().bad_names, 7u);
  // 253 characters and 63-character labels are fine.
  std::string ok_name = std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                        std::string(63, 'd') + "." + std::string(56, 'e') + ".test";
  ASSERT_EQ(ok_name.size(), 253u);
  EXPECT_EQ(lookup(*r, ok_name, RrType::kA).rcode, Rcode::kNxDomain);
}

TEST_F(UdpResolverTest, CancelledRequestNeverCalledBack) {
  auto r = make(config());
  bool called = false;
  auto handle = r->resolve("a.test", RrType::kA, [&](const Reply&) { called = true; });
  handle.reset();
  EXPECT_EQ(r->in_flight(), 0u);  // the last caller left: the query is dropped
  run_for(d_, 0.1);
  EXPECT_FALSE(called);
  // cancel() works too, also for cached answers that are already posted.
  lookup(*r, "a.test", RrType::kA);
  auto cached = r->resolve("a.test", RrType::kA, [&](const Reply&) { called = true; });
  cached->cancel();
  run_for(d_, 0.05);
  EXPECT_FALSE(called);
}

TEST_F(UdpResolverTest, IdenticalQuestionsCoalesced) {
  auto r = make(config());
  int calls = 0;
  std::vector<Reply> replies;
  auto collect = [&](const Reply& x) {
    replies.push_back(x);
    ++calls;
  };
  auto h1 = r->resolve("a.test", RrType::kA, collect);
  auto h2 = r->resolve("A.TEST.", RrType::kA, collect);
  bool third = false;
  auto h3 = r->resolve("a.test", RrType::kA, [&](const Reply&) { third = true; });
  h3.reset();  // one of the callers leaves; the others still get the answer
  ASSERT_TRUE(run_until(d_, [&] { return calls == 2; }));
  run_for(d_, 0.05);
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(third);
  EXPECT_EQ(server_->count("a.test"), 1);
  EXPECT_EQ(r->stats().coalesced, 2u);
  for (const auto& reply : replies) EXPECT_EQ(reply.answers.size(), 2u);
}

TEST_F(UdpResolverTest, DestroyingTheResolverCancelsEverything) {
  auto r = make(config());
  lookup(*r, "a.test", RrType::kA);  // cached now
  int calls = 0;
  auto h1 = r->resolve("mx.test", RrType::kMx, [&](const Reply&) { ++calls; });
  auto h2 = r->resolve("a.test", RrType::kA, [&](const Reply&) { ++calls; });  // posted
  auto h3 = r->resolve("", RrType::kA, [&](const Reply&) { ++calls; });        // posted
  r.reset();
  run_for(d_, 0.1);
  EXPECT_EQ(calls, 0);
  h1.reset();  // handles outliving the resolver are inert
  h2->cancel();
}

TEST_F(UdpResolverTest, CallbackMayDestroyTheResolver) {
  auto r = make(config());
  int calls = 0;
  RequestPtr h2;
  auto h1 = r->resolve("a.test", RrType::kA, [&](const Reply&) {
    ++calls;
    r.reset();  // the coalesced second caller must not be called after this
  });
  h2 = r->resolve("a.test", RrType::kA, [&](const Reply&) { ++calls; });
  ASSERT_TRUE(run_until(d_, [&] { return calls > 0; }));
  run_for(d_, 0.05);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r, nullptr);
}

TEST_F(UdpResolverTest, CallbackMayResolveAgain) {
  auto r = make(config());
  std::optional<Reply> second;
  RequestPtr inner;
  auto outer = r->resolve("www.test", RrType::kA, [&](const Reply& first) {
    EXPECT_EQ(first.rcode, Rcode::kNoError);
    inner = r->resolve("www.test", RrType::kA, [&](const Reply& x) { second = x; });
  });
  ASSERT_TRUE(run_until(d_, [&] { return second.has_value(); }));
  EXPECT_TRUE(second->from_cache);
}

TEST_F(UdpResolverTest, CreateRejectsBadConfig) {
  ResolverConfig c;
  EXPECT_FALSE(UdpResolver::create(d_, c, log_));  // no server
  c = config();
  c.retransmits = 0;
  EXPECT_FALSE(UdpResolver::create(d_, c, log_));
  c = config();
  c.timeout = 0;
  EXPECT_FALSE(UdpResolver::create(d_, c, log_));
  c = config();
  c.edns_payload = 100;
  EXPECT_FALSE(UdpResolver::create(d_, c, log_));
}

TEST_F(UdpResolverTest, ManyConcurrentLookups) {
  auto r = make(config());
  std::vector<RequestPtr> handles;
  int ok = 0;
  int nx = 0;
  for (int i = 0; i < 200; ++i) {
    std::string name = (i % 2 == 0) ? "a.test" : "n" + std::to_string(i) + ".test";
    handles.push_back(r->resolve(name, RrType::kA, [&](const Reply& x) {
      if (x.rcode == Rcode::kNoError) ++ok;
      if (x.rcode == Rcode::kNxDomain) ++nx;
    }));
  }
  ASSERT_TRUE(run_until(d_, [&] { return ok + nx == 200; }));
  EXPECT_EQ(ok, 100);
  EXPECT_EQ(nx, 100);
  EXPECT_EQ(server_->count("a.test"), 1);
  EXPECT_EQ(r->in_flight(), 0u);
}

TEST_F(UdpResolverTest, DeadServerIsSkippedThenTriedAgain) {
  // A closed port refuses (ICMP): the server is skipped for dead_time, lookups fail at once
  // (from the loop, not inside resolve()), and it is asked again after dead_time.
  auto c = config({closed_udp_port()});
  c.timeout = 0.5;
  c.retransmits = 2;
  c.dead_time = 0.3;
  auto r = make(c);
  EXPECT_EQ(lookup(*r, "a.test", RrType::kA).rcode, Rcode::kNetError);
  uint64_t sent = r->stats().udp_sent;
  double start = d_.monotonic();
  EXPECT_EQ(lookup(*r, "b.test", RrType::kA).rcode, Rcode::kNetError);
  EXPECT_EQ(r->stats().udp_sent, sent);  // nothing sent while the server is dead
  EXPECT_LT(d_.monotonic() - start, 0.1);
  // After dead_time the server is tried again.
  now_ += 0.35;  // the resolver clock (the fixture's)
  EXPECT_EQ(lookup(*r, "c.test", RrType::kA).rcode, Rcode::kNetError);
  EXPECT_GT(r->stats().udp_sent, sent);
}

TEST_F(UdpResolverTest, SilentServerIsSkippedAfterThreeTimeouts) {
  server_->set_default_behavior(Behavior::kDrop);
  auto c = config();
  c.timeout = 0.05;
  c.retransmits = 3;
  c.dead_time = 10;
  auto r = make(c);
  EXPECT_EQ(lookup(*r, "a.test", RrType::kA).rcode, Rcode::kTimeout);
  EXPECT_EQ(server_->count("a.test"), 3);
  double start = d_.monotonic();
  EXPECT_EQ(lookup(*r, "b.test", RrType::kA).rcode, Rcode::kNetError);
  EXPECT_EQ(server_->count("b.test"), 0);
  EXPECT_LT(d_.monotonic() - start, 0.04);
}

}  // namespace
}  // namespace mw::dns
