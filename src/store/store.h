// Store: typed shared state for all workers (and, with Redis, for a fleet of scanners).
//
// Used by the controller (statistics, scan history), by outbound protection (per-user
// profiles, windowed counters, distinct counts, collector lists, the hold list) and by Lua
// rules. Two backends implement it: the embedded one (LMDB, default: no set-up, one file
// shared by every worker of the machine, survives restarts) and Redis (hiredis on the
// worker's libevent loop) for several scanners behind many MTAs.
//
// Asynchronous contract: every operation takes a callback that is invoked exactly once,
// later, from the worker's Dispatcher (never from inside the call), unless the returned
// handle was destroyed first (then never). Errors (I/O, backend down, bad key) arrive as
// error Results; a backend that is down never blocks the worker.
//
// Time: expiry and windows use the store's clock (wall-clock epoch seconds), injectable so
// that `mailward replay` can drive it with recorded times.
//
// Ownership: a Store is created per process after fork (LMDB environments and Redis
// connections must not cross fork()). It does not own the Dispatcher, which must outlive it.
// Destroying the Store drops the callbacks of operations still pending (they are never
// called); handles may be destroyed after the Store, and a callback may destroy the Store.
// Keys and values are arbitrary bytes; callers namespace keys ("stat:", "hist:", "ob:").
//
// Kinds: a key holds one kind of data: a value (set/incr), a windowed counter, a distinct
// set, a list, a map or a count table. set() and del() work on a key of any kind (set
// replaces it); the other operations on a key of another kind fail with kInvalidInput (with
// Redis, windowed counters, maps and count tables are all hashes, so mixing them is detected
// only most of the time: namespace keys by kind). An expired key is absent to reads, whatever its kind was; do not
// reuse a key for another kind (Redis keeps an expired key for a moment, on its own clock,
// and meanwhile it still refuses operations of another kind; set and del always work).
//
// Errors common to every operation (both backends behave the same):
//   kInvalidInput  a ttl, window or amount that is not finite, a window <= 0, a key of the
//                  wrong kind, incr on a value that is not a decimal integer
//   kLimit         a key, value, field or member longer than [store] max_value_size; a
//                  counter leaving the exact range +-(2^53 - 1); more than kMaxCountIds ids
//                  or a count-table delta beyond +-2^32 in one operation; the LMDB map is full;
//                  too many Redis commands in flight ([store.redis] max_pending)
//   kIo            the backend is unavailable (Redis down or reconnecting, LMDB I/O error)
//   kTimeout       Redis did not answer within [store.redis] timeout
//   kInternal      stored data that does not decode; a store used across fork()
// A failed operation changes nothing, except that a Redis command that timed out or lost
// its connection may still have been applied by the server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace mw::store {

using Clock = std::function<double()>;  // epoch seconds

// Handle of one pending operation: destroying it guarantees the callback is not called
// (the operation itself still runs: a dropped handle makes a fire-and-forget write).
class Op {
 public:
  virtual ~Op() = default;
};
using OpPtr = std::unique_ptr<Op>;

template <typename T>
using Callback = std::function<void(Result<T>)>;
using Done = std::function<void(Status)>;

class Store {
 public:
  virtual ~Store() = default;

  // Plain values with an optional time to live (ttl <= 0: none).
  virtual OpPtr get(std::string key, Callback<std::optional<std::string>> cb) = 0;
  virtual OpPtr set(std::string key, std::string value, double ttl, Done cb) = 0;
  virtual OpPtr del(std::string key, Done cb) = 0;
  // Integer counter; returns the new value. The ttl (if > 0) is (re)set on every add. The
  // value is kept as decimal text, so get() reads it (e.g. "42").
  virtual OpPtr incr(std::string key, int64_t delta, double ttl, Callback<int64_t> cb) = 0;

  // Windowed counter: add `amount` now; returns the sum of what was added within the last
  // `window` seconds (bucketed: resolution window/60 or better). amount 0 reads.
  // The bucket width (window/60, at least 1 ms) is fixed when the key is created and kept
  // until it expires: use one window per key. At most 256 buckets are kept (oldest dropped).
  virtual OpPtr window_add(std::string key, double amount, double window,
                           Callback<double> cb) = 0;

  // Distinct members seen within the last `window` seconds: add `member` (refreshing its
  // time) and return how many distinct members the set holds (and whether `member` was new).
  // A set holds at most [store] max_distinct members: beyond, the least recently seen are
  // evicted (count saturates at the cap). Members seen at the same time order by bytes.
  struct DistinctResult {
    uint64_t count = 0;
    bool was_new = false;
  };
  virtual OpPtr distinct_add(std::string key, std::string member, double window,
                             Callback<DistinctResult> cb) = 0;
  // Members within the window, newest first, at most `limit`.
  virtual OpPtr distinct_members(std::string key, double window, size_t limit,
                                 Callback<std::vector<std::string>> cb) = 0;

