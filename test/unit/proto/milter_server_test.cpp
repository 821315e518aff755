#include "proto/milter/server.h"

#include <gtest/gtest.h>

#include <fstream>

#include "milter_util.h"
#include "need_tool.h"
#include "net_util.h"

namespace mw::proto::milter {
namespace {

using namespace test;  // NOLINT
using namespace std::string_literals;
using proto::test::Client;
using proto::test::ClientThread;
using proto::test::run_until;
using proto::test::TcpListener;

class FnHandler : public MilterHandler {
 public:
  std::function<void(Message&&, ReplierPtr)> fn;
  void on_message(Message&& m, ReplierPtr r) override { fn(std::move(m), std::move(r)); }
};

struct Fixture {
  core::Dispatcher loop;
  core::Logger logger{core::LogLevel::kSilent};
  FnHandler handler;
  TcpListener listener;
  std::unique_ptr<MilterServer> server;
  explicit Fixture(MilterOptions o = {}) {
    server = std::make_unique<MilterServer>(loop, logger, handler, o);
    EXPECT_TRUE(server->start(listener.fd));
  }
  bool run(const ClientThread& c, double timeout = 10) {
    return run_until(loop, [&] { return c.done(); }, timeout);
  }
};

// Read reply packets until one of `until` arrives (or the connection ends).
std::vector<std::pair<char, std::string>> read_replies(const Client& c, const std::string& until) {
  std::string buf;
  char tmp[4096];
  while (true) {
    auto r = replies(buf);
    if (!r.empty() && until.find(r.back().first) != std::string::npos) return r;
    ssize_t n = ::recv(c.fd, tmp, sizeof tmp, 0);
    if (n <= 0) return r;
    buf.append(tmp, static_cast<size_t>(n));
  }
}

const char kMessage[] =
    "From: Sender <s@example.net>\r\nTo: r@example.org\r\nSubject: milter test\r\n\r\n"
    "Hello\r\n";

TEST(MilterServer, ScriptedPostfixConversation) {
  Fixture f;
  std::string seen_data, seen_queue_id, seen_ip;
  f.handler.fn = [&](Message&& m, ReplierPtr r) {
    seen_data = m.data;
    seen_ip = m.connect.address;
    if (const std::string* q = m.macro("i")) seen_queue_id = *q;
    r->send({Action::add_header("X-Spam", "Yes"),
             Action::reply_code(554, "5.7.1", "Spam message rejected")});
  };
  std::vector<std::pair<char, std::string>> neg, verdict;
  bool closed = false;
  ClientThread c([&] {
    Client mta(f.listener.port);
    mta.send(optneg(6, 0x1ff, 0x1fffff));
    neg = read_replies(mta, "O");
    mta.send(macros('C', {{"j", "mx"}}) + connect("client", '6', 25, "IPv6:2001:db8::25") +
             helo("client") + macros('M', {{"i", "QID123"}}) + mail("<s@example.net>") +
             rcpt("<r@example.org>") + data() + postfix_message(kMessage, true) + eob());
    verdict = read_replies(mta, "yartd");
    mta.send(quit());
    closed = mta.closed_by_peer();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  ASSERT_EQ(commands(neg), "O");
  EXPECT_EQ(commands(verdict), "hy");
  EXPECT_EQ(verdict[0].second, "X-Spam\0 Yes\0"s);
  EXPECT_EQ(verdict[1].second, "554 5.7.1 Spam message rejected\0"s);
  EXPECT_EQ(seen_data, kMessage);
  EXPECT_EQ(seen_queue_id, "QID123");
  EXPECT_EQ(seen_ip, "2001:db8::25");
  EXPECT_TRUE(closed);
  EXPECT_EQ(f.server->stats().messages, 1u);
  run_until(f.loop, [&] { return f.server->connection_count() == 0; }, 5);
  EXPECT_EQ(f.server->connection_count(), 0u);
}

TEST(MilterServer, ProgressWhileTheHandlerWorks) {
  MilterOptions o;
  o.progress_interval = 0.05;
  Fixture f(o);
  ReplierPtr held;
  f.handler.fn = [&](Message&&, ReplierPtr r) { held = std::move(r); };
  core::TimerPtr later = f.loop.create_timer([&] {
    if (held) held->send({Action::accept()});
  });
  std::vector<std::pair<char, std::string>> got;
  ClientThread c([&] {
    Client mta(f.listener.port);
    mta.send(optneg() + mail("<a@b>") + postfix_message(kMessage, true) + eob());
    got = read_replies(mta, "a");
  });
  ASSERT_TRUE(run_until(f.loop, [&] { return held != nullptr; }));
  later->enable(0.3);
  ASSERT_TRUE(f.run(c));
  c.join();
  std::string cmds = commands(got);
  ASSERT_GE(cmds.size(), 4u) << cmds;  // O, several p, a
  EXPECT_EQ(cmds.front(), 'O');
  EXPECT_EQ(cmds.back(), 'a');
  EXPECT_EQ(cmds.substr(1, cmds.size() - 2), std::string(cmds.size() - 2, 'p'));
}

TEST(MilterServer, AbortAndDisconnectCancelThePendingVerdict) {
  Fixture f;
  std::vector<ReplierPtr> held;
  int cancels = 0;
  f.handler.fn = [&](Message&&, ReplierPtr r) {
    r->set_cancel_callback([&] { ++cancels; });
    held.push_back(std::move(r));
  };
  ClientThread c([&] {
    Client mta(f.listener.port);
    mta.send(optneg() + mail("<a@b>") + eob());
    read_replies(mta, "O");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    mta.send(abort_());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    mta.send(mail("<c@d>") + eob());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    mta.close();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  ASSERT_TRUE(run_until(f.loop, [&] { return cancels == 2; }, 5));
  ASSERT_EQ(held.size(), 2u);
  EXPECT_TRUE(held[0]->cancelled());
  EXPECT_TRUE(held[1]->cancelled());
  held[0]->send({Action::accept()});  // ignored
  EXPECT_EQ(f.server->stats().aborted, 2u);
}

TEST(MilterServer, BadPacketClosesOnlyThatConnection) {
  MilterOptions o;
  o.max_frame_size = 1024;
  Fixture f(o);
  f.handler.fn = [](Message&&, ReplierPtr r) { r->send({Action::discard()}); };
  bool bad_closed = false;
  std::vector<std::pair<char, std::string>> good;
  ClientThread c([&] {
    Client bad(f.listener.port);
    bad.send(optneg() + be32(5000) + "B");
    bad_closed = bad.read_all().size() > 0 && bad.closed_by_peer();
    Client good_mta(f.listener.port);
    good_mta.send(optneg() + mail("<a@b>") + eob());
    good = read_replies(good_mta, "d");
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_TRUE(bad_closed);
  EXPECT_EQ(commands(good), "Od");
  EXPECT_EQ(f.server->stats().protocol_errors, 1u);
}

TEST(MilterServer, ReplyTimeoutTempfailsAndDroppedReplierToo) {
  MilterOptions o;
  o.reply_timeout = 0.2;
  Fixture f(o);
  ReplierPtr held;
  bool cancelled = false;
  int calls = 0;
  f.handler.fn = [&](Message&&, ReplierPtr r) {
    if (++calls == 1) {
      r->set_cancel_callback([&] { cancelled = true; });
      held = std::move(r);  // never answers
    }
    // second message: the replier is dropped unanswered
  };
  std::vector<std::pair<char, std::string>> first, second;
  ClientThread c([&] {
    Client mta(f.listener.port);
    mta.send(optneg() + mail("<a@b>") + eob());
    first = read_replies(mta, "t");
    mta.send(mail("<a@b>") + eob());
    second = read_replies(mta, "t");
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(commands(first).back(), 't');
  EXPECT_EQ(commands(second).back(), 't');
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(f.server->stats().timeouts, 1u);
}

TEST(MilterServer, SilentMtaIsDisconnected) {
  MilterOptions o;
  o.timeout = 0.2;
  Fixture f(o);
  bool closed = false;
  ClientThread c([&] {
    Client mta(f.listener.port);
    mta.send(optneg());
    read_replies(mta, "O");
    closed = mta.closed_by_peer();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_TRUE(closed);
}

TEST(MilterServer, DrainWaitsForTheMessageInProgress) {
  Fixture f;
  ReplierPtr held;
  f.handler.fn = [&](Message&&, ReplierPtr r) { held = std::move(r); };
  bool drained = false;
  bool idle_closed = false;
  std::vector<std::pair<char, std::string>> verdict;
  ClientThread c([&] {
    Client idle(f.listener.port);
    idle.send(optneg() + connect("h", 'U', 0, ""));
    Client busy(f.listener.port);
    busy.send(optneg() + mail("<a@b>") + eob());
    idle_closed = idle.read_all().size() > 0;  // OPTNEG reply, then closed by the drain
    verdict = read_replies(busy, "a");
    busy.closed_by_peer();
  });
  ASSERT_TRUE(run_until(f.loop, [&] { return held != nullptr; }));
  run_until(f.loop, [] { return false; }, 0.1);  // let the idle one negotiate
  f.server->drain([&] { drained = true; });
  run_until(f.loop, [&] { return f.server->connection_count() == 1; }, 5);
  EXPECT_FALSE(drained);
  held->send({Action::accept()});
  ASSERT_TRUE(f.run(c));
  c.join();
  ASSERT_TRUE(run_until(f.loop, [&] { return drained; }, 5));
  EXPECT_TRUE(idle_closed);
  EXPECT_EQ(commands(verdict), "Oa");
}

// Debian's miltertest (OpenDKIM) drives the server as an independent MTA implementation.
TEST(MilterServer, Miltertest) {
  MW_NEED_TOOL(::system("command -v miltertest >/dev/null 2>&1") == 0,
               "miltertest not installed");
  Fixture f;
  std::string seen;
  f.handler.fn = [&](Message&& m, ReplierPtr r) {
    seen = m.data;
    r->send({Action::add_header("X-Scanned", "mailward"),
             Action::reply_code(550, "5.7.1", "rejected by test")});
  };
  char tmpl[] = "/tmp/mwmilterXXXXXX.lua";
  int fd = ::mkstemps(tmpl, 4);
  ::close(fd);
  std::ofstream(tmpl) << "conn = mt.connect(\"inet:" << f.listener.port << "@127.0.0.1\")\n"
                      << "assert(conn, \"connect\")\n"
                      << "assert(mt.conninfo(conn, \"client.example.net\", \"192.0.2.1\") == nil)\n"
                      << "assert(mt.helo(conn, \"client.example.net\") == nil)\n"
                      << "assert(mt.mailfrom(conn, \"<a@example.net>\") == nil)\n"
                      << "assert(mt.rcptto(conn, \"<b@example.org>\") == nil)\n"
                      << "assert(mt.header(conn, \"Subject\", \"hello\") == nil)\n"
                      << "assert(mt.eoh(conn) == nil)\n"
                      << "assert(mt.bodystring(conn, \"body\\r\\n\") == nil)\n"
                      << "assert(mt.eom(conn) == nil)\n"
                      // HDR_LEADSPC is negotiated: the value carries its leading space
                      << "assert(mt.eom_check(conn, MT_HDRADD, \"X-Scanned\", \" mailward\"))\n"
                      << "assert(mt.getreply(conn) == SMFIR_REPLYCODE)\n"
                      << "mt.disconnect(conn)\n";
  std::string out;
  int status = -1;
  ClientThread c([&] {
    std::string cmd = std::string("miltertest -s ") + tmpl + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    status = ::pclose(p);
  });
  ASSERT_TRUE(f.run(c, 30));
  c.join();
  std::remove(tmpl);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(seen.find("Subject:"), std::string::npos) << seen;
  EXPECT_NE(seen.find("body\r\n"), std::string::npos) << seen;
}

}  // namespace
}  // namespace mw::proto::milter
