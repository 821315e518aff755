// Parser: crafted messages for the tricky cases, limits and anomalies.
#include "mime/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "mime/charset.h"
#include "mime/strutil.h"
#include "mime_test_util.h"

namespace mw::mime {
namespace {

using testing::crlf;
using namespace std::string_literals;

class ParserTest : public ::testing::Test {
 protected:
  Message* parse(const std::string& raw, const Limits& limits = Limits{}) {
    input_ = raw;
    auto r = parser_.parse(arena_, input_, limits);
    EXPECT_TRUE(r.has_value());
    return r ? *r : nullptr;
  }
  static std::string part_types(const Part* p) {
    std::string s = std::string(p->content_type.type) + "/" + std::string(p->content_type.subtype);
    if (p->children.empty()) return s;
    s += "(";
    for (size_t i = 0; i < p->children.size(); ++i) {
      if (i > 0) s += ",";
      s += part_types(p->children[i]);
    }
    return s + ")";
  }

  Parser parser_;
  core::Arena arena_;
  std::string input_;
};

const char kSimple[] =
    "From: \"Joe Q. Public\" <john.q.public@example.com>\n"
    "To: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>\n"
    "Cc: <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>\n"
    "Date: Tue, 1 Jul 2003 10:52:37 +0200\n"
    "Message-ID: <5678.21-Nov-1997@example.com>\n"
    "Subject: =?ISO-8859-1?Q?caf=E9?=\n"
    " and more\n"
    "\n"
    "Hi everyone.\n";

TEST_F(ParserTest, SimpleMessageFields) {
  for (const std::string& raw : {std::string(kSimple), crlf(kSimple)}) {
    Message* m = parse(raw);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->subject, "café and more");
    EXPECT_EQ(m->message_id, "5678.21-Nov-1997@example.com");
    ASSERT_EQ(m->from.size(), 1u);
    EXPECT_EQ(m->from[0].display_name, "Joe Q. Public");
    EXPECT_EQ(m->from[0].domain, "example.com");
    ASSERT_EQ(m->to.size(), 3u);
    EXPECT_EQ(m->to[2].display_name, "Who?");
    ASSERT_EQ(m->cc.size(), 2u);
    EXPECT_EQ(m->cc[1].display_name, "Giant; \"Big\" Box");
    EXPECT_TRUE(m->date_valid);
    EXPECT_EQ(m->date, 1057049557);
    ASSERT_EQ(m->text_parts.size(), 1u);
    EXPECT_EQ(m->text_parts[0].text.substr(0, 12), "Hi everyone.");
    EXPECT_EQ(m->parts.size(), 1u);
    EXPECT_EQ(m->crlf, raw.find('\r') != std::string::npos);
    EXPECT_EQ(m->anomalies.has(Anomaly::kBareLf), raw.find('\r') == std::string::npos);
    // Header fields: exact bytes, order, decoded values.
    ASSERT_EQ(m->headers().size(), 6u);
    const Header& subj = m->headers()[5];
    EXPECT_EQ(subj.name, "Subject");
    EXPECT_EQ(subj.order, 5u);
    EXPECT_TRUE(subj.had_encoded_words);
    std::string nl = m->crlf ? "\r\n" : "\n";
    EXPECT_EQ(subj.raw_field, "Subject: =?ISO-8859-1?Q?caf=E9?=" + nl + " and more" + nl);
    EXPECT_EQ(subj.raw_value, " =?ISO-8859-1?Q?caf=E9?=" + nl + " and more");
    EXPECT_EQ(m->header("subject"), &subj);
    EXPECT_EQ(m->header_count("SUBJECT"), 1u);
  }
}

TEST_F(ParserTest, DuplicateHeadersKeptInOrder) {
  Message* m = parse("Received: a\nReceived: b\nSubject: one\nSubject: two\nX : spaced\n\nbody");
  ASSERT_NE(m, nullptr);
  auto rcvd = m->headers_named("received");
  ASSERT_EQ(rcvd.size(), 2u);
  EXPECT_EQ(rcvd[0]->value, "a");
  EXPECT_EQ(rcvd[1]->value, "b");
  EXPECT_EQ(m->subject, "one");
  EXPECT_TRUE(m->anomalies.has(Anomaly::kDuplicateHeader));
  EXPECT_EQ(m->headers()[4].name, "X");  // white space before the colon (obsolete syntax)
  EXPECT_EQ(m->headers()[4].value, "spaced");
}

TEST_F(ParserTest, MboxFromLineAndNoHeaders) {
  Message* m = parse("From sender@example.com Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->mbox_from, "From sender@example.com Mon Jan  1 00:00:00 2024\n");
  EXPECT_EQ(m->subject, "x");
  m = parse("just text, no headers\nsecond line\n");
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kNoHeaders));
  ASSERT_EQ(m->text_parts.size(), 1u);
  EXPECT_EQ(m->text_parts[0].text, "just text, no headers\nsecond line\n");
  m = parse("");
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kNoHeaders));
  // A header block without a blank line before the body.
  m = parse("Subject: s\nthis line starts the body\n");
  EXPECT_TRUE(m->anomalies.has(Anomaly::kBadHeaderLine));
  EXPECT_EQ(m->root->raw_body, "this line starts the body\n");
}

