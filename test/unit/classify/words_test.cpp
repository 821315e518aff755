// WordSplitter: normalisation, ICU segmentation, and the ASCII fast path giving exactly what
// ICU gives (compared on random text against ICU itself).
#include "classify/words.h"

#include <gtest/gtest.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/unistr.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace mw::classify {
namespace {

using Words = std::vector<std::string>;

Words split(WordSplitter& s, std::string_view text, size_t max = 100000) {
  Words out;
  s.split(text, max, [&out](std::string_view w) { out.emplace_back(w); });
  return out;
}

// What ICU alone makes of the whole text: NFKC_Casefold, then word segments with a letter,
// digit or ideograph status that hold at least one letter or digit.
Words icu_reference(std::string_view text) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(st);
  std::unique_ptr<icu::BreakIterator> bi(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), st));
  EXPECT_TRUE(U_SUCCESS(st));
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString norm = n->normalize(u, st);
  bi->setText(norm);
  Words out;
  int32_t start = bi->first();
  for (int32_t end = bi->next(); end != icu::BreakIterator::DONE; start = end, end = bi->next()) {
    if (bi->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
    std::string w;
    norm.tempSubStringBetween(start, end).toUTF8String(w);
    bool alnum = false;
    for (unsigned char c : w) alnum = alnum || c >= 0x80 || std::isalnum(c) != 0;
    if (alnum) out.push_back(w);
  }
  return out;
}

TEST(Words, AsciiRulesOfUax29) {
  WordSplitter s;
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(split(s, "Hello, World! can't e.g. 3.14 1,000 example.com foo_bar a __ x:y"),
            (Words{"hello", "world", "can't", "e.g", "3.14", "1,000", "example.com", "foo_bar",
                   "a", "x", "y"}));
  EXPECT_EQ(split(s, "a.1 1.a 'tis end. .5 $20 user@host.example"),
            (Words{"a", "1", "1", "a", "tis", "end", "5", "20", "user@host.example"}));
}

TEST(Words, NormalisationFoldsCaseAndCompatibilityForms) {
  WordSplitter s;
  // Full-width letters, sharp s, the fi ligature, a title-case digraph, Greek final sigma.
  EXPECT_EQ(split(s, "ＨＥＬＬＯ Straße ﬁne ǅemal ΟΔΟΣ"),
            (Words{"hello", "strasse", "fine", "džemal", "οδοσ"}));
  // The same word written in different cases and forms is one word.
  EXPECT_EQ(split(s, "CAFÉ"), split(s, "café"));
  EXPECT_EQ(split(s, "Café"), split(s, "cafe\xcc\x81"));  // composed vs combining accent
}

TEST(Words, OtherScripts) {
  WordSplitter s;
  EXPECT_EQ(split(s, "Привет, мир! hello"), (Words{"привет", "мир", "hello"}));
  // Dictionary segmentation: Chinese and Thai have no spaces between words.
  Words zh = split(s, "我们今天去北京");
  EXPECT_GE(zh.size(), 3u);
  Words th = split(s, "สวัสดีครับยินดีต้อนรับ");
  EXPECT_GE(th.size(), 3u);
  EXPECT_EQ(zh, icu_reference("我们今天去北京"));
}

TEST(Words, MaxWords) {
  WordSplitter s;
  EXPECT_EQ(split(s, "one two three four", 2), (Words{"one", "two"}));
  EXPECT_EQ(split(s, "один два три four five", 4), (Words{"один", "два", "три", "four"}));
}

TEST(Words, FastPathMatchesIcuOnRandomAscii) {
  WordSplitter s;
  std::mt19937 rng(7);
  const std::string alphabet = "abcXYZ019_.':,;- \t\n!?@/()\"";
  for (int i = 0; i < 3000; ++i) {
    std::string t;
    size_t len = rng() % 40;
    for (size_t j = 0; j < len; ++j) t.push_back(alphabet[rng() % alphabet.size()]);
    ASSERT_EQ(split(s, t), icu_reference(t)) << "text: [" << t << "]";
  }
}

TEST(Words, MixedTextMatchesIcu) {
  WordSplitter s;
  std::mt19937 rng(11);
  const std::vector<std::string> pieces = {
      "alpha", "Beta", "3.5", "can't", "x_y", " ", " ", "  ", "\n", ",", ".", "é", "Ж",
      "жёлтый", "中文", "Ⅻ", "ﬀ", "ｗｉｄｅ", "naïve", "e.g.", "1,000", "-", "’", "Ǆ"};
  for (int i = 0; i < 2000; ++i) {
    std::string t;
    size_t len = rng() % 16;
    for (size_t j = 0; j < len; ++j) t += pieces[rng() % pieces.size()];
    ASSERT_EQ(split(s, t), icu_reference(t)) << "text: [" << t << "]";
  }
}

}  // namespace
}  // namespace mw::classify
