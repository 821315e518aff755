// The milter proxy in forward mode against fake upstream scanners on 127.0.0.1: failover
// (dead, failing, silent upstreams), round-robin, the default action when nobody answers,
// cancellation by the MTA, and one whole milter conversation through MilterServer.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../proto/milter_util.h"
#include "../proto/net_util.h"
#include "server/milter_proxy.h"
#include "proto/http/server.h"

namespace mw::server {
namespace {

namespace milter = proto::milter;
namespace http = proto::http;
using milter::Action;
using proto::test::run_until;
using proto::test::TcpListener;

struct ReplierState {
  bool sent = false;
  bool cancelled = false;
  std::vector<Action> actions;
  std::function<void()> cancel_cb;
  void cancel() {
    cancelled = true;
    auto cb = std::move(cancel_cb);
    if (cb) cb();
  }
};

class FakeReplier final : public milter::Replier {
 public:
  explicit FakeReplier(std::shared_ptr<ReplierState> s) : s_(std::move(s)) {}
  void send(std::vector<Action> actions) override {
    if (s_->sent || s_->cancelled) return;
    s_->sent = true;
    s_->actions = std::move(actions);
  }
  bool cancelled() const override { return s_->cancelled; }
  void set_cancel_callback(std::function<void()> cb) override { s_->cancel_cb = std::move(cb); }

 private:
  std::shared_ptr<ReplierState> s_;
};

// A scanner answering /checkv2 with a canned reply.
class FakeScanner final : public http::Handler {
 public:
  FakeScanner(core::Dispatcher& d, core::Logger& logger, std::string reply, int status = 200)
      : dispatcher_(d), reply_(std::move(reply)), status_(status) {
    server_ = std::make_unique<http::HttpServer>(d, logger, *this, proto::HttpOptions{});
    EXPECT_TRUE(server_->start(listener_.fd));
  }
  void handle(http::Request&& r, http::ResponderPtr resp) override {
    requests.push_back(std::move(r));
    if (hang) {
      held_.push_back(std::move(resp));
      return;
    }
    if (delay > 0) {  // answer later, from a timer
      held_.push_back(std::move(resp));
      size_t index = held_.size() - 1;
      timers_.push_back(dispatcher_.create_timer(
          [this, index] { held_[index]->send(http::Response::json(reply_)); }));
      timers_.back()->enable(delay);
      return;
    }
    if (status_ != 200) {
      resp->send(http::Response::error(status_, "scanner broken"));
    } else {
      resp->send(http::Response::json(reply_));
    }
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(listener_.port); }

  std::vector<http::Request> requests;
  bool hang = false;
  double delay = 0;  // seconds before the reply

 private:
  core::Dispatcher& dispatcher_;
  std::vector<core::TimerPtr> timers_;
  TcpListener listener_;
  std::string reply_;
  int status_;
  std::unique_ptr<http::HttpServer> server_;
  std::vector<http::ResponderPtr> held_;
};

// An address where nothing listens (connect is refused).
std::string dead_address() {
  uint16_t port;
  {
    TcpListener l;
    port = l.port;
  }
  return "127.0.0.1:" + std::to_string(port);
}

milter::Message sample_message() {
  milter::Message m;
  m.sequence = 1;
  m.connect = {"client.example.net", '4', 40000, "192.0.2.44"};
  m.helo = "client.example.net";
  m.mail_from = "<alice@example.net>";
  milter::Recipient r;
  r.address = "<bob@example.org>";
  m.recipients = {r};
  m.macros = {{'M', {{"i", "QID42"}, {"auth_authen", "alice"}}}};
  m.headers = {{"From", " alice@example.net"}, {"X-Spam", " Yes"}, {"Subject", " hi"}};
  m.data = "From: alice@example.net\r\nX-Spam: Yes\r\nSubject:  hi \r\n\r\nbody\r\n";
  m.body_offset = m.data.find("\r\n\r\n") + 4;
  return m;
}

struct Fixture {
  core::Dispatcher loop;
  core::Logger logger{core::LogLevel::kSilent};
  std::unique_ptr<MilterProxy> proxy;