TEST_F(ParserTest, NestedMultipartWithPreambleAndEpilogue) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=\"outer\"\n"
      "\n"
      "preamble text\n"
      "--outer\n"
      "Content-Type: multipart/alternative; boundary=inner\n"
      "\n"
      "--inner\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "plain caf\xC3\xA9\n"
      "--inner\n"
      "Content-Type: text/html\n"
      "\n"
      "<p>html</p>\n"
      "--inner--\n"
      "--outer\n"
      "Content-Type: application/pdf; name=\"doc.pdf\"\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "JVBERi0xLjQK\n"
      "--outer--   \n"
      "epilogue\n";
  for (const std::string& in : {raw, crlf(raw)}) {
    Message* m = parse(in);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(part_types(m->root),
              "multipart/mixed(multipart/alternative(text/plain,text/html),application/pdf)");
    std::string nl = in.find('\r') != std::string::npos ? "\r\n" : "\n";
    EXPECT_EQ(m->root->preamble, "preamble text");
    EXPECT_EQ(m->root->epilogue, "epilogue" + nl);
    ASSERT_EQ(m->root->delimiters.size(), 3u);
    EXPECT_EQ(m->root->delimiters[0], nl + "--outer" + nl);
    EXPECT_EQ(m->root->delimiters[2], nl + "--outer--   " + nl);
    const Part* plain = m->parts[2];
    EXPECT_EQ(plain->raw_body, "plain caf\xC3\xA9");
    EXPECT_TRUE(plain->is_text);
    const Part* pdf = m->parts[4];
    EXPECT_EQ(pdf->decoded, "%PDF-1.4\n");
    EXPECT_EQ(pdf->sniffed_type, "application/pdf");
    EXPECT_EQ(pdf->filename, "doc.pdf");
    EXPECT_TRUE(pdf->is_attachment);
    ASSERT_EQ(m->text_parts.size(), 2u);
    EXPECT_EQ(m->text_parts[0].text, "plain café");
    EXPECT_TRUE(m->text_parts[1].is_html);
    EXPECT_EQ(m->text_parts[1].utf8, "<p>html</p>");
    EXPECT_TRUE(m->anomalies.empty() || !m->anomalies.has(Anomaly::kUnclosedMultipart));
  }
}

