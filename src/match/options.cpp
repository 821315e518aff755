#include "match/options.h"

#include <limits>

#include "core/option_table.h"

namespace mw::match {

namespace {

constexpr char kPrefix[] = "options.regexp";
constexpr char kCacheDir[] = "cache_dir";
constexpr char kNoCache[] = "none";

core::OptionTable<MatchOptions> table() {
  using core::OptType;
  return {kPrefix,
          "Regexp engine: Hyperscan classes with a PCRE2 fallback, compiled-database cache", {
      {&MatchOptions::hyperscan,
       {"hyperscan", OptType::kBool, "true",
        "Compile each regexp class into one Hyperscan database (false: every regexp runs in "
        "PCRE2; also the case on CPUs without SSSE3)"}},
      // Read by options_from: "" and "none" mean more than a path.
      {nullptr,
       {kCacheDir, OptType::kString, "\"\"",
        "Directory for compiled Hyperscan databases, reused across restarts: \"\" = "
        "<dbdir>/hs_cache, \"none\" = no cache"}},
      {&MatchOptions::max_scan_size,
       {"max_scan_size", OptType::kSize, "\"1M\"",
        "Bytes of one buffer (header, part, body) a regexp looks at; the rest is not scanned "
        "(0 = no limit)",
        0, 1024.0 * 1024 * 1024}},
      {&MatchOptions::pcre_jit,
       {"pcre_jit", OptType::kBool, "true", "JIT-compile PCRE2 regexps"}},
      {&MatchOptions::pcre_match_limit,
       {"pcre_match_limit", OptType::kInt, "1000000",
        "PCRE2 backtracking steps per start position before a regexp gives up (no match)", 1000,
        static_cast<double>(std::numeric_limits<uint32_t>::max())}},
  }};
}

}  // namespace

void declare_options(core::Schema& s) { table().declare(s); }

Result<MatchOptions> options_from(const core::Config& cfg, std::string_view default_cache_dir) {
  const core::OptionTable<MatchOptions> t = table();
  MatchOptions o = t.read(cfg);
  const std::string path = t.path(kCacheDir);
  std::string dir = cfg.get_string(path);
  if (dir.empty()) {
    o.cache_dir = std::string(default_cache_dir);
  } else if (dir == kNoCache) {
    o.cache_dir.clear();
  } else if (dir[0] != '/') {
    return fail(ErrorCode::kInvalidInput,
                path + ": \"" + dir + "\" must be an absolute path or \"none\"");
  } else {
    o.cache_dir = std::move(dir);
  }
  return o;
}

}  // namespace mw::match
