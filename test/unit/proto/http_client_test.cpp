// The forward mode's HTTP client: upstream addresses, request heads, the reply parser, and
// exchanges against a real server on 127.0.0.1 (success, refused, timeout, cancellation).
#include "proto/http/client.h"

#include <gtest/gtest.h>
#include <sys/un.h>

#include <memory>
#include <string>

#include "net_util.h"
#include "proto/http/server.h"

namespace mw::proto::http {
namespace {

using proto::test::run_until;
using proto::test::TcpListener;

// ---- addresses -------------------------------------------------------------------------------

TEST(ResolveUpstream, Forms) {
  auto a = resolve_upstream("127.0.0.1:11333", 11333);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->addr.ss_family, AF_INET);
  EXPECT_EQ(a->host, "127.0.0.1");
  auto b = resolve_upstream("[::1]:2000", 11333);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->addr.ss_family, AF_INET6);
  EXPECT_EQ(b->host, "[::1]:2000");
  auto c = resolve_upstream("127.0.0.1", 11333);
  ASSERT_TRUE(c);
  EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in*>(&c->addr)->sin_port), 11333);
  auto d = resolve_upstream("::1", 11333);  // a bare IPv6 address takes the default port
  ASSERT_TRUE(d);
  EXPECT_EQ(d->addr.ss_family, AF_INET6);
  auto e = resolve_upstream("/run/mailward.sock", 11333);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->addr.ss_family, AF_UNIX);
  EXPECT_EQ(e->host, "localhost");
  auto l = resolve_upstream("localhost:11333", 11333);
  ASSERT_TRUE(l);
}

TEST(ResolveUpstream, Errors) {
  EXPECT_FALSE(resolve_upstream("127.0.0.1:port", 11333));
  EXPECT_FALSE(resolve_upstream("127.0.0.1:0", 11333));
  EXPECT_FALSE(resolve_upstream("127.0.0.1:70000", 11333));
  EXPECT_FALSE(resolve_upstream("[::1", 11333));
  EXPECT_FALSE(resolve_upstream("[::1]x", 11333));
  EXPECT_FALSE(resolve_upstream(":11333", 11333));
  EXPECT_FALSE(resolve_upstream("no-such-host.invalid:11333", 11333));
  EXPECT_FALSE(resolve_upstream("/" + std::string(200, 'x'), 11333));
}

// ---- request head ----------------------------------------------------------------------------

TEST(BuildRequestHead, FieldsCannotBeInjected) {
  std::string head = build_request_head(
      "POST", "/checkv2", "127.0.0.1",
      {{"From", "<a@example.net>"}, {"Helo", "evil\r\nSettings: {}"}, {"Bad Name", "x"},
       {"Queue-Id", std::string("a\0b", 3)}},
      42);
  EXPECT_EQ(head,
            "POST /checkv2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 42\r\n"
            "Connection: close\r\nFrom: <a@example.net>\r\nHelo: evil  Settings: {}\r\n"
            "Queue-Id: a b\r\n\r\n");
}

// ---- reply parser ----------------------------------------------------------------------------

Result<HttpReply> parse_all(std::string_view bytes, size_t step, bool eof = false,
                            size_t max = 1 << 20) {
  ReplyParser p(max);
  for (size_t i = 0; i < bytes.size(); i += step) {
    MW_TRY(p.feed(bytes.substr(i, step)));
  }
  if (eof) MW_TRY(p.finish());
  if (!p.complete()) return fail(ErrorCode::kInvalidInput, "incomplete");
  return p.take();
}

TEST(ReplyParser, ContentLengthInAnyPieces) {
  const std::string reply =
      "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 16\r\n\r\n{\"action\":\"ok\"}\n";
  for (size_t step : {1u, 2u, 7u, 1000u}) {
    auto r = parse_all(reply, step);
    ASSERT_TRUE(r) << step;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->reason, "OK");
    EXPECT_EQ(r->body, "{\"action\":\"ok\"}\n");
    ASSERT_NE(r->field("content-type"), nullptr);
    EXPECT_EQ(*r->field("CONTENT-TYPE"), "application/json");
  }
}

