// Time series and sender-authentication counts for the dashboard, kept in the store.
//
// Every scanning worker counts what it finished per minute, hour and day (SeriesBatch) and
// writes the increments with its other statistics (stats.h); the controller reads them back
// (controller_graph.cpp) for /graph, /perf and /authstats. The counts live in count tables
// (store.h), one per series and resolution, one row per period (column a = the count):
//
//   ts:m:<series>   row id = epoch minute       kept [stats] minutes_keep (default 2 days)
//   ts:h:<series>   row id = epoch hour         kept [stats] hours_keep   (default 35 days)
//   ts:d:<series>   row id = epoch day (UTC)    kept [stats] days_keep    (default 400 days)
//
// Series: one per action ("reject", "soft_reject", "rewrite_subject", "add_header",
// "greylist", "no_action"), one per scan-time bucket ("tb0".."tb11", the bounds of
// scan::Counters::kBuckets, the last one unbounded) and "errors".
//
// Sender authentication of inbound mail (scans without an authenticated user that the auth
// module checked), per day only:
//
//   auth:d:<metric>          row id = epoch day; metrics: checked, spf_pass, dkim_pass
//                            (at least one valid signature), dmarc_pass, and the DMARC policy
//                            the From domain publishes: policy_none, policy_quarantine,
//                            policy_reject, policy_absent (no record), policy_unknown (DNS
//                            failure or a broken record)
//   auth:fd:<day>            distinct set of "<check>:<domain>": the domains failing each
//                            check (spf: the SPF domain, dkim and dmarc: the From domain) that
//                            day, capped by [store] max_distinct (shared by the three
//                            checks), kept days_keep
//   auth:fc                  count table, one row per (day, check, domain): row id
//                            auth_fail_id(), column a = how often the domain failed the check
//                            that day
// so that the failing domains of a month are one set read per day and one count read. (The
// keys of earlier versions, auth:fd:<check>:<day> and auth:fc:<check>:<day>:<domain>, are no
// longer read; they expire after days_keep.)
//
// Rows older than their retention are removed by SeriesKeeper (the controller runs one).
// Domains come from mail (attacker-controlled): lower-cased, at most 253 bytes, else dropped.
//
// Loop affinity: the worker's Dispatcher. Failure modes: store errors are dropped (the
// counts of that flush are lost); nothing reaches the scan path.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/loop.h"
#include "scan/engine.h"
#include "store/store.h"

namespace mw::scan {
class Task;
}

namespace mw::server {

struct SeriesOptions {
  double minutes_keep = 2 * 86400.0;
  double hours_keep = 35 * 86400.0;
  double days_keep = 400 * 86400.0;
};

// Declared in the [stats] section (declare_stats_options calls it).
void declare_series_options(core::Schema& schema);
SeriesOptions series_options_from(const core::Config& cfg);

// The resolutions: 'm' (60 s), 'h' (3600 s), 'd' (86400 s).
double resolution_seconds(char resolution);
// "ts:<resolution>:<series>".
std::string series_table(char resolution, std::string_view series);
// The series name of an action ("soft reject" -> "soft_reject").
std::string action_series(scan::Action action);
// Every series name (actions, time buckets, errors), for expiry.
std::vector<std::string> all_series();

inline constexpr const char* kAuthMetrics[] = {
    "checked",       "spf_pass",          "dkim_pass",     "dmarc_pass",     "policy_none",
    "policy_quarantine", "policy_reject", "policy_absent", "policy_unknown"};
inline constexpr const char* kAuthChecks[] = {"spf", "dkim", "dmarc"};
std::string auth_table(std::string_view metric);  // "auth:d:<metric>"
inline constexpr const char* kAuthFailTable = "auth:fc";
std::string auth_fail_set(int64_t day);  // "auth:fd:<day>"
// The row of (day, check, domain) in kAuthFailTable: the first 8 bytes of the SHA-256 of
// "<day>:<check>:<domain>" (domains come from mail: no chosen collisions), never 0.
uint64_t auth_fail_id(int64_t day, std::string_view check, std::string_view domain);

// The sender-authentication outcome of one inbound message.
struct AuthSample {
  bool spf_pass = false;
  bool dkim_pass = false;
  bool dmarc_pass = false;
  std::string policy;       // "none", "quarantine", "reject", "absent", "unknown"
  std::string spf_domain;   // "" when SPF was not checked
  std::string from_domain;  // "" when unknown
};
// The sample of `task`, or nothing when it is outbound (authenticated user) or the auth
// module did not check it.
std::optional<AuthSample> auth_sample(const scan::Task& task);

// What one worker counted since its last flush.
class SeriesBatch {
 public:
  // `n` more in `series` at `now` (its minute, hour and day rows).
  void count(std::string_view series, double now, int64_t n = 1);
  void auth(const AuthSample& sample, double now);
  bool empty() const { return rows_.empty() && fails_.empty(); }

  // Write everything to `store` and forget it; `make_done` gives the callback of each
  // operation (called once when it completes). Returns the operations (keep them).
  std::vector<store::OpPtr> flush(store::Store& store, const SeriesOptions& options,
                                  const std::function<store::Done()>& make_done);

 private:
  std::map<std::pair<std::string, uint64_t>, int64_t> rows_;     // (table, id) -> delta
  std::map<std::pair<int64_t, std::string>, int64_t> fails_;  // (day, "<check>:<domain>")
};

// Removes rows beyond their retention, one table per step, every `period` seconds.
class SeriesKeeper {
 public:
  SeriesKeeper(core::Dispatcher& dispatcher, store::Store& store, SeriesOptions options,
               store::Clock clock, double period = 600);
  ~SeriesKeeper();
  // One full pass now (tests); `done` runs when it finished.
  void run_pass(std::function<void()> done);

 private:
  void step(size_t table, std::string cursor, std::function<void()> done);

  store::Store& store_;
  SeriesOptions options_;
  store::Clock clock_;
  std::vector<std::pair<std::string, double>> tables_;  // (key, retention)
  core::TimerPtr timer_;
  std::vector<store::OpPtr> ops_;  // this pass's
};

}  // namespace mw::server
