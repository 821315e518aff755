// Statistics and scan history shared by every worker through the store.
//
// Each scanning worker keeps counters for the scans it finished (per action, per symbol,
// scan time histogram, errors) and recent history entries, and flushes the increments to
// the store every `interval` seconds and when it drains. The controller reads the totals
// back (StatsReader) for /stat, /counters, /metrics, /history and /errors. Totals survive
// restarts and worker deaths (they live in the store, not in a worker).
//
// Each flush also writes the process's heartbeat: map "stat:workers", field =
// "<scanner>/<pid>", value = {pid, type, scanner, host, started, seen, interval, scanned,
// errors, rss_kb} (JSON), expiring after 30 s or 5 flush intervals without one; and the
// time series of series.h. With a shared store (Redis) the map holds the whole fleet's
// processes; `scanner` (scanner_id()) tells which scanner each belongs to.
//
// Keys: stat:scanned, stat:action:<name>, stat:sym:<NAME>, stat:symtime:<NAME> (µs),
//       stat:tbucket:<i>, stat:tsum (µs), stat:errors, list hist (JSON rows), list errors.
//
// Privacy (THREAT.md): a history row keeps the subject only when the scan was flagged
// (action other than "no action") unless configured otherwise; recipients and the sender
// are kept as they are only in that case too. Secrets a rule found in the message
// (Task::add_secret) are masked in the subject and the symbol options of a row.
//
// Ownership: the recorder does not own the store. Loop affinity: the worker's Dispatcher.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "scan/engine.h"
#include "server/series.h"
#include "store/store.h"

namespace mw::scan {
class Task;
}

namespace mw::server {

struct StatsOptions {
  double interval = 1.0;         // flush cadence
  size_t history_rows = 200;     // rows kept in the history list
  size_t error_rows = 100;       // rows kept in the errors list
  std::string history_content = "flagged";  // "full", "flagged" or "none"
  SeriesOptions series;          // per-minute/hour/day counts (series.h)
  std::string worker = "normal";  // this process's kind, for /workers
};

// This scanner in the fleet: "<host name>/<PID of the master process>" (the same in every
// process of one `mailward serve`; another serve on the same machine differs).
std::string scanner_id();
std::string host_name();

void declare_stats_options(core::Schema& schema);
StatsOptions stats_options_from(const core::Config& cfg);

// A list of JSON texts read from the store (history, errors, incidents) as a JSON array;
// rows that do not parse are left out.
json::Value json_rows(const std::vector<std::string>& rows);

class StatsRecorder {
 public:
  StatsRecorder(core::Dispatcher& dispatcher, core::Logger& logger, store::Store* store,
                const scan::Engine& engine, StatsOptions options);
  ~StatsRecorder();

  void record(const scan::Task& task);
  // Write what is pending now; `done` runs when the writes completed (or failed).
  void flush(std::function<void()> done = {});
  // The last flush of a process that is leaving: flush, then remove its heartbeat (a worker
  // replaced by a reload does not linger in /workers); `done` runs when both completed.
  void leave(std::function<void()> done);
  // Count errors that were not scans (e.g. workers that died): flushed like the rest.
  void count_errors(int64_t n) { add("stat:errors", n); }

  // Scans recorded by this process (for its own /metrics and tests).
  uint64_t local_scanned() const { return local_scanned_; }

 private:
  void add(const std::string& key, int64_t delta);
  void heartbeat();
  // Per-symbol counters by SymbolId, folded into pending_ at flush (no string per message).
  void fold_symbol_counters();

  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  store::Store* store_;
  const scan::Engine& engine_;
  StatsOptions options_;
  std::map<std::string, int64_t> pending_;
  std::vector<int64_t> sym_hits_;   // by SymbolId
  std::vector<int64_t> sym_time_;   // microseconds, by SymbolId
  std::vector<std::string> history_;
  size_t errors_seen_ = 0;
  uint64_t local_scanned_ = 0;
  uint64_t local_errors_ = 0;
  double started_ = 0;
  SeriesBatch series_;
  core::TimerPtr timer_;
  std::vector<store::OpPtr> ops_;
  store::OpPtr heartbeat_op_;
};

// Reads the totals back (controller).
class StatsReader {
 public:
  StatsReader(store::Store& store, const scan::Engine& engine);
  // Collect every counter and call back with {scanned, actions{}, symbols{NAME: {hits,
  // time_us}}, buckets[], time_sum, errors}.
  void read(std::function<void(Result<json::Value>)> cb);
  void history(size_t count, std::function<void(Result<json::Value>)> cb);
  void errors(size_t count, std::function<void(Result<json::Value>)> cb);
  // Reset counters (not the history).
  void reset(std::function<void(Status)> cb);

 private:
  // The first `count` rows of the JSON list `key` (json_rows).
  void json_list(const char* key, size_t count, std::function<void(Result<json::Value>)> cb);

  store::Store& store_;
  const scan::Engine& engine_;
  std::vector<store::OpPtr> ops_;
};

}  // namespace mw::server
