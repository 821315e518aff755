// `mailward learn`: teach the Bayes classifier offline, against the configured store.
//
//   mailward learn --spam|--ham|--forget [--conf DIR] [--user USER] [--quiet] PATH...
//   mailward learn --expire [--conf DIR]
//   mailward learn --reset [--user USER] [--conf DIR]
//
// PATH is a message file, a directory (every file below it, in name order, hidden ones
// skipped: a maildir or a folder of .eml files) or '-' for standard input. A file larger
// than limits.max_message_size is not learned (counted as failed). Each message is
// learned as in the controller's /learnspam and /learnham (classify/learn.h): learning a
// message again as the same class changes nothing, as the other class moves it; --forget
// undoes it. --user picks the per-user statistics (classifier.bayes.per_user). Learns run
// in parallel (LMDB commits them in shared transactions) but never two of the same message.
// One line per message on stdout unless --quiet; a summary on stderr. --expire runs one
// expiry pass now and prints what it removed. --reset deletes the statistics (the global
// ones, or the user's with --user): needed after changing the tokenizer's options.
//
// Exit status: 0 when every message was learned (or already learned, or had too few
// tokens), 1 when one could not be read or the store failed, 2 for usage errors.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include <event2/event.h>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/command_runtime.h"
#include "app/commands.h"
#include "app/inputs.h"
#include "app/paths.h"
#include "classify/expire.h"
#include "classify/learn.h"
#include "core/arena.h"
#include "core/loop.h"
#include "store/options.h"

