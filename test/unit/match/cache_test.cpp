#include "match/cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "match_test_util.h"

namespace mw::match {
namespace {

namespace fs = std::filesystem;
using testing::build_set;
using testing::make_options;
using testing::make_scratch;
using testing::scan_ids;
using testing::TempDir;
using Ids = std::vector<uint32_t>;

const std::vector<std::string> kSet = {"/viagra/i", "/foo(?=bar)/", "/a(?R)?b/",
                                       "/[/",       "/caf./u",      "/^Subject:/m"};
const std::vector<std::string> kInputs = {"VIAGRA",  "foobar foobaz", "xaab", "caf\xc3\xa9",
                                          "caf\xff", "a\nSubject: x", ""};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::vector<Ids> answers(const PatternSet& set, const MatchOptions& opts) {
  auto scratch = make_scratch(opts, {&set});
  std::vector<Ids> out;
  for (const auto& in : kInputs) out.push_back(scan_ids(set, *scratch, in));
  return out;
}

class CacheTest : public ::testing::Test {
 protected:
  core::Logger log_{core::LogLevel::kSilent};
  TempDir dir_;
};

TEST_F(CacheTest, SecondBuildComesFromTheCache) {
  auto opts = make_options(true, dir_.path() + "/hs");
  Compiler c(opts, log_);
  auto cold = build_set(c, kSet);
  ASSERT_TRUE(cold);
  EXPECT_EQ(cold->build_info().cache, CacheStatus::kMiss);
  EXPECT_FALSE(cold->from_cache());
  EXPECT_TRUE(cold->build_info().cache_error.empty()) << cold->build_info().cache_error;
  const std::string file = cold->build_info().cache_file;
  ASSERT_TRUE(fs::exists(file)) << file;
  EXPECT_TRUE(file.ends_with(".hsdb"));
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path() + "/hs"), fs::directory_iterator()),
            1);

  auto warm = build_set(c, kSet);
  ASSERT_TRUE(warm);
  EXPECT_EQ(warm->build_info().cache, CacheStatus::kHit);
  EXPECT_TRUE(warm->from_cache());
  EXPECT_EQ(warm->build_info().cache_file, file);
  for (size_t id = 0; id < kSet.size(); ++id) {
    EXPECT_EQ(warm->engine(id), cold->engine(id)) << kSet[id];
    EXPECT_EQ(warm->note(id), cold->note(id)) << kSet[id];
  }
  EXPECT_EQ(warm->build_info().database_bytes, cold->build_info().database_bytes);
  EXPECT_EQ(answers(*warm, opts), answers(*cold, opts));
  EXPECT_EQ(answers(*warm, opts)[1], (Ids{1}));
  EXPECT_EQ(answers(*warm, opts)[4], Ids{});
}

TEST_F(CacheTest, CorruptFilesAreRecompiledAndReplaced) {
  auto opts = make_options(true, dir_.path());
  Compiler c(opts, log_);
  auto first = build_set(c, kSet);
  const std::string file = first->build_info().cache_file;
  const std::string good = slurp(file);
  ASSERT_GT(good.size(), 100u);
  auto expected = answers(*first, opts);

  std::vector<std::string> damaged;
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x5a;
  damaged.push_back(flipped);
  damaged.push_back(good.substr(0, good.size() / 3));
  damaged.push_back(good.substr(0, 5));
  damaged.push_back("");
  damaged.push_back(std::string(4096, '\x7f'));
  std::string bad_trailer = good;
  bad_trailer.back() ^= 1;
  damaged.push_back(bad_trailer);
  for (size_t i = 0; i < damaged.size(); ++i) {
    SCOPED_TRACE(i);
    spit(file, damaged[i]);
    auto again = build_set(c, kSet);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->build_info().cache, CacheStatus::kStale);
    EXPECT_FALSE(again->from_cache());
    EXPECT_FALSE(again->build_info().cache_error.empty());
    EXPECT_EQ(answers(*again, opts), expected);
    // The file was replaced by a good one.
    auto next = build_set(c, kSet);
    EXPECT_TRUE(next->from_cache());
  }
  // Each damaged file was reported with a warning.
  int warnings = 0;
  for (const auto& e : log_.recent()) warnings += e.level == "warn";
  EXPECT_GE(warnings, 6);
}

TEST_F(CacheTest, AnotherSetNeverLoadsThisSetsFile) {
  auto opts = make_options(true, dir_.path());
  Compiler c(opts, log_);
  auto a = build_set(c, {"/alpha/", "/beta/"});
  auto b = build_set(c, {"/alpha/", "/beta/i"});  // same sources, other flags
  auto d = build_set(c, {"/beta/", "/alpha/"});   // same patterns, other ids
  EXPECT_EQ(b->build_info().cache, CacheStatus::kMiss);
  EXPECT_EQ(d->build_info().cache, CacheStatus::kMiss);
  EXPECT_NE(a->build_info().cache_file, b->build_info().cache_file);
  EXPECT_NE(a->build_info().cache_file, d->build_info().cache_file);
  // Even under the other set's file name, A's file is refused (the key inside differs).
  fs::copy_file(a->build_info().cache_file, b->build_info().cache_file,
                fs::copy_options::overwrite_existing);
  auto b2 = build_set(c, {"/alpha/", "/beta/i"});
  EXPECT_EQ(b2->build_info().cache, CacheStatus::kStale);
  EXPECT_NE(b2->build_info().cache_error.find("another pattern set"), std::string::npos)
      << b2->build_info().cache_error;
  auto scratch = make_scratch(opts, {b2.get()});
  EXPECT_EQ(scan_ids(*b2, *scratch, "BETA"), (Ids{1}));
}

