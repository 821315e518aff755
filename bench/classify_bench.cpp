// Bayes classifier speed (src/classify): tokenizing, classifying and learning, on LMDB.
//
//   classify_bench [--train N] [--rounds R] [--mail DIR]
//
// The mail comes from tools/bayes/generate_mail.py (run here into a temporary directory,
// N spam and N ham, default 1000 each; --mail DIR uses DIR/spam and DIR/ham instead).
// Learning: every message parsed, tokenized and learned into a fresh embedded store
// (LMDB, default options) the way `mailward learn` does it (64 learns in flight, so LMDB
// commits them in shared transactions), then the same one at a time (each learn waits for
// the previous one: what a controller learning single messages does). Classifying: a
// 10 KB message (headers and a plain-text body of prose from the generated ham) and a
// 10 KB HTML one, R rounds each: tokenizing, the store read (class totals and every token's
// counts, one read transaction) and the chi-square combination, timed separately; then the
// average over the whole generated mail. Also: the first read in a process (it copies the
// table into memory, store/lmdb_mirror.h), reads right after learns (each applies the learn's
// change-log entry first), and the same read from LMDB row by row (counts_memory_rows = 0).
// Prints one line per figure. Times are the CPU time
// of the benchmark's thread (stable on a shared machine; LMDB's writes to the page cache are
// CPU time too, but a commit waiting for the disk would not count: the store runs with its
// default periodic sync, so commits do not wait).
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "../test/unit/store/test_util.h"
#include "classify/learn.h"
#include "classify/statistics.h"
#include "classify/tokenizer.h"
#include "core/arena.h"
#include "mime/parser.h"
#include "store/lmdb_store.h"

namespace mw::classify {
namespace {

using store::testing::run_until;

// Times are CPU time of this thread (the machine is shared: wall time would count the time
// other processes held the CPU).
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }
};

double seconds_since(double t0) { return Clock::now() - t0; }

double wall_now() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<std::string> read_dir(const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir)) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

struct Bench {
  core::Dispatcher d;
  core::Logger log{core::LogLevel::kError};
  mime::Parser parser;
  WordSplitter splitter;
  BayesOptions options;
  store::StorePtr store;

  Prepared prepare_raw(const std::string& raw) {
    core::Arena arena;
    auto m = parser.parse(arena, raw, mime::Limits{});
    return prepare(**m, splitter, options);
  }

  // Learn every message, `window` at a time; returns messages per second.
  double learn_all(const std::vector<std::string>& msgs, Class cls, size_t window,
                   const Table& t) {
    auto t0 = Clock::now();
    size_t in_flight = 0, done = 0;
    std::map<size_t, store::OpPtr> ops;
    for (size_t i = 0; i < msgs.size(); ++i) {
      Prepared p = prepare_raw(msgs[i]);
      while (in_flight >= window) run_until(d, [&] { return in_flight < window; }, 30);
      ++in_flight;
      ops[i] = learn_prepared(*store, options, t, std::move(p), cls,
                              [&, i](Result<Report> r) {
                                if (!r) std::fprintf(stderr, "learn: %s\n", r.error().message.c_str());
                                --in_flight;
                                ++done;
                                ops.erase(i);
                              });
    }
    run_until(d, [&] { return in_flight == 0; }, 60);
    return static_cast<double>(done) / seconds_since(t0);
  }

  struct Timing {
    double tokenize_us = 0, read_us = 0, combine_us = 0;
    size_t tokens = 0;
    double probability = 0;
  };

  Timing classify(const std::string& raw, int rounds) {
    Timing t;
    core::Arena arena;
    auto m = parser.parse(arena, raw, mime::Limits{});
    Table table = global_table();
    for (int r = 0; r < rounds; ++r) {
      auto t0 = Clock::now();
      Tokens tokens = tokenize(**m, splitter, options.tokenizer);
      t.tokenize_us += seconds_since(t0) * 1e6;
      t.tokens = tokens.ids.size();
      t0 = Clock::now();
      std::optional<Result<Snapshot>> snap;
      store::OpPtr op = read(*store, table, tokens.ids, [&](Result<Snapshot> s) { snap = std::move(s); });
      run_until(d, [&] { return snap.has_value(); }, 10);
      t.read_us += seconds_since(t0) * 1e6;
      t0 = Clock::now();
      Combined c = combine((*snap)->counts, (*snap)->learns_spam, (*snap)->learns_ham,
                           options.combine);
      t.combine_us += seconds_since(t0) * 1e6;
      t.probability = c.probability;
    }
    t.tokenize_us /= rounds;
    t.read_us /= rounds;
    t.combine_us /= rounds;
    return t;
  }
};

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 128; });
}

