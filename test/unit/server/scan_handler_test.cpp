// ScanHandler: a scan-protocol request becomes a Task (envelope from the request headers and
// query) and its Verdict the reply in the request's protocol: /checkv2 JSON, legacy /check
// JSON, RSPAMC and SPAMC lines; ping, unknown commands, cancellation and statistics.
#include "server/scan_handler.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../scan/engine_fixture.h"
#include "core/json.h"
#include "scan/verdict.h"
#include "server/envelope.h"
#include "server/milter_actions.h"

namespace mw::server {
namespace {

namespace http = proto::http;
using scan::test::kMessage;

struct Sent {
  bool done = false;
  http::Response response;
  std::function<void()> cancel;
};

class FakeResponder final : public http::Responder {
 public:
  explicit FakeResponder(std::shared_ptr<Sent> s) : s_(std::move(s)) {}
  void send(http::Response&& r) override {
    if (s_->done) return;
    s_->done = true;
    s_->response = std::move(r);
  }
  bool cancelled() const override { return false; }
  void set_cancel_callback(std::function<void()> cb) override { s_->cancel = std::move(cb); }

 private:
  std::shared_ptr<Sent> s_;
};

// ENVELOPE shows what reached the task: from, rcpt count, ip, user, flags.
scan::SymbolCallback show_envelope() {
  return [](scan::Task& t, scan::SymbolId) {
    const scan::Envelope& e = t.envelope();
    std::string flags = std::to_string(e.flags);
    t.insert_result("ENVELOPE", 1.0,
                    {"from=" + e.from, "rcpts=" + std::to_string(e.rcpts.size()), "ip=" + e.ip,
                     "user=" + e.user, "flags=" + flags});
    return scan::RunState::kDone;
  };
}

class ScanHandlerTest : public scan::test::EngineFixture {
 protected:
  void SetUp() override {
    build("[actions]\nreject = 15\n[symbols.ENVELOPE]\nscore = 16\ndescription = \"env\"\n",
          [](scan::Engine& e) { add(e, "ENVELOPE", show_envelope()); });
    handler_ = std::make_unique<ScanHandler>(*engine_, services_, nullptr);
  }

  std::shared_ptr<Sent> send(http::Request r) {
    auto s = std::make_shared<Sent>();
    handler_->handle(std::move(r), std::make_unique<FakeResponder>(s));
    while (!s->done && handler_->in_flight() > 0) dispatcher_.run_once_nonblock();
    return s;
  }

  static http::Request request(std::string path, http::Protocol p = http::Protocol::kHttp) {
    http::Request r;
    r.protocol = p;
    r.path = std::move(path);
    r.body = kMessage;
    return r;
  }