TEST_F(CacheTest, KeyDependsOnPlatformAndPatterns) {
  auto pats = testing::parse_all({"/a/", "/b/i"});
  HsPlatform p1 = HsPlatform::detect();
  HsPlatform p2 = p1;
  p2.cpu_features ^= 1;
  HsPlatform p3 = p1;
  p3.tune += 1;
  auto k1 = make_cache_key(p1, pats);
  auto k2 = make_cache_key(p2, pats);
  auto k3 = make_cache_key(p3, pats);
  ASSERT_TRUE(k1 && k2 && k3);
  EXPECT_EQ(*k1, *make_cache_key(p1, pats));
  EXPECT_NE(*k1, *k2);
  EXPECT_NE(*k1, *k3);
  auto other = testing::parse_all({"/a/", "/b/"});
  EXPECT_NE(*k1, *make_cache_key(p1, other));
  // Length prefixes: ["ab", ""] and ["a", "b"] differ.
  EXPECT_NE(*make_cache_key(p1, std::vector<Pattern>{{"ab", 0}, {"", 0}}),
            *make_cache_key(p1, std::vector<Pattern>{{"a", 0}, {"b", 0}}));
  EXPECT_EQ(k1->hex().size(), 64u);

  // A build for other (generic) CPU features uses another file.
  HsPlatform generic = p1;
  generic.cpu_features = 0;
  auto opts = make_options(true, dir_.path());
  Compiler native(opts, log_, p1);
  Compiler portable(opts, log_, generic);
  auto s1 = build_set(native, {"/x/", "/y/"});
  auto s2 = build_set(portable, {"/x/", "/y/"});
  if (p1.cpu_features != 0) {
    EXPECT_NE(s1->build_info().cache_file, s2->build_info().cache_file);
    EXPECT_EQ(s2->build_info().cache, CacheStatus::kMiss);
  }
  auto scratch = make_scratch(opts, {s2.get()});
  EXPECT_EQ(scan_ids(*s2, *scratch, "yx"), (Ids{0, 1}));
}

TEST_F(CacheTest, UnwritableDirectoryStillBuilds) {
  std::string blocker = dir_.path() + "/file";
  spit(blocker, "not a directory");
  auto opts = make_options(true, blocker + "/hs");
  Compiler c(opts, log_);
  auto set = build_set(c, {"/a/"});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->build_info().cache, CacheStatus::kMiss);
  EXPECT_FALSE(set->build_info().cache_error.empty());
  auto scratch = make_scratch(opts, {set.get()});
  EXPECT_EQ(scan_ids(*set, *scratch, "a"), (Ids{0}));
}

TEST_F(CacheTest, SetWithoutDatabaseIsCachedToo) {
  auto opts = make_options(true, dir_.path());
  Compiler c(opts, log_);
  auto cold = build_set(c, {"/a(?R)?b/", "/(/"});
  EXPECT_FALSE(cold->has_database());
  auto warm = build_set(c, {"/a(?R)?b/", "/(/"});
  EXPECT_TRUE(warm->from_cache());
  EXPECT_EQ(warm->engine(1), Engine::kInvalid);
  auto scratch = make_scratch(opts, {warm.get()});
  EXPECT_EQ(scan_ids(*warm, *scratch, "ab"), (Ids{0}));
}

TEST_F(CacheTest, DecodeRejectsEveryTruncationAndMismatch) {
  auto pats = testing::parse_all({"/a/", "/b/"});
  auto key = make_cache_key(HsPlatform::detect(), pats);
  ASSERT_TRUE(key);
  CacheRecord rec;
  rec.engines = {Engine::kHyperscan, Engine::kPcre};
  rec.notes = {"", "why not"};
  rec.database = "pretend database bytes";
  std::string bytes = encode_cache(*key, rec);
  auto ok = decode_cache(bytes, *key, 2);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->engines, rec.engines);
  EXPECT_EQ(ok->notes, rec.notes);
  EXPECT_EQ(ok->database, rec.database);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(decode_cache(std::string_view(bytes).substr(0, n), *key, 2)) << n;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string b = bytes;
    b[i] ^= 0x01;
    EXPECT_FALSE(decode_cache(b, *key, 2)) << i;
  }
  EXPECT_FALSE(decode_cache(bytes, *key, 3));
  CacheKey other = *key;
  other.digest[0] ^= 1;
  EXPECT_FALSE(decode_cache(bytes, other, 2));
}

TEST_F(CacheTest, PruneRemovesUnlistedFiles) {
  spit(dir_.path() + "/keep.hsdb", "x");
  spit(dir_.path() + "/old.hsdb", "x");
  spit(dir_.path() + "/notes.txt", "x");
  std::vector<std::string> keep = {"keep.hsdb"};
  auto n = prune_cache(dir_.path(), keep);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  EXPECT_TRUE(fs::exists(dir_.path() + "/keep.hsdb"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/old.hsdb"));
  EXPECT_TRUE(fs::exists(dir_.path() + "/notes.txt"));
  auto missing = prune_cache(dir_.path() + "/nope", keep);
  ASSERT_TRUE(missing);
  EXPECT_EQ(*missing, 0u);
}

TEST_F(CacheTest, AtomicWriteAndRead) {
  std::string path = dir_.path() + "/sub/dir/file.bin";
  ASSERT_TRUE(write_file_atomic(path, "hello"));
  auto back = read_file_bytes(path, 100);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, "hello");
  auto too_big = read_file_bytes(path, 3);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, ErrorCode::kLimit);
  auto missing = read_file_bytes(dir_.path() + "/none", 100);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace mw::match