// A message of about `size` bytes: headers and the text of the given messages' bodies (only
// the English ones unless `any_language`).
std::string big_message(Bench& b, const std::vector<std::string>& sources, size_t size,
                        bool html, bool any_language) {
  std::string text;
  for (const auto& raw : sources) {
    core::Arena arena;
    auto m = b.parser.parse(arena, raw, mime::Limits{});
    for (const auto& tp : (*m)->text_parts) {
      if (tp.is_html || (!any_language && !is_ascii(tp.text))) continue;
      text.append(tp.text);
      text.append("\n\n");
    }
    if (text.size() >= size) break;
  }
  std::string head =
      "Received: from mail.example.com (mail.example.com [192.0.2.10])\r\n"
      "\tby mx.example.net (Postfix) with ESMTPS id 4XYZ for <bob@example.net>;\r\n"
      "\tMon, 1 Jul 2024 10:00:00 +0000\r\n"
      "From: Alice Example <alice@example.com>\r\nTo: Bob <bob@example.net>\r\n"
      "Subject: Notes from the planning meeting\r\nDate: Mon, 1 Jul 2024 10:00:00 +0000\r\n"
      "Message-ID: <bench.1@example.com>\r\nMIME-Version: 1.0\r\n";
  size_t body_size = size - head.size() - 80;
  std::string body;
  if (!html) {
    body = text.substr(0, body_size);
    return head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
  }
  body = "<html><body>";
  size_t pos = 0;
  while (body.size() < body_size && pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    if (end == std::string::npos) end = text.size();
    body += "<p>" + text.substr(pos, end - pos) + " <a href=\"https://www.example.com/p/" +
            std::to_string(pos) + "\">more</a></p>\n";
    pos = end + 2;
  }
  body.resize(std::min(body.size(), body_size));
  body += "</body></html>";
  return head + "Content-Type: text/html; charset=utf-8\r\n\r\n" + body + "\r\n";
}

