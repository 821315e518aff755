#include "proto/http/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mw::proto::http {
namespace {

using namespace std::string_literals;

// Drive a parser the way the server does: bytes arrive in pieces, unused bytes stay buffered
// and are offered again with the next piece.
struct Driven {
  std::vector<Request> requests;
  bool failed = false;
  ParseError error;
  std::string leftover;  // buffered, not yet used
};

Driven drive(const std::vector<std::string>& pieces, const HttpLimits& limits = {},
             bool eof = false) {
  Driven out;
  RequestParser p(limits);
  std::string buf;
  auto pump = [&] {
    while (true) {
      size_t n = p.feed(buf);
      buf.erase(0, n);
      if (p.failed()) {
        out.failed = true;
        out.error = p.error();
        return false;
      }
      if (p.complete()) {
        out.requests.push_back(p.take());
        continue;
      }
      return true;
    }
  };
  for (const auto& piece : pieces) {
    buf += piece;
    if (!pump()) return out;
  }
  if (eof) {
    p.finish();
    if (p.complete()) {
      out.requests.push_back(p.take());
    } else if (p.failed()) {
      out.failed = true;
      out.error = p.error();
    }
  }
  out.leftover = buf;
  return out;
}

// All the ways to split `input`: whole, every two-piece split, byte by byte.
std::vector<std::vector<std::string>> splits(const std::string& input) {
  std::vector<std::vector<std::string>> out;
  out.push_back({input});
  for (size_t i = 1; i < input.size(); ++i) out.push_back({input.substr(0, i), input.substr(i)});
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  out.push_back(bytes);
  return out;
}

std::string header_dump(const HeaderMap& h) {
  std::string s;
  for (const auto& f : h) s += f.name + "=" + f.value + ";";
  return s;
}

struct ValidCase {
  const char* name;
  std::string input;
  std::string method;
  std::string path;
  std::string headers;  // header_dump()
  std::string body;
  bool keep_alive;
  Protocol protocol = Protocol::kHttp;
};

std::vector<ValidCase> valid_cases() {
  return {
      {"get", "GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n", "GET", "/ping", "Host=localhost;",
       "", true},
      {"post_length",
       "POST /checkv2 HTTP/1.1\r\nContent-Length: 11\r\nRcpt: <a@x>\r\nFrom: b@y\r\n"
       "Rcpt: <c@x>\r\n\r\nhello world",
       "POST", "/checkv2", "Content-Length=11;Rcpt=<a@x>;From=b@y;Rcpt=<c@x>;", "hello world",
       true},
      {"chunked_ext_trailers",
       "POST /checkv2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nHello\r\n"
       "7 ; name=\"v\"\r\n, World\r\n0\r\nX-Trailer: yes\r\n\r\n",
       "POST", "/checkv2", "Transfer-Encoding=chunked;", "Hello, World", true},
      {"http10_no_length", "POST /checkv2 HTTP/1.0\r\nFrom: a@b\r\n\r\n", "POST", "/checkv2",
       "From=a@b;", "", false},
      {"http10_keepalive", "GET /ping HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", "GET", "/ping",
       "Connection=Keep-Alive;", "", true},
      {"http11_close", "GET /ping HTTP/1.1\r\nConnection: close\r\n\r\n", "GET", "/ping",
       "Connection=close;", "", false},
      {"obs_fold", "GET /x HTTP/1.1\r\nX-Long: part1\r\n \t part2\r\nY: z\r\n\r\n", "GET", "/x",
       "X-Long=part1 part2;Y=z;", "", true},
      {"bare_lf", "POST /symbols HTTP/1.1\nContent-Length: 3\nIP: 192.0.2.1\n\nabc", "POST",
       "/symbols", "Content-Length=3;IP=192.0.2.1;", "abc", true},
      {"leading_crlf", "\r\n\r\nGET /ping HTTP/1.1\r\n\r\n", "GET", "/ping", "", "", true},
      {"value_trimmed", "GET /x HTTP/1.1\r\nA:\t  spaced value \t\r\nB:\r\n\r\n", "GET", "/x",
       "A=spaced value;B=;", "", true},
      {"absolute_form", "GET http://localhost:11333/checkv2 HTTP/1.1\r\n\r\n", "GET",
       "/checkv2", "", "", true},
      {"percent_path", "GET /check%76%32 HTTP/1.1\r\n\r\n", "GET", "/checkv2", "", "", true},
      {"legacy_rspamc",
       "CHECK RSPAMC/1.3\r\nContent-length: 5\r\nQueue-Id: 1A2B\r\nFrom: <a@b>\r\n"
       "Recipient-Number: 1\r\nRcpt: <c@d>\r\nHelo: mx.example\r\nHostname: unknown\r\n"
       "IP: 192.0.2.7\r\n\r\nHello",
       "CHECK", "/check",
       "Content-length=5;Queue-Id=1A2B;From=<a@b>;Recipient-Number=1;Rcpt=<c@d>;"
       "Helo=mx.example;Hostname=unknown;IP=192.0.2.7;",
       "Hello", false, Protocol::kRspamc},
      {"legacy_spamc", "symbols SPAMC/1.5\r\nContent-length: 3\r\nUser: nobody\r\n\r\nabc",
       "SYMBOLS", "/symbols", "Content-length=3;User=nobody;", "abc", false, Protocol::kSpamc},
      {"legacy_ping", "PING SPAMC/1.5\r\n\r\n", "PING", "/ping", "", "", false, Protocol::kSpamc},
  };
}

TEST(HttpParser, ValidRequestsAtEverySplit) {
  for (const auto& c : valid_cases()) {
    for (const auto& pieces : splits(c.input)) {
      Driven d = drive(pieces);
      ASSERT_FALSE(d.failed) << c.name << ": " << d.error.reason << " (pieces " << pieces.size()
                             << ")";
      ASSERT_EQ(d.requests.size(), 1u) << c.name << " (pieces " << pieces.size() << ")";
      const Request& r = d.requests[0];
      EXPECT_EQ(r.method, c.method) << c.name;
      EXPECT_EQ(r.path, c.path) << c.name;
      EXPECT_EQ(header_dump(r.headers), c.headers) << c.name;
      EXPECT_EQ(r.body, c.body) << c.name;
      EXPECT_EQ(r.keep_alive, c.keep_alive) << c.name;
      EXPECT_EQ(r.protocol, c.protocol) << c.name;
      EXPECT_TRUE(d.leftover.empty()) << c.name;
    }
  }
}

TEST(HttpParser, ChunkedTrailersAreKeptSeparately) {
  Driven d = drive({"POST /checkv2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "a\r\n0123456789\r\n0;last\r\nX-Sum: 45\r\nX-Other:  v \r\n\r\n"});
  ASSERT_EQ(d.requests.size(), 1u);
  EXPECT_EQ(d.requests[0].body, "0123456789");
  EXPECT_EQ(header_dump(d.requests[0].trailers), "X-Sum=45;X-Other=v;");
}

TEST(HttpParser, QueryParametersAreDecodedInOrder) {
  Driven d = drive({"GET /checkv2?settings=%7B%22actions%22%3A%7B%7D%7D&flag&x=a+b&=skip&"
                    "Settings-ID=outbound HTTP/1.1\r\nPass: all\r\n\r\n"});
  ASSERT_EQ(d.requests.size(), 1u);
  const Request& r = d.requests[0];
  ASSERT_EQ(r.query.size(), 4u);
  EXPECT_EQ(r.query[0], (std::pair<std::string, std::string>("settings", "{\"actions\":{}}")));
  EXPECT_EQ(r.query[1], (std::pair<std::string, std::string>("flag", "")));
  EXPECT_EQ(r.query[2], (std::pair<std::string, std::string>("x", "a b")));
  EXPECT_EQ(r.query[3], (std::pair<std::string, std::string>("Settings-ID", "outbound")));
  ASSERT_NE(r.param("SETTINGS"), nullptr);
  EXPECT_EQ(*r.param("settings"), "{\"actions\":{}}");
  EXPECT_EQ(*r.param("pass"), "all");  // headers too
  EXPECT_EQ(r.param("missing"), nullptr);
  EXPECT_EQ(r.path, "/checkv2");
}

TEST(HttpParser, PathMatchingIgnoresCaseAndLeadingSlash) {
  Driven d = drive({"POST /CheckV2 HTTP/1.1\r\n\r\n"});
  ASSERT_EQ(d.requests.size(), 1u);
  EXPECT_TRUE(d.requests[0].path_is("checkv2"));
  EXPECT_TRUE(d.requests[0].path_is("/checkv2"));
  EXPECT_FALSE(d.requests[0].path_is("check"));
  EXPECT_EQ(d.requests[0].command(), "CheckV2");
  Driven legacy = drive({"SYMBOLS RSPAMC/1.3\r\nContent-length: 0\r\n\r\n"});
  ASSERT_EQ(legacy.requests.size(), 1u);
  EXPECT_TRUE(legacy.requests[0].path_is("symbols"));
  EXPECT_TRUE(legacy.requests[0].legacy());
}

TEST(HttpParser, PipelinedRequestsComeOneByOne) {
  std::string two = "POST /checkv2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                    "GET /ping HTTP/1.1\r\n\r\n"
                    "POST /checkv2 HTTP/1.1\r\nContent-Le";
  for (const auto& pieces : splits(two)) {
    Driven d = drive(pieces);
    ASSERT_FALSE(d.failed);
    ASSERT_EQ(d.requests.size(), 2u);
    EXPECT_EQ(d.requests[0].body, "abc");
    EXPECT_EQ(d.requests[1].path, "/ping");
    EXPECT_EQ(d.leftover, "Content-Le");  // the incomplete line of the third request
  }
}

TEST(HttpParser, LegacyBodyWithoutLengthRunsToEof) {
  Driven d = drive({"CHECK RSPAMC/1.3\r\nFrom: <a@b>\r\n\r\nSubject: hi\r\n\r\nbody"}, {}, true);
  ASSERT_FALSE(d.failed) << d.error.reason;
  ASSERT_EQ(d.requests.size(), 1u);
  EXPECT_EQ(d.requests[0].body, "Subject: hi\r\n\r\nbody");
}

TEST(HttpParser, EofInsideRequestIsAnError) {
  Driven body = drive({"POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"}, {}, true);
  EXPECT_TRUE(body.failed);
  EXPECT_EQ(body.error.status, 400);
  Driven head = drive({"POST /x HTTP/1.1\r\nContent-Len"}, {}, true);
  EXPECT_TRUE(head.failed);
  Driven idle = drive({""}, {}, true);
  EXPECT_FALSE(idle.failed);
  EXPECT_TRUE(idle.requests.empty());
}

TEST(HttpParser, ExpectContinueIsReportedUntilTheBodyStarts) {
  HttpLimits limits;
  RequestParser p(limits);
  std::string head = "POST /checkv2 HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
  EXPECT_EQ(p.feed(head), head.size());
  EXPECT_TRUE(p.head_complete());
  EXPECT_TRUE(p.expects_continue());
  EXPECT_EQ(p.feed("ab"), 2u);
  EXPECT_FALSE(p.expects_continue());
  EXPECT_EQ(p.feed("cd"), 2u);
  EXPECT_TRUE(p.complete());
  // HTTP/1.0 clients get no interim reply.
  RequestParser p10(limits);
  std::string head10 = "POST /x HTTP/1.0\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
  p10.feed(head10);
  EXPECT_FALSE(p10.expects_continue());
}

struct InvalidCase {
  const char* name;
  std::string input;
  int status;
};

TEST(HttpParser, InvalidRequestsGetTheRightStatusAtEverySplit) {
  HttpLimits limits;
  limits.max_request_line = 64;
  limits.max_header_size = 256;
  limits.max_headers = 4;
  limits.max_body_size = 1024;
  std::vector<InvalidCase> cases = {
      {"http2", "GET /x HTTP/2.0\r\n\r\n", 505},
      {"no_version", "GET /x\r\n\r\n", 400},
      {"four_words", "GET /x y HTTP/1.1\r\n\r\n", 400},
      {"bad_version", "GET /x HTTP/1.10\r\n\r\n", 400},
      {"bad_method", "G@T /x HTTP/1.1\r\n\r\n", 400},
      {"space_in_name", "GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n", 400},
      {"space_before_colon", "GET /x HTTP/1.1\r\nName : v\r\n\r\n", 400},
      {"no_colon", "GET /x HTTP/1.1\r\nNoColon\r\n\r\n", 400},
      {"fold_first", "GET /x HTTP/1.1\r\n folded\r\n\r\n", 400},
      {"bad_length", "POST /x HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400},
      {"negative_length", "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"conflicting_length", "POST /x HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", 400},
      {"length_and_te",
       "POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"te_gzip_chunked", "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"te_not_chunked", "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
      {"bad_chunk_size", "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"chunk_too_long",
       "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 400},
      {"expect_other", "POST /x HTTP/1.1\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n", 417},
      {"body_too_large", "POST /x HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", 413},
      {"chunked_too_large",
       "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + std::string(1024, 'a') +
           "\r\n1\r\nb\r\n0\r\n\r\n",
       413},
      {"line_too_long", "GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n", 414},
      {"head_too_large", "GET /x HTTP/1.1\r\nA: " + std::string(300, 'a') + "\r\n\r\n", 431},
      {"too_many_fields", "GET /x HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", 431},
      {"bare_cr", "GET /x HTTP/1.1\r\nA: b\rc\r\n\r\n", 400},
      {"nul_value", "GET /x HTTP/1.1\r\nA: b\0c\r\n\r\n"s, 400},
      {"ctl_in_target", "GET /a\x01z HTTP/1.1\r\n\r\n", 400},
      {"nul_in_path", "GET /a%00z HTTP/1.1\r\n\r\n", 400},
      {"bad_legacy_proto", "CHECK FOO/1.3\r\n\r\n", 400},
      {"bad_legacy_version", "CHECK RSPAMC/x\r\n\r\n", 400},
      {"legacy_too_large", "CHECK RSPAMC/1.3\r\nContent-length: 5000\r\n\r\n", 413},
  };
  for (const auto& c : cases) {
    for (const auto& pieces : splits(c.input)) {
      Driven d = drive(pieces, limits);
      ASSERT_TRUE(d.failed) << c.name << " (pieces " << pieces.size() << ")";
      EXPECT_EQ(d.error.status, c.status) << c.name << ": " << d.error.reason;
      EXPECT_FALSE(d.error.reason.empty()) << c.name;
    }
  }
}

TEST(HttpParser, LimitsHoldWithoutALineEnd) {
  // A client that never sends a newline must not make the server buffer without bound.
  HttpLimits limits;
  limits.max_request_line = 64;
  limits.max_header_size = 256;
  Driven line = drive({"GET /" + std::string(200, 'a')}, limits);
  EXPECT_TRUE(line.failed);
  EXPECT_EQ(line.error.status, 414);
  Driven head = drive({"GET / HTTP/1.1\r\nA: " + std::string(400, 'a')}, limits);
  EXPECT_TRUE(head.failed);
  EXPECT_EQ(head.error.status, 431);
  Driven chunk = drive({"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                        std::string(5000, 'e')});
  EXPECT_TRUE(chunk.failed);
  EXPECT_EQ(chunk.error.status, 400);
  Driven blank = drive({std::string(300, '\n')}, limits);  // empty lines count too
  EXPECT_TRUE(blank.failed);
  EXPECT_EQ(blank.error.status, 431);
}

TEST(HttpParser, ResetClearsAnError) {
  RequestParser p(HttpLimits{});
  p.feed("BAD\r\n");
  ASSERT_TRUE(p.failed());
  p.reset();
  std::string ok = "GET / HTTP/1.1\r\n\r\n";
  EXPECT_EQ(p.feed(ok), ok.size());
  EXPECT_TRUE(p.complete());
}

}  // namespace
}  // namespace mw::proto::http
