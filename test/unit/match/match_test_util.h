// Helpers shared by the match module tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "match/options.h"
#include "match/pattern.h"
#include "match/pattern_set.h"
#include "match/scratch.h"

namespace mw::match::testing {

inline MatchOptions make_options(bool hyperscan, std::string cache_dir = {},
                                 uint64_t max_scan_size = kDefaultMaxInput) {
  MatchOptions o;
  o.hyperscan = hyperscan;
  o.cache_dir = std::move(cache_dir);
  o.max_scan_size = max_scan_size;
  return o;
}

inline std::vector<Pattern> parse_all(const std::vector<std::string>& texts) {
  std::vector<Pattern> out;
  for (const auto& t : texts) {
    auto p = parse_pattern(t);
    EXPECT_TRUE(p) << t << ": " << (p ? "" : p.error().message);
    out.push_back(p ? *p : Pattern{t, 0});
  }
  return out;
}

inline PatternSetPtr build_set(const Compiler& c, const std::vector<std::string>& texts,
                               std::string name = "test") {
  auto set = c.build(std::move(name), parse_all(texts));
  EXPECT_TRUE(set) << (set ? "" : set.error().message);
  return set ? std::move(*set) : nullptr;
}

inline ScratchPtr make_scratch(const MatchOptions& o, std::vector<const PatternSet*> sets = {}) {
  auto s = Scratch::create(o, sets);
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  return s ? std::move(*s) : nullptr;
}

// The ids of `set` matching `buffer` (one buffer, fresh MatchSet).
inline std::vector<uint32_t> scan_ids(const PatternSet& set, Scratch& scratch,
                                      std::string_view buffer) {
  MatchSet out = set.make_match_set();
  auto st = set.scan(buffer, scratch, out);
  EXPECT_TRUE(st) << (st ? "" : st.error().message);
  return out.ids();
}

// A fresh directory under the system temporary directory, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mw_match_XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace mw::match::testing