  std::unique_ptr<ScanHandler> handler_;
};

TEST_F(ScanHandlerTest, Checkv2FromHeadersToJson) {
  http::Request r = request("/checkv2");
  r.headers.add("From", "<alice@example.net>");
  r.headers.add("Rcpt", "<b@example.org>, \"c,d\"@example.org");
  r.headers.add("Rcpt", "e@example.org");
  r.headers.add("IP", " 192.0.2.1 ");
  r.headers.add("User", "alice");
  r.headers.add("Flags", "pass_all, groups");
  auto s = send(std::move(r));
  ASSERT_TRUE(s->done);
  EXPECT_EQ(s->response.status, 200);
  auto j = json::parse(s->response.body);
  ASSERT_TRUE(j) << s->response.body;
  EXPECT_EQ(j->find("action")->as_string(), "reject");
  const json::Value* opts = j->find("symbols")->find("ENVELOPE")->find("options");
  ASSERT_NE(opts, nullptr);
  std::string flags = std::to_string(scan::kTaskPassAll | scan::kTaskGroups);
  EXPECT_EQ(json::write(*opts), R"(["from=alice@example.net","rcpts=3","ip=192.0.2.1",)"
                                R"("user=alice","flags=)" + flags + R"("])");
  EXPECT_NE(j->find("groups"), nullptr);  // Flags: groups
  EXPECT_EQ(j->find("message-id")->as_string(), "m1@example.com");
}

TEST_F(ScanHandlerTest, QueryParametersActAsHeaders) {
  http::Request r = request("/checkv2");
  r.query = {{"from", "q@example.net"}, {"ip", "198.51.100.1"}};
  r.headers.add("IP", "192.0.2.9");  // a header wins over the query parameter
  auto s = send(std::move(r));
  auto j = json::parse(s->response.body);
  ASSERT_TRUE(j);
  std::string opts = json::write(*j->find("symbols")->find("ENVELOPE")->find("options"));
  EXPECT_NE(opts.find("from=q@example.net"), std::string::npos) << opts;
  EXPECT_NE(opts.find("ip=192.0.2.9"), std::string::npos) << opts;
}

TEST_F(ScanHandlerTest, LegacyJsonOnCheck) {
  auto s = send(request("/check"));
  auto j = json::parse(s->response.body);
  ASSERT_TRUE(j);
  ASSERT_NE(j->find("default"), nullptr);
  EXPECT_TRUE(j->find("default")->find("is_spam")->as_bool());
  EXPECT_NE(j->find("default")->find("ENVELOPE"), nullptr);
}

TEST_F(ScanHandlerTest, RspamcAndSpamcLines) {
  http::Request r = request("/check", http::Protocol::kRspamc);
  r.headers.add("User", "alice");
  auto rspamc = send(std::move(r));
  EXPECT_TRUE(rspamc->response.raw);
  EXPECT_EQ(rspamc->response.body.rfind("RSPAMD/1.3 0 EX_OK\r\nMetric: default; True; 16.00 / "
                                        "15.00 / 0.0\r\nAction: reject\r\nSymbol: ENVELOPE(16.00)",
                                        0),
            0u)
      << rspamc->response.body;
  // As Rspamd: symbol names and scores only (Exim copies these lines into $spam_report).
  EXPECT_EQ(rspamc->response.body.find("user=alice"), std::string::npos);
  EXPECT_EQ(rspamc->response.body.find("X-Symbol"), std::string::npos);
  http::Request sp = request("/symbols", http::Protocol::kSpamc);
  sp.method = "SYMBOLS";
  sp.version_minor = 5;
  sp.headers.add("User", "localuser");  // spamc's User is the local user, not a SASL login
  auto spamc = send(std::move(sp));
  EXPECT_EQ(spamc->response.body,
            "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 16.00 / 15.00\r\nContent-length: 8\r\n\r\n"
            "ENVELOPE");
  // SpamAssassin's commands: PROCESS returns the message with our headers; SKIP closes
  // without a reply; TELL (learning through spamd) is not offered.
  http::Request process = request("/process", http::Protocol::kSpamc);
  process.method = "PROCESS";
  process.version_minor = 5;
  std::string text = send(std::move(process))->response.body;
  EXPECT_NE(text.find("\r\n\r\nX-Spam-Flag: YES\r\nX-Spam-Status: Yes, score=16.00"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(kMessage), std::string::npos);
  http::Request skip = request("/skip", http::Protocol::kSpamc);
  skip.method = "SKIP";
  EXPECT_EQ(send(std::move(skip))->response.body, "");
  http::Request tell = request("/tell", http::Protocol::kSpamc);
  tell.method = "TELL";
  EXPECT_EQ(send(std::move(tell))->response.body.rfind("SPAMD/1.1 64 ", 0), 0u);
  http::Request zlib = request("/symbols", http::Protocol::kSpamc);
  zlib.method = "SYMBOLS";
  zlib.headers.add("Compress", "zlib");
  EXPECT_EQ(send(std::move(zlib))->response.body.rfind("SPAMD/1.1 76 ", 0), 0u);
}

// Issue 17: a forced result (GTUBE's pre-result) answers the forced action's threshold as the
// score and is_skipped, in every protocol, so that Exim's `spam = nobody` (score >= threshold)
// and spamc agree with the action.
TEST_F(ScanHandlerTest, ForcedResultsCarryTheThresholdInEveryProtocol) {
  auto forcing = [](scan::Action action) {
    return [action](scan::Engine& e) {
      add(e, "FORCE",
          [action](scan::Task& t, scan::SymbolId) {
            t.outcome().set_pre_result({action, "Gtube pattern", "gtube", 0, false});
            return scan::RunState::kDone;
          },
          scan::SymbolType::kPrefilter);
    };
  };
  build("[actions]\nreject = 15\nadd_header = 6\n", forcing(scan::Action::kReject));
  handler_ = std::make_unique<ScanHandler>(*engine_, services_, nullptr);
  auto json = json::parse(send(request("/checkv2"))->response.body);
  ASSERT_TRUE(json);
  EXPECT_EQ(json->find("action")->as_string(), "reject");
  EXPECT_DOUBLE_EQ(json->find("score")->as_double(), 15);
  EXPECT_TRUE(json->find("is_skipped")->as_bool());
  EXPECT_EQ(send(request("/check", http::Protocol::kRspamc))
                ->response.body.rfind("RSPAMD/1.3 0 EX_OK\r\nMetric: default; True; 15.00 / 15.00", 0),
            0u);
  http::Request check = request("/check", http::Protocol::kSpamc);
  check.method = "CHECK";
  check.version_minor = 5;
  EXPECT_EQ(send(std::move(check))->response.body,
            "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 15.00 / 15.00\r\n\r\n");
  // The milter proxy (self-scan) renders the same Verdict: score headers say the threshold.
  build("[actions]\nreject = 15\nadd_header = 6\n", forcing(scan::Action::kAddHeader));
  ProxyOptions o;
  o.add_score_headers = true;
  bool found = false;
  for (const auto& a : milter_actions(scan::make_verdict(*run()), {}, o)) {
    if (a.name == "X-Spam-Score") {
      EXPECT_EQ(a.value, "6.00");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(ScanHandlerTest, PingSkipAndUnknownCommands) {
  EXPECT_EQ(send(request("/ping"))->response.body, "pong\r\n");
  EXPECT_EQ(send(request("/ping", http::Protocol::kRspamc))->response.body,
            "RSPAMD/1.3 0 PONG\r\n");
  auto skip = json::parse(send(request("/skip"))->response.body);
  ASSERT_TRUE(skip);
  EXPECT_TRUE(skip->find("is_skipped")->as_bool());
  EXPECT_EQ(skip->find("symbols")->size(), 0u);
  auto unknown = send(request("/nothing"));
  EXPECT_EQ(unknown->response.status, 404);
  EXPECT_NE(unknown->response.body.find("invalid command"), std::string::npos);
}

TEST_F(ScanHandlerTest, CompressionFollowsTheRequest) {
  http::Request r = request("/checkv2");
  r.headers.add("Accept-Encoding", "zstd");
  EXPECT_TRUE(send(std::move(r))->response.compress);
  EXPECT_FALSE(send(request("/checkv2"))->response.compress);
}

TEST_F(ScanHandlerTest, ClientGoneCancelsTheScanAndStatsSeeFinishedOnes) {
  build("", [](scan::Engine& e) {
    add(e, "WAITS", [](scan::Task&, scan::SymbolId) { return scan::RunState::kPending; });
  });
  StatsRecorder stats(dispatcher_, logger_, nullptr, *engine_, StatsOptions{});
  ScanHandler handler(*engine_, services_, &stats);
  auto s = std::make_shared<Sent>();
  handler.handle(request("/checkv2"), std::make_unique<FakeResponder>(s));
  EXPECT_EQ(handler.in_flight(), 1u);
  ASSERT_TRUE(s->cancel);
  s->cancel();
  EXPECT_EQ(handler.in_flight(), 0u);
  dispatcher_.run_once_nonblock();  // the deferred deletion of the task
  EXPECT_FALSE(s->done);
  EXPECT_EQ(stats.local_scanned(), 0u);
  build("", [](scan::Engine&) {});
  StatsRecorder stats2(dispatcher_, logger_, nullptr, *engine_, StatsOptions{});
  ScanHandler quick(*engine_, services_, &stats2);
  auto q = std::make_shared<Sent>();
  quick.handle(request("/checkv2"), std::make_unique<FakeResponder>(q));
  EXPECT_TRUE(q->done);
  EXPECT_EQ(stats2.local_scanned(), 1u);
}

TEST(EnvelopeFromRequest, HeadersFlagsAndBrackets) {
  http::Request r;
  r.headers.add("From", " <a@example.net> ");
  r.headers.add("Deliver-To", "<d@example.org>");
  r.headers.add("Settings-ID", " outbound ");
  r.headers.add("Pass", "all");
  r.headers.add("Flags", "no_log,ext_urls,profile,milter,body_block,no_stat,skip_process");
  r.headers.add("Milter", "yes");
  r.headers.add("URL-Format", "extended");
  r.headers.add("Log-Tag", "tag1");
  r.headers.add("MTA-Name", "edge");
  scan::Envelope e = envelope_from_request(r);
  EXPECT_EQ(e.from, "a@example.net");
  EXPECT_TRUE(e.has_from);
  EXPECT_EQ(e.deliver_to, "d@example.org");
  EXPECT_EQ(e.settings_id, "outbound");
  EXPECT_EQ(e.log_tag, "tag1");
  EXPECT_EQ(e.mta_name, "edge");
  uint32_t want = scan::kTaskPassAll | scan::kTaskNoLog | scan::kTaskExtUrls |
                  scan::kTaskProfile | scan::kTaskMilter | scan::kTaskBodyBlock |
                  scan::kTaskNoStat | scan::kTaskSkip;
  EXPECT_EQ(e.flags, want);
  EXPECT_EQ(e.request_headers.size(), 9u);
  ASSERT_NE(e.request_header("mta-name"), nullptr);
}

}  // namespace
}  // namespace mw::server
