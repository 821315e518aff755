// LmdbStore: the embedded Store backend (the default), one LMDB environment per machine.
//
// Every worker process of a machine opens the same directory; LMDB lets them read in
// parallel and serialises their writes. Data survives restarts. Nothing to set up: the
// directory is created when missing.
//
// How it runs: operations are queued and executed synchronously from the Dispatcher, after
// the current callback returns: the operations queued during one loop iteration share one
// transaction (at most kMaxBatch each; a read-only batch uses the process's cached read
// transaction, any write makes it a write transaction). Their callbacks run right after
// the commit, in the order the operations were made. An operation whose handle is dropped
// still runs (only its callback is cancelled).
//
// Writers of all processes take turns (LMDB's process-shared write lock): a batch may wait
// for another process's batch to commit; batches are bounded, so the wait is short.
//
// Expiry: expiry times are stored with the data. Expired data is invisible to reads, removed
// by writes that meet it, and by a sweep timer every `sweep_interval` that examines at most
// `sweep_batch` records and `sweep_batch` elements per tick (bounded work), resuming where
// the last tick stopped. With Sync::kPeriodic the same timer flushes the map to disk.
//
// Room: LMDB needs free pages even to delete, so a reserve (1/64 of the map, at least 16
// pages) is kept for deletions. Before a write batch, when the pages left (never used, or
// on LMDB's free list) fall below the reserve, the map is grown (doubling, up to
// max_map_size; other processes adopt the new size at their next transaction), else
// expired data is reclaimed (a bounded pass, at most once a second of store time), and if
// room is still short, the batch's operations that add data fail with kLimit while del and
// map_del still run. Should a batch still hit MDB_MAP_FULL, it is retried after reclaiming
// and growing, then each operation alone: those that do not fit fail with kLimit. "Full"
// is logged at most every 10 s. MDB_READERS_FULL: dead readers are cleared and the read
// retried once, else kLimit.
//
// Count tables: each process keeps exact in-memory copies of the tables it reads
// (lmdb_mirror.h), up to `mirror_rows` rows in all (least recently read dropped first);
// a larger table is read from LMDB row by row. Reads in a write batch use LMDB.
//
// Fork: open the store in each process AFTER fork() (an environment must not cross fork();
// a store used in a child created after its open fails every operation with kInternal).
//
// Ownership: owns the environment; borrows the Dispatcher and Logger (they outlive it).
// Loop affinity: the Dispatcher's thread. Failure modes: open() fails with kIo (directory
// or LMDB errors), kUnsupported (a store written by a newer format); operations fail as
// store.h says.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "store/common.h"
#include "store/lmdb_env.h"
#include "store/lmdb_mirror.h"
#include "store/lmdb_ops.h"
#include "store/pending.h"
#include "store/store.h"

namespace mw::store {

struct LmdbOptions {
  lmdb::EnvOptions env;
  Limits limits;
  double sweep_interval = 10;  // seconds; <= 0 disables the timer (tests call sweep_now)
  size_t sweep_batch = 1000;
  uint64_t mirror_rows = 1000000;  // rows of count tables kept in memory (0: none)
};

class LmdbStore final : public Store {
 public:
  // Operations per transaction.
  static constexpr size_t kMaxBatch = 512;

  // Open (creating if needed) the environment at opts.env.path.
  static Result<std::unique_ptr<LmdbStore>> open(const LmdbOptions& opts,
                                                 core::Dispatcher& dispatcher,
                                                 core::Logger& logger, Clock clock);
  ~LmdbStore() override;
  LmdbStore(const LmdbStore&) = delete;
  LmdbStore& operator=(const LmdbStore&) = delete;