TEST_F(ParserTest, BoundaryProblems) {
  // Never closed.
  Message* m = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nonly part\n");
  EXPECT_EQ(part_types(m->root), "multipart/mixed(text/plain)");
  EXPECT_TRUE(m->anomalies.has(Anomaly::kUnclosedMultipart));
  EXPECT_EQ(m->parts[1]->raw_body, "only part\n");
  // Boundary never found: the body is scanned as text.
  m = parse("Content-Type: multipart/mixed; boundary=zz\n\nVisit http://x.example/\n");
  EXPECT_TRUE(m->anomalies.has(Anomaly::kBoundaryNotFound));
  EXPECT_FALSE(m->root->is_multipart);
  ASSERT_EQ(m->text_parts.size(), 1u);
  // No boundary parameter.
  m = parse("Content-Type: multipart/mixed\n\n--x\nhello\n");
  EXPECT_TRUE(m->anomalies.has(Anomaly::kMissingBoundary));
  EXPECT_EQ(m->text_parts.size(), 1u);
  // Boundaries that are prefixes of each other.
  m = parse(
      "Content-Type: multipart/mixed; boundary=\"x\"\n\n--x\n"
      "Content-Type: multipart/mixed; boundary=\"xy\"\n\n--xy\n\nA\n--xy\n\nB\n--xy--\n"
      "--x\n\nC\n--x--\n");
  EXPECT_EQ(part_types(m->root),
            "multipart/mixed(multipart/mixed(text/plain,text/plain),text/plain)");
  EXPECT_FALSE(m->anomalies.has(Anomaly::kUnclosedMultipart));
  EXPECT_EQ(m->parts[3]->raw_body, "B");
  // A nested multipart reusing its parent's boundary: the innermost wins.
  m = parse(
      "Content-Type: multipart/mixed; boundary=\"x\"\n\n--x\n"
      "Content-Type: multipart/mixed; boundary=\"x\"\n\n--x\n\nA\n--x--\n--x\n\nB\n--x--\n");
  EXPECT_TRUE(m->anomalies.has(Anomaly::kDuplicateBoundary));
  EXPECT_EQ(part_types(m->root), "multipart/mixed(multipart/mixed(text/plain),text/plain)");
  // An outer delimiter closes an unclosed inner multipart.
  m = parse(
      "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
      "Content-Type: multipart/mixed; boundary=i\n\n--i\n\nA\n--o\n\nB\n--o--\n");
  EXPECT_EQ(part_types(m->root), "multipart/mixed(multipart/mixed(text/plain),text/plain)");
  EXPECT_TRUE(m->parts[1]->anomalies.has(Anomaly::kUnclosedMultipart));
  EXPECT_FALSE(m->root->anomalies.has(Anomaly::kUnclosedMultipart));
  // Part without headers nor blank line; boundary directly after headers.
  m = parse(
      "Content-Type: multipart/mixed; boundary=b\n\n--b\nno headers here\n--b\n"
      "Content-Type: text/plain\n--b--\n");
  ASSERT_EQ(m->parts.size(), 3u);
  EXPECT_EQ(m->parts[1]->raw_body, "no headers here");
  EXPECT_EQ(m->parts[2]->raw_body, "");
}

TEST_F(ParserTest, EncapsulatedMessages) {
  const std::string raw =
      "Subject: outer\n"
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nsee attached\n"
      "--b\nContent-Type: message/rfc822\n\n"
      "Subject: inner\nFrom: a@b.c\n\ninner body\n"
      "--b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
      "U3ViamVjdDogZW5jb2RlZAoKYm9keSB0d28K\n"
      "--b--\n";
  Message* m = parse(raw);
  EXPECT_EQ(part_types(m->root),
            "multipart/mixed(text/plain,message/rfc822(text/plain),message/rfc822(text/plain))");
  EXPECT_EQ(m->subject, "outer");
  const Part* msg = m->parts[2];
  EXPECT_TRUE(msg->is_message);
  ASSERT_EQ(msg->children.size(), 1u);
  EXPECT_EQ(msg->children[0]->headers[0].value, "inner");
  EXPECT_EQ(msg->children[0]->raw_body, "inner body");
  EXPECT_EQ(msg->children[0]->depth, 2u);
  const Part* enc = m->parts[4];
  ASSERT_EQ(enc->children.size(), 1u);
  EXPECT_EQ(enc->children[0]->headers[0].value, "encoded");
  EXPECT_EQ(enc->children[0]->decoded, "body two\n");
  EXPECT_EQ(m->text_parts.size(), 3u);
}

TEST_F(ParserTest, EncodedMessageChainIsBounded) {
  // message/rfc822 parts sent quoted-printable, each inside the previous one: only a few are
  // decoded and parsed again, the rest stay leaves.
  std::string inner = "Subject: bottom\n\nbody\n";
  for (int i = 0; i < 20; ++i) {
    std::string qp;
    for (char c : inner) {
      if (c == '=') {
        qp += "=3D";
      } else {
        qp.push_back(c);
      }
    }
    inner = "Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\n\n" + qp;
  }
  Message* m = parse(inner);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->parts.size(), 5u);  // the root and four decoded levels
  EXPECT_FALSE(m->parts.back()->is_message);
}

