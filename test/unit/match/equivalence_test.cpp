// Hyperscan and PCRE2 must give the same boolean answers: a table of rule-like patterns
// against a table of inputs, through a Hyperscan class, a PCRE2-only class and single
// Regexps.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "match/pattern_set.h"
#include "match/regexp.h"
#include "match/scratch.h"
#include "match_test_util.h"

namespace mw::match {
namespace {

using testing::build_set;
using testing::make_options;
using testing::make_scratch;

const std::vector<std::string> kPatterns = {
    "/viagra/i",
    "/v[i1!|]agr[a@]/i",
    "/free\\s+money/i",
    "/\\bcasino\\b/i",
    "/^Subject:\\s*re:/im",
    "/^From:.*@example\\.com$/m",
    "/click\\s+(?:here|below)/i",
    "/\\$\\d+(?:,\\d{3})*(?:\\.\\d\\d)?/",
    "/[A-Z]{10,}/",
    "/(?:https?|ftp):\\/\\/[^\\s\\/]+/i",
    "/\\d{3}-\\d{3}-\\d{4}/",
    "/lottery|winner|prize/i",
    "/a.c/s",
    "/a.c/",
    "/\\x{43a}\\x{430}\\x{437}\\x{438}\\x{43d}\\x{43e}/iu",  // казино
    "/\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82/iu",  // привет
    "/\\w+\xd0\xbd\xd0\xbe\xd1\x81\xd1\x82\xd1\x8c/u",       // \w+ность
    "/[^\\x00-\\x7f]{3,}/",
    "/\\s{5,}/",
    "/\\S+@\\S+\\.\\w{2,}/",
    "/(?i)urgent/",
    "/ wire \\s+ transfer  # a comment/x",
    "/end$/",
    "/end\\z/",
    "/end\\Z/",
    "/^start/",
    "/\\Astart/",
    "/line$/m",
    "/(a)b\\1/",
    "/(?<=\\$)\\d+/",
    "/foo(?!bar)/",
    "/(?>a+)b/",
    "/a++b/",
    "/x{2,}y/",
    "/[[:upper:]]{3}/",
    "/[[:punct:]]{4}/",
    "/\\p{Cyrillic}+/u",
    "/\\d+\\.\\d+\\.\\d+\\.\\d+/",
    "/(?m)^>/",
    "/\\tTAB/",
    "/\\sx/",
    "/\\vy/",
    "/\\h+z/",
    "/.{100}/s",
    "/b/A",
    "/(?s).+END/",
    "/<a\\s+href=/i",
    "/=\\?utf-8\\?[bq]\\?/i",
    "/\\bt\xc3\xa9l\xc3\xa9phone\\b/iu",
    "/caf\\X/u",
    "/[\xc3\xa0-\xc3\xbf]+s/u",
    "/\\d+(?=%)/",
    "/^\\s*$/m",
    "/(?:ab|cd){3}/",
};

std::vector<std::string> inputs() {
  return {
      "",
      "Buy cheap VIAGRA and v1agr@ today! Free   money, click here",
      "Subject: Re: your casino winnings\nFrom: bob@example.com\n",
      "You are a WINNER of our lottery:      claim now",
      "From: alice@example.com.evil\nSubject:re:\n",
      "Total $1,234,567.89 due; call 555-123-4567 or visit https://evil.example/path",
      "THISISSHOUTING and abc a\nc",
      "\xd0\x9a\xd0\x90\xd0\x97\xd0\x98\xd0\x9d\xd0\x9e "
      "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
      "\xd1\x87\xd0\xb5\xd1\x81\xd1\x82\xd0\xbd\xd0\xbe\xd1\x81\xd1\x82\xd1\x8c",
      "caf\xc3\xa9 t\xc3\xa9l\xc3\xa9phone \xc3\xa0\xc3\xa9s",
      "URGENT wire   transfer needed",
      "the end",
      "the end\n",
      "the end\n\n",
      "start here\nline\nother line\n",
      "abab xxxy aaab aab > quoted\n>also",
      "price $42 or 17% off; foobar foobaz",
      "tab\tTAB, space x, vt\x0by, nbsp\xc2\xa0z hspace \t z",
      "!!!! ??? " + std::string(120, 'q') + " END",
      "<A  HREF=\"http://x\"> =?UTF-8?B?dGVzdA==?= abcdabcd ab",
      "invalid \xff\xfe utf8 caf\xc3\xa9 \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
      "bare\rcarriage\r\nreturns end\r\n",
      "10.0.0.1 and 256.1.2.3.4",
      "vt\x0bx ff\x0c\x0c\x0c\x0c\x0cend nbsp\xa0x",
      std::string("nul\0byte viagra", 15),
  };
}

TEST(Equivalence, HyperscanAndPcreAgree) {
  core::Logger log(core::LogLevel::kSilent);
  auto hs_opts = make_options(true);
  auto pcre_opts = make_options(false);
  Compiler hs_compiler(hs_opts, log);
  Compiler pcre_compiler(pcre_opts, log);
  auto hs_set = build_set(hs_compiler, kPatterns, "eq-hs");
  auto pcre_set = build_set(pcre_compiler, kPatterns, "eq-pcre");
  ASSERT_TRUE(hs_set && pcre_set);
  EXPECT_EQ(hs_set->count(Engine::kInvalid), 0u);
  // Most of the table must really run on Hyperscan, or the comparison proves little.
  EXPECT_GE(hs_set->count(Engine::kHyperscan), 38u);
  EXPECT_GE(hs_set->count(Engine::kPrefilter), 4u);
  auto scratch = make_scratch(hs_opts, {hs_set.get(), pcre_set.get()});
  std::vector<RegexpPtr> singles;
  for (const auto& p : kPatterns) {
    auto re = Regexp::create(p);
    ASSERT_TRUE(re) << p;
    singles.push_back(std::move(*re));
  }
  size_t matched_pairs = 0;
  auto ins = inputs();
  std::vector<size_t> hits(kPatterns.size());
  for (size_t i = 0; i < ins.size(); ++i) {
    MatchSet a = hs_set->make_match_set();
    MatchSet b = pcre_set->make_match_set();
    ASSERT_TRUE(hs_set->scan(ins[i], *scratch, a));
    ASSERT_TRUE(pcre_set->scan(ins[i], *scratch, b));
    for (size_t id = 0; id < kPatterns.size(); ++id) {
      auto single = singles[id]->matches(ins[i], scratch->pcre());
      ASSERT_TRUE(single);
      EXPECT_EQ(a.test(id), b.test(id))
          << kPatterns[id] << " (" << engine_name(hs_set->engine(id)) << ") on input #" << i;
      EXPECT_EQ(b.test(id), *single) << kPatterns[id] << " on input #" << i;
      matched_pairs += a.test(id);
      hits[id] += a.test(id);
    }
  }
  // The table is not trivial: every pattern matches some input and misses another.
  EXPECT_GE(matched_pairs, 80u);
  for (size_t id = 0; id < kPatterns.size(); ++id) {
    EXPECT_GT(hits[id], 0u) << kPatterns[id] << " matches no input";
    EXPECT_LT(hits[id], ins.size()) << kPatterns[id] << " matches every input";
  }
}

}  // namespace
}  // namespace mw::match
