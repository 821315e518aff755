// Regexp class throughput and start-up time (src/match).
//
// Rules: 100, 1,000 and 5,000 spam-rule regexps generated deterministically (fixed seed) from
// a vocabulary of spam words with the shapes real rules have: words with \b, phrases with
// \s+, alternations, obfuscation character classes, anchored header lines, amounts, URLs,
// bounded gaps, and a few lookbehinds (prefilter + PCRE2 confirmation).
// Data: every message of the shared corpus (MW_CORPUS_DIR overrides the directory), one
// buffer per message file, as a {raw_message} class would scan them.
//
//   BM_Scan/<engine>/<rules>   MB/s on one core (bytes_per_second), matches per pass
//   BM_Build/<cache>/<rules>   building the class: cold (compile, write the cache) or warm
//                              (load from the cache)
//
//   ./build/bench/match_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/log.h"
#include "match/pattern_set.h"
#include "match/scratch.h"

namespace {

namespace fs = std::filesystem;
using namespace mw::match;

const char* const kWords[] = {
    "viagra",       "cialis",    "casino",     "lottery",   "winner",      "prize",
    "million",      "dollars",   "bitcoin",    "crypto",    "investment",  "urgent",
    "verify",       "account",   "password",   "suspended", "invoice",     "payment",
    "refund",       "bank",      "wire",       "transfer",  "inheritance", "beneficiary",
    "loan",         "mortgage",  "credit",     "debt",      "pharmacy",    "pills",
    "discount",     "offer",     "free",       "bonus",     "click",       "unsubscribe",
    "limited",      "exclusive", "guaranteed", "risk",      "weight",      "loss",
    "diet",         "dating",    "singles",    "deal",      "cheap",       "replica",
    "rolex",        "watches",   "luxury",     "order",     "today",       "congratulations",
    "selected",     "claim",     "reward",     "gift",      "card",        "paypal",
    "support",      "security",  "alert",      "update",    "confirm",     "login",
    "delivery",     "package",   "shipment",   "tracking",  "customs",     "fee",
    "tax",          "refinance", "approved",   "income",    "opportunity", "business",
    "partner",      "secret",    "miracle",    "herbal",    "enlarge",     "meds",
    "prescription", "online",    "jackpot",    "bargain",   "sweepstakes", "notification",
    "mailbox",      "quota",     "storage",    "expired",   "overdue",     "wallet",
    "trader",       "profit",    "forex",      "stock",     "promotion",   "newsletter",
    "webinar",      "meeting",
};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

// Letters spammers swap for look-alikes.
std::string obfuscate(const std::string& w) {
  std::string out;
  for (char c : w) {
    switch (c) {
      case 'a': out += "[a@4]"; break;
      case 'e': out += "[e3]"; break;
      case 'i': out += "[i1!|]"; break;
      case 'o': out += "[o0]"; break;
      case 's': out += "[s5$]"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<Pattern> generate_rules(size_t n) {
  std::mt19937 rng(20241128);  // fixed seed: the same rules on every run and machine
  auto word = [&] { return std::string(kWords[rng() % kWordCount]); };
  std::set<std::string> seen;
  std::vector<Pattern> out;
  while (out.size() < n) {
    std::string w1 = word(), w2 = word(), w3 = word();
    std::string re;
    uint32_t flags = kCaseless;
    switch (rng() % 20) {
      case 0:
      case 1:
      case 2: re = "\\b" + w1 + "\\b"; break;
      case 3:
      case 4:
      case 5: re = w1 + "\\s+" + w2; break;
      case 6:
      case 7: re = "(?:" + w1 + "|" + w2 + "|" + w3 + ")\\s+" + word(); break;
      case 8:
      case 9: re = obfuscate(w1); break;
      case 10:
        re = "^(?:Subject|From):.*\\b" + w1 + "\\b";
        flags |= kMultiline;
        break;
      case 11: re = "\\$\\s?\\d{1,3}(?:,\\d{3})+\\s+" + w1; break;
      case 12: re = "https?://[^\\s/]*" + w1 + "[^\\s/]*\\.(?:com|net|ru|cn|info)"; break;
      case 13:
      case 14:
        re = w1 + ".{0,20}" + w2;
        flags |= kDotall;
        break;
      case 15: re = w1 + "[\\s_.-]*" + w2 + "[\\s_.-]*" + w3; break;
      case 16: re = "\\b" + w1 + "\\d{2,}\\b"; break;
      case 17:
        re = "[A-Z]{3,}\\s+" + w1;
        flags = 0;
        break;
      case 18: re = "=\\?[\\w-]+\\?[BQ]\\?[^?]*" + w1.substr(0, 3); break;
      default:  // one in two: a lookbehind (prefilter + PCRE2 confirmation)
        re = rng() % 2 ? "(?<!un)" + w1 + "\\s+" + w2 : w1 + "\\W+" + w2 + "\\W+" + w3;
        break;
    }
    if (!seen.insert(re + "/" + std::to_string(flags)).second) continue;
    out.push_back(Pattern{re, flags});
  }
  return out;
}

bool is_message_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::string name = p.filename().string();
  if (ext == ".eml" || ext == ".msg" || ext == ".mbox") return true;
  return ext.empty() && name != "LICENSE" && name != "README";
}

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> messages = [] {
    const char* env = std::getenv("MW_CORPUS_DIR");
    std::string dir = env != nullptr ? env : MW_TESTDATA_DIR "/corpus";
    std::vector<fs::path> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_regular_file(ec) && is_message_file(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
  }();
  return messages;
}

mw::core::Logger& quiet_log() {
  static mw::core::Logger log(mw::core::LogLevel::kSilent);
  return log;
}

MatchOptions options(bool hyperscan, std::string cache_dir = {}) {
  MatchOptions o;
  o.hyperscan = hyperscan;
  o.cache_dir = std::move(cache_dir);
  return o;
}

// Sets are built once per (engine, size) and kept for the whole run.
const PatternSet& cached_set(bool hyperscan, size_t n) {
  static std::map<std::pair<bool, size_t>, PatternSetPtr> sets;
  auto& slot = sets[{hyperscan, n}];
  if (!slot) {
    Compiler c(options(hyperscan), quiet_log());
    slot = std::move(c.build("bench", generate_rules(n)).value());
  }
  return *slot;
}

void BM_Scan(benchmark::State& state, bool hyperscan) {
  const size_t n = static_cast<size_t>(state.range(0));
  const PatternSet& set = cached_set(hyperscan, n);
  const auto& messages = corpus();
  std::vector<const PatternSet*> sets = {&set};
  auto scratch = std::move(Scratch::create(options(hyperscan), sets).value());
  MatchSet out = set.make_match_set();
  size_t bytes = 0, matches = 0;
  for (const auto& m : messages) bytes += m.size();
  for (auto _ : state) {
    matches = 0;
    for (const auto& m : messages) {
      out.clear();
      if (!set.scan(m, *scratch, out)) state.SkipWithError("scan failed");
      matches += out.count();
    }
    benchmark::DoNotOptimize(matches);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["messages"] = static_cast<double>(messages.size());
  state.counters["matches"] = static_cast<double>(matches);
  state.counters["hs"] = static_cast<double>(set.count(Engine::kHyperscan));
  state.counters["prefilter"] = static_cast<double>(set.count(Engine::kPrefilter));
}

void BM_Build(benchmark::State& state, bool warm) {
  const size_t n = static_cast<size_t>(state.range(0));
  auto rules = generate_rules(n);
  std::string tmpl = (fs::temp_directory_path() / "mw_match_bench_XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  Compiler c(options(true, tmpl), quiet_log());
  if (warm) (void)c.build("bench", rules);  // fill the cache
  bool from_cache = false;
  for (auto _ : state) {
    if (!warm) {
      state.PauseTiming();
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(tmpl, ec)) fs::remove(e.path(), ec);
      state.ResumeTiming();
    }
    auto set = c.build("bench", rules);
    if (!set) {
      state.SkipWithError("build failed");
      break;
    }
    from_cache = (*set)->from_cache();
    state.counters["db_bytes"] = static_cast<double>((*set)->build_info().database_bytes);
  }
  if (from_cache != warm) state.SkipWithError("cache state not as expected");
  std::error_code ec;
  fs::remove_all(tmpl, ec);
}

BENCHMARK_CAPTURE(BM_Scan, hyperscan, true)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Scan, pcre, false)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Build, cold, false)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Build, warm, true)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
