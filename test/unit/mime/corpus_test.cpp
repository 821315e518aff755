// The shared corpus: every message parses, nothing is lost, text is valid UTF-8; plus the
// corpus files that state their expected structure (GMime rfc2060.msg and substring.mbox).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "mime/charset.h"
#include "mime/parser.h"
#include "mime_test_util.h"

namespace mw::mime {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::testdata;

bool skipped(const fs::path& p) {
  std::string name = p.filename().string();
  std::string ext = p.extension().string();
  for (const char* e : {".json", ".jsonl", ".tsv", ".md", ".jpg", ".png", ".gz", ".csv"}) {
    if (ext == e) return true;
  }
  return name.starts_with("LICENSE") || name.starts_with("COPYING") || name == "NOTICE";
}

std::vector<fs::path> corpus_files() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(testdata("corpus"))) {
    if (e.is_regular_file() && !skipped(e.path())) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Collects the spans the parser recorded, which together must tile the input.
void collect(const Part* p, std::string_view raw, std::vector<std::string_view>& spans) {
  for (const Header& h : p->headers) spans.push_back(h.raw_field);
  spans.push_back(p->header_separator);
  if (p->is_multipart) {
    spans.push_back(p->preamble);
    for (std::string_view d : p->delimiters) spans.push_back(d);
    for (const Part* c : p->children) collect(c, raw, spans);
    spans.push_back(p->epilogue);
    return;
  }
  if (p->is_message && !p->children.empty()) {
    const Part* c = p->children[0];
    bool inside = c->raw.data() >= raw.data() && c->raw.data() <= raw.data() + raw.size();
    if (inside) {
      collect(c, raw, spans);
      return;
    }
  }
  spans.push_back(p->raw_body);  // leaf, or an encoded message parsed from the arena
}

// Returns "" when the spans cover every byte of `raw` exactly once, else a description.
std::string check_accounting(const Message& m) {
  std::vector<std::string_view> spans;
  spans.push_back(m.mbox_from);
  collect(m.root, m.raw, spans);
  std::vector<std::pair<size_t, size_t>> ranges;
  for (std::string_view s : spans) {
    if (s.empty()) continue;
    if (s.data() < m.raw.data() || s.data() + s.size() > m.raw.data() + m.raw.size()) {
      return "a span points outside the input";
    }
    size_t b = static_cast<size_t>(s.data() - m.raw.data());
    ranges.emplace_back(b, b + s.size());
  }
  std::sort(ranges.begin(), ranges.end());
  size_t pos = 0;
  for (const auto& [b, e] : ranges) {
    if (b != pos) {
      return (b > pos ? "gap at " : "overlap at ") + std::to_string(std::min(b, pos)) + ".." +
             std::to_string(std::max(b, pos));
    }
    pos = e;
  }
  if (pos != m.raw.size()) return "end not covered: " + std::to_string(pos);
  return "";
}

TEST(MimeCorpus, EveryMessageParsesAndNothingIsLost) {
  Parser parser;
  std::vector<fs::path> files = corpus_files();
  ASSERT_GT(files.size(), 600u);
  size_t parts = 0, text_parts = 0;
  for (const fs::path& path : files) {
    std::string raw = read_file(path.string());
    core::Arena arena;
    auto r = parser.parse(arena, raw, Limits{});
    ASSERT_TRUE(r.has_value()) << path;
    const Message& m = **r;
    EXPECT_EQ(check_accounting(m), "") << path;
    for (const Header& h : m.root->headers) EXPECT_TRUE(is_valid_utf8(h.value)) << path;
    for (const TextPart& tp : m.text_parts) {
      EXPECT_TRUE(is_valid_utf8(tp.utf8)) << path;
      EXPECT_TRUE(is_valid_utf8(tp.text)) << path;
    }
    for (const Part* p : m.parts) {
      for (const Header& h : p->headers) EXPECT_TRUE(is_valid_utf8(h.value)) << path;
      EXPECT_TRUE(is_valid_utf8(p->filename)) << path;
      // Decoding every leaf succeeded: identity encodings keep the raw bytes, the others
      // produce at most as many bytes as they consumed.
      if (p->is_multipart || p->is_message || p->is_embedded) continue;
      ASSERT_TRUE(p->decoded.data() != nullptr || p->raw_body.empty()) << path;
      switch (p->encoding) {
        case TransferEncoding::kBase64:
        case TransferEncoding::kQuotedPrintable:
        case TransferEncoding::kUuencode:
          EXPECT_LE(p->decoded.size(), p->raw_body.size()) << path;
          break;
        default:
          EXPECT_EQ(p->decoded.data(), p->raw_body.data()) << path;
      }
    }
    for (const auto* list : {&m.from, &m.to, &m.cc, &m.reply_to, &m.sender, &m.bcc}) {
      for (const Address& a : *list) EXPECT_TRUE(is_valid_utf8(a.display_name)) << path;
    }
    parts += m.parts.size();
    text_parts += m.text_parts.size();
  }
  EXPECT_GT(parts, files.size());
  EXPECT_GT(text_parts, files.size() / 2);
}

// IMAP part specifier of each part (RFC 3501 6.4.5): children of a multipart are numbered from
// 1; the body of an encapsulated message is numbered as its nested root's children, or ".1"
// when that root is not a multipart.
void specifiers(const Part* p, const std::string& spec,
                std::vector<std::pair<std::string, const Part*>>& out) {
  out.emplace_back(spec, p);
  auto sub = [&](size_t i) {
    return spec.empty() ? std::to_string(i) : spec + "." + std::to_string(i);
  };
  if (p->is_multipart) {
    for (size_t i = 0; i < p->children.size(); ++i) specifiers(p->children[i], sub(i + 1), out);
  } else if (p->is_message && !p->children.empty()) {
    const Part* root = p->children[0];
    if (root->is_multipart) {
      for (size_t i = 0; i < root->children.size(); ++i) {
        specifiers(root->children[i], sub(i + 1), out);
      }
    } else {
      specifiers(root, sub(1), out);
    }
  }
}

TEST(MimeCorpus, GmimeRfc2060PartSpecifiers) {
  for (const char* file : {"corpus/gmime/rfc2060.msg", "corpus/mimekit/messages/rfc2060.txt"}) {
    std::string raw = read_file(testdata(file));
    Parser parser;
    core::Arena arena;
    auto r = parser.parse(arena, raw, Limits{});
    ASSERT_TRUE(r.has_value());
    std::vector<std::pair<std::string, const Part*>> specs;
    specifiers((*r)->root, "", specs);
    const std::string kSays = "This part specifier should be: ";
    int checked = 0;
    for (const auto& [spec, part] : specs) {
      if (part->is_multipart) continue;
      std::string_view text =
          part->is_message ? part->children[0]->headers[2].value : part->decoded;
      size_t at = text.find(kSays);
      if (at == std::string_view::npos) continue;
      std::string_view says = text.substr(at + kSays.size());
      says = says.substr(0, says.find_first_of("\r\n"));
      EXPECT_EQ(spec, says) << file;
      ++checked;
    }
    // Leaves 1 2 3.1 3.2 4.1 4.2.1 4.2.2.1 4.2.2.2, and the messages 3 and 4.2 (by Subject).
    EXPECT_EQ(checked, 10) << file;
  }
}

// GMime data/mbox: messages whose boundaries are prefixes of each other, reused by nested
// parts, or empty. The expected output lists each message's Content-Type tree.
TEST(MimeCorpus, GmimeSubstringMbox) {
  std::string mbox = read_file(testdata("corpus/gmime/data/mbox/input/substring.mbox"));
  std::string expected = read_file(testdata("corpus/gmime/data/mbox/output/substring.mbox"));
  // Split the mbox on "From " lines.
  std::vector<std::string_view> messages;
  size_t start = 0;
  for (size_t pos = 0; pos < mbox.size();) {
    size_t nl = mbox.find('\n', pos);
    size_t next = nl == std::string::npos ? mbox.size() : nl + 1;
    if (pos > 0 && std::string_view(mbox).substr(pos).starts_with("From ")) {
      messages.push_back(std::string_view(mbox).substr(start, pos - start));
      start = pos;
    }
    pos = next;
  }
  messages.push_back(std::string_view(mbox).substr(start));
  ASSERT_EQ(messages.size(), 3u);
  // Expected trees: the "Content-Type:" lines of each message block, indentation kept.
  std::vector<std::string> want(1);
  size_t line_start = 0;
  while (line_start < expected.size()) {
    size_t nl = expected.find('\n', line_start);
    std::string line = expected.substr(line_start, nl - line_start);
    line_start = nl == std::string::npos ? expected.size() : nl + 1;
    if (line.starts_with("message offsets:") && !want.back().empty()) want.emplace_back();
    if (line.find("Content-Type: ") != std::string::npos) want.back() += line + "\n";
  }
  ASSERT_EQ(want.size(), 3u);
  Parser parser;
  for (size_t i = 0; i < messages.size(); ++i) {
    core::Arena arena;
    auto r = parser.parse(arena, messages[i], Limits{});
    ASSERT_TRUE(r.has_value());
    std::string got;
    for (const Part* p : (*r)->parts) {
      got += std::string(3 * p->depth, ' ') + "Content-Type: " + std::string(p->content_type.type) +
             "/" + std::string(p->content_type.subtype) + "\n";
    }
    EXPECT_EQ(got, want[i]) << "message " << i;
    EXPECT_TRUE((*r)->anomalies.has(Anomaly::kUnclosedMultipart));
    EXPECT_EQ((*r)->mbox_from, "From - \n");
  }
}

// MimeKit's "stack-overflow" message is a 135 KB To: field made of 2,710 adjacent encoded
// words (it overflowed recursive parsers), not MIME nesting: it must parse, with the field
// cut at the header length limit and the rest of the message intact.
TEST(MimeCorpus, MimekitStackOverflowMessage) {
  std::string raw = read_file(testdata("corpus/mimekit/messages/stack-overflow.txt"));
  Parser parser;
  core::Arena arena;
  auto r = parser.parse(arena, raw, Limits{});
  ASSERT_TRUE(r.has_value());
  const Message& m = **r;
  EXPECT_TRUE(m.anomalies.has(Anomaly::kHeaderTooLong));
  EXPECT_EQ(m.subject, "Message Subject");
  EXPECT_EQ(m.message_id, "aasfasdfasdfa@bb");
  ASSERT_EQ(m.text_parts.size(), 1u);
  EXPECT_EQ(m.text_parts[0].text.substr(0, 14), "\nMessage Body\n");
  ASSERT_GE(m.to.size(), 2u);
  EXPECT_EQ(m.to[0].addr, "test@test.com");
  EXPECT_TRUE(m.to[1].display_name.starts_with("date>2017-08-20T10:08:28.617</prdate>"));
  // With a limit large enough for the whole field the words are all decoded.
  Limits big;
  big.max_header_length = 1 << 20;
  core::Arena arena2;
  r = parser.parse(arena2, raw, big);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE((*r)->anomalies.has(Anomaly::kHeaderTooLong));
  EXPECT_GT((*r)->to[1].display_name.size(), 2700u * 32);
}

}  // namespace
}  // namespace mw::mime