  // Capped list, newest first: push keeps at most `cap` entries; the list expires `ttl`
  // seconds after the last push (ttl <= 0: never). cap 0 empties (deletes) the list.
  virtual OpPtr list_push(std::string key, std::string value, size_t cap, double ttl,
                          Done cb) = 0;
  virtual OpPtr list_range(std::string key, size_t start, size_t count,
                           Callback<std::vector<std::string>> cb) = 0;

  // Maps (field -> value) under one key, each field with its own expiry (ttl <= 0: none):
  // the hold list and per-user profiles use them.
  virtual OpPtr map_set(std::string key, std::string field, std::string value, double ttl,
                        Done cb) = 0;
  virtual OpPtr map_get(std::string key, std::string field,
                        Callback<std::optional<std::string>> cb) = 0;
  virtual OpPtr map_del(std::string key, std::string field, Done cb) = 0;
  virtual OpPtr map_all(std::string key,
                        Callback<std::vector<std::pair<std::string, std::string>>> cb) = 0;

  // Count tables: rows of two unsigned 32-bit counters (columns a and b) under one key,
  // addressed by 64-bit ids, each row stamped with the time it last changed. Statistical
  // classifiers keep their per-token counts here (Bayes: a = spam, b = ham, one row per
  // token hash, the class totals in row 0). Each operation handles a whole batch of rows in
  // one transaction (LMDB) or one round trip (Redis), whatever the number of ids. Tables
  // have no expiry of their own; counts_expire() removes rows, never row 0. At most
  // kMaxCountIds ids per operation (kLimit beyond).
  static constexpr size_t kMaxCountIds = 1u << 17;
  struct CountRow {
    uint32_t a = 0;
    uint32_t b = 0;
    bool operator==(const CountRow&) const = default;
  };
  // The rows of `ids`, in the order given (a row that does not exist reads {0, 0}).
  virtual OpPtr counts_get(std::string key, std::vector<uint64_t> ids,
                           Callback<std::vector<CountRow>> cb) = 0;
  // Add `da` to column a and `db` to column b of the row of each id (an id given twice is
  // changed twice), creating rows as needed and stamping the changed ones with the time now.
  // Columns saturate at 0 and 2^32 - 1; a row that becomes {0, 0} is removed. |da| and |db|
  // must be at most 2^32 (kLimit). Atomic: all rows change or none.
  virtual OpPtr counts_add(std::string key, std::vector<uint64_t> ids, int64_t da, int64_t db,
                           Done cb) = 0;
  struct CountsInfo {
    uint64_t rows = 0;    // rows in the table (row 0 included)
    uint64_t rows_a = 0;  // rows with a > 0
    uint64_t rows_b = 0;  // rows with b > 0
    uint64_t bytes = 0;   // what the rows take in the backend (an estimate)
  };
  virtual OpPtr counts_info(std::string key, Callback<CountsInfo> cb) = 0;
  // One step of an expiry pass over a table: examine up to `budget` rows from `cursor` (""
  // starts a pass) and remove those, row 0 excepted, with a + b <= max_total that last
  // changed before `older_than` (epoch seconds on the store clock). Returns what it did and
  // the cursor of the next step ("" when the pass is complete). Rows added or removed while a
  // pass runs may be examined twice or not at all.
  struct CountsExpiry {
    uint64_t examined = 0;
    uint64_t removed = 0;
    std::string cursor;
  };
  virtual OpPtr counts_expire(std::string key, uint64_t max_total, double older_than,
                              std::string cursor, size_t budget,
                              Callback<CountsExpiry> cb) = 0;

  // "lmdb" or "redis" (for logs and /stat).
  virtual std::string_view backend() const = 0;

  // Whether the backend answers, as this process sees it (degraded mode, /ready, /stat,
  // /metrics). An outage starts with the first operation that fails with kIo or kTimeout
  // (or a lost connection) and ends with the next operation that the backend answers (or a
  // reconnect). Each transition is logged once, the end with the outage's length and the
  // number of operations that failed during it.
  struct Health {
    bool available = true;
    uint64_t outages = 0;        // outages since the store was opened
    uint64_t failed = 0;         // operations failed for unavailability (all outages)
    uint64_t failed_now = 0;     // of which during the current outage
    double down_since = 0;       // store clock when the current outage began (0: none)
    std::string last_error;      // why the last outage began (no secrets: server and cause)
  };
  virtual Health health() const { return {}; }
};
using StorePtr = std::unique_ptr<Store>;

}  // namespace mw::store
