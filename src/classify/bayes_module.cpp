#include "classify/bayes_module.h"

#include <unistd.h>

#include <cstdio>
#include <map>
#include <unordered_map>
#include <memory>

#include "classify/learn.h"
#include "classify/options.h"
#include "classify/statistics.h"
#include "classify/tokenizer.h"
#include "scan/engine.h"
#include "scan/task.h"

namespace mw::classify {

namespace {

constexpr char kLog[] = "bayes";
// Autolearn does not reinforce what Bayes already says this surely.
constexpr double kSureEnough = 0.95;
// A failing store is reported at most this often (seconds).
constexpr double kWarnEvery = 60;
// Tables whose state (trained or not) a process remembers (per-user statistics: many).
constexpr size_t kTablesKept = 4096;

// What one process keeps (created after fork, on first use).
struct Runtime {
  pid_t pid = 0;
  std::unique_ptr<WordSplitter> splitter;
  std::map<uint64_t, store::OpPtr> learning;  // autolearn operations in flight
  uint64_t next = 0;
  double last_warn = -1e18;
  // Whether each table had min_learns of both classes when last read, by count-table key.
  std::unordered_map<std::string, bool> trained;
};

struct Shared final : scan::EngineResource {
  BayesOptions options;
  scan::SymbolId spam = scan::kNoSymbol;
  scan::SymbolId ham = scan::kNoSymbol;

  Runtime& runtime() {
    if (rt_.pid != ::getpid()) {
      rt_ = Runtime{};  // a copy inherited through fork() is not ours
      rt_.pid = ::getpid();
      rt_.splitter = std::make_unique<WordSplitter>();
    }
    return rt_;
  }

