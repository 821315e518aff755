#include "proto/http/server.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "core/json.h"
#include "need_tool.h"
#include "net_util.h"
#include "proto/http/legacy.h"

namespace mw::proto::http {
namespace {

using test::body_of;
using test::Client;
using test::ClientThread;
using test::run_until;
using test::status_line;
using test::TcpListener;

class FnHandler : public Handler {
 public:
  std::function<void(Request&&, ResponderPtr)> fn;
  void handle(Request&& r, ResponderPtr resp) override { fn(std::move(r), std::move(resp)); }
};

// Echo handler: replies with JSON describing the request; 404 for unknown paths.
void echo(Request&& r, ResponderPtr resp) {
  if (!r.path_is("checkv2") && !r.path_is("ping") && !r.path_is("check")) {
    resp->send(Response::error(404, "invalid command"));
    return;
  }
  json::Value v = json::Value::object();
  v.set("path", r.path);
  v.set("body_size", static_cast<int64_t>(r.body.size()));
  v.set("compressed", r.compressed);
  v.set("peer", r.peer.ip);
  if (const std::string* rcpt = r.header("Rcpt")) v.set("rcpt", *rcpt);
  Response out = Response::json(json::write(v));
  out.compress = r.wants_compressed_reply();
  resp->send(std::move(out));
}

struct Fixture {
  core::Dispatcher loop;
  core::Logger logger{core::LogLevel::kSilent};
  FnHandler handler;
  TcpListener listener;
  std::unique_ptr<HttpServer> server;

