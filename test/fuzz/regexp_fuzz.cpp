// Fuzz target: regexp parsing, compilation and scanning (src/match). The input is
// `<pattern text>\n<data>`: the first line is parsed as a rule regexp (`/re/flags`, `m{re}`,
// plain), compiled as a Regexp and into two one-pattern-plus-fixed classes, one on
// Hyperscan and one on PCRE2 only, and the data is scanned by all of them. An empty first
// line scans the data with a fixed class of rule-like patterns instead (no compile per
// input, so the data side is fuzzed fast).
// Checks: no crash or hang; match spans lie inside the data and come in order; split
// pieces are views into the data; the Hyperscan class, the PCRE2 class and the single
// Regexp give the same answers (unless a PCRE2 match limit stopped one of them).
// The pattern line is bounded (kMaxPatternBytes): Hyperscan compile time grows fast with
// hostile patterns, and rule regexps are operator input anyway.
// Seeds: test/fuzz/corpus/regexp/.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "match/pattern.h"
#include "match/pattern_set.h"
#include "match/regexp.h"
#include "match/scratch.h"

namespace {

using namespace mw::match;

constexpr size_t kMaxPatternBytes = 48;
constexpr uint64_t kMaxScan = 4096;

MatchOptions options(bool hyperscan) {
  MatchOptions o;
  o.hyperscan = hyperscan;
  o.max_scan_size = kMaxScan;
  o.pcre_match_limit = 20000;
  return o;
}

// Rule-like patterns covering every engine, for the data-only mode.
const char* const kFixed[] = {
    "/viagra/i",
    "/v[i1!|]agr[a@]/i",
    "/free\\s+money/i",
    "/^Subject:\\s*re:/im",
    "/\\$\\d+(?:,\\d{3})*/",
    "/[A-Z]{10,}/",
    "/a.c/s",
    "/caf./u",
    "/\\w+\\x{e9}/iu",
    "/\\p{Cyrillic}{3}/u",
    "/[^\\x00-\\x7f]{3,}/",
    "/\\s{5,}/",
    "/end$/",
    "/end\\Z/",
    "/line$/m",
    "/(a)b\\1/",
    "/(?<=\\$)\\d+/",
    "/foo(?!bar)/",
    "/(?>a+)b/",
    "/\\bt\\w+e\\b/iu",
    "/a(?R)?b/",
    "/x*/",
    "/ wire \\s+ transfer # c/x",
    "/b/A",
    "/(?s).{50}END/",
    "/\\d{3}-\\d{4}/",
    "/(\\w)\\1{3}/",
    "/=\\?utf-8\\?[bq]\\?/i",
};

struct Fixture {
  mw::core::Logger log{mw::core::LogLevel::kSilent};
  Compiler hs{options(true), log};
  Compiler pcre{options(false), log};
  ScratchPtr scratch = std::move(Scratch::create(options(true)).value());
  PatternSetPtr fixed_hs;
  PatternSetPtr fixed_pcre;

  Fixture() {
    std::vector<Pattern> patterns;
    for (const char* text : kFixed) patterns.push_back(parse_pattern(text).value());
    fixed_hs = std::move(hs.build("fuzz-fixed-hs", patterns).value());
    fixed_pcre = std::move(pcre.build("fuzz-fixed-pcre", patterns).value());
    if (!scratch->prepare(*fixed_hs)) __builtin_trap();
  }
};

// Data-only mode: the fixed class on both engines must agree.
void scan_fixed(Fixture& fx, std::string_view data) {
  RegexpContext& ctx = fx.scratch->pcre();
  uint64_t limits_before = ctx.stats().limit_hits;
  MatchSet a = fx.fixed_hs->make_match_set();
  MatchSet b = fx.fixed_pcre->make_match_set();
  if (!fx.fixed_hs->scan(data, *fx.scratch, a)) __builtin_trap();
  if (!fx.fixed_pcre->scan(data, *fx.scratch, b)) __builtin_trap();
  if (ctx.stats().limit_hits == limits_before && !(a == b)) __builtin_trap();
}

void check_spans(const Match& m, std::string_view data) {
  if (m.groups.empty()) __builtin_trap();
  for (const Span& s : m.groups) {
    if (!s.matched()) continue;
    if (s.begin > s.end || s.end > data.size()) __builtin_trap();
  }
}

bool within(std::string_view piece, std::string_view data) {
  return piece.data() >= data.data() && piece.data() + piece.size() <= data.data() + data.size();
}

// The fixed databases are compiled once, before the first input: under ASan on a busy
// machine that compile alone outlasted libFuzzer's per-input timeout.
Fixture& fixture() {
  static Fixture fx;
  return fx;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  Fixture& fx = fixture();
  std::string_view in(reinterpret_cast<const char*>(bytes), size);
  size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  std::string_view data = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  if (line.empty() && nl == 0) {
    scan_fixed(fx, data);
    return 0;
  }
  if (line.size() > kMaxPatternBytes) return 0;
  auto pattern = parse_pattern(line);
  if (!pattern) return 0;
  if (format_pattern(*pattern).empty()) __builtin_trap();
  RegexpContext& ctx = fx.scratch->pcre();
  uint64_t limits_before = ctx.stats().limit_hits;

  // The single regexp, as Lua rules use it.
  auto re = Regexp::compile(*pattern);
  std::optional<bool> single;
  if (re) {
    auto m = (*re)->matches(data, ctx);
    if (m) single = *m;
    if (auto all = (*re)->search(data, ctx, 64)) {
      size_t last_end = 0;
      for (const Match& x : *all) {
        check_spans(x, data);
        if (x.begin() < last_end) __builtin_trap();
        last_end = x.end();
      }
      if (single.has_value() && *single != !all->empty()) __builtin_trap();
    }
    if (auto parts = (*re)->split(data, ctx)) {
      for (auto p : *parts) {
        if (p.empty() || !within(p, data)) __builtin_trap();
      }
    }
    if (auto f = (*re)->find(data, ctx, data.size() / 2); f && f->has_value()) {
      check_spans(**f, data);
    }
    (void)(*re)->full_match(data, ctx);
  }

  // The same pattern inside classes, with Hyperscan and with PCRE2 only.
  std::vector<Pattern> patterns = {*pattern, Pattern{"a", 0}, Pattern{"(?<!x)y", kCaseless}};
  auto hs_set = fx.hs.build("fuzz-hs", patterns);
  auto pcre_set = fx.pcre.build("fuzz-pcre", patterns);
  if (!hs_set || !pcre_set) return 0;
  if (!fx.scratch->prepare(**hs_set)) return 0;
  MatchSet a = (*hs_set)->make_match_set();
  MatchSet b = (*pcre_set)->make_match_set();
  if (!(*hs_set)->scan(data, *fx.scratch, a)) return 0;
  if (!(*pcre_set)->scan(data, *fx.scratch, b)) return 0;
  // Scanning again accumulates without changing the answer.
  MatchSet again = a;
  if ((*hs_set)->scan(data, *fx.scratch, again) && !(again == a)) __builtin_trap();
  if (ctx.stats().limit_hits != limits_before) return 0;  // a limit stopped PCRE2 somewhere
  if (!(a == b)) __builtin_trap();
  if ((*hs_set)->engine(0) != Engine::kInvalid) {
    if (!re) __builtin_trap();  // the class compiled what the Regexp refused
    if (single.has_value() && *single != a.test(0)) __builtin_trap();
  } else if (a.test(0)) {
    __builtin_trap();
  }
  return 0;
}