namespace mw::app {

namespace {

const std::vector<ArgSpec> kSpec = {
    {"conf", true, false, 'c'}, {"spam", false}, {"ham", false},       {"forget", false},
    {"user", true},             {"quiet", false, false, 'q'},           {"expire", false},
    {"reset", false},
    {"log-level", true},        {"help", false, false, 'h'},
};

constexpr const char* kUsage =
    "usage: mailward learn --spam|--ham|--forget [--conf DIR] [--user USER] [--quiet] PATH...\n"
    "       mailward learn --expire [--conf DIR]\n"
    "       mailward learn --reset [--user USER] [--conf DIR]\n"
    "PATH: a message file, a directory of messages (recursively) or '-' for stdin\n";

// Learns in flight at once.
constexpr size_t kWindow = 64;

double wall_clock() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Totals {
  size_t learned = 0, moved = 0, already = 0, few = 0, forgotten = 0, unknown = 0, failed = 0;
};

int run_expire(core::Dispatcher& dispatcher, store::Store& store, core::Logger& logger,
               const classify::BayesOptions& options) {
  classify::Expirer expirer(store, dispatcher, logger, options.expire, wall_clock);
  std::optional<Result<classify::Expirer::PassResult>> result;
  expirer.run_pass([&](Result<classify::Expirer::PassResult> r) {
    result.emplace(std::move(r));
    dispatcher.exit();
  });
  if (!result) dispatcher.run();
  if (!result || !*result) {
    std::fprintf(stderr, "mailward learn: expiry failed: %s\n",
                 result ? (*result).error().message.c_str() : "no result");
    return 1;
  }
  std::printf("expiry: removed %llu of %llu tokens in %llu table(s)\n",
              static_cast<unsigned long long>((*result)->removed),
              static_cast<unsigned long long>((*result)->examined),
              static_cast<unsigned long long>((*result)->tables));
  return 0;
}

int run_reset(core::Dispatcher& dispatcher, store::Store& store, const classify::Table& t) {
  std::vector<std::string> keys = {t.tokens, t.learned};
  std::vector<store::OpPtr> ops;
  size_t pending = 0;
  bool ok = true;
  auto done = [&](Status st) {
    if (!st) {
      std::fprintf(stderr, "mailward learn: %s\n", st.error().message.c_str());
      ok = false;
    }
    if (--pending == 0) dispatcher.exit();
  };
  for (const auto& k : keys) {
    ++pending;
    ops.push_back(store.del(k, done));
  }
  if (!t.user_id.empty()) {
    ++pending;
    ops.push_back(store.map_del(std::string(classify::kUsersKey), t.user_id, done));
  }
  dispatcher.run();
  if (ok) std::printf("statistics deleted\n");
  return ok ? 0 : 1;
}

}  // namespace

int cmd_learn(int argc, char** argv) {
  int exit_status = 0;
  auto args = parse_command({"learn", kSpec, kUsage}, argc, argv, exit_status);
  if (!args) return exit_status;
  int modes = args->has("spam") + args->has("ham") + args->has("forget");
  bool expire = args->has("expire"), reset = args->has("reset");
  bool maintenance = expire || reset;
  if ((maintenance && (modes != 0 || !args->positional().empty() || (expire && reset))) ||
      (!maintenance && (modes != 1 || args->positional().empty()))) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::optional<classify::Class> cls;
  if (args->has("spam")) cls = classify::Class::kSpam;
  if (args->has("ham")) cls = classify::Class::kHam;

  // The engine: the parse limits, as scans use them.
  auto rt = CommandRuntime::start("learn", scanning_startup(*args));
  if (!rt) return 2;
  const core::Config& cfg = rt->config();
  auto options = classify::options_from(cfg);
  if (!options) {
    std::fprintf(stderr, "mailward learn: %s\n", options.error().message.c_str());
    return 2;
  }
  auto sc = store::config_from(cfg, db_dir(cfg));
  if (!sc) {
    std::fprintf(stderr, "mailward learn: %s\n", sc.error().message.c_str());
    return 2;
  }
  auto store = store::open_store(*sc, rt->dispatcher, rt->logger, wall_clock);
  if (!store) {
    std::fprintf(stderr, "mailward learn: store: %s\n", store.error().message.c_str());
    return 1;
  }
  if (expire) return run_expire(rt->dispatcher, **store, rt->logger, *options);

  scan::Envelope env;
  env.user = args->get("user");
  classify::Table table = env.user.empty() ? classify::global_table()
                                           : classify::user_table(env.user);
  if (reset) return run_reset(rt->dispatcher, **store, table);
  const scan::EngineOptions& eo = rt->engine().options;
  mime::Parser& parser = rt->services.parser();
  classify::WordSplitter splitter;
  bool quiet = args->has("quiet");
  Totals totals;
  std::map<uint64_t, store::OpPtr> ops;
  std::set<std::string> digests;  // messages in flight
  uint64_t next = 0;
  auto say = [quiet](const std::string& path, const std::string& what) {
    if (!quiet) std::printf("%s: %s\n", path.c_str(), what.c_str());
  };
  auto wait_one = [&] { event_base_loop(rt->dispatcher.base(), EVLOOP_ONCE); };

  for (const auto& path : expand_message_paths(args->positional())) {
    auto raw = read_message_file(path, eo.limits.max_message_size);
    if (!raw) {
      std::fprintf(stderr, "mailward learn: %s\n", raw.error().message.c_str());
      ++totals.failed;
      continue;
    }
    classify::Prepared prepared;
    {
      core::Arena arena(eo.max_task_memory);
      Result<mime::Message*> parsed = fail(ErrorCode::kLimit, "message too large to parse");
      try {
        parsed = parser.parse(arena, *raw, eo.limits);
      } catch (const core::ArenaExhausted&) {
      }
      if (!parsed) {
        std::fprintf(stderr, "mailward learn: %s: %s\n", path.c_str(),
                     parsed.error().message.c_str());
        ++totals.failed;
        continue;
      }
      prepared = classify::prepare(**parsed, splitter, *options);
    }
    if (prepared.text_tokens < options->min_tokens) {
      classify::Report r;
      r.outcome = classify::Outcome::kTooFewTokens;
      r.message_id = prepared.message_id;
      r.tokens = prepared.tokens.size();
      r.text_tokens = prepared.text_tokens;
      r.min_tokens = options->min_tokens;
      say(path, r.text());
      ++totals.few;
      continue;
    }
    while (ops.size() >= kWindow || digests.count(prepared.digest) > 0) wait_one();
    uint64_t id = next++;
    std::string digest = prepared.digest;
    digests.insert(digest);
    ops[id] = classify::learn_prepared(
        **store, *options, table, std::move(prepared), cls,
        [&, id, path, digest](Result<classify::Report> r) {
          if (!r) {
            std::fprintf(stderr, "mailward learn: %s: %s\n", path.c_str(),
                         r.error().message.c_str());
            ++totals.failed;
          } else {
            switch (r->outcome) {
              case classify::Outcome::kLearned: ++totals.learned; break;
              case classify::Outcome::kRelearned: ++totals.moved; break;
              case classify::Outcome::kAlreadyLearned: ++totals.already; break;
              case classify::Outcome::kForgotten: ++totals.forgotten; break;
              case classify::Outcome::kNotLearned: ++totals.unknown; break;
              case classify::Outcome::kTooFewTokens: ++totals.few; break;
            }
            say(path, r->outcome == classify::Outcome::kLearned
                          ? "learned as " + std::string(classify::class_name(*cls))
                          : r->text());
          }
          digests.erase(digest);
          ops.erase(id);
        });
  }
  while (!ops.empty()) wait_one();
  std::fflush(stdout);
  std::fprintf(stderr,
               "learned %zu, moved from the other class %zu, already learned %zu, too few "
               "tokens %zu, forgotten %zu, not learned before %zu, failed %zu\n",
               totals.learned, totals.moved, totals.already, totals.few, totals.forgotten,
               totals.unknown, totals.failed);
  return totals.failed > 0 ? 1 : 0;
}

}  // namespace mw::app
