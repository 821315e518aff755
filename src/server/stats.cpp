#include "server/stats.h"

#include <sys/time.h>
#include <unistd.h>

#include <fstream>

#include "scan/reply.h"
#include "scan/task.h"
#include "server/countdown.h"

namespace mw::server {

namespace {

double wall_now() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

constexpr size_t kBuckets = std::size(scan::Counters::kBuckets) + 1;

// Counts down outstanding store operations and calls `done` once at zero.
struct Join {
  Countdown pending;
  std::function<void()> done;
  void release() {
    if (pending.release() && done) done();
  }
};

}  // namespace

void declare_stats_options(core::Schema& s) {
  using core::OptType;
  s.section("stats", "Statistics and scan history (shared through the store)");
  s.add({"stats.flush_interval", OptType::kDuration, "\"1s\"",
         "How often a worker writes its counters to the store", 0.05, 3600});
  s.add({"stats.history_rows", OptType::kInt, "200", "Scans kept for /history", 0, 100000});
  s.add({"stats.error_rows", OptType::kInt, "100", "Log errors kept for /errors", 0, 100000});
  declare_series_options(s);
  s.add({"stats.history_content", OptType::kString, "\"flagged\"",
         "Keep subject, sender and recipients in history rows: always (full), only for "
         "flagged scans (flagged) or never (none)", {}, {}, {"full", "flagged", "none"}});
}

StatsOptions stats_options_from(const core::Config& cfg) {
  StatsOptions o;
  o.interval = cfg.get_duration("stats.flush_interval");
  o.history_rows = static_cast<size_t>(cfg.get_int("stats.history_rows"));
  o.error_rows = static_cast<size_t>(cfg.get_int("stats.error_rows"));
  o.history_content = cfg.get_string("stats.history_content");
  o.series = series_options_from(cfg);
  return o;
}

StatsRecorder::StatsRecorder(core::Dispatcher& dispatcher, core::Logger& logger,
                             store::Store* store, const scan::Engine& engine, StatsOptions options)
    : dispatcher_(dispatcher), logger_(logger), store_(store), engine_(engine),
      options_(std::move(options)), started_(wall_now()) {
  timer_ = dispatcher_.create_timer([this] {
    flush();
    timer_->enable(options_.interval);
  });
  timer_->enable(options_.interval);
}

StatsRecorder::~StatsRecorder() = default;

void StatsRecorder::add(const std::string& key, int64_t delta) { pending_[key] += delta; }

void StatsRecorder::record(const scan::Task& t) {
  if (t.envelope().flags & scan::kTaskNoStat) return;
  ++local_scanned_;
  double now = wall_now();
  if (t.error()) {
    ++local_errors_;
    add("stat:errors", 1);
    series_.count("errors", now);
    return;
  }
  series_.count(action_series(t.outcome().action()), now);
  if (auto sample = auth_sample(t)) series_.auth(*sample, now);
  add("stat:scanned", 1);
  add("stat:action:" + std::string(scan::action_name(t.outcome().action())), 1);
  const auto& times = t.symbol_times();
  size_t n = engine_.registry.size();
  if (sym_hits_.size() < n) {
    sym_hits_.resize(n, 0);
    sym_time_.resize(n, 0);
  }
  for (const auto* r : t.outcome().results()) {
    if (r->removed) continue;
    if (r->id != scan::kNoSymbol && static_cast<size_t>(r->id) < n) {
      ++sym_hits_[static_cast<size_t>(r->id)];
    } else {
      add("stat:sym:" + std::string(r->name), 1);
    }
  }
  for (size_t i = 0; i < times.size() && i < n; ++i) {
    if (times[i] > 0) sym_time_[i] += static_cast<int64_t>(times[i] * 1e6);
  }
  double secs = t.elapsed();
  size_t b = 0;
  while (b < std::size(scan::Counters::kBuckets) && secs > scan::Counters::kBuckets[b]) ++b;
  add("stat:tbucket:" + std::to_string(b), 1);
  series_.count("tb" + std::to_string(b), now);
  add("stat:tsum", static_cast<int64_t>(secs * 1e6));
  if (options_.history_rows == 0 || (t.envelope().flags & scan::kTaskNoLog)) return;

  json::Value row = json::Value::object();
  row.set("unix_time", now);
  row.set("id", t.id());
  if (t.has_message()) row.set("message-id", t.message().message_id);
  row.set("ip", t.envelope().ip);
  const scan::Outcome& outcome = t.outcome();
  row.set("action", scan::action_name(outcome.action()));
  row.set("score", scan::round_score(outcome.score()));
  row.set("required_score", scan::round_score(outcome.thresholds().required_score()));
  row.set("size", static_cast<int64_t>(t.raw().size()));
  row.set("time_real", secs);
  row.set("authenticated", t.envelope().authenticated());
  bool flagged = outcome.action() != scan::Action::kNoAction;
  bool content = options_.history_content == "full" ||
                 (options_.history_content == "flagged" && flagged);
  if (content) {
    row.set("sender_smtp", t.envelope().from);
    json::Value rcpts = json::Value::array();
    for (const auto& r : t.envelope().rcpts) rcpts.push(r);
    row.set("rcpt_smtp", std::move(rcpts));
    row.set("user", t.envelope().user);
    if (t.has_message()) row.set("subject", t.redact(t.message().subject));
  }
  json::Value syms = json::Value::object();
  for (const auto* r : t.outcome().results()) {
    if (r->removed) continue;
    json::Value s = json::Value::object();
    s.set("score", scan::round_score(r->score));
    if (content && !r->options.empty()) {
      json::Value o = json::Value::array();
      for (auto opt : r->options) o.push(opt);
      s.set("options", std::move(o));
    }
    syms.set(r->name, std::move(s));
  }
  row.set("symbols", std::move(syms));
  history_.push_back(json::write(row));
}

void StatsRecorder::fold_symbol_counters() {
  for (size_t i = 0; i < sym_hits_.size(); ++i) {
    const std::string& name = engine_.registry.get(static_cast<scan::SymbolId>(i)).name;
    if (sym_hits_[i] != 0) add("stat:sym:" + name, sym_hits_[i]);
    if (sym_time_[i] != 0) add("stat:symtime:" + name, sym_time_[i]);
    sym_hits_[i] = 0;
    sym_time_[i] = 0;
  }
}

namespace {

// Resident set size of this process in kB (0 when /proc cannot tell).
int64_t rss_kb() {
  std::ifstream in("/proc/self/statm");
  long long pages = 0;
  long long resident = 0;
  if (!(in >> pages >> resident)) return 0;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string scanner_id() { return host_name() + "/" + std::to_string(::getppid()); }

void StatsRecorder::heartbeat() {
  json::Value v = json::Value::object();
  int64_t pid = ::getpid();
  v.set("pid", pid);
  v.set("type", options_.worker);
  v.set("scanner", scanner_id());
  v.set("host", host_name());
  v.set("started", started_);
  v.set("seen", wall_now());
  v.set("interval", options_.interval);
  v.set("scanned", static_cast<int64_t>(local_scanned_));
  v.set("errors", static_cast<int64_t>(local_errors_));
  v.set("rss_kb", rss_kb());
  double ttl = std::max(30.0, 5 * options_.interval);
  heartbeat_op_ = store_->map_set("stat:workers", scanner_id() + "/" + std::to_string(pid),
                                  json::write(v), ttl,
                                  [](Status) {});
}

void StatsRecorder::leave(std::function<void()> done) {
  flush([this, done = std::move(done)] {
    if (store_ == nullptr) {
      done();
      return;
    }
    // Posted: this may run inside the callback of an operation flush() keeps.
    dispatcher_.post([this, done] {
      heartbeat_op_ = store_->map_del("stat:workers",
                                      scanner_id() + "/" + std::to_string(::getpid()),
                                      [done](Status) { done(); });
    });
  });
}

void StatsRecorder::flush(std::function<void()> done) {
  fold_symbol_counters();
  // Errors and warnings this process logged since the last flush.
  std::vector<std::string> errors;
  const auto& recent = logger_.recent();
  if (errors_seen_ > recent.size()) errors_seen_ = 0;  // the ring wrapped
  for (size_t i = errors_seen_; i < recent.size(); ++i) {
    json::Value e = json::Value::object();
    e.set("ts", recent[i].ts);
    e.set("type", recent[i].level);
    e.set("module", recent[i].module);
    e.set("id", recent[i].task_id);
    e.set("message", recent[i].message);
    errors.push_back(json::write(e));
  }
  errors_seen_ = recent.size();
  ops_.clear();
  if (store_ != nullptr) heartbeat();
  if (store_ == nullptr ||
      (pending_.empty() && history_.empty() && errors.empty() && series_.empty())) {
    pending_.clear();
    history_.clear();
    if (done) done();
    return;
  }
  auto join = std::make_shared<Join>();
  join->done = std::move(done);
  for (const auto& [key, delta] : pending_) {
    join->pending.add();
    ops_.push_back(store_->incr(key, delta, 0, [join](Result<int64_t>) { join->release(); }));
  }
  for (auto& row : history_) {
    join->pending.add();
    ops_.push_back(store_->list_push("hist", std::move(row), options_.history_rows, 0,
                                     [join](Status) { join->release(); }));
  }
  for (auto& e : errors) {
    join->pending.add();
    ops_.push_back(store_->list_push("errors", std::move(e), options_.error_rows, 0,
                                     [join](Status) { join->release(); }));
  }
  for (auto& op : series_.flush(*store_, options_.series, [join] {
         join->pending.add();
         return [join](Status) { join->release(); };
       })) {
    ops_.push_back(std::move(op));
  }
  pending_.clear();
  history_.clear();
  join->release();
}

// ---------------------------------------------------------------------------------------

StatsReader::StatsReader(store::Store& store, const scan::Engine& engine)
    : store_(store), engine_(engine) {}

void StatsReader::read(std::function<void(Result<json::Value>)> cb) {
  struct State {
    json::Value out = json::Value::object();
    Countdown pending;
    std::optional<Error> error;
    std::function<void(Result<json::Value>)> cb;
    void release() {
      if (!pending.release()) return;
      if (error) cb(fail(*error));
      else cb(std::move(out));
    }
  };
  auto st = std::make_shared<State>();
  st->cb = std::move(cb);
  st->out.set("actions", json::Value::object());
  st->out.set("symbols", json::Value::object());
  json::Value buckets = json::Value::array();
  for (size_t i = 0; i < kBuckets; ++i) buckets.push(int64_t{0});
  st->out.set("buckets", std::move(buckets));
  auto get_int = [this, st](const std::string& key, std::function<void(int64_t)> put) {
    st->pending.add();
    ops_.push_back(store_.get(key, [st, put](Result<std::optional<std::string>> r) {
      if (!r) {
        st->error = r.error();
      } else if (r->has_value()) {
        put(std::strtoll((*r)->c_str(), nullptr, 10));
      }
      st->release();
    }));
  };
  get_int("stat:scanned", [st](int64_t v) { st->out.set("scanned", v); });
  get_int("stat:errors", [st](int64_t v) { st->out.set("errors", v); });
  get_int("stat:tsum", [st](int64_t v) { st->out.set("time_sum_us", v); });
  for (size_t i = 0; i < static_cast<size_t>(scan::Action::kCount); ++i) {
    std::string name(scan::action_name(static_cast<scan::Action>(i)));
    st->out["actions"].set(name, int64_t{0});
    get_int("stat:action:" + name, [st, name](int64_t v) { st->out["actions"].set(name, v); });
  }
  for (size_t i = 0; i < kBuckets; ++i) {
    get_int("stat:tbucket:" + std::to_string(i),
            [st, i](int64_t v) { st->out["buckets"].items_mut()[i] = json::Value(v); });
  }
  for (const auto& d : engine_.registry.all()) {
    std::string name = d->name;
    get_int("stat:sym:" + name, [st, name](int64_t v) { st->out["symbols"][name].set("hits", v); });
    get_int("stat:symtime:" + name,
            [st, name](int64_t v) { st->out["symbols"][name].set("time_us", v); });
  }
  st->release();
}

json::Value json_rows(const std::vector<std::string>& rows) {
  json::Value out = json::Value::array();
  for (const auto& s : rows) {
    auto v = json::parse(s);
    if (v) out.push(std::move(*v));
  }
  return out;
}

void StatsReader::json_list(const char* key, size_t count,
                            std::function<void(Result<json::Value>)> cb) {
  ops_.push_back(store_.list_range(key, 0, count, [cb](Result<std::vector<std::string>> r) {
    if (!r) return cb(fail(r.error()));
    cb(json_rows(*r));
  }));
}

void StatsReader::history(size_t count, std::function<void(Result<json::Value>)> cb) {
  json_list("hist", count, std::move(cb));
}

void StatsReader::errors(size_t count, std::function<void(Result<json::Value>)> cb) {
  json_list("errors", count, std::move(cb));
}

void StatsReader::reset(std::function<void(Status)> cb) {
  std::vector<std::string> keys = {"stat:scanned", "stat:errors", "stat:tsum",
                                   "stat:learned"};  // stat:learned: classify/statistics.h
  for (size_t i = 0; i < static_cast<size_t>(scan::Action::kCount); ++i) {
    keys.push_back("stat:action:" + std::string(scan::action_name(static_cast<scan::Action>(i))));
  }
  for (size_t i = 0; i < kBuckets; ++i) keys.push_back("stat:tbucket:" + std::to_string(i));
  for (const auto& d : engine_.registry.all()) {
    keys.push_back("stat:sym:" + d->name);
    keys.push_back("stat:symtime:" + d->name);
  }
  auto left = std::make_shared<size_t>(keys.size());
  auto failed = std::make_shared<std::optional<Error>>();
  for (const auto& k : keys) {
    ops_.push_back(store_.del(k, [left, failed, cb](Status s) {
      if (!s) *failed = s.error();
      if (--*left == 0) cb(*failed ? Status(fail(**failed)) : Status());
    }));
  }
}

}  // namespace mw::server
