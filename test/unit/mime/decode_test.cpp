// Transfer decoders: base64, quoted-printable, uuencode.
#include "mime/decode.h"

#include <gtest/gtest.h>

#include <string>

#include "mime/parser.h"
#include "mime_test_util.h"

namespace mw::mime {
namespace {

using testing::read_file;
using testing::testdata;

std::string b64(std::string_view in, bool* bad = nullptr) {
  std::string out(base64_decoded_max(in.size()), '\0');
  bool b = false;
  out.resize(base64_decode(in, out.data(), &b));
  if (bad != nullptr) *bad = b;
  return out;
}
std::string qp(std::string_view in, bool* bad = nullptr) {
  std::string out(qp_decoded_max(in.size()), '\0');
  bool b = false;
  out.resize(qp_decode(in, out.data(), &b));
  if (bad != nullptr) *bad = b;
  return out;
}
std::string uu_file(std::string_view text) {
  UuBlock block;
  EXPECT_TRUE(find_uu_block(text, 0, &block));
  std::string_view lines = text.substr(block.data_begin, block.data_end - block.data_begin);
  std::string out(uu_decoded_max(lines.size()), '\0');
  bool bad = false;
  out.resize(uu_decode(lines, out.data(), &bad));
  EXPECT_FALSE(bad);
  return out;
}

// GMime tests/data/encodings: decoding must reproduce photo.jpg / wikipedia.txt exactly.
TEST(MimeDecode, GmimeEncodingPairs) {
  std::string jpg = read_file(testdata("corpus/gmime/data/encodings/photo.jpg"));
  ASSERT_EQ(jpg.size(), 130292u);
  bool bad = true;
  EXPECT_EQ(b64(read_file(testdata("corpus/gmime/data/encodings/photo.b64")), &bad), jpg);
  EXPECT_FALSE(bad);
  std::string uu = read_file(testdata("corpus/gmime/data/encodings/photo.uu"));
  UuBlock block;
  ASSERT_TRUE(find_uu_block(uu, 0, &block));
  EXPECT_EQ(block.name, "photo.jpg");
  EXPECT_TRUE(block.closed);
  EXPECT_EQ(uu_file(uu), jpg);
  EXPECT_EQ(qp(read_file(testdata("corpus/gmime/data/encodings/wikipedia.qp")), &bad),
            read_file(testdata("corpus/gmime/data/encodings/wikipedia.txt")));
  EXPECT_FALSE(bad);
}

// GMime tests/data/mime-part: whole MIME parts (headers + encoded body) through the parser.
TEST(MimeDecode, GmimeMimeParts) {
  std::string png = read_file(testdata("corpus/gmime/data/mime-part/raptors.png"));
  ASSERT_FALSE(png.empty());
  Parser parser;
  for (const char* name : {"raptors.b64.txt", "raptors.uu.txt"}) {
    std::string raw = read_file(testdata(std::string("corpus/gmime/data/mime-part/") + name));
    core::Arena arena;
    auto r = parser.parse(arena, raw, Limits{});
    ASSERT_TRUE(r.has_value());
    const Part* p = (*r)->root;
    EXPECT_EQ(p->decoded, png) << name;
    EXPECT_EQ(p->filename, "raptors.png");
    EXPECT_TRUE(p->is_attachment);
    // The file is called .png and declared image/png, but it is a JPEG: sniffing says so.
    EXPECT_EQ(p->sniffed_type, "image/jpeg");
    EXPECT_FALSE(p->anomalies.has(Anomaly::kBadBase64));
  }
}

TEST(MimeDecode, Base64Leniency) {
  bool bad = false;
  EXPECT_EQ(b64("SGVs\r\n bG8=\n", &bad), "Hello");
  EXPECT_FALSE(bad);
  EXPECT_EQ(b64("SGVsbG8", &bad), "Hello");  // missing padding is fine
  EXPECT_FALSE(bad);
  EXPECT_EQ(b64("SGV*sbG8=", &bad), "Hello");  // garbage skipped, reported
  EXPECT_TRUE(bad);
  EXPECT_EQ(b64("SGVsbA==\n-- \nsignature\n", &bad), "Hell");  // stop after the padding
  EXPECT_TRUE(bad);
  EXPECT_EQ(b64("SGVsbA==\nbyB3b3JsZA==\n", &bad), "Hello world");  // per-line padding
  EXPECT_EQ(b64("S", &bad), "");
  EXPECT_TRUE(bad);
  EXPECT_EQ(b64("=====", &bad), "");
  EXPECT_EQ(b64(""), "");
}

TEST(MimeDecode, QuotedPrintable) {
  bool bad = false;
  EXPECT_EQ(qp("caf=C3=A9 =\r\nsoft\r\n", &bad), "café soft\r\n");
  EXPECT_FALSE(bad);
  EXPECT_EQ(qp("lower =c3=a9\n"), "lower é\n");
  EXPECT_EQ(qp("trailing   \nspace\t \r\nkept=20\n"), "trailing\nspace\r\nkept \n");
  EXPECT_EQ(qp("bad =ZZ escape = x =", &bad), "bad =ZZ escape = x ");
  EXPECT_TRUE(bad);
  EXPECT_EQ(qp("soft with padding=  \t\nnext"), "soft with paddingnext");
  EXPECT_EQ(qp("="), "");
  EXPECT_EQ(qp("=4"), "=4");
}

TEST(MimeDecode, QWord) {
  std::string out(64, '\0');
  bool bad = false;
  out.resize(q_word_decode("a_b=3Dc =ZZ\r\n  d", out.data(), &bad));
  EXPECT_EQ(out, "a b=c =ZZd");
  EXPECT_TRUE(bad);
}

TEST(MimeDecode, Uuencode) {
  // "Cat" uuencoded: length char '#' (3 bytes).
  std::string text = "before\nbegin 644 cat.txt\n#0V%T\n`\nend\nafter\n";
  UuBlock block;
  ASSERT_TRUE(find_uu_block(text, 0, &block));
  EXPECT_EQ(block.name, "cat.txt");
  EXPECT_EQ(text.substr(block.begin, block.end - block.begin),
            "begin 644 cat.txt\n#0V%T\n`\nend\n");
  EXPECT_EQ(uu_file(text), "Cat");
  EXPECT_FALSE(find_uu_block("begin 644 x\nnot data at all!!!\n", 0, &block));
  EXPECT_FALSE(find_uu_block("xbegin 644 x\n#0V%T\n", 0, &block));
  // A data line far too short for its length character is skipped, never over-read.
  std::string out(uu_decoded_max(4), '\0');
  bool bad = false;
  out.resize(uu_decode("M\n", out.data(), &bad));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(bad);
}

TEST(MimeDecode, TransferEncodingNames) {
  EXPECT_EQ(parse_transfer_encoding(" Base64 "), TransferEncoding::kBase64);
  EXPECT_EQ(parse_transfer_encoding("quoted-printable (comment)"),
            TransferEncoding::kQuotedPrintable);
  EXPECT_EQ(parse_transfer_encoding("(c) 8bit"), TransferEncoding::k8bit);
  EXPECT_EQ(parse_transfer_encoding("x-uuencode"), TransferEncoding::kUuencode);
  EXPECT_EQ(parse_transfer_encoding("\"7bit\""), TransferEncoding::k7bit);
  EXPECT_EQ(parse_transfer_encoding(""), TransferEncoding::k7bit);
  EXPECT_EQ(parse_transfer_encoding("x-gzip64"), TransferEncoding::kUnknown);
}

TEST(MimeDecode, DecodeBodyKeepsViewsForIdentity) {
  core::Arena arena;
  AnomalySet an;
  std::string raw = "plain body";
  std::string_view d = decode_body(arena, raw, TransferEncoding::k8bit, an);
  EXPECT_EQ(d.data(), raw.data());
  d = decode_body(arena, "SGVsbG8=", TransferEncoding::kBase64, an);
  EXPECT_EQ(d, "Hello");
  d = decode_body(arena, "SGV!sbG8=", TransferEncoding::kBase64, an);
  EXPECT_TRUE(an.has(Anomaly::kBadBase64));
}

}  // namespace
}  // namespace mw::mime
