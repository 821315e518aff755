// Message splitting, canonicalisation (RFC 6376 3.4, including the 3.4.6 example), header
// selection (5.4.2) and folding of generated values.
#include <gtest/gtest.h>

#include <string>

#include "auth/dkim/canon.h"
#include "auth/dkim/fold.h"
#include "auth/dkim/message.h"
#include "auth/dkim/tag_list.h"

namespace mw::auth::dkim {
namespace {

class StringSink final : public ByteSink {
 public:
  void write(std::string_view b) override { out.append(b); }
  std::string out;
};

std::string body(Canon c, std::string_view b) {
  StringSink s;
  canon_body(c, b, s);
  return s.out;
}

std::string header(Canon c, std::string_view raw) {
  std::string out;
  canon_header(c, raw, out);
  return out;
}

TEST(SplitMessage, FieldsAndBody) {
  std::string raw =
      "From: a@example.com\r\nSubject: one\r\n two\r\n\tthree\r\nX-Empty:\r\n\r\nbody\r\n";
  MessageView m = split_message(raw);
  ASSERT_EQ(m.headers.size(), 3u);
  EXPECT_EQ(m.headers[0].name, "From");
  EXPECT_EQ(m.headers[0].raw, "From: a@example.com\r\n");
  EXPECT_EQ(m.headers[0].value(), " a@example.com");
  EXPECT_EQ(m.headers[1].raw, "Subject: one\r\n two\r\n\tthree\r\n");
  EXPECT_EQ(m.headers[2].value(), "");
  EXPECT_EQ(m.body, "body\r\n");
  EXPECT_EQ(m.malformed_lines, 0u);
}

TEST(SplitMessage, LfLineEndingsAndOddInput) {
  MessageView m = split_message("A: 1\nB : 2\n  cont\n\nbody\n");
  ASSERT_EQ(m.headers.size(), 2u);
  EXPECT_EQ(m.headers[1].name, "B");  // WSP before the colon (obs-optional)
  EXPECT_EQ(m.headers[1].raw, "B : 2\n  cont\n");
  EXPECT_EQ(m.body, "body\n");

  MessageView none = split_message("");
  EXPECT_TRUE(none.headers.empty());
  EXPECT_TRUE(none.body.empty());

  MessageView only_body = split_message("\r\nHello\r\n");
  EXPECT_TRUE(only_body.headers.empty());
  EXPECT_EQ(only_body.body, "Hello\r\n");

  MessageView no_body = split_message("A: 1\r\nB: 2");  // no blank line, no final break
  ASSERT_EQ(no_body.headers.size(), 2u);
  EXPECT_EQ(no_body.headers[1].raw, "B: 2");
  EXPECT_TRUE(no_body.body.empty());

  MessageView bad = split_message("From foo@bar Mon Jan 1 10:00:00 2024\nnocolon\n :x\nA: b\n\n");
  ASSERT_EQ(bad.headers.size(), 3u);
  EXPECT_EQ(bad.headers[0].name, "");  // mbox line: invalid field name (contains spaces)
  EXPECT_EQ(bad.headers[1].name, "");
  EXPECT_EQ(bad.headers[1].raw, "nocolon\n :x\n");  // continuation joins the broken line
  EXPECT_EQ(bad.headers[2].name, "A");
  EXPECT_EQ(bad.malformed_lines, 2u);
}

// RFC 6376 3.4.6 example.
TEST(Canon, Rfc6376Example) {
  EXPECT_EQ(header(Canon::kRelaxed, "A: X\r\n"), "a:X\r\n");
  EXPECT_EQ(header(Canon::kRelaxed, "B : Y\t\r\n\tZ  \r\n"), "b:Y Z\r\n");
  EXPECT_EQ(header(Canon::kSimple, "B : Y\t\r\n\tZ  \r\n"), "B : Y\t\r\n\tZ  \r\n");
  std::string b = " C \r\nD \t E\r\n\r\n\r\n";
  EXPECT_EQ(body(Canon::kRelaxed, b), " C\r\nD E\r\n");
  EXPECT_EQ(body(Canon::kSimple, b), " C \r\nD \t E\r\n");
}

TEST(Canon, HeaderDetails) {
  EXPECT_EQ(header(Canon::kSimple, "A: x\ny\n"), "A: x\r\ny\r\n");  // bare LF -> CRLF
  EXPECT_EQ(header(Canon::kSimple, "A: x"), "A: x\r\n");            // missing final break
  EXPECT_EQ(header(Canon::kRelaxed, "SUBJECT:\t \r\n  hello   world \t\r\n"),
            "subject:hello world\r\n");
  EXPECT_EQ(header(Canon::kRelaxed, "X-A:\r\n"), "x-a:\r\n");
  EXPECT_EQ(header(Canon::kRelaxed, "A: x\n y\n"), "a:x y\r\n");
}

TEST(Canon, SignatureHeaderRemovesB) {
  std::string field = "DKIM-Signature: v=1; b=abc\r\n def; bh=x\r\n";
  std::string v = field.substr(field.find(':') + 1);
  auto tags = parse_tag_list(v);
  ASSERT_TRUE(tags.has_value());
  const Tag* b = find_tag(*tags, "b");
  size_t off = field.find(':') + 1;
  std::string out;
  canon_signature_header(Canon::kSimple, field, off + b->raw_begin, off + b->raw_end, out);
  EXPECT_EQ(out, "DKIM-Signature: v=1; b=; bh=x");
  out.clear();
  canon_signature_header(Canon::kRelaxed, field, off + b->raw_begin, off + b->raw_end, out);
  EXPECT_EQ(out, "dkim-signature:v=1; b=; bh=x");
}

TEST(Canon, BodyEdgeCases) {
  EXPECT_EQ(body(Canon::kSimple, ""), "\r\n");
  EXPECT_EQ(body(Canon::kRelaxed, ""), "");
  EXPECT_EQ(body(Canon::kSimple, "\r\n\r\n"), "\r\n");
  EXPECT_EQ(body(Canon::kRelaxed, "\r\n \r\n\t\r\n"), "");
  EXPECT_EQ(body(Canon::kSimple, "abc"), "abc\r\n");
  EXPECT_EQ(body(Canon::kRelaxed, "abc  "), "abc\r\n");
  EXPECT_EQ(body(Canon::kSimple, "a\nb\n\n"), "a\r\nb\r\n");  // bare LF
  EXPECT_EQ(body(Canon::kRelaxed, "a \n\n b\n"), "a\r\n\r\n b\r\n");
  EXPECT_EQ(body(Canon::kSimple, " \r\n"), " \r\n");  // simple keeps whitespace-only lines
  EXPECT_EQ(body(Canon::kRelaxed, "x\r\n \r\ny"), "x\r\n\r\ny\r\n");
  EXPECT_EQ(body(Canon::kSimple, "a\rb\r\n"), "a\rb\r\n");  // lone CR is data
}

TEST(Select, BottomUpAndMissing) {
  MessageView m =
      split_message("Received: 1\r\nFrom: a\r\nReceived: 2\r\nSubject: s\r\nreceived: 3\r\n\r\n");
  auto idx = select_headers(m.headers, {"received", "from", "received", "x-none", "received",
                                        "received", "subject", "", "from"});
  EXPECT_EQ(idx, (std::vector<size_t>{4, 1, 2, 0, 3}));
}

TEST(Fold, TagsAndValues) {
  Folder f(16, 78, "\r\n");
  f.tag("v", "1");
  f.tag("a", "rsa-sha256");
  f.tag("h", "from:to:subject:date:message-id:mime-version:content-type:content-transfer-encoding",
        Split::kAfterColon);
  f.tag("b", std::string(200, 'A'), Split::kAnywhere);
  const std::string& t = f.text();
  size_t start = 0;
  size_t col0 = 16;
  while (start < t.size()) {
    size_t eol = t.find("\r\n", start);
    size_t len = (eol == std::string::npos ? t.size() : eol) - start;
    EXPECT_LE(len + col0, 78u) << t;
    col0 = 0;
    if (eol == std::string::npos) break;
    EXPECT_EQ(t[eol + 2], ' ');
    start = eol + 2;
  }
  // Unfolding gives back the tags (FWS inside h= and b= only).
  std::string flat;
  for (char c : t) {
    if (c != '\r' && c != '\n' && c != '\t' && c != ' ') flat.push_back(c);
  }
  EXPECT_EQ(flat,
            "v=1;a=rsa-sha256;h=from:to:subject:date:message-id:mime-version:content-type:"
            "content-transfer-encoding;b=" +
                std::string(200, 'A'));
}

TEST(Fold, Text) {
  std::string s = fold_text(
      "i=1; mx.example.org;\r\n spf=pass   smtp.mailfrom=a@b.example; "
      "dkim=pass header.d=example.com header.s=sel; dmarc=pass",
      28, 60, "\r\n");
  EXPECT_EQ(s.find("  "), std::string::npos);
  std::string unfolded;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && s[i + 1] == '\n') {
      ++i;
      continue;
    }
    unfolded.push_back(s[i]);
  }
  EXPECT_EQ(unfolded,
            "i=1; mx.example.org; spf=pass smtp.mailfrom=a@b.example; dkim=pass "
            "header.d=example.com header.s=sel; dmarc=pass");
  EXPECT_NE(s.find("\r\n "), std::string::npos);
}

}  // namespace
}  // namespace mw::auth::dkim
