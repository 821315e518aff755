#include "match/pattern_set.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "match/scratch.h"
#include "match_test_util.h"

namespace mw::match {
namespace {

using testing::build_set;
using testing::make_options;
using testing::make_scratch;
using testing::scan_ids;
using Ids = std::vector<uint32_t>;

// A class mixing every engine. Ids are positions.
const std::vector<std::string> kMixed = {
    "/viagra/i",            // 0 hyperscan
    "/(\\w)\\1\\1/",        // 1 back-reference: prefilter
    "/(?<!un)subscribe/i",  // 2 lookbehind: prefilter
    "/foo(?=bar)/",         // 3 lookahead: prefilter
    "/a(?R)?b/",            // 4 recursion: Hyperscan refuses even a prefilter -> pcre
    "/\\Gstart/",           // 5 \G: pcre
    "/x*/",                 // 6 matches the empty string: pcre
    "/[unclosed/",          // 7 invalid
    "/^Subject:/m",         // 8 hyperscan
    "/(*UTF)caf\xc3\xa9/",  // 9 verb: pcre
};

class PatternSetTest : public ::testing::Test {
 protected:
  core::Logger log_{core::LogLevel::kSilent};
};

TEST_F(PatternSetTest, EnginesOfAMixedClass) {
  Compiler c(make_options(true), log_);
  ASSERT_TRUE(c.hyperscan_enabled());
  auto set = build_set(c, kMixed, "mixed");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->size(), kMixed.size());
  EXPECT_EQ(set->engine(0), Engine::kHyperscan);
  EXPECT_EQ(set->engine(1), Engine::kPrefilter);
  EXPECT_EQ(set->engine(2), Engine::kPrefilter);
  EXPECT_EQ(set->engine(3), Engine::kPrefilter);
  EXPECT_EQ(set->engine(4), Engine::kPcre);
  EXPECT_EQ(set->engine(5), Engine::kPcre);
  EXPECT_EQ(set->engine(6), Engine::kPcre);
  EXPECT_EQ(set->engine(7), Engine::kInvalid);
  EXPECT_EQ(set->engine(8), Engine::kHyperscan);
  EXPECT_EQ(set->engine(9), Engine::kPcre);
  EXPECT_TRUE(set->has_database());
  EXPECT_TRUE(set->note(0).empty());
  EXPECT_NE(set->note(1).find("Back-references"), std::string::npos) << set->note(1);
  EXPECT_NE(set->note(6).find("empty string"), std::string::npos) << set->note(6);
  EXPECT_NE(set->note(7).find("missing terminating ]"), std::string::npos) << set->note(7);
  EXPECT_EQ(set->count(Engine::kPrefilter), 3u);
  EXPECT_EQ(set->count(Engine::kInvalid), 1u);
  // The invalid pattern is logged as an error, once.
  int errors = 0;
  for (const auto& e : log_.recent()) errors += e.level == "error";
  EXPECT_EQ(errors, 1);
}

TEST_F(PatternSetTest, MixedClassExactAnswers) {
  for (bool hs : {true, false}) {
    SCOPED_TRACE(hs ? "hyperscan" : "pcre only");
    auto opts = make_options(hs);
    Compiler c(opts, log_);
    auto set = build_set(c, kMixed);
    ASSERT_TRUE(set);
    auto scratch = make_scratch(opts, {set.get()});
    ASSERT_TRUE(scratch);
    // x* (6) matches everything, the invalid pattern (7) nothing.
    EXPECT_EQ(scan_ids(*set, *scratch, ""), (Ids{6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "cheap VIAGRA"), (Ids{0, 6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "zzz"), (Ids{1, 6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "xyz"), (Ids{6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "abab"), (Ids{4, 6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "please Subscribe"), (Ids{2, 6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "please unsubscribe"), (Ids{6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "foobar"), (Ids{3, 6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "aab"), (Ids{4, 6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "start here"), (Ids{5, 6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "a start"), (Ids{6}));
    EXPECT_EQ(scan_ids(*set, *scratch, "X: 1\nSubject: hi"), (Ids{6, 8}));
    EXPECT_EQ(scan_ids(*set, *scratch, "un caf\xc3\xa9"), (Ids{6, 9}));
  }
}

TEST_F(PatternSetTest, PrefilterHitsAreConfirmed) {
  // The prefilter forms of these patterns match the inputs; the real regexps do not.
  const std::vector<std::string> patterns = {"/foo(?=bar)/", "/(?<!un)subscribe/", "/(\\w+)-\\1/",
                                             "/(?>a+)ab/"};
  const std::vector<std::string> inputs = {"foobaz", "unsubscribe", "ab-cd", "aaab"};
  auto opts = make_options(true);
  Compiler c(opts, log_);
  auto set = build_set(c, patterns);
  ASSERT_TRUE(set);
  auto scratch = make_scratch(opts, {set.get()});
  for (size_t i = 0; i < patterns.size(); ++i) {
    EXPECT_EQ(set->engine(i), Engine::kPrefilter) << patterns[i];
    uint64_t before = scratch->stats().confirmations;
    EXPECT_EQ(scan_ids(*set, *scratch, inputs[i]), Ids{}) << patterns[i] << " on " << inputs[i];
    // Hyperscan did report a candidate, which PCRE2 rejected.
    EXPECT_EQ(scratch->stats().confirmations, before + 1) << patterns[i];
  }
  EXPECT_EQ(scan_ids(*set, *scratch, "foobar subscribe ab-ab"), (Ids{0, 1, 2}));
}

TEST_F(PatternSetTest, ExtendedAndAnchoredPatternsRunOnHyperscan) {
  for (bool hs : {true, false}) {
    SCOPED_TRACE(hs ? "hyperscan" : "pcre only");
    auto opts = make_options(hs);
    Compiler c(opts, log_);
    auto set = build_set(c, {"/ wire \\s+ transfer  # trailing comment/xi",
                             "/ a | b # alternatives/xA", "/a (?i) b/x", "/\\Qa b/x", "/[ ]x/x"});
    if (hs) {
      EXPECT_EQ(set->engine(0), Engine::kHyperscan) << set->note(0);
      EXPECT_EQ(set->engine(1), Engine::kHyperscan) << set->note(1);
      EXPECT_EQ(set->engine(4), Engine::kHyperscan) << set->note(4);
    }
    auto scratch = make_scratch(opts, {set.get()});
    EXPECT_EQ(scan_ids(*set, *scratch, "WIRE   Transfer"), (Ids{0}));
    EXPECT_EQ(scan_ids(*set, *scratch, "bad"), (Ids{1}));
    EXPECT_EQ(scan_ids(*set, *scratch, "dab"), (Ids{2}));
    EXPECT_EQ(scan_ids(*set, *scratch, "daB"), (Ids{2}));
    EXPECT_EQ(scan_ids(*set, *scratch, "dAb"), Ids{});
    EXPECT_EQ(scan_ids(*set, *scratch, "aB a b"), (Ids{1, 2, 3}));
    EXPECT_EQ(scan_ids(*set, *scratch, "a x"), (Ids{1, 4}));
  }
}

TEST_F(PatternSetTest, BuffersAccumulate) {
  auto opts = make_options(true);
  Compiler c(opts, log_);
  auto set = build_set(c, {"/^from a/", "/^from b/", "/(?<!x)yz/", "/(q)\\1/"});
  auto scratch = make_scratch(opts, {set.get()});
  MatchSet out;
  ASSERT_TRUE(set->scan("from a", *scratch, out));
  ASSERT_TRUE(set->scan("from b", *scratch, out));
  ASSERT_TRUE(set->scan("xyz", *scratch, out));
  EXPECT_EQ(out.ids(), (Ids{0, 1}));
  ASSERT_TRUE(set->scan("qq yz", *scratch, out));
  EXPECT_EQ(out.ids(), (Ids{0, 1, 2, 3}));
  EXPECT_EQ(out.size(), 4u);
  out.clear();
  EXPECT_FALSE(out.any());
  EXPECT_EQ(out.size(), 4u);
}

TEST_F(PatternSetTest, EmptyClass) {
  for (bool hs : {true, false}) {
    auto opts = make_options(hs);
    Compiler c(opts, log_);
    auto set = c.build("empty", {});
    ASSERT_TRUE(set);
    EXPECT_EQ((*set)->size(), 0u);
    EXPECT_FALSE((*set)->has_database());
    auto scratch = make_scratch(opts, {set->get()});
    MatchSet out;
    EXPECT_TRUE((*set)->scan("anything", *scratch, out));
    EXPECT_FALSE(out.any());
  }
}

TEST_F(PatternSetTest, OnlyInvalidOrPcrePatterns) {
  auto opts = make_options(true);
  Compiler c(opts, log_);
  auto set = build_set(c, {"/(/", "/a(?R)?b/"});
  EXPECT_FALSE(set->has_database());
  auto scratch = make_scratch(opts, {set.get()});
  EXPECT_EQ(scan_ids(*set, *scratch, "xaabb"), (Ids{1}));
}

TEST_F(PatternSetTest, MaxScanSizeHonoured) {
  for (bool hs : {true, false}) {
    SCOPED_TRACE(hs ? "hyperscan" : "pcre only");
    auto opts = make_options(hs, {}, 16);
    Compiler c(opts, log_);
    auto set = build_set(c, {"/needle/", "/(?<=x)needle/", "/ne+dle$/", "/a(?R)?b/"});
    auto scratch = make_scratch(opts, {set.get()});
    EXPECT_EQ(scan_ids(*set, *scratch, "0123456789needle"), (Ids{0, 2}));
    EXPECT_EQ(scan_ids(*set, *scratch, "0123456789xneedle"), Ids{});
    EXPECT_EQ(scan_ids(*set, *scratch, "0123456789xyneedle ab"), Ids{});
    EXPECT_EQ(scan_ids(*set, *scratch, "xneedle ab"), (Ids{0, 1, 3}));
    EXPECT_EQ(scratch->stats().truncated, 2u);
    EXPECT_EQ(set->max_scan_size(), 16u);
  }
}

TEST_F(PatternSetTest, Utf8PatternsOnInvalidInputUsePcre) {
  auto opts = make_options(true);
  Compiler c(opts, log_);
  auto set = build_set(c, {"/caf./u", "/^\\w+$/u", "/raw\\xff/", "/\\w+\\x{e9}/iu"});
  EXPECT_EQ(set->engine(0), Engine::kHyperscan);
  EXPECT_EQ(set->engine(1), Engine::kHyperscan);
  auto scratch = make_scratch(opts, {set.get()});
  EXPECT_EQ(scan_ids(*set, *scratch, "caf\xc3\xa9"), (Ids{0, 1, 3}));
  EXPECT_EQ(scratch->stats().utf_fallbacks, 0u);
  // Invalid UTF-8: `.` cannot match the bad byte; the rest of the buffer still counts.
  EXPECT_EQ(scan_ids(*set, *scratch, "caf\xff"), Ids{});
  EXPECT_EQ(scan_ids(*set, *scratch, "caf\xc3\xa9 raw\xff"), (Ids{0, 2, 3}));
  EXPECT_EQ(scan_ids(*set, *scratch, "CAF\xc3\x89 raw\xff"), (Ids{2, 3}));
  EXPECT_EQ(scratch->stats().utf_fallbacks, 3u);
}

TEST_F(PatternSetTest, HyperscanDisabledRunsEverythingOnPcre) {
  auto opts = make_options(false);
  Compiler c(opts, log_);
  EXPECT_FALSE(c.hyperscan_enabled());
  auto set = build_set(c, {"/viagra/i", "/foo(?=bar)/", "/[/"});
  EXPECT_FALSE(set->has_database());
  EXPECT_EQ(set->engine(0), Engine::kPcre);
  EXPECT_EQ(set->engine(1), Engine::kPcre);
  EXPECT_EQ(set->engine(2), Engine::kInvalid);
  EXPECT_EQ(set->build_info().cache, CacheStatus::kNone);
  auto scratch = make_scratch(opts, {set.get()});
  EXPECT_EQ(scan_ids(*set, *scratch, "Viagra foobar"), (Ids{0, 1}));
  // No warning: Hyperscan was switched off on purpose.
  EXPECT_TRUE(log_.recent().size() == 1 && log_.recent()[0].level == "error");
}

TEST_F(PatternSetTest, UnsupportedCpuWarnsOnceAndUsesPcre) {
  HsPlatform no_ssse3;
  no_ssse3.valid = false;
  auto opts = make_options(true);
  Compiler c(opts, log_, no_ssse3);
  EXPECT_FALSE(c.hyperscan_enabled());
  auto a = build_set(c, {"/one/", "/two/"});
  auto b = build_set(c, {"/three/"});
  EXPECT_FALSE(a->has_database());
  EXPECT_EQ(a->engine(0), Engine::kPcre);
  auto scratch = make_scratch(opts, {a.get(), b.get()});
  EXPECT_EQ(scan_ids(*a, *scratch, "two one"), (Ids{0, 1}));
  EXPECT_EQ(scan_ids(*b, *scratch, "three"), (Ids{0}));
  ASSERT_EQ(log_.recent().size(), 1u);
  EXPECT_EQ(log_.recent()[0].level, "warn");
  EXPECT_NE(log_.recent()[0].message.find("SSSE3"), std::string::npos);
}

TEST_F(PatternSetTest, ScratchGrowsWhenNotPrepared) {
  auto opts = make_options(true);
  Compiler c(opts, log_);
  auto small = build_set(c, {"/a/"});
  std::vector<std::string> many;
  for (int i = 0; i < 200; ++i) many.push_back("/w" + std::to_string(i) + "[a-z]{2,9}\\d+/i");
  auto big = build_set(c, many);
  // A scratch prepared for no set at all: the first scan has to allocate it.
  auto scratch = make_scratch(opts, {});
  EXPECT_EQ(scan_ids(*big, *scratch, "W17abc9"), (Ids{17}));
  EXPECT_EQ(scratch->stats().scratch_grows, 1u);
  ASSERT_TRUE(scratch->prepare(*small));
  EXPECT_EQ(scan_ids(*small, *scratch, "a"), (Ids{0}));
  EXPECT_EQ(scan_ids(*big, *scratch, "w199zz0"), (Ids{199}));
  EXPECT_EQ(scratch->stats().scratch_grows, 1u);
}

TEST_F(PatternSetTest, MatchLimitMeansNoMatch) {
  auto opts = make_options(false);
  opts.pcre_match_limit = 10000;
  Compiler c(opts, log_);
  auto set = build_set(c, {"/(a|aa)+b/", "/a/"});
  auto scratch = make_scratch(opts, {set.get()});
  std::string s(40, 'a');
  s += "xb";
  EXPECT_EQ(scan_ids(*set, *scratch, s), (Ids{1}));
  EXPECT_EQ(scratch->pcre().stats().limit_hits, 1u);
}

// 5,000 distinct patterns of the shapes rules use, in one class.
TEST_F(PatternSetTest, FiveThousandPatterns) {
  std::vector<std::string> patterns;
  for (int i = 0; i < 5000; ++i) {
    std::string w = "tok" + std::to_string(i);
    switch (i % 5) {
      case 0: patterns.push_back("/\\b" + w + "\\b/i"); break;
      case 1: patterns.push_back("/" + w + "\\s+(?:alpha|beta)/"); break;
      case 2: patterns.push_back("/^" + w + "[0-9]{2}/m"); break;
      case 3: patterns.push_back("/" + w + "[._-]x/"); break;
      default: patterns.push_back("/(?<!no)" + w + "z/"); break;  // prefilter
    }
  }
  auto opts = make_options(true);
  Compiler c(opts, log_);
  auto set = build_set(c, patterns, "big");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->size(), 5000u);
  EXPECT_EQ(set->count(Engine::kHyperscan), 4000u);
  EXPECT_EQ(set->count(Engine::kPrefilter), 1000u);
  auto scratch = make_scratch(opts, {set.get()});
  std::string text = "TOK10 and tok4996 beta\ntok1002 42\ntok3333_x tok4 tok4444z notok9z tok99z";
  // tok10 (\b, i) -> 10; tok4996 beta -> 4996 (1 mod 5); ^tok1002 42 needs digits right
  // after: no; tok3333_x -> 3333; tok4z? 4 is "(?<!no)tok4z": "tok4 " no; tok4444z -> 4444;
  // notok9z is preceded by "no": no; tok99z -> 99 (4 mod 5).
  EXPECT_EQ(scan_ids(*set, *scratch, text), (Ids{10, 99, 3333, 4444, 4996}));
  EXPECT_EQ(scan_ids(*set, *scratch, "tok1002 77\ntok1002\n"), Ids{});
  EXPECT_EQ(scan_ids(*set, *scratch, "x\ntok100277"), (Ids{1002}));
  // Same answers with PCRE2 alone.
  auto popts = make_options(false);
  Compiler pc(popts, log_);
  auto pset = build_set(pc, patterns, "big-pcre");
  EXPECT_EQ(scan_ids(*pset, *scratch, text), (Ids{10, 99, 3333, 4444, 4996}));
  EXPECT_EQ(scan_ids(*pset, *scratch, "x\ntok100277"), (Ids{1002}));
}

}  // namespace
}  // namespace mw::match
