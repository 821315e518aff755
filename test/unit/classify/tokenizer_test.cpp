// Tokenizer: sparse bigrams, normalisation through a whole message, meta tokens of headers,
// URLs and MIME structure, limits.
#include "classify/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/arena.h"
#include "mime/parser.h"

namespace mw::classify {
namespace {

class TokenizerTest : public ::testing::Test {
 protected:
  const mime::Message& parse(std::string raw) {
    raws_.push_back(std::make_unique<std::string>(std::move(raw)));
    auto r = parser_.parse(arena_, *raws_.back(), mime::Limits{});
    EXPECT_TRUE(r.has_value());
    return **r;
  }
  std::vector<uint64_t> tokens(const mime::Message& m, std::vector<std::string>* trace = nullptr) {
    return tokenize(m, splitter_, options_, trace).ids;
  }
  static bool has(const std::vector<uint64_t>& t, uint64_t id) {
    return std::binary_search(t.begin(), t.end(), id);
  }
  static bool has(const std::vector<std::string>& t, const std::string& name) {
    return std::find(t.begin(), t.end(), name) != t.end();
  }
  static uint64_t w(std::string_view word) { return word_hash(word, false); }

  core::Arena arena_;
  mime::Parser parser_;
  WordSplitter splitter_;
  TokenizerOptions options_;
  std::vector<std::unique_ptr<std::string>> raws_;
};

std::string plain(std::string_view subject, std::string_view body) {
  return "From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: " +
         std::string(subject) +
         "\r\nMessage-ID: <1@mail.example.com>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
         std::string(body) + "\r\n";
}

TEST_F(TokenizerTest, SparseBigramsWithTheGapEncoded) {
  auto t = tokens(parse(plain("hi", "alpha beta gamma delta epsilon zeta")));
  // alpha with the next four words, the distance in the token.
  EXPECT_TRUE(has(t, bigram_token(w("alpha"), w("beta"), 1)));
  EXPECT_TRUE(has(t, bigram_token(w("alpha"), w("gamma"), 2)));
  EXPECT_TRUE(has(t, bigram_token(w("alpha"), w("delta"), 3)));
  EXPECT_TRUE(has(t, bigram_token(w("alpha"), w("epsilon"), 4)));
  EXPECT_FALSE(has(t, bigram_token(w("alpha"), w("zeta"), 5)));  // outside the window of 5
  EXPECT_TRUE(has(t, bigram_token(w("beta"), w("zeta"), 4)));
  // Order and distance matter.
  EXPECT_FALSE(has(t, bigram_token(w("beta"), w("alpha"), 1)));
  EXPECT_FALSE(has(t, bigram_token(w("alpha"), w("gamma"), 1)));
  EXPECT_NE(bigram_token(w("a1"), w("b1"), 1), bigram_token(w("b1"), w("a1"), 1));
  EXPECT_NE(bigram_token(w("a1"), w("b1"), 1), bigram_token(w("a1"), w("b1"), 2));
  // Unigrams, and the Subject's words apart from the body's.
  EXPECT_TRUE(has(t, unigram_token(w("zeta"))));
  EXPECT_TRUE(has(t, unigram_token(word_hash("hi", true))));
  EXPECT_FALSE(has(t, unigram_token(w("hi"))));
  // Sorted, unique, no row 0.
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  EXPECT_EQ(std::adjacent_find(t.begin(), t.end()), t.end());
  EXPECT_FALSE(has(t, 0));
}

TEST_F(TokenizerTest, WindowAndUnigramsAreOptions) {
  options_.window = 2;
  options_.unigrams = false;
  auto t = tokens(parse(plain("hi", "alpha beta gamma")));
  EXPECT_TRUE(has(t, bigram_token(w("alpha"), w("beta"), 1)));
  EXPECT_FALSE(has(t, bigram_token(w("alpha"), w("gamma"), 2)));
  EXPECT_FALSE(has(t, unigram_token(w("alpha"))));
}

TEST_F(TokenizerTest, NormalisedWordsGiveTheSameTokens) {
  // The word tokens (the text's length, a meta token, may differ).
  auto words = [this](std::string_view body) {
    std::vector<std::string> trace, out;
    tokens(parse(plain("x", body)), &trace);
    for (const auto& t : trace) {
      if (t.starts_with("w:") || t.starts_with("osb")) out.push_back(t);
    }
    return out;
  };
  auto a = words("FREE Money NOW, Straße café");
  EXPECT_EQ(a, words("free money now strasse CAFE\xcc\x81"));
  EXPECT_EQ(a, words("ＦＲＥＥ money now STRASSE Café"));
  EXPECT_NE(a, words("free honey now strasse café"));
  EXPECT_EQ(a.size(), 15u);  // 5 words, 4 + 3 + 2 + 1 pairs
}

TEST_F(TokenizerTest, BigramsDoNotSpanParts) {
  std::string raw =
      "From: a@example.com\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nfirst second\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nthird fourth\r\n--b--\r\n";
  auto t = tokens(parse(raw));
  EXPECT_TRUE(has(t, bigram_token(w("first"), w("second"), 1)));
  EXPECT_TRUE(has(t, bigram_token(w("third"), w("fourth"), 1)));
  EXPECT_FALSE(has(t, bigram_token(w("second"), w("third"), 1)));
}

TEST_F(TokenizerTest, HeaderAndStructureTokens) {
  std::string raw =
      "From: \"PayPal Service\" <service@paypa1-secure.example>\r\n"
      "Reply-To: collect@other.example\r\nTo: victim@example.org\r\n"
      "Subject: Account locked\r\nX-Mailer: PHPMailer 6.1.4\r\n"
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/html; charset=windows-1252\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n"
      "PGh0bWw+PGJvZHk+PGEgaHJlZj0iaHR0cDovLzEuMi4zLjQvbG9naW4vZm9ybSI+VmVyaWZ5IG5v\r\n"
      "dzwvYT48aW1nIHNyYz0iaHR0cDovL3guZXhhbXBsZS9wLmdpZiI+PC9ib2R5PjwvaHRtbD4=\r\n"
      "--b\r\nContent-Type: application/octet-stream; name=\"invoice.pdf.exe\"\r\n"
      "Content-Disposition: attachment; filename=\"invoice.pdf.exe\"\r\n\r\nMZ\r\n--b--\r\n";
  std::vector<std::string> trace;
  auto t = tokens(parse(raw), &trace);
  for (const char* name :
       {"from-dom:paypa1-secure.example", "from-name:paypal", "from-name:service",
        "replyto-dom:other.example", "replyto:differs", "to:1", "mid:none",
        "mua:phpmailer #.#.#", "date:missing", "rcvd:0", "ct:multipart/mixed", "html:only",
        "charset:windows-1252", "cte:base64", "att:1", "att-ext:exe",
        "att-ct:application/octet-stream", "url-host:1.2.3.4", "url-path:1.2.3.4/login",
        "url:ip", "html-img:1", "html-links:1", "w:verify", "s:locked"}) {
    EXPECT_TRUE(has(trace, name)) << name;
  }
  // The trace names what is hashed.
  EXPECT_TRUE(has(t, meta_token("html:only")));
  EXPECT_TRUE(has(t, meta_token("att-ext:exe")));
  EXPECT_FALSE(has(t, meta_token("html:yes")));
}

TEST_F(TokenizerTest, PlainMessageMetaTokens) {
  std::vector<std::string> trace;
  tokens(parse(plain("Lunch", "See you at noon at www.example.net/menu today")), &trace);
  for (const char* name : {"from-dom:example.com", "mid-dom:mail.example.com", "text-parts:1",
                           "ct:text/plain", "charset:utf-8", "url-host:www.example.net",
                           "url-dom:example.net", "mua:none", "att:0"}) {
    EXPECT_TRUE(has(trace, name)) << name;
  }
  EXPECT_FALSE(has(trace, "html:only"));
  EXPECT_FALSE(has(trace, "date:missing"));
}

TEST_F(TokenizerTest, PlaceholdersAndLimits) {
  std::vector<std::string> trace;
  std::string longword(60, 'q');
  tokens(parse(plain("x", "call 18005550123 or " + longword + " now")), &trace);
  EXPECT_TRUE(has(trace, "osb1:call <num11>"));
  EXPECT_TRUE(has(trace, "osb1:or <long7>"));
  EXPECT_TRUE(has(trace, "osb2:or now"));
  // max_words: only the first words of each part count.
  std::string body;
  for (int i = 0; i < 300; ++i) body += "word" + std::to_string(i) + " ";
  options_.max_words = 100;
  auto t = tokens(parse(plain("x", body)));
  EXPECT_TRUE(has(t, unigram_token(w("word99"))));
  EXPECT_FALSE(has(t, unigram_token(w("word100"))));
  EXPECT_LT(t.size(), 600u);
}

TEST_F(TokenizerTest, ManyTokensComeSortedAndUnique) {
  // Thousands of tokens (the bucketed sort) with repeats: every produced token once, in order.
  std::vector<std::string> words;
  std::string body;
  for (int i = 0; i < 500; ++i) {
    words.push_back("w" + std::to_string(i % 170));
    words.push_back("x" + std::to_string(i));
  }
  for (const auto& word : words) body += word + " ";
  std::vector<uint64_t> t = tokens(parse(plain("many words", body)));
  ASSERT_GT(t.size(), 2000u);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  EXPECT_EQ(std::adjacent_find(t.begin(), t.end()), t.end());
  // Every unigram and bigram of the first max_words words is there (found by binary search).
  std::vector<uint64_t> expected;
  size_t n = std::min(words.size(), options_.max_words);
  for (size_t i = 0; i < n; ++i) {
    expected.push_back(unigram_token(w(words[i])));
    for (unsigned gap = 1; gap < 5 && gap <= i; ++gap) {
      expected.push_back(bigram_token(w(words[i - gap]), w(words[i]), gap));
    }
  }
  size_t missing = 0;
  for (uint64_t id : expected) missing += has(t, id) ? 0 : 1;
  EXPECT_EQ(missing, 0u);
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  EXPECT_GE(t.size(), expected.size());
  EXPECT_LT(t.size(), expected.size() + 60);  // the subject's and the meta tokens
}

}  // namespace
}  // namespace mw::classify