TEST_F(ParserTest, ByteCounters) {
  std::string s;
  for (int i = 0; i < 5000; ++i) s.push_back(static_cast<char>((i * 37) & 0xFF));
  size_t nl = 0, leads = 0;
  for (char c : s) {
    nl += c == '\n';
    leads += (static_cast<unsigned char>(c) & 0xC0) == 0xC0;
  }
  EXPECT_EQ(count_byte(s, '\n'), nl);
  EXPECT_EQ(count_utf8_leads(s), leads);
  EXPECT_EQ(count_byte("", 'x'), 0u);
  EXPECT_EQ(count_utf8_leads("\xC3\xA9t\xC3\xA9"), 2u);
}

TEST_F(ParserTest, DigestDefaultsToMessage) {
  Message* m = parse(
      "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nx\n"
      "--d\nContent-Type: text/plain\n\ny\n--d--\n");
  EXPECT_EQ(part_types(m->root), "multipart/digest(message/rfc822(text/plain),text/plain)");
}

TEST_F(ParserTest, ParametersAndAttachments) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: application/octet-stream;\n"
      " name*0*=utf-8''%E2%82%AC%20;\n name*1=\"report.exe\"\n"
      "Content-Disposition: attachment\nContent-Transfer-Encoding: base64\n\n"
      "TVoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAFBF\n"
      "AABMAQ==\n"
      "--b\nContent-Type: image/png; name=\"=?utf-8?B?0YTQvtGC0L4=?=.png\"\n\n"
      "\x89PNG\r\n\x1a\n....\n"
      "--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"notes.txt\"\n\n"
      "text attachment\n--b--\n";
  Message* m = parse(raw);
  ASSERT_EQ(m->parts.size(), 4u);
  EXPECT_EQ(m->parts[1]->filename, "€ report.exe");
  EXPECT_EQ(m->parts[1]->disposition, "attachment");
  EXPECT_EQ(m->parts[1]->sniffed_type, "application/x-dosexec");
  EXPECT_EQ(m->parts[1]->decoded.size(), 70u);
  EXPECT_EQ(m->parts[2]->filename, "фото.png");
  EXPECT_EQ(m->parts[2]->sniffed_type, "image/png");
  EXPECT_TRUE(m->parts[3]->is_attachment);
  EXPECT_FALSE(m->parts[3]->is_text);
  EXPECT_TRUE(m->text_parts.empty());
}

TEST_F(ParserTest, TextCharsets) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain; charset=koi8-r\n\n\xF0\xD2\xC9\xD7\xC5\xD4\n"
      "--b\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B%F%9%H\x1b(B\n"
      "--b\nContent-Type: text/plain\n\ncaf\xE9 sans charset, mais avec des accents \xE9t\xE9\n"
      "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable"
      "\n\nbad =FF byte and caf=C3=A9\n"
      "--b\nContent-Type: text/plain; charset=x-made-up\n\nplain\n"
      "--b--\n";
  Message* m = parse(raw);
  ASSERT_EQ(m->text_parts.size(), 5u);
  EXPECT_EQ(m->text_parts[0].text, "Привет");
  EXPECT_EQ(m->text_parts[0].charset_used, "KOI8-R");
  EXPECT_EQ(m->text_parts[1].text, "テスト");
  EXPECT_TRUE(m->text_parts[2].charset_detected);
  EXPECT_TRUE(m->parts[3]->anomalies.has(Anomaly::kMissingCharset));
  EXPECT_NE(m->text_parts[2].text.find("café"), std::string_view::npos);
  EXPECT_TRUE(m->parts[4]->anomalies.has(Anomaly::kInvalidUtf8));
  EXPECT_EQ(m->text_parts[3].text, "bad \xEF\xBF\xBD byte and café");
  EXPECT_TRUE(m->parts[5]->anomalies.has(Anomaly::kBadCharset));
  for (const TextPart& tp : m->text_parts) EXPECT_TRUE(is_valid_utf8(tp.text));
}

TEST_F(ParserTest, UuencodedBlockInText) {
  Message* m = parse("Subject: uu\n\nHere it is:\nbegin 644 cat.txt\n#0V%T\n`\nend\nbye\n");
  EXPECT_TRUE(m->anomalies.has(Anomaly::kUuencodeFound));
  ASSERT_EQ(m->parts.size(), 2u);
  const Part* uu = m->parts[1];
  EXPECT_TRUE(uu->is_embedded);
  EXPECT_EQ(uu->parent, m->root);
  EXPECT_EQ(uu->filename, "cat.txt");
  EXPECT_EQ(uu->decoded, "Cat");
  EXPECT_TRUE(uu->is_attachment);
  EXPECT_TRUE(m->root->children.empty());
}

