#include "match/options.h"

#include <algorithm>
#include <limits>

namespace mw::match {

namespace {

constexpr char kHyperscan[] = "options.regexp.hyperscan";
constexpr char kCacheDir[] = "options.regexp.cache_dir";
constexpr char kMaxScanSize[] = "options.regexp.max_scan_size";
constexpr char kPcreJit[] = "options.regexp.pcre_jit";
constexpr char kPcreMatchLimit[] = "options.regexp.pcre_match_limit";

constexpr char kNoCache[] = "none";

}  // namespace

void declare_options(core::Schema& s) {
  using core::OptType;
  s.section("options.regexp",
            "Regexp engine: Hyperscan classes with a PCRE2 fallback, compiled-database cache");
  s.add({kHyperscan, OptType::kBool, "true",
         "Compile each regexp class into one Hyperscan database (false: every regexp runs in "
         "PCRE2; also the case on CPUs without SSSE3)"});
  s.add({kCacheDir, OptType::kString, "\"\"",
         "Directory for compiled Hyperscan databases, reused across restarts: \"\" = "
         "<dbdir>/hs_cache, \"none\" = no cache"});
  s.add({kMaxScanSize, OptType::kSize, "\"1M\"",
         "Bytes of one buffer (header, part, body) a regexp looks at; the rest is not scanned "
         "(0 = no limit)",
         0, 1024.0 * 1024 * 1024});
  s.add({kPcreJit, OptType::kBool, "true", "JIT-compile PCRE2 regexps"});
  s.add({kPcreMatchLimit, OptType::kInt, "1000000",
         "PCRE2 backtracking steps per start position before a regexp gives up (no match)", 1000,
         static_cast<double>(std::numeric_limits<uint32_t>::max())});
}

Result<MatchOptions> options_from(const core::Config& cfg, std::string_view default_cache_dir) {
  MatchOptions o;
  o.hyperscan = cfg.get_bool(kHyperscan);
  std::string dir = cfg.get_string(kCacheDir);
  if (dir.empty()) {
    o.cache_dir = std::string(default_cache_dir);
  } else if (dir == kNoCache) {
    o.cache_dir.clear();
  } else if (dir[0] != '/') {
    return fail(ErrorCode::kInvalidInput,
                std::string(kCacheDir) + ": \"" + dir + "\" must be an absolute path or \"none\"");
  } else {
    o.cache_dir = std::move(dir);
  }
  o.max_scan_size = cfg.get_size(kMaxScanSize);
  o.pcre_jit = cfg.get_bool(kPcreJit);
  int64_t limit = cfg.get_int(kPcreMatchLimit);
  o.pcre_match_limit =
      static_cast<uint32_t>(std::clamp<int64_t>(limit, 1, std::numeric_limits<uint32_t>::max()));
  return o;
}

}  // namespace mw::match