TEST(ReplyParser, Chunked) {
  const std::string reply =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n";
  for (size_t step : {1u, 3u, 1000u}) {
    auto r = parse_all(reply, step);
    ASSERT_TRUE(r) << step;
    EXPECT_EQ(r->body, "hello world");
  }
}

TEST(ReplyParser, BodyToEndOfStreamAndBareLf) {
  auto r = parse_all("HTTP/1.0 200 OK\nX-A: 1\n  continued\n\nbody to eof", 4, true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "body to eof");
  ASSERT_NE(r->field("X-A"), nullptr);
  EXPECT_EQ(*r->field("X-A"), "1 continued");
}

TEST(ReplyParser, InterimReplyIsSkipped) {
  auto r = parse_all("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
                     5);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->reason, "Busy");
  EXPECT_TRUE(r->body.empty());
}

TEST(ReplyParser, Malformed) {
  EXPECT_FALSE(parse_all("SMTP/1.0 200 OK\r\n\r\n", 100));
  EXPECT_FALSE(parse_all("HTTP/1.1 2x0 OK\r\n\r\n", 100));
  EXPECT_FALSE(parse_all("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", 100));
  EXPECT_FALSE(parse_all("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 100));
  EXPECT_FALSE(parse_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 100));
  EXPECT_FALSE(parse_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100));
  EXPECT_FALSE(
      parse_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", 100));
}

TEST(ReplyParser, CutShort) {
  auto r = parse_all("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100, true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_FALSE(parse_all("HTTP/1.1 200 OK\r\nContent-Le", 100, true));
}

TEST(ReplyParser, Limits) {
  auto big_len = parse_all("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", 100, false, 1000);
  ASSERT_FALSE(big_len);
  EXPECT_EQ(big_len.error().code, ErrorCode::kLimit);
  std::string to_eof = "HTTP/1.1 200 OK\r\n\r\n" + std::string(2000, 'x');
  auto big_eof = parse_all(to_eof, 100, true, 1000);
  ASSERT_FALSE(big_eof);
  EXPECT_EQ(big_eof.error().code, ErrorCode::kLimit);
  std::string head = "HTTP/1.1 200 OK\r\nX: " + std::string(2000, 'y');
  auto big_head = parse_all(head, 100, false, 1000);
  ASSERT_FALSE(big_head);
  EXPECT_EQ(big_head.error().code, ErrorCode::kLimit);
  std::string chunks = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n";
  auto big_chunk = parse_all(chunks, 100, false, 1000);
  ASSERT_FALSE(big_chunk);
  EXPECT_EQ(big_chunk.error().code, ErrorCode::kLimit);
}

// ---- exchanges -------------------------------------------------------------------------------

class EchoHandler final : public http::Handler {
 public:
  void handle(http::Request&& r, http::ResponderPtr resp) override {
    ++requests;
    last = std::move(r);
    if (hang) {
      held.push_back(std::move(resp));
      return;
    }
    resp->send(http::Response::json("{\"size\":" + std::to_string(last.body.size()) + "}"));
  }
  int requests = 0;
  bool hang = false;
  http::Request last;
  std::vector<http::ResponderPtr> held;
};

struct ExchangeFixture {
  core::Dispatcher loop;
  core::Logger logger{core::LogLevel::kSilent};
  EchoHandler handler;
  TcpListener listener;
  std::unique_ptr<http::HttpServer> server;
  ExchangeFixture() {
    server = std::make_unique<http::HttpServer>(loop, logger, handler, proto::HttpOptions{});
    EXPECT_TRUE(server->start(listener.fd));
  }
  UpstreamAddress address() const {
    return *resolve_upstream("127.0.0.1:" + std::to_string(listener.port), 11333);
  }
};

TEST(HttpExchange, PostAndReply) {
  ExchangeFixture f;
  auto body = std::make_shared<const std::string>(std::string(300000, 'm'));  // many writes
  std::string head = build_request_head("POST", "/checkv2", "upstream",
                                        {{"Queue-Id", "Q1"}}, body->size());
  std::optional<Result<HttpReply>> got;
  auto ex = HttpExchange::start(f.loop, f.address(), head, body, {},
                                [&](Result<HttpReply> r) { got = std::move(r); });
  ASSERT_TRUE(run_until(f.loop, [&] { return got.has_value(); }));
  ASSERT_TRUE(*got) << got->error().message;
  EXPECT_EQ((*got)->status, 200);
  EXPECT_EQ((*got)->body, "{\"size\":300000}");
  EXPECT_EQ(f.handler.requests, 1);
  ASSERT_NE(f.handler.last.header("Queue-Id"), nullptr);
  EXPECT_EQ(*f.handler.last.header("Queue-Id"), "Q1");
  EXPECT_EQ(f.handler.last.body, *body);
}

TEST(HttpExchange, ConnectionRefused) {
  core::Dispatcher loop;
  uint16_t port;
  {
    TcpListener l;
    port = l.port;
  }
  auto to = resolve_upstream("127.0.0.1:" + std::to_string(port), 1);
  ASSERT_TRUE(to);
  std::optional<Result<HttpReply>> got;
  bool during_start = true;
  bool called_during_start = false;
  auto ex = HttpExchange::start(loop, *to, build_request_head("POST", "/", "h", {}, 0),
                                std::make_shared<const std::string>(), {},
                                [&](Result<HttpReply> r) {
                                  called_during_start = during_start;
                                  got = std::move(r);
                                });
  during_start = false;
  ASSERT_TRUE(run_until(loop, [&] { return got.has_value(); }));
  EXPECT_FALSE(called_during_start);
  ASSERT_FALSE(*got);
  EXPECT_EQ(got->error().code, ErrorCode::kIo);
}

TEST(HttpExchange, Timeout) {
  ExchangeFixture f;
  f.handler.hang = true;
  ExchangeOptions o;
  o.timeout = 0.2;
  std::optional<Result<HttpReply>> got;
  auto ex = HttpExchange::start(f.loop, f.address(), build_request_head("POST", "/", "h", {}, 0),
                                std::make_shared<const std::string>(), o,
                                [&](Result<HttpReply> r) { got = std::move(r); });
  ASSERT_TRUE(run_until(f.loop, [&] { return got.has_value(); }, 5));
  ASSERT_FALSE(*got);
  EXPECT_EQ(got->error().code, ErrorCode::kTimeout);
}

TEST(HttpExchange, DestroyedInsideItsCallbackAndBefore) {
  ExchangeFixture f;
  std::unique_ptr<HttpExchange> ex;
  bool called = false;
  ex = HttpExchange::start(f.loop, f.address(), build_request_head("POST", "/", "h", {}, 0),
                           std::make_shared<const std::string>(), {},
                           [&](Result<HttpReply> r) {
                             called = true;
                             ex.reset();  // allowed
                           });
  ASSERT_TRUE(run_until(f.loop, [&] { return called; }));
  EXPECT_EQ(ex, nullptr);
  // Destroyed before completion: the callback never runs.
  bool late = false;
  auto ex2 = HttpExchange::start(f.loop, f.address(), build_request_head("POST", "/", "h", {}, 0),
                                 std::make_shared<const std::string>(), {},
                                 [&](Result<HttpReply>) { late = true; });
  ex2.reset();
  run_until(f.loop, [] { return false; }, 0.2);
  EXPECT_FALSE(late);
}

TEST(HttpExchange, UnixSocket) {
  core::Dispatcher loop;
  core::Logger logger{core::LogLevel::kSilent};
  EchoHandler handler;
  std::string path = "/tmp/mw-http-client-test-" + std::to_string(::getpid()) + ".sock";
  ::unlink(path.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  {
    http::HttpServer server(loop, logger, handler, proto::HttpOptions{});
    ASSERT_TRUE(server.start(fd));
    auto to = resolve_upstream(path, 11333);
    ASSERT_TRUE(to);
    auto body = std::make_shared<const std::string>("abc");
    std::optional<Result<HttpReply>> got;
    auto ex = HttpExchange::start(loop, *to, build_request_head("POST", "/checkv2", to->host, {}, 3),
                                  body, {}, [&](Result<HttpReply> r) { got = std::move(r); });
    ASSERT_TRUE(run_until(loop, [&] { return got.has_value(); }));
    ASSERT_TRUE(*got);
    EXPECT_EQ((*got)->body, "{\"size\":3}");
  }
  ::close(fd);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace mw::proto::http