  OpPtr get(std::string key, Callback<std::optional<std::string>> cb) override;
  OpPtr set(std::string key, std::string value, double ttl, Done cb) override;
  OpPtr del(std::string key, Done cb) override;
  OpPtr incr(std::string key, int64_t delta, double ttl, Callback<int64_t> cb) override;
  OpPtr window_add(std::string key, double amount, double window,
                   Callback<double> cb) override;
  OpPtr distinct_add(std::string key, std::string member, double window,
                     Callback<DistinctResult> cb) override;
  OpPtr distinct_members(std::string key, double window, size_t limit,
                         Callback<std::vector<std::string>> cb) override;
  OpPtr list_push(std::string key, std::string value, size_t cap, double ttl,
                  Done cb) override;
  OpPtr list_range(std::string key, size_t start, size_t count,
                   Callback<std::vector<std::string>> cb) override;
  OpPtr map_set(std::string key, std::string field, std::string value, double ttl,
                Done cb) override;
  OpPtr map_get(std::string key, std::string field,
                Callback<std::optional<std::string>> cb) override;
  OpPtr map_del(std::string key, std::string field, Done cb) override;
  OpPtr map_all(std::string key,
                Callback<std::vector<std::pair<std::string, std::string>>> cb) override;
  OpPtr counts_get(std::string key, std::vector<uint64_t> ids,
                   Callback<std::vector<CountRow>> cb) override;
  OpPtr counts_add(std::string key, std::vector<uint64_t> ids, int64_t da, int64_t db,
                   Done cb) override;
  OpPtr counts_info(std::string key, Callback<CountsInfo> cb) override;
  OpPtr counts_expire(std::string key, uint64_t max_total, double older_than,
                      std::string cursor, size_t budget, Callback<CountsExpiry> cb) override;
  std::string_view backend() const override { return "lmdb"; }

  // One sweep step now (synchronous): examines up to `budget` records and elements and
  // returns how many expired keys and map fields it removed.
  Result<size_t> sweep_now(size_t budget);
  // Clear reader slots left by dead processes now (the sweep timer does it every 30 ticks);
  // returns how many were cleared.
  int check_readers();

  struct Info {
    uint64_t map_size = 0;      // current map size (bytes)
    uint64_t used_bytes = 0;    // pages in use
    uint64_t max_map_size = 0;  // growth cap
    int stale_readers_cleared = 0;
    uint64_t full_errors = 0;   // operations failed with "store full"
    uint64_t mirror_rows = 0;         // count-table rows held in memory now
    uint64_t mirror_loads = 0;        // count tables loaded whole into memory
    uint64_t mirror_log_entries = 0;  // change-log entries applied to the copies
  };
  Info info() const;

 private:
  class Item;
  template <typename T>
  class TypedItem;
  using ItemPtr = std::unique_ptr<Item>;

  LmdbStore(const LmdbOptions& opts, core::Dispatcher& d, core::Logger& log, Clock clock);
  template <typename T, typename F>
  OpPtr submit(bool writes, F fn, Callback<T> cb, bool frees = false);
  template <typename T>
  OpPtr reject(const Status& why, Callback<T> cb);
  void schedule_flush();
  void flush();
  void execute(std::vector<ItemPtr>& batch, bool write, double now);
  int try_write(std::vector<Item*>& items, double now);
  size_t reclaim(double now);
  bool low_on_space(double now);
  void fail_all(std::vector<ItemPtr>& batch, const Error& e);
  Error error_for(int rc);
  void note_full();
  void on_sweep_timer();
  Result<std::vector<CountRow>> read_counts(lmdb::Ctx& c, const std::string& key,
                                            const std::vector<uint64_t>& ids);

  LmdbOptions opts_;
  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  Clock clock_;
  std::unique_ptr<lmdb::Env> env_;
  std::vector<ItemPtr> queue_;
  bool flush_posted_ = false;
  lmdb::SweepCursor sweep_pos_;
  core::TimerPtr sweep_timer_;
  uint64_t sweep_ticks_ = 0;
  uint64_t full_errors_ = 0;
  double last_full_log_ = -1e18;
  double last_reclaim_ = -1e18;
  int pid_ = 0;
  struct Mirrored {
    lmdb::CountsMirror mirror;
    uint64_t last_read = 0;
  };
  std::map<std::string, Mirrored> mirrors_;  // by store key
  uint64_t mirror_reads_ = 0;
  uint64_t mirror_rows_held_ = 0;  // rows of all copies in mirrors_
  uint64_t mirror_loads_ = 0;
  uint64_t mirror_log_entries_ = 0;
  detail::AliveToken alive_ = detail::make_alive();
};

}  // namespace mw::store
