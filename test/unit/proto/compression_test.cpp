#include "proto/http/compression.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <string>

#include "proto/http/response.h"

namespace mw::proto::http {
namespace {

std::string make_message(size_t size) {
  std::string m = "From: a@example.org\r\nSubject: test\r\n\r\n";
  while (m.size() < size) m += "Line of text " + std::to_string(m.size()) + "\r\n";
  m.resize(size);
  return m;
}

// One-shot compression with the frame content size recorded (what rspamc does).
std::string compress_simple(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// Streaming compression: the frame does not record its content size.
std::string compress_stream(const std::string& in) {
  ZSTD_CStream* cs = ZSTD_createCStream();
  ZSTD_initCStream(cs, 3);
  std::string out(ZSTD_compressBound(in.size()) + 64, '\0');
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  ZSTD_outBuffer ob{out.data(), out.size(), 0};
  while (ib.pos < ib.size) ZSTD_compressStream(cs, &ob, &ib);
  while (ZSTD_endStream(cs, &ob) != 0) {
  }
  ZSTD_freeCStream(cs);
  out.resize(ob.pos);
  EXPECT_EQ(ZSTD_getFrameContentSize(out.data(), out.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  return out;
}

Request compressed_request(std::string body, const char* header = "Compression") {
  Request r;
  if (header != nullptr) r.headers.add(header, "zstd");
  r.body = std::move(body);
  return r;
}

TEST(Compression, DecodesARspamcBody) {
  std::string msg = make_message(200000);
  Request r = compressed_request(compress_simple(msg));
  size_t wire = r.body.size();
  ASSERT_TRUE(decode_request_body(r, 50u << 20));
  EXPECT_EQ(r.body, msg);
  EXPECT_TRUE(r.compressed);
  EXPECT_EQ(r.wire_body_size, wire);
  EXPECT_TRUE(r.wants_compressed_reply());
}

TEST(Compression, ContentEncodingAndMagicAreRecognised) {
  std::string msg = make_message(5000);
  Request ce = compressed_request(compress_simple(msg), "Content-Encoding");
  ASSERT_TRUE(decode_request_body(ce, 1u << 20));
  EXPECT_EQ(ce.body, msg);
  Request magic = compressed_request(compress_stream(msg), nullptr);
  ASSERT_TRUE(decode_request_body(magic, 1u << 20));
  EXPECT_EQ(magic.body, msg);
  EXPECT_TRUE(magic.compressed);
  Request plain = compressed_request(msg, nullptr);
  ASSERT_TRUE(decode_request_body(plain, 1u << 20));
  EXPECT_EQ(plain.body, msg);
  EXPECT_FALSE(plain.compressed);
  EXPECT_FALSE(plain.wants_compressed_reply());
}

TEST(Compression, ConcatenatedFramesAreOneBody) {
  std::string a = make_message(3000);
  std::string b = make_message(4000);
  Request r = compressed_request(compress_simple(a) + compress_stream(b));
  ASSERT_TRUE(decode_request_body(r, 1u << 20));
  EXPECT_EQ(r.body, a + b);
}

TEST(Compression, CapIsEnforcedWithAndWithoutDeclaredSize) {
  std::string big = std::string(300000, 'x');  // compresses to a few hundred bytes
  Request declared = compressed_request(compress_simple(big));
  auto st = decode_request_body(declared, 100000);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kLimit);
  Request streamed = compressed_request(compress_stream(big));
  st = decode_request_body(streamed, 100000);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kLimit);
  // Exactly at the cap is fine.
  Request exact = compressed_request(compress_stream(big));
  EXPECT_TRUE(decode_request_body(exact, 300000));
  EXPECT_EQ(exact.body.size(), 300000u);
}

TEST(Compression, CorruptTruncatedAndUnsupportedBodies) {
  std::string msg = make_message(10000);
  std::string z = compress_simple(msg);
  Request truncated = compressed_request(z.substr(0, z.size() / 2));
  auto st = decode_request_body(truncated, 1u << 20);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidInput);
  Request trailing = compressed_request(z + "garbage after the frame");
  st = decode_request_body(trailing, 1u << 20);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidInput);
  std::string bad_header = z;
  bad_header[4] = static_cast<char>(0xff);  // frame header descriptor: reserved bit set
  Request corrupt = compressed_request(bad_header);
  EXPECT_FALSE(decode_request_body(corrupt, 1u << 20));
  Request garbage = compressed_request("this is not zstd");
  st = decode_request_body(garbage, 1u << 20);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidInput);
  Request gzip = compressed_request(msg, nullptr);
  gzip.headers.add("Content-Encoding", "gzip");
  st = decode_request_body(gzip, 1u << 20);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kUnsupported);
  Request dict = compressed_request(z);
  dict.headers.add("Dictionary", "1234");
  EXPECT_FALSE(decode_request_body(dict, 1u << 20));
  Request identity = compressed_request(msg, nullptr);
  identity.headers.add("Content-Encoding", "identity");
  EXPECT_TRUE(decode_request_body(identity, 1u << 20));
}

TEST(Compression, ReplyRoundTrip) {
  std::string json = "{\"action\":\"no action\",\"score\":0.0}";
  auto z = zstd_compress(json);
  ASSERT_TRUE(z);
  EXPECT_TRUE(looks_like_zstd(*z));
  auto back = zstd_decompress(*z, 1000);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, json);
}

TEST(Compression, AcceptEncodingAndFlagsAskForACompressedReply) {
  Request a;
  a.headers.add("Accept-Encoding", "gzip, zstd;q=0.5");
  EXPECT_TRUE(a.wants_compressed_reply());
  Request f;
  f.headers.add("Flags", "pass_all, zstd");
  EXPECT_TRUE(f.wants_compressed_reply());
  Request n;
  n.headers.add("Accept-Encoding", "gzip");
  EXPECT_FALSE(n.wants_compressed_reply());
}

TEST(Response, SerialisationHasTheStandardHeaders) {
  Response r = Response::json("{\"a\":1}");
  r.headers.add("Message-Offset", "7");
  r.headers.add("Bad Name", "x");  // not a token: dropped
  ReplyContext ctx;
  ctx.keep_alive = true;
  ctx.server = "mailward/0.1";
  ctx.date = "Sun, 06 Nov 1994 08:49:37 GMT";
  EXPECT_EQ(serialize_response(r, ctx),
            "HTTP/1.1 200 OK\r\nServer: mailward/0.1\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Length: 7\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n"
            "Message-Offset: 7\r\n\r\n{\"a\":1}");
  Response e = Response::error(413, "too\r\nbig");
  e.reason = "Too\r\nLarge";
  ctx.keep_alive = false;
  ctx.head_request = true;
  std::string head = serialize_response(e, ctx);
  EXPECT_EQ(head.find("HTTP/1.1 413 Too  Large\r\n"), 0u);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");  // HEAD: no body
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(Response::error(400, "x").body,
            "{\"error\":\"x\",\"error_domain\":\"protocol-error\"}");
}

}  // namespace
}  // namespace mw::proto::http