TEST_F(ParserTest, HeaderLimits) {
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\n";
  Message* m = parse(many + "Subject: after\n\nbody\n");
  EXPECT_EQ(m->headers().size(), 1024u);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kHeadersTruncated));
  EXPECT_EQ(m->root->raw_body, "body\n");  // the body is still found

  std::string big = "Subject: " + std::string(1 << 20, 'a') + "\nX-Next: n\n\nbody\n";
  m = parse(big);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kHeaderTooLong));
  EXPECT_EQ(m->subject.size(), (64u << 10) - 1);                 // decoded from the first 64 KiB
  EXPECT_EQ(m->headers()[0].raw_field.size(), (1u << 20) + 10);  // raw bytes intact
  EXPECT_EQ(m->headers()[1].value, "n");
  // A 1 MB folded To: with many addresses.
  std::string to = "To: ";
  while (to.size() < (1 << 20)) to += "a@b.c,\n ";
  m = parse(to + "\n\nbody");
  EXPECT_TRUE(m->anomalies.has(Anomaly::kHeaderTooLong));
  EXPECT_GT(m->to.size(), 1000u);
}

TEST_F(ParserTest, DepthLimit) {
  std::string raw;
  for (int i = 0; i < 100; ++i) {
    raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n\n--b" +
           std::to_string(i) + "\n";
  }
  raw += "Content-Type: text/plain\n\ndeep\n";
  Message* m = parse(raw);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kMimeTooDeep));
  uint32_t max_depth = 0;
  for (const Part* p : m->parts) max_depth = std::max(max_depth, p->depth);
  EXPECT_EQ(max_depth, 32u);
  // Nested message/rfc822 100 deep.
  std::string msgs;
  for (int i = 0; i < 100; ++i) msgs += "Subject: level\nContent-Type: message/rfc822\n\n";
  msgs += "Subject: bottom\n\nbody\n";
  m = parse(msgs);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kMimeTooDeep));
  EXPECT_EQ(m->parts.size(), 33u);
}

TEST_F(ParserTest, PartLimit) {
  std::string raw = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 5000; ++i)
    raw += "--b\nContent-Type: text/plain\n\npart " + std::to_string(i) + "\n";
  raw += "--b--\nepilogue\n";
  Message* m = parse(raw);
  EXPECT_EQ(m->parts.size(), 1024u);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kTooManyParts));
  EXPECT_FALSE(m->anomalies.has(Anomaly::kUnclosedMultipart));
  EXPECT_TRUE(m->root->epilogue.ends_with("--b--\nepilogue\n"));
  // 100k boundaries with the default limits and small ones.
  std::string many = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 100000; ++i) many += "--b\n\nx\n";
  m = parse(many);
  EXPECT_EQ(m->parts.size(), 1024u);
  Limits small;
  small.max_mime_parts = 10;
  m = parse(many, small);
  EXPECT_EQ(m->parts.size(), 10u);
}

TEST_F(ParserTest, MessageSizeLimit) {
  Limits limits;
  limits.max_message_size = 40;
  Message* m = parse("Subject: a long message\n\n" + std::string(1000, 'x'), limits);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kMessageTruncated));
  EXPECT_EQ(m->root->raw.size(), 40u);
  EXPECT_EQ(m->raw.size(), 1025u);
}

TEST_F(ParserTest, ArenaCapIsAnError) {
  core::Arena small(2048);
  std::string raw = "Subject: =?utf-8?q?" + std::string(10000, 'a') + "?=\n\nbody";
  auto r = parser_.parse(small, raw, Limits{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

TEST_F(ParserTest, MixedLineEndingsAndNul) {
  Message* m = parse("Subject: a\r\nFrom: b@c.d\n\r\nnul\0byte"s);
  EXPECT_TRUE(m->anomalies.has(Anomaly::kMixedLineEndings));
  EXPECT_TRUE(m->anomalies.has(Anomaly::kNulBytes));
}

}  // namespace
}  // namespace mw::mime