int run(int argc, char** argv) {
  size_t train = 1000;
  int rounds = 2000;
  std::string mail;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--train") train = std::strtoul(argv[i + 1], nullptr, 10);
    if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    if (a == "--mail") mail = argv[i + 1];
  }
  store::testing::TempDir tmp;
  if (mail.empty()) {
    mail = tmp.path() + "/mail";
    std::string cmd = "python3 " MW_SOURCE_DIR "/tools/bayes/generate_mail.py --out " + mail +
                      " --spam " + std::to_string(train) + " --ham " + std::to_string(train) +
                      " --seed 7";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "classify_bench: cannot generate mail (%s)\n", cmd.c_str());
      return 1;
    }
  }
  auto spam = read_dir(mail + "/spam");
  auto ham = read_dir(mail + "/ham");
  Bench b;
  store::LmdbOptions lo;
  lo.env.path = tmp.path() + "/store";
  lo.sweep_interval = 0;
  auto s = store::LmdbStore::open(lo, b.d, b.log, wall_now);
  if (!s) {
    std::fprintf(stderr, "classify_bench: %s\n", s.error().message.c_str());
    return 1;
  }
  b.store = std::move(*s);
  b.options.min_learns = 1;
  Table g = global_table();

  size_t half = spam.size() / 2;
  std::vector<std::string> spam1(spam.begin(), spam.begin() + half);
  std::vector<std::string> ham1(ham.begin(), ham.begin() + half);
  std::vector<std::string> spam2(spam.begin() + half, spam.end());
  std::vector<std::string> ham2(ham.begin() + half, ham.end());
  double r1 = b.learn_all(spam1, Class::kSpam, 64, g);
  double r2 = b.learn_all(ham1, Class::kHam, 64, g);
  std::printf("learn, 64 in flight (mailward learn): %.0f messages/s (%zu spam %.0f/s, %zu ham %.0f/s)\n",
              2 * half / (half / r1 + half / r2), half, r1, half, r2);
  double r3 = b.learn_all(spam2, Class::kSpam, 1, g);
  double r4 = b.learn_all(ham2, Class::kHam, 1, g);
  std::printf("learn, one at a time (controller): %.0f messages/s\n",
              static_cast<double>(spam2.size() + ham2.size()) /
                  (static_cast<double>(spam2.size()) / r3 + static_cast<double>(ham2.size()) / r4));
  auto* ls = static_cast<store::LmdbStore*>(b.store.get());
  // The first read in a process copies the table into memory (store/lmdb_mirror.h).
  {
    std::string msg = big_message(b, ham2, 10240, false, false);
    auto t = b.classify(msg, 1);
    std::printf("first read in a process (copies the table into memory: %llu rows): %.1f ms\n",
                static_cast<unsigned long long>(ls->info().mirror_rows), t.read_us / 1000);
  }

  std::optional<Result<Info>> info;
  store::OpPtr op = classify::info(*b.store, 0, [&](Result<Info> r) { info = std::move(r); });
  run_until(b.d, [&] { return info.has_value(); }, 10);
  std::printf("store after learning %zu messages: %llu spam and %llu ham token rows, %llu bytes "
              "of LMDB map in use\n",
              spam.size() + ham.size(),
              static_cast<unsigned long long>((*info)->spam.tokens),
              static_cast<unsigned long long>((*info)->ham.tokens),
              static_cast<unsigned long long>(ls->info().used_bytes));

  struct Case {
    const char* what;
    bool html, any_language;
  };
  for (const Case& c : {Case{"English plain-text", false, false}, Case{"English HTML", true, false},
                        Case{"multilingual plain-text", false, true}}) {
    std::string msg = big_message(b, ham2, 10240, c.html, c.any_language);
    auto t = b.classify(msg, rounds);
    std::printf("classify a %zu-byte %s message: %.1f us (tokenize %.1f us, store read %.1f us, "
                "combine %.1f us; %zu tokens, P(spam) %.3f)\n",
                msg.size(), c.what,
                t.tokenize_us + t.read_us + t.combine_us, t.tokenize_us, t.read_us,
                t.combine_us, t.tokens, t.probability);
  }
  double total = 0, tok = 0;
  size_t n = 0, tokens = 0;
  for (const auto* set : {&spam2, &ham2}) {
    for (const auto& raw : *set) {
      auto t = b.classify(raw, 3);
      total += t.tokenize_us + t.read_us + t.combine_us;
      tok += t.tokenize_us;
      tokens += t.tokens;
      ++n;
    }
  }
  // Learning going on between reads: each read first applies the learn's change-log entry.
  {
    std::string msg = big_message(b, ham2, 10240, false, false);
    double read_us = 0;
    size_t n_mixed = std::min<size_t>(100, spam2.size());
    for (size_t i = 0; i < n_mixed; ++i) {
      b.learn_all({spam1[i]}, Class::kHam, 1, g);  // moves a learned message: a real change
      read_us += b.classify(msg, 1).read_us;
    }
    std::printf("store read of the 10 KB message right after each of %zu learns: %.1f us "
                "(%llu change-log entries applied, %llu whole-table copies in all)\n",
                n_mixed, read_us / static_cast<double>(n_mixed),
                static_cast<unsigned long long>(ls->info().mirror_log_entries),
                static_cast<unsigned long long>(ls->info().mirror_loads));
  }
  std::printf("classify the generated mail (%zu messages, %.0f bytes and %.0f tokens on "
              "average): %.1f us per message (tokenize %.1f us)\n",
              n, [&] {
                double bytes = 0;
                for (const auto* set : {&spam2, &ham2}) {
                  for (const auto& raw : *set) bytes += static_cast<double>(raw.size());
                }
                return bytes / static_cast<double>(n);
              }(),
              static_cast<double>(tokens) / static_cast<double>(n), total / static_cast<double>(n),
              tok / static_cast<double>(n));
  // The same store read from LMDB row by row (store.counts_memory_rows = 0).
  b.store.reset();
  lo.mirror_rows = 0;
  auto direct = store::LmdbStore::open(lo, b.d, b.log, wall_now);
  if (!direct) return 1;
  b.store = std::move(*direct);
  {
    std::string msg = big_message(b, ham2, 10240, false, false);
    auto t = b.classify(msg, std::max(1, rounds / 10));
    std::printf("without the in-memory copy (counts_memory_rows = 0): the English plain-text "
                "message's store read %.1f us\n", t.read_us);
  }
  return 0;
}

}  // namespace
}  // namespace mw::classify

int main(int argc, char** argv) { return mw::classify::run(argc, argv); }