  void make(std::vector<std::string> upstreams, ProxyOptions o = {}) {
    o.mode = ProxyMode::kForward;
    o.upstreams = std::move(upstreams);
    auto p = MilterProxy::create(loop, logger, o, nullptr, nullptr, nullptr);
    ASSERT_TRUE(p) << p.error().message;
    proxy = std::move(*p);
  }
  std::shared_ptr<ReplierState> send(milter::Message m = sample_message()) {
    auto s = std::make_shared<ReplierState>();
    proxy->on_message(std::move(m), std::make_unique<FakeReplier>(s));
    return s;
  }
  bool wait(const std::shared_ptr<ReplierState>& s, double timeout = 10) {
    return run_until(loop, [&] { return s->sent; }, timeout);
  }
};

std::string codes(const std::vector<Action>& actions) {
  std::string out;
  for (const auto& a : actions) {
    switch (a.kind) {
      case Action::Kind::kAccept: out += "a"; break;
      case Action::Kind::kReplyCode: out += "y" + std::to_string(a.code); break;
      case Action::Kind::kAddHeader: out += "h"; break;
      case Action::Kind::kChangeHeader: out += "m"; break;
      default: out += "?"; break;
    }
  }
  return out;
}

const char kReject[] =
    R"({"action":"reject","score":20,"messages":{"smtp_message":"Spam here"},"symbols":{}})";
const char kAddHeader[] = R"({"action":"add header","score":7,"symbols":{}})";

TEST(MilterForward, VerdictFromTheUpstream) {
  Fixture f;
  FakeScanner live(f.loop, f.logger, kReject);
  f.make({live.address()});
  auto s = f.send();
  ASSERT_TRUE(f.wait(s));
  ASSERT_EQ(s->actions.size(), 1u);
  EXPECT_EQ(s->actions[0].kind, Action::Kind::kReplyCode);
  EXPECT_EQ(s->actions[0].code, 554);
  EXPECT_EQ(s->actions[0].enhanced, "5.7.1");
  EXPECT_EQ(s->actions[0].text, "Spam here");
  // What the scanner saw: the byte-exact message and the scan-protocol headers.
  ASSERT_EQ(live.requests.size(), 1u);
  const http::Request& r = live.requests[0];
  EXPECT_TRUE(r.path_is("checkv2"));
  EXPECT_EQ(r.body, sample_message().data);
  ASSERT_NE(r.header("From"), nullptr);
  EXPECT_EQ(*r.header("From"), "<alice@example.net>");
  ASSERT_NE(r.header("Rcpt"), nullptr);
  EXPECT_EQ(*r.header("Rcpt"), "<bob@example.org>");
  ASSERT_NE(r.header("IP"), nullptr);
  EXPECT_EQ(*r.header("IP"), "192.0.2.44");
  ASSERT_NE(r.header("Queue-Id"), nullptr);
  EXPECT_EQ(*r.header("Queue-Id"), "QID42");
  ASSERT_NE(r.header("User"), nullptr);
  EXPECT_EQ(*r.header("User"), "alice");
  ASSERT_NE(r.header("Flags"), nullptr);
  EXPECT_EQ(*r.header("Flags"), "milter");
  EXPECT_EQ(f.proxy->in_flight(), 0u);
}

TEST(MilterForward, AcceptPathRemovesForgedHeaders) {
  Fixture f;
  FakeScanner live(f.loop, f.logger, kAddHeader);
  f.make({live.address()});
  auto s = f.send();
  ASSERT_TRUE(f.wait(s));
  EXPECT_EQ(codes(s->actions), "mha");  // delete X-Spam#1, add X-Spam: Yes, accept
}

TEST(MilterForward, DeadUpstreamFailsOver) {
  Fixture f;
  FakeScanner live(f.loop, f.logger, kReject);
  f.make({dead_address(), live.address()});
  for (int i = 0; i < 3; ++i) {
    auto s = f.send();
    ASSERT_TRUE(f.wait(s));
    EXPECT_EQ(codes(s->actions), "y554") << i;
  }
  EXPECT_EQ(live.requests.size(), 3u);
}

TEST(MilterForward, FailingAndSilentUpstreamsFailOver) {
  Fixture f;
  FakeScanner broken(f.loop, f.logger, "", 500);
  FakeScanner error_json(f.loop, f.logger, R"({"error":"cannot scan"})");
  FakeScanner not_json(f.loop, f.logger, "<html>");
  FakeScanner silent(f.loop, f.logger, kReject);
  silent.hang = true;
  FakeScanner live(f.loop, f.logger, kAddHeader);
  ProxyOptions o;
  o.timeout = 0.3;
  f.make({broken.address(), error_json.address(), not_json.address(), silent.address(),
          live.address()},
         o);
  auto s = f.send();
  ASSERT_TRUE(f.wait(s));
  EXPECT_EQ(codes(s->actions), "mha");
  EXPECT_EQ(broken.requests.size(), 1u);
  EXPECT_EQ(error_json.requests.size(), 1u);
  EXPECT_EQ(not_json.requests.size(), 1u);
  EXPECT_EQ(silent.requests.size(), 1u);
  EXPECT_EQ(live.requests.size(), 1u);
}

TEST(MilterForward, NobodyAnswersDefaultAccept) {
  Fixture f;
  f.make({dead_address(), dead_address()});
  auto s = f.send();
  ASSERT_TRUE(f.wait(s));
  EXPECT_EQ(codes(s->actions), "a");
}

TEST(MilterForward, NobodyAnswersDefaultTempfail) {
  Fixture f;
  ProxyOptions o;
  o.default_action = DefaultAction::kTempfail;
  o.tempfail_message = "Scanner away";
  f.make({dead_address()}, o);
  auto s = f.send();
  ASSERT_TRUE(f.wait(s));
  ASSERT_EQ(codes(s->actions), "y451");
  EXPECT_EQ(s->actions[0].text, "Scanner away");
}

TEST(MilterForward, RoundRobin) {
  Fixture f;
  FakeScanner a(f.loop, f.logger, kReject);
  FakeScanner b(f.loop, f.logger, kReject);
  f.make({a.address(), b.address()});
  for (int i = 0; i < 4; ++i) {
    auto s = f.send();
    ASSERT_TRUE(f.wait(s));
  }
  EXPECT_EQ(a.requests.size(), 2u);
  EXPECT_EQ(b.requests.size(), 2u);
}

TEST(MilterForward, FailedUpstreamIsTriedLast) {
  Fixture f;
  FakeScanner live(f.loop, f.logger, kReject);
  FakeScanner broken(f.loop, f.logger, "", 503);
  ProxyOptions o;
  o.upstream_dead_time = 60;
  f.make({broken.address(), live.address()}, o);
  for (int i = 0; i < 4; ++i) {
    auto s = f.send();
    ASSERT_TRUE(f.wait(s));
    EXPECT_EQ(codes(s->actions), "y554");
  }
  // Only the first message went to the broken one; afterwards it comes after the live one.
  EXPECT_EQ(broken.requests.size(), 1u);
  EXPECT_EQ(live.requests.size(), 4u);
}

TEST(MilterForward, MtaGivesUpWhileForwarding) {
  Fixture f;
  FakeScanner silent(f.loop, f.logger, kReject);
  silent.hang = true;
  ProxyOptions o;
  o.timeout = 30;
  f.make({silent.address()}, o);
  auto s = f.send();
  ASSERT_TRUE(run_until(f.loop, [&] { return !silent.requests.empty(); }));
  EXPECT_EQ(f.proxy->in_flight(), 1u);
  s->cancel();
  EXPECT_EQ(f.proxy->in_flight(), 0u);
  run_until(f.loop, [] { return false; }, 0.1);
  EXPECT_FALSE(s->sent);
}

TEST(MilterForward, UnresolvableUpstreamIsAStartError) {
  core::Dispatcher loop;
  core::Logger logger{core::LogLevel::kSilent};
  ProxyOptions o;
  o.mode = ProxyMode::kForward;
  o.upstreams = {"127.0.0.1:notaport"};
  EXPECT_FALSE(MilterProxy::create(loop, logger, o, nullptr, nullptr, nullptr));
  o.upstreams = {};
  EXPECT_FALSE(MilterProxy::create(loop, logger, o, nullptr, nullptr, nullptr));
  o.mode = ProxyMode::kSelfScan;
  EXPECT_FALSE(MilterProxy::create(loop, logger, o, nullptr, nullptr, nullptr));
}

// A whole milter conversation: MilterServer + MilterProxy (forward) + a fake scanner.
TEST(MilterForward, ThroughTheMilterServer) {
  using namespace milter::test;  // NOLINT
  Fixture f;
  FakeScanner live(f.loop, f.logger, kAddHeader);
  f.make({live.address()});
  TcpListener listener;
  milter::MilterServer server(f.loop, f.logger, *f.proxy, proto::MilterOptions{},
                              proxy_session_options());
  ASSERT_TRUE(server.start(listener.fd));
  std::string neg, verdict;
  proto::test::ClientThread mta([&] {
    proto::test::Client c(listener.port);
    auto read_until = [&](char last) {
      std::string buf;
      char tmp[4096];
      while (true) {
        auto r = replies(buf);
        if (!r.empty() && r.back().first == last) return commands(r);
        ssize_t n = ::recv(c.fd, tmp, sizeof tmp, 0);
        if (n <= 0) return commands(r);
        buf.append(tmp, static_cast<size_t>(n));
      }
    };
    c.send(optneg(6, 0x1ff, 0x1fffff));
    neg = read_until('O');
    const char kMsg[] = "From: a@example.net\r\nX-Spam: Yes\r\nSubject: hi\r\n\r\nbody\r\n";
    c.send(macros('C', {{"j", "mx"}, {"{client_addr}", "192.0.2.1"}}) +
           connect("client", '4', 25, "192.0.2.1") + helo("client") +
           macros('M', {{"i", "QID1"}, {"{auth_authen}", "bob"}}) + mail("<a@example.net>") +
           rcpt("<b@example.org>") + data() + postfix_message(kMsg, true) + eob());
    verdict = read_until('a');
    c.send(quit());
  });
  ASSERT_TRUE(run_until(f.loop, [&] { return mta.done(); }));
  EXPECT_EQ(neg, "O");
  EXPECT_EQ(verdict, "mha");
  ASSERT_EQ(live.requests.size(), 1u);
  ASSERT_NE(live.requests[0].header("User"), nullptr);
  EXPECT_EQ(*live.requests[0].header("User"), "bob");
  EXPECT_EQ(live.requests[0].body,
            "From: a@example.net\r\nX-Spam: Yes\r\nSubject: hi\r\n\r\nbody\r\n");
}

// A slow scan: the MTA gets progress packets until the verdict arrives.
TEST(MilterForward, ProgressWhileTheUpstreamScans) {
  using namespace milter::test;  // NOLINT
  Fixture f;
  FakeScanner slow(f.loop, f.logger, kReject);
  slow.delay = 1.2;
  f.make({slow.address()});
  TcpListener listener;
  proto::MilterOptions mo;
  mo.progress_interval = 0.2;
  milter::MilterServer server(f.loop, f.logger, *f.proxy, mo, proxy_session_options());
  ASSERT_TRUE(server.start(listener.fd));
  std::string verdict;
  proto::test::ClientThread mta([&] {
    proto::test::Client c(listener.port);
    std::string buf;
    char tmp[4096];
    c.send(optneg(6, 0x1ff, 0x1fffff) + connect("client", '4', 25, "192.0.2.1") +
           mail("<a@example.net>") + rcpt("<b@example.org>") +
           postfix_message("Subject: slow\r\n\r\nbody\r\n", true) + eob());
    while (true) {
      auto r = replies(buf);
      if (!r.empty() && r.back().first == 'y') {
        verdict = commands(r);
        break;
      }
      ssize_t n = ::recv(c.fd, tmp, sizeof tmp, 0);
      if (n <= 0) {
        verdict = commands(r);
        break;
      }
      buf.append(tmp, static_cast<size_t>(n));
    }
  });
  ASSERT_TRUE(run_until(f.loop, [&] { return mta.done(); }));
  // "O", then at least three progress packets, then the reply code.
  ASSERT_GE(verdict.size(), 5u) << verdict;
  EXPECT_EQ(verdict.front(), 'O');
  EXPECT_EQ(verdict.back(), 'y');
  EXPECT_EQ(verdict.substr(1, verdict.size() - 2), std::string(verdict.size() - 2, 'p'));
}

}  // namespace
}  // namespace mw::server