  explicit Fixture(HttpOptions o = {}) {
    handler.fn = echo;
    o.server_name = "mailward/test";
    server = std::make_unique<HttpServer>(loop, logger, handler, o);
    EXPECT_TRUE(server->start(listener.fd));
  }
  bool run(const ClientThread& c, double timeout = 10) {
    return run_until(loop, [&] { return c.done(); }, timeout);
  }
};

TEST(HttpServer, AnswersAndKeepsTheConnectionAlive) {
  Fixture f;
  std::string r1, r2, r3;
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("POST /checkv2 HTTP/1.1\r\nContent-Length: 5\r\nRcpt: <a@example.org>\r\n\r\nhello");
    r1 = cl.read_response();
    cl.send("GET /ping HTTP/1.1\r\n\r\n");
    r2 = cl.read_response();
    cl.send("GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n");
    r3 = cl.read_response();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(status_line(r1), "HTTP/1.1 200 OK");
  EXPECT_NE(r1.find("Server: mailward/test\r\n"), std::string::npos);
  EXPECT_NE(r1.find("Date: "), std::string::npos);
  EXPECT_NE(r1.find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_NE(r1.find("Content-Type: application/json\r\n"), std::string::npos);
  auto v = json::parse(body_of(r1));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->find("body_size")->as_int(), 5);
  EXPECT_EQ(v->find("rcpt")->as_string(), "<a@example.org>");
  EXPECT_EQ(v->find("peer")->as_string(), "127.0.0.1");
  EXPECT_EQ(status_line(r2), "HTTP/1.1 200 OK");
  EXPECT_EQ(status_line(r3), "HTTP/1.1 404 Not Found");
  EXPECT_NE(r3.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(body_of(r3).find("\"error\":\"invalid command\""), std::string::npos);
  EXPECT_EQ(f.server->stats().connections_accepted, 1u);
  EXPECT_EQ(f.server->stats().requests, 3u);
  run_until(f.loop, [&] { return f.server->connection_count() == 0; }, 5);
  EXPECT_EQ(f.server->connection_count(), 0u);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  Fixture f;
  std::string all;
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("POST /checkv2 HTTP/1.1\r\nContent-Length: 1\r\n\r\nA"
            "POST /checkv2 HTTP/1.1\r\nContent-Length: 22\r\n\r\n0123456789012345678901"
            "GET /ping HTTP/1.0\r\n\r\n");
    all = cl.read_all();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  size_t first = all.find("\"body_size\":1");
  size_t second = all.find("\"body_size\":22");
  size_t third = all.find("\"path\":\"/ping\"");
  ASSERT_NE(first, std::string::npos) << all;
  ASSERT_NE(second, std::string::npos) << all;
  ASSERT_NE(third, std::string::npos) << all;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST(HttpServer, AsynchronousReplyAndHeadRequest) {
  Fixture f;
  std::vector<ResponderPtr> pending;
  core::TimerPtr later = f.loop.create_timer([&] {
    for (auto& p : pending) p->send(Response::text("pong\r\n"));
    pending.clear();
  });
  f.handler.fn = [&](Request&&, ResponderPtr r) {
    pending.push_back(std::move(r));
    later->enable(0.05);
  };
  std::string get, head;
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("GET /ping HTTP/1.1\r\n\r\n");
    get = cl.read_response();
    cl.send("HEAD /ping HTTP/1.1\r\n\r\n");
    char buf[4096];
    ssize_t n = ::recv(cl.fd, buf, sizeof buf, 0);
    if (n > 0) head.assign(buf, static_cast<size_t>(n));
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(body_of(get), "pong\r\n");
  EXPECT_NE(get.find("Content-Type: text/plain"), std::string::npos);
  EXPECT_EQ(status_line(head), "HTTP/1.1 200 OK");
  EXPECT_NE(head.find("Content-Length: 6\r\n"), std::string::npos);
  EXPECT_EQ(body_of(head), "");
}

TEST(HttpServer, SlowClientGets408) {
  HttpOptions o;
  o.read_timeout = 0.2;
  Fixture f(o);
  std::string reply;
  double elapsed = 0;
  ClientThread c([&] {
    Client cl(f.listener.port);
    auto start = std::chrono::steady_clock::now();
    cl.send("POST /checkv2 HTTP/1.1\r\nContent-Le");
    reply = cl.read_all();
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(status_line(reply), "HTTP/1.1 408 Request Timeout");
  EXPECT_GE(elapsed, 0.15);
  EXPECT_LT(elapsed, 3.0);
  EXPECT_EQ(f.server->stats().timeouts, 1u);
}

TEST(HttpServer, SlowBodyTimesOutButSteadyBodyDoesNot) {
  HttpOptions o;
  o.read_timeout = 0.3;
  Fixture f(o);
  std::string steady, stalled;
  ClientThread c([&] {
    Client a(f.listener.port);
    a.send("POST /checkv2 HTTP/1.1\r\nContent-Length: 5\r\n\r\n");
    for (int i = 0; i < 5; ++i) {  // 0.5 s in total, but never 0.3 s of silence
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      a.send("x");
    }
    steady = a.read_response();
    Client b(f.listener.port);
    b.send("POST /checkv2 HTTP/1.1\r\nContent-Length: 5\r\n\r\nab");
    stalled = b.read_all();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(status_line(steady), "HTTP/1.1 200 OK");
  EXPECT_EQ(status_line(stalled), "HTTP/1.1 408 Request Timeout");
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosed) {
  HttpOptions o;
  o.keepalive_timeout = 0.2;
  Fixture f(o);
  std::string r;
  bool closed = false;
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("GET /ping HTTP/1.1\r\n\r\n");
    r = cl.read_response();
    closed = cl.closed_by_peer();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(status_line(r), "HTTP/1.1 200 OK");
  EXPECT_TRUE(closed);
}

TEST(HttpServer, ClientGoingAwayCancelsTheRequest) {
  Fixture f;
  ResponderPtr held;
  int cancels = 0;
  f.handler.fn = [&](Request&&, ResponderPtr r) {
    r->set_cancel_callback([&] { ++cancels; });
    held = std::move(r);
  };
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("POST /checkv2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cl.close();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  ASSERT_TRUE(run_until(f.loop, [&] { return cancels == 1; }, 5));
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->cancelled());
  held->send(Response::json("{}"));  // ignored
  held.reset();
  EXPECT_EQ(f.server->stats().cancelled, 1u);
  run_until(f.loop, [&] { return f.server->connection_count() == 0; }, 5);
  EXPECT_EQ(f.server->connection_count(), 0u);
}

TEST(HttpServer, ErrorsAlwaysGetAReply) {
  HttpOptions o;
  o.limits.max_body_size = 1024;
  Fixture f(o);
  std::string too_big, garbage, coding, corrupt;
  ClientThread c([&] {
    {
      Client cl(f.listener.port);
      // The client goes on sending its body: the lingering close keeps the 413 readable.
      cl.send("POST /checkv2 HTTP/1.1\r\nContent-Length: 5000\r\n\r\n");
      cl.send(std::string(5000, 'x'));
      too_big = cl.read_all();
    }
    {
      Client cl(f.listener.port);
      cl.send("\x16\x03\x01\x02 not http at all\r\n\r\n");
      garbage = cl.read_all();
    }
    {
      Client cl(f.listener.port);
      cl.send("POST /checkv2 HTTP/1.1\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\nab");
      coding = cl.read_all();
    }
    {
      Client cl(f.listener.port);
      cl.send("POST /checkv2 HTTP/1.1\r\nCompression: zstd\r\nContent-Length: 4\r\n\r\nabcd");
      corrupt = cl.read_all();
    }
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(status_line(too_big), "HTTP/1.1 413 Content Too Large");
  EXPECT_NE(body_of(too_big).find("\"error\":\"request body too large\""), std::string::npos);
  EXPECT_EQ(status_line(garbage), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(coding), "HTTP/1.1 415 Unsupported Media Type");
  EXPECT_EQ(status_line(corrupt), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(f.server->stats().protocol_errors, 4u);
}

TEST(HttpServer, DroppedResponderGets500) {
  Fixture f;
  f.handler.fn = [](Request&&, ResponderPtr) {};  // drops it
  std::string r;
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("GET /ping HTTP/1.1\r\n\r\n");
    r = cl.read_response();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(status_line(r), "HTTP/1.1 500 Internal Server Error");
}

TEST(HttpServer, CompressedRequestGetsACompressedReply) {
  Fixture f;
  std::string message(100000, 'm');
  std::string z(ZSTD_compressBound(message.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), message.data(), message.size(), 1));
  std::string reply;
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("POST /checkv2 HTTP/1.0\r\nCompression: zstd\r\nContent-Length: " +
            std::to_string(z.size()) + "\r\n\r\n" + z);
    reply = cl.read_all();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(status_line(reply), "HTTP/1.1 200 OK");
  EXPECT_NE(reply.find("Compression: zstd\r\n"), std::string::npos);
  EXPECT_NE(reply.find("Content-Encoding: zstd\r\n"), std::string::npos);
  EXPECT_NE(reply.find("Connection: close\r\n"), std::string::npos);  // HTTP/1.0
  std::string body = body_of(reply);
  std::string plain(4096, '\0');
  size_t n = ZSTD_decompress(plain.data(), plain.size(), body.data(), body.size());
  ASSERT_FALSE(ZSTD_isError(n));
  plain.resize(n);
  EXPECT_NE(plain.find("\"body_size\":100000"), std::string::npos) << plain;
  EXPECT_NE(plain.find("\"compressed\":true"), std::string::npos);
}

TEST(HttpServer, LegacyRspamcConversation) {
  Fixture f;
  // The reply text itself is the scan layer's (scan/reply.h); here: that the server writes it
  // as it is and closes, for each protocol.
  f.handler.fn = [](Request&& r, ResponderPtr resp) {
    std::string text =
        r.protocol == Protocol::kSpamc
            ? "SPAMD/1.1 0 EX_OK\r\nSpam: False ; 7.50 / 15.00\r\nContent-length: 11\r\n\r\n"
              "TEST_SYMBOL"
            : "RSPAMD/1.3 0 EX_OK\r\nMetric: default; False; 7.50 / 15.00 / 0.0\r\n"
              "Action: add header\r\nSymbol: TEST_SYMBOL(7.50)\r\n"
              "Message-ID: " + r.body.substr(0, 5) + "\r\n";
    resp->send(legacy_response(std::move(text)));
  };
  std::string reply, spamc;
  ClientThread c([&] {
    {
      Client cl(f.listener.port);  // what Exim sends; it reads until the server closes
      cl.send("CHECK RSPAMC/1.3\r\nContent-length: 11\r\nQueue-Id: 1x\r\nFrom: <a@b>\r\n"
              "Recipient-Number: 1\r\nRcpt: <c@d>\r\nHelo: h\r\nHostname: unknown\r\n"
              "IP: 192.0.2.1\r\n\r\nhello world");
      reply = cl.read_all();
    }
    {
      Client cl(f.listener.port);  // spamc half-closes after sending
      cl.send("SYMBOLS SPAMC/1.5\r\nContent-length: 5\r\n\r\nhello");
      ::shutdown(cl.fd, SHUT_WR);
      spamc = cl.read_all();
    }
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(reply,
            "RSPAMD/1.3 0 EX_OK\r\nMetric: default; False; 7.50 / 15.00 / 0.0\r\n"
            "Action: add header\r\nSymbol: TEST_SYMBOL(7.50)\r\n"
            "Message-ID: hello\r\n");
  EXPECT_EQ(spamc,
            "SPAMD/1.1 0 EX_OK\r\nSpam: False ; 7.50 / 15.00\r\nContent-length: 11\r\n\r\n"
            "TEST_SYMBOL");
}

TEST(HttpServer, LegacyErrorsUseTheLegacyFormat) {
  HttpOptions o;
  o.limits.max_body_size = 1024;
  Fixture f(o);
  std::string big, handler_error;
  f.handler.fn = [](Request&&, ResponderPtr resp) {
    resp->send(Response::error(500, "scan failed"));
  };
  ClientThread c([&] {
    {
      Client cl(f.listener.port);
      cl.send("CHECK RSPAMC/1.3\r\nContent-length: 4096\r\n\r\n");
      big = cl.read_all();
    }
    {
      Client cl(f.listener.port);
      cl.send("CHECK RSPAMC/1.3\r\nContent-length: 1\r\n\r\nx");
      handler_error = cl.read_all();
    }
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(big, "RSPAMD/1.3 98 request body too large\r\n");
  EXPECT_EQ(handler_error, "RSPAMD/1.3 70 scan failed\r\n");
}

TEST(HttpServer, ConnectionLimitPausesAccepting) {
  HttpOptions o;
  o.max_connections = 1;
  Fixture f(o);
  std::string second;
  size_t max_seen = 0;
  ClientThread c([&] {
    Client a(f.listener.port);
    a.send("GET /ping HTTP/1.1\r\n\r\n");
    a.read_response();
    Client b(f.listener.port);  // queued in the backlog, not accepted yet
    b.send("GET /ping HTTP/1.1\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    a.close();
    second = b.read_response();
  });
  ASSERT_TRUE(run_until(f.loop, [&] {
    max_seen = std::max(max_seen, f.server->connection_count());
    return c.done();
  }));
  c.join();
  EXPECT_EQ(max_seen, 1u);
  EXPECT_EQ(status_line(second), "HTTP/1.1 200 OK");
  EXPECT_EQ(f.server->stats().connections_accepted, 2u);
}

TEST(HttpServer, DrainFinishesInFlightAndClosesIdle) {
  Fixture f;
  ResponderPtr held;
  f.handler.fn = [&](Request&&, ResponderPtr r) { held = std::move(r); };
  bool drained = false;
  bool idle_closed = false;
  std::string in_flight;
  std::atomic<bool> request_sent{false};
  ClientThread c([&] {
    Client idle(f.listener.port);
    Client busy(f.listener.port);
    busy.send("POST /checkv2 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
    request_sent = true;
    idle_closed = idle.closed_by_peer();
    in_flight = busy.read_response();
  });
  ASSERT_TRUE(run_until(f.loop, [&] {
    return held != nullptr && f.server->connection_count() == 2;
  }));
  f.server->drain([&] { drained = true; });
  EXPECT_TRUE(f.server->draining());
  run_until(f.loop, [&] { return f.server->connection_count() == 1; }, 5);
  EXPECT_EQ(f.server->connection_count(), 1u);  // the idle one is gone
  EXPECT_FALSE(drained);
  held->send(Response::json("{\"ok\":true}"));
  held.reset();
  ASSERT_TRUE(f.run(c));
  c.join();
  ASSERT_TRUE(run_until(f.loop, [&] { return drained; }, 5));
  EXPECT_TRUE(idle_closed);
  EXPECT_EQ(status_line(in_flight), "HTTP/1.1 200 OK");
  EXPECT_NE(in_flight.find("Connection: close\r\n"), std::string::npos);
  // New connections are no longer accepted by this worker.
  EXPECT_EQ(f.server->stats().connections_accepted, 2u);
}

TEST(HttpServer, StopCancelsInFlight) {
  Fixture f;
  ResponderPtr held;
  bool cancelled = false;
  f.handler.fn = [&](Request&&, ResponderPtr r) {
    r->set_cancel_callback([&] { cancelled = true; });
    held = std::move(r);
  };
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("GET /ping HTTP/1.1\r\n\r\n");
    cl.read_all();
  });
  ASSERT_TRUE(run_until(f.loop, [&] { return held != nullptr; }));
  f.server->stop();
  EXPECT_TRUE(cancelled);
  ASSERT_TRUE(f.run(c));
  c.join();
  // A responder that outlives the server stays harmless.
  f.server.reset();
  held->send(Response::json("{}"));
  EXPECT_TRUE(held->cancelled());
}

TEST(HttpServer, ExpectContinueGetsAnInterimReply) {
  Fixture f;
  std::string interim, final_reply;
  ClientThread c([&] {
    Client cl(f.listener.port);
    cl.send("POST /checkv2 HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    char buf[256];
    ssize_t n = ::recv(cl.fd, buf, sizeof buf, 0);
    if (n > 0) interim.assign(buf, static_cast<size_t>(n));
    cl.send("abc");
    final_reply = cl.read_response();
  });
  ASSERT_TRUE(f.run(c));
  c.join();
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(status_line(final_reply), "HTTP/1.1 200 OK");
}

TEST(HttpServer, UnixSocketListener) {
  core::Dispatcher loop;
  core::Logger logger(core::LogLevel::kSilent);
  FnHandler h;
  bool unix_peer = false;
  h.fn = [&](Request&& r, ResponderPtr resp) {
    unix_peer = r.peer.unix_socket;
    resp->send(Response::text("pong\r\n"));
  };
  std::string path = "/tmp/mwproto-" + std::to_string(::getpid()) + ".sock";
  ::unlink(path.c_str());
  int lfd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(lfd, 8), 0);
  HttpServer s(loop, logger, h, {});
  ASSERT_TRUE(s.start(lfd));
  std::string reply;
  ClientThread c([&] {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
    std::string req = "GET /ping HTTP/1.0\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    char buf[1024];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) reply.append(buf, static_cast<size_t>(n));
    ::close(fd);
  });
  ASSERT_TRUE(run_until(loop, [&] { return c.done(); }));
  c.join();
  ::close(lfd);
  ::unlink(path.c_str());
  EXPECT_EQ(status_line(reply), "HTTP/1.1 200 OK");
  EXPECT_TRUE(unix_peer);
}

TEST(HttpServer, WorkersShareOneListeningSocket) {
  // Two servers on two loops accept from the same socket, as pre-forked workers do: the
  // loser of each accept race sees EAGAIN and goes on.
  core::Dispatcher loop_a, loop_b;
  core::Logger logger(core::LogLevel::kSilent);
  FnHandler h;
  h.fn = echo;
  TcpListener listener;
  HttpServer a(loop_a, logger, h, {});
  HttpServer b(loop_b, logger, h, {});
  ASSERT_TRUE(a.start(listener.fd));
  ASSERT_TRUE(b.start(listener.fd));
  int ok = 0;
  ClientThread c([&] {
    for (int i = 0; i < 20; ++i) {
      Client cl(listener.port);
      cl.send("GET /ping HTTP/1.0\r\n\r\n");
      if (status_line(cl.read_all()) == "HTTP/1.1 200 OK") ++ok;
    }
  });
  ASSERT_TRUE(run_until(loop_a, [&] {
    loop_b.run_once_nonblock();
    return c.done();
  }));
  c.join();
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(a.stats().connections_accepted + b.stats().connections_accepted, 20u);
}

TEST(HttpServer, NotAListeningSocketIsRefused) {
  core::Dispatcher loop;
  core::Logger logger(core::LogLevel::kSilent);
  FnHandler h;
  HttpServer s(loop, logger, h, {});
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_FALSE(s.start(fd));
  ::close(fd);
}

// ---- real clients ---------------------------------------------------------------------------

std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

std::string temp_file(const std::string& content) {
  char tmpl[] = "/tmp/mwprotoXXXXXX";
  int fd = ::mkstemp(tmpl);
  ::close(fd);
  std::ofstream(tmpl, std::ios::binary) << content;
  return tmpl;
}

TEST(HttpServer, Curl) {
  MW_NEED_TOOL(::system("command -v curl >/dev/null 2>&1") == 0, "curl not installed");
  Fixture f;
  std::string msg = "Subject: curl\r\n\r\n" + std::string(200000, 'c');
  std::string file = temp_file(msg);
  std::string out, chunked, compressed;
  double elapsed = 0;
  ClientThread c([&] {
    std::string base = "curl -s --max-time 10 http://127.0.0.1:" +
                       std::to_string(f.listener.port) + "/checkv2";
    auto start = std::chrono::steady_clock::now();
    // curl waits up to 1 s for "100 Continue" when asked to expect it.
    out = run_command(base + " -H 'Expect: 100-continue' -H 'Rcpt: <r@example.org>'"
                             " --data-binary @" + file);
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    chunked = run_command(base + " -H 'Transfer-Encoding: chunked' --data-binary @" + file);
    compressed = run_command(base + "?x=1 -H 'Accept-Encoding: zstd' --data-binary @" + file +
                             " | zstd -dc 2>/dev/null");
  });
  ASSERT_TRUE(f.run(c, 30));
  c.join();
  std::remove(file.c_str());
  auto v = json::parse(out);
  ASSERT_TRUE(v) << out;
  EXPECT_EQ(v->find("body_size")->as_int(), static_cast<int64_t>(msg.size()));
  EXPECT_EQ(v->find("rcpt")->as_string(), "<r@example.org>");
  EXPECT_LT(elapsed, 0.9);  // the interim reply came at once
  auto w = json::parse(chunked);
  ASSERT_TRUE(w) << chunked;
  EXPECT_EQ(w->find("body_size")->as_int(), static_cast<int64_t>(msg.size()));
  if (::system("command -v zstd >/dev/null 2>&1") == 0) {
    auto z = json::parse(compressed);
    ASSERT_TRUE(z) << compressed;
    EXPECT_EQ(z->find("body_size")->as_int(), static_cast<int64_t>(msg.size()));
  }
}

TEST(HttpServer, Rspamc) {
  MW_NEED_TOOL(::system("command -v rspamc >/dev/null 2>&1") == 0, "rspamc not installed");
  Fixture f;
  std::string seen_from, seen_ip, seen_path;
  size_t seen_size = 0;
  f.handler.fn = [&](Request&& r, ResponderPtr resp) {
    seen_path = r.path;
    seen_size = r.body.size();
    if (const std::string* v = r.header("From")) seen_from = *v;
    if (const std::string* v = r.header("IP")) seen_ip = *v;
    Response out = Response::json(
        "{\"is_skipped\":false,\"score\":16.5,\"required_score\":15.0,\"action\":\"reject\","
        "\"symbols\":{\"TEST_SYMBOL\":{\"name\":\"TEST_SYMBOL\",\"score\":16.5}},"
        "\"message-id\":\"abc@example.org\"}");
    out.compress = r.wants_compressed_reply();
    resp->send(std::move(out));
  };
  std::string msg = "From: a@example.org\r\nSubject: rspamc\r\n\r\nbody\r\n";
  std::string file = temp_file(msg);
  std::string out;
  ClientThread c([&] {
    out = run_command("rspamc -t 10 -h 127.0.0.1:" + std::to_string(f.listener.port) +
                      " -F sender@example.org -i 192.0.2.9 symbols " + file + " 2>&1");
  });
  ASSERT_TRUE(f.run(c, 30));
  c.join();
  std::remove(file.c_str());
  EXPECT_EQ(seen_path, "/checkv2");
  EXPECT_EQ(seen_size, msg.size());
  EXPECT_EQ(seen_from, "sender@example.org");
  EXPECT_EQ(seen_ip, "192.0.2.9");
  EXPECT_NE(out.find("Action: reject"), std::string::npos) << out;
  EXPECT_NE(out.find("TEST_SYMBOL"), std::string::npos) << out;
}

}  // namespace
}  // namespace mw::proto::http