 private:
  Runtime rt_;
};

struct TaskState final : scan::TaskExtension {
  std::vector<uint64_t> tokens;
  Table table;
  bool read = false;        // the totals were read
  bool classified = false;  // enough learns: a probability was computed
  double probability = 0.5;
  uint64_t learns_spam = 0;
  uint64_t learns_ham = 0;
};

struct HeldOp final : scan::Cancelable {
  store::OpPtr op;
};

std::string percent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", p * 100);
  return buf;
}

void apply(Shared& sh, scan::Task& task, TaskState& st, const Snapshot& snap) {
  st.read = true;
  st.learns_spam = snap.learns_spam;
  st.learns_ham = snap.learns_ham;
  const BayesOptions& o = sh.options;
  if (snap.learns_spam < o.min_learns || snap.learns_ham < o.min_learns) {
    task.log(kLog).debug("not enough learns: " + std::to_string(snap.learns_spam) + " spam, " +
                         std::to_string(snap.learns_ham) + " ham (min_learns " +
                         std::to_string(o.min_learns) + ")");
    return;
  }
  Combined c = combine(snap.counts, snap.learns_spam, snap.learns_ham, o.combine);
  st.classified = true;
  st.probability = c.probability;
  task.log(kLog).debug("spam probability " + std::to_string(c.probability) + " from " +
                       std::to_string(c.tokens) + " of " + std::to_string(c.known) +
                       " known tokens (" + std::to_string(st.tokens.size()) + " in all)");
  if (c.probability >= o.spam_threshold) {
    task.insert_result(sh.spam, 2 * (c.probability - 0.5), {percent(c.probability)});
  } else if (c.probability <= o.ham_threshold) {
    task.insert_result(sh.ham, 2 * (0.5 - c.probability), {percent(1 - c.probability)});
  }
}

void warn_store(Shared& sh, scan::Task& task, const Error& e) {
  Runtime& rt = sh.runtime();
  double now = task.services().dispatcher().monotonic();
  if (now - rt.last_warn >= kWarnEvery) {
    rt.last_warn = now;
    task.log(kLog).warn("statistics unavailable: " + e.message);
  }
}

void remember(Shared& sh, const std::string& table, bool trained) {
  Runtime& rt = sh.runtime();
  if (rt.trained.size() >= kTablesKept && rt.trained.count(table) == 0) rt.trained.clear();
  rt.trained[table] = trained;
}

bool enough(const BayesOptions& o, uint64_t spam, uint64_t ham) {
  return spam >= o.min_learns && ham >= o.min_learns;
}

// Tokenize and read the totals and every token's counts (one store operation), then
// classify. Returns kDone when there is nothing to read.
scan::RunState classify_tokens(Shared& sh, scan::Task& task, scan::SymbolId self,
                               store::Store& store, Table table) {
  auto state = std::make_unique<TaskState>();
  Tokens tokens = tokenize(task.message(), *sh.runtime().splitter, sh.options.tokenizer);
  if (tokens.text < sh.options.min_tokens) return scan::RunState::kDone;
  state->tokens = std::move(tokens.ids);
  state->table = std::move(table);
  TaskState* st = state.get();
  task.set_extension(kBayesExtensionKey, std::move(state));
  auto held = std::make_unique<HeldOp>();
  Shared* shp = &sh;
  scan::Task* tp = &task;
  held->op = read(store, st->table, st->tokens, [shp, tp, st, self](Result<Snapshot> r) {
    if (r) {
      apply(*shp, *tp, *st, *r);
      remember(*shp, st->table.tokens, st->classified);
    } else {
      warn_store(*shp, *tp, r.error());
    }
    tp->finish_symbol(self);
  });
  task.hold(std::move(held));
  return scan::RunState::kPending;
}

scan::RunState classify(Shared& sh, scan::Task& task, scan::SymbolId self) {
  const scan::Envelope& env = task.envelope();
  if ((env.flags & scan::kTaskNoStat) != 0 || !task.has_message()) return scan::RunState::kDone;
  store::Store* store = task.services().store();
  if (store == nullptr) return scan::RunState::kDone;
  Table table = table_for(sh.options, env);
  Runtime& rt = sh.runtime();
  auto known = rt.trained.find(table.tokens);
  // Trained (as last seen), or autolearn on (it learns from the tokens of untrained
  // tables too): tokens and counts in one read.
  if (sh.options.autolearn.enabled || (known != rt.trained.end() && known->second)) {
    return classify_tokens(sh, task, self, *store, std::move(table));
  }
  // Otherwise read the class totals alone first: an untrained table costs one small read
  // and no tokenizing; once it is trained, the next scans read everything at once.
  auto held = std::make_unique<HeldOp>();
  Shared* shp = &sh;
  scan::Task* tp = &task;
  std::string key = table.tokens;
  held->op = store->counts_get(
      key, {0},
      [shp, tp, self, store, table = std::move(table)](
          Result<std::vector<store::Store::CountRow>> r) mutable {
        if (!r) {
          warn_store(*shp, *tp, r.error());
          return tp->finish_symbol(self);
        }
        uint64_t spam = r->empty() ? 0 : (*r)[0].a, ham = r->empty() ? 0 : (*r)[0].b;
        bool trained = enough(shp->options, spam, ham);
        remember(*shp, table.tokens, trained);
        if (!trained ||
            classify_tokens(*shp, *tp, self, *store, std::move(table)) == scan::RunState::kDone) {
          tp->finish_symbol(self);
        }
      });
  task.hold(std::move(held));
  return scan::RunState::kPending;
}

void autolearn(Shared& sh, scan::Task& task) {
  const AutolearnOptions& a = sh.options.autolearn;
  auto* st = static_cast<TaskState*>(task.extension(kBayesExtensionKey));
  store::Store* store = task.services().store();
  if (st == nullptr || !st->read || store == nullptr || task.error() || !task.has_message()) {
    return;
  }
  double score = task.outcome().score();
  for (scan::SymbolId id : {sh.spam, sh.ham}) {
    if (const scan::SymbolResult* r = task.outcome().find_result(id)) score -= r->score;
  }
  Class cls;
  if (score >= a.spam_threshold) {
    cls = Class::kSpam;
    if (st->classified && st->probability >= kSureEnough) return;
  } else if (score <= a.ham_threshold) {
    cls = Class::kHam;
    if (st->classified && st->probability <= 1 - kSureEnough) return;
  } else {
    return;
  }
  if (a.check_balance) {
    double mine = static_cast<double>(cls == Class::kSpam ? st->learns_spam : st->learns_ham);
    double other = static_cast<double>(cls == Class::kSpam ? st->learns_ham : st->learns_spam);
    if ((mine + 1) / (other + 1) > 1 / a.min_balance) {
      task.log(kLog).debug("autolearn skipped: " + std::string(class_name(cls)) +
                           " learned too often already");
      return;
    }
  }
  Prepared p;
  p.tokens = std::move(st->tokens);
  p.digest = message_digest(task.message());
  p.message_id = task.message().message_id.empty() ? "undef"
                                                   : std::string(task.message().message_id);
  Runtime& rt = sh.runtime();
  uint64_t key = rt.next++;
  Shared* shp = &sh;
  core::Logger* logger = &task.services().logger();
  std::string what = "autolearn <" + p.message_id + "> as " + std::string(class_name(cls)) +
                     " (score " + std::to_string(score) + ")";
  rt.learning[key] = learn_prepared(*store, sh.options, st->table, std::move(p), cls,
                                    [shp, key, logger, what](Result<Report> r) {
                                      if (!r) {
                                        logger->warn(kLog, what + ": " + r.error().message);
                                      } else if (r->changed()) {
                                        logger->info(kLog, what + ": " + r->text());
                                      }
                                      shp->runtime().learning.erase(key);
                                    });
}

class BayesModule final : public scan::Module {
 public:
  std::string_view name() const override { return "bayes"; }
  void declare_options(core::Schema& schema) const override {
    classify::declare_options(schema);
  }

  Status configure(scan::Engine& engine, core::Logger& logger) override {
    auto o = options_from(*engine.config);
    if (!o) return fail(o.error());
    if (!o->enabled) {
      disable("classifier.bayes.enabled is false");
      return {};
    }
    auto shared = std::make_unique<Shared>();
    Shared* sh = shared.get();
    sh->options = *o;
    engine.resources.push_back(std::move(shared));

    scan::SymbolDef parent;
    parent.name = "BAYES_CHECK";
    parent.type = scan::SymbolType::kCallback;
    parent.groups = {"statistics"};
    parent.description = "Bayes classifier (learned statistics)";
    parent.origin = "module:bayes";
    parent.callback = [sh](scan::Task& task, scan::SymbolId self) {
      return classify(*sh, task, self);
    };
    auto pid = engine.registry.add(std::move(parent));
    if (!pid) return fail(pid.error());
    auto add_virtual = [&](const char* name, const char* description,
                           bool negative) -> Result<scan::SymbolId> {
      scan::SymbolDef d = engine.registry.virtual_of(*pid, name, description);
      d.flags = negative ? scan::kFlagNice : scan::kFlagNone;
      return engine.registry.add(std::move(d));
    };
    auto spam = add_virtual("BAYES_SPAM", "Bayes: the learned statistics say spam", false);
    if (!spam) return fail(spam.error());
    auto ham = add_virtual("BAYES_HAM", "Bayes: the learned statistics say ham", true);
    if (!ham) return fail(ham.error());
    sh->spam = *spam;
    sh->ham = *ham;
    if (sh->options.autolearn.enabled) {
      engine.on_finish.push_back([sh](scan::Task& task) { autolearn(*sh, task); });
    }
    return {};
  }
};

}  // namespace

scan::ModulePtr make_bayes_module() { return std::make_unique<BayesModule>(); }

}  // namespace mw::classify
