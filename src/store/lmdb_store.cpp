#include "store/lmdb_store.h"

#include <unistd.h>

#include <algorithm>

namespace mw::store {

using lmdb::Ctx;

namespace {

constexpr char kLog[] = "store";
// When the map runs out of room, expired data is reclaimed: at most kReclaimBudget records
// and elements examined (in steps of kReclaimStep per transaction), at most once per
// kReclaimEvery seconds of store time.
constexpr size_t kReclaimBudget = 200000;
constexpr size_t kReclaimStep = 10000;
constexpr double kReclaimEvery = 1;
// Pages kept free for deletions and the sweep (LMDB needs new pages even to delete): at
// least kMinReservePages, or 1/64 of the map.
constexpr uint64_t kMinReservePages = 16;
constexpr uint64_t kReserveShare = 64;
constexpr double kFullLogInterval = 10;
// Reader slots of dead processes are looked for every this many sweep ticks.
constexpr uint64_t kReaderCheckTicks = 30;

}  // namespace

// One queued operation: runs inside a transaction, keeps its result until delivery.
class LmdbStore::Item {
 public:
  Item(bool writes, bool frees) : writes_(writes), frees_(frees) {}
  virtual ~Item() = default;
  bool writes() const { return writes_; }
  // Deletes data (allowed when the map is short of room).
  bool frees() const { return frees_; }
  virtual void run(Ctx& c) = 0;
  virtual void set_error(const Error& e) = 0;
  virtual void deliver() = 0;

 private:
  bool writes_;
  bool frees_;
};

template <typename T>
class LmdbStore::TypedItem final : public Item {
 public:
  using Fn = std::function<Result<T>(Ctx&)>;
  TypedItem(bool writes, bool frees, Fn fn, detail::PendingPtr<T> p)
      : Item(writes, frees), fn_(std::move(fn)), p_(std::move(p)) {}
  void run(Ctx& c) override { result_.emplace(fn_(c)); }
  void set_error(const Error& e) override { result_.emplace(fail(e)); }
  void deliver() override {
    if (result_) p_->fire(std::move(*result_));
  }

 private:
  Fn fn_;
  detail::PendingPtr<T> p_;
  std::optional<Result<T>> result_;
};

LmdbStore::LmdbStore(const LmdbOptions& opts, core::Dispatcher& d, core::Logger& log,
                     Clock clock)
    : opts_(opts), dispatcher_(d), logger_(log), clock_(std::move(clock)), pid_(::getpid()) {}

LmdbStore::~LmdbStore() = default;

Result<std::unique_ptr<LmdbStore>> LmdbStore::open(const LmdbOptions& opts,
                                                   core::Dispatcher& dispatcher,
                                                   core::Logger& logger, Clock clock) {
  if (!clock) return fail(ErrorCode::kInvalidInput, "store: no clock");
  auto env = lmdb::Env::open(opts.env, logger);
  if (!env) return fail(env.error());
  std::unique_ptr<LmdbStore> s(new LmdbStore(opts, dispatcher, logger, std::move(clock)));
  s->env_ = std::move(*env);
  if (opts.sweep_interval > 0) {
    LmdbStore* self = s.get();
    s->sweep_timer_ = dispatcher.create_timer([self] { self->on_sweep_timer(); });
    s->sweep_timer_->enable(opts.sweep_interval);
  }
  return s;
}

template <typename T, typename F>
OpPtr LmdbStore::submit(bool writes, F fn, Callback<T> cb, bool frees) {
  auto [p, handle] = detail::make_pending<T>(std::move(cb));
  queue_.push_back(std::make_unique<TypedItem<T>>(writes, frees, std::move(fn), std::move(p)));
  schedule_flush();
  return std::move(handle);
}

template <typename T>
OpPtr LmdbStore::reject(const Status& why, Callback<T> cb) {
  auto [p, handle] = detail::make_pending<T>(std::move(cb));
  detail::post_result<T>(dispatcher_, alive_, std::move(p), fail(why.error()));
  return std::move(handle);
}

void LmdbStore::schedule_flush() {
  if (flush_posted_) return;
  flush_posted_ = true;
  dispatcher_.post([this, alive = detail::AliveWeak(alive_)] {
    if (!alive.expired()) flush();
  });
}

void LmdbStore::flush() {
  flush_posted_ = false;
  std::vector<ItemPtr> work;
  work.swap(queue_);  // operations made by the callbacks below wait for the next flush
  detail::AliveWeak alive = alive_;
  if (::getpid() != pid_) {
    fail_all(work, Error{ErrorCode::kInternal, "store opened before fork(): open it in the "
                                               "process that uses it"});
    for (auto& item : work) {
      item->deliver();
      if (alive.expired()) return;
    }
    return;
  }
  for (size_t start = 0; start < work.size(); start += kMaxBatch) {
    size_t end = std::min(work.size(), start + kMaxBatch);
    std::vector<ItemPtr> batch;
    batch.reserve(end - start);
    bool write = false;
    for (size_t i = start; i < end; ++i) {
      write = write || work[i]->writes();
      batch.push_back(std::move(work[i]));
    }
    execute(batch, write, clock_());
    for (auto& item : batch) {
      item->deliver();
      if (alive.expired()) return;  // a callback destroyed the store
    }
  }
}

void LmdbStore::execute(std::vector<ItemPtr>& batch, bool write, double now) {
  if (!write) {
    MDB_txn* txn = nullptr;
    int rc = env_->begin_read(&txn);
    if (rc != 0) {
      fail_all(batch, error_for(rc));
      return;
    }
    Ctx c{txn, env_->main(), env_->sub(), false, now, &opts_.limits};
    for (auto& item : batch) {
      c.fatal = 0;  // a failed read spoils nothing
      item->run(c);
    }
    env_->end_read();
    return;
  }
  std::vector<Item*> items;
  items.reserve(batch.size());
  bool short_of_room = low_on_space(now);
  for (auto& item : batch) {
    if (short_of_room && item->writes() && !item->frees()) {
      item->set_error(error_for(MDB_MAP_FULL));  // keep the reserve for deletions
    } else {
      items.push_back(item.get());
    }
  }
  if (items.empty()) return;
  int rc = try_write(items, now);
  if (rc == MDB_MAP_FULL) {
    if (reclaim(now) > 0) rc = try_write(items, now);
    while (rc == MDB_MAP_FULL) {
      uint64_t before = env_->map_size();
      if (!env_->grow()) break;
      logger_.warn(kLog, "store map full: grew it from " + std::to_string(before) + " to " +
                             std::to_string(env_->map_size()) + " bytes");
      rc = try_write(items, now);
    }
  }
  if (rc == 0) return;
  if ((rc == MDB_MAP_FULL || rc == MDB_TXN_FULL) && items.size() > 1) {
    // Run each operation alone: only those that do not fit fail.
    for (Item* item : items) {
      std::vector<Item*> one{item};
      int r1 = try_write(one, now);
      if (r1 != 0) item->set_error(error_for(r1));
    }
    return;
  }
  Error e = error_for(rc);
  for (Item* item : items) item->set_error(e);
}

bool LmdbStore::low_on_space(double now) {
  uint64_t reserve = std::max(kMinReservePages, env_->total_pages() / kReserveShare);
  if (env_->free_pages(reserve) >= reserve) return false;
  uint64_t before = env_->map_size();
  if (env_->grow()) {
    logger_.warn(kLog, "store map nearly full: grew it from " + std::to_string(before) + " to " +
                           std::to_string(env_->map_size()) + " bytes");
    return false;
  }
  if (reclaim(now) == 0) return true;
  return env_->free_pages(reserve) < reserve;
}

int LmdbStore::try_write(std::vector<Item*>& items, double now) {
  lmdb::TxnPtr txn;
  int rc = env_->begin_write(&txn);
  if (rc != 0) return rc;
  Ctx c{txn.get(), env_->main(), env_->sub(), true, now, &opts_.limits};
  for (Item* item : items) {
    item->run(c);
    if (c.fatal != 0) return c.fatal;  // txn aborted by its deleter
  }
  return mdb_txn_commit(txn.release());
}

size_t LmdbStore::reclaim(double now) {
  if (now >= last_reclaim_ && now - last_reclaim_ < kReclaimEvery) return 0;
  last_reclaim_ = now;
  size_t removed = 0, examined = 0;
  lmdb::SweepCursor pos;  // one pass over both databases, from the start
  bool main_done = false, sub_done = false;
  while ((!main_done || !sub_done) && examined < kReclaimBudget) {
    lmdb::TxnPtr txn;
    if (env_->begin_write(&txn) != 0) break;
    Ctx c{txn.get(), env_->main(), env_->sub(), true, now, &opts_.limits};
    auto r = lmdb::sweep(c, pos, kReclaimStep);
    if (!r || mdb_txn_commit(txn.release()) != 0) break;
    removed += *r;
    examined += kReclaimStep;
    main_done = main_done || pos.main_pos.empty();
    sub_done = sub_done || pos.sub_pos.empty();
  }
  if (removed > 0) {
    logger_.info(kLog, "store nearly full: removed " + std::to_string(removed) +
                           " expired entries");
  }
  return removed;
}

void LmdbStore::fail_all(std::vector<ItemPtr>& batch, const Error& e) {
  for (auto& item : batch) item->set_error(e);
}

Error LmdbStore::error_for(int rc) {
  switch (rc) {
    case MDB_MAP_FULL:
      note_full();
      return Error{ErrorCode::kLimit, "store is full (store.max_map_size " +
                                          std::to_string(env_->options().max_map_size) +
                                          " bytes)"};
    case MDB_TXN_FULL:
      return Error{ErrorCode::kLimit, "store: operation too large for one transaction"};
    case MDB_READERS_FULL:
      return Error{ErrorCode::kLimit, "store: all reader slots in use (store.max_readers)"};
    default:
      return Error{ErrorCode::kIo, "store: " + lmdb::lmdb_error(rc)};
  }
}

void LmdbStore::note_full() {
  ++full_errors_;
  double now = dispatcher_.monotonic();
  if (now - last_full_log_ < kFullLogInterval) return;
  last_full_log_ = now;
  logger_.error(kLog, "store " + opts_.env.path + " is full (" +
                          std::to_string(env_->used_bytes()) + " bytes used of " +
                          std::to_string(env_->map_size()) +
                          "): writes fail; raise store.max_map_size");
}

int LmdbStore::check_readers() { return env_->check_readers(); }

Result<size_t> LmdbStore::sweep_now(size_t budget) {
  lmdb::TxnPtr txn;
  int rc = env_->begin_write(&txn);
  if (rc != 0) return fail(error_for(rc));
  Ctx c{txn.get(), env_->main(), env_->sub(), true, clock_(), &opts_.limits};
  auto removed = lmdb::sweep(c, sweep_pos_, budget);
  if (!removed) return removed;
  rc = mdb_txn_commit(txn.release());
  if (rc != 0) return fail(error_for(rc));
  return removed;
}

void LmdbStore::on_sweep_timer() {
  if (::getpid() == pid_) {
    auto r = sweep_now(opts_.sweep_batch);
    if (!r) logger_.warn(kLog, "sweep: " + r.error().message);
    if (opts_.env.sync == lmdb::Sync::kPeriodic) {
      if (auto s = env_->sync(); !s) logger_.warn(kLog, s.error().message);
    }
    if (++sweep_ticks_ % kReaderCheckTicks == 0) {
      if (int n = env_->check_readers(); n > 0) {
        logger_.warn(kLog, "cleared " + std::to_string(n) + " reader slots of dead processes");
      }
    }
  }
  sweep_timer_->enable(opts_.sweep_interval);
}

LmdbStore::Info LmdbStore::info() const {
  Info i;
  i.map_size = env_->map_size();
  i.used_bytes = env_->used_bytes();
  i.max_map_size = env_->options().max_map_size;
  i.stale_readers_cleared = env_->stale_readers_cleared();
  i.full_errors = full_errors_;
  i.mirror_rows = mirror_rows_held_;
  i.mirror_loads = mirror_loads_;
  i.mirror_log_entries = mirror_log_entries_;
  return i;
}

// ---- operations ----

OpPtr LmdbStore::get(std::string key, Callback<std::optional<std::string>> cb) {
  using T = std::optional<std::string>;
  if (auto st = detail::check_key(key, opts_.limits); !st) return reject<T>(st, std::move(cb));
  return submit<T>(false, [key = std::move(key)](Ctx& c) { return lmdb::op_get(c, key); },
                   std::move(cb));
}

OpPtr LmdbStore::set(std::string key, std::string value, double ttl, Done cb) {
  if (auto st = detail::check_set(key, value, ttl, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  return submit<void>(
      true,
      [key = std::move(key), value = std::move(value), ttl](Ctx& c) {
        return lmdb::op_set(c, key, value, ttl);
      },
      std::move(cb));
}

OpPtr LmdbStore::del(std::string key, Done cb) {
  if (auto st = detail::check_key(key, opts_.limits); !st) return reject<void>(st, std::move(cb));
  return submit<void>(true, [key = std::move(key)](Ctx& c) { return lmdb::op_del(c, key); },
                      std::move(cb), true);
}

OpPtr LmdbStore::incr(std::string key, int64_t delta, double ttl, Callback<int64_t> cb) {
  if (auto st = detail::check_incr(key, delta, ttl, opts_.limits); !st) {
    return reject<int64_t>(st, std::move(cb));
  }
  return submit<int64_t>(
      true,
      [key = std::move(key), delta, ttl](Ctx& c) { return lmdb::op_incr(c, key, delta, ttl); },
      std::move(cb));
}

OpPtr LmdbStore::window_add(std::string key, double amount, double window,
                            Callback<double> cb) {
  if (auto st = detail::check_window_add(key, amount, window, opts_.limits); !st) {
    return reject<double>(st, std::move(cb));
  }
  return submit<double>(
      amount != 0,
      [key = std::move(key), amount, window](Ctx& c) {
        return lmdb::op_window_add(c, key, amount, window);
      },
      std::move(cb));
}

OpPtr LmdbStore::distinct_add(std::string key, std::string member, double window,
                              Callback<DistinctResult> cb) {
  if (auto st = detail::check_distinct(key, member, window, opts_.limits); !st) {
    return reject<DistinctResult>(st, std::move(cb));
  }
  return submit<DistinctResult>(
      true,
      [key = std::move(key), member = std::move(member), window](Ctx& c) {
        return lmdb::op_distinct_add(c, key, member, window);
      },
      std::move(cb));
}

OpPtr LmdbStore::distinct_members(std::string key, double window, size_t limit,
                                  Callback<std::vector<std::string>> cb) {
  using T = std::vector<std::string>;
  if (auto st = detail::check_distinct(key, {}, window, opts_.limits); !st) {
    return reject<T>(st, std::move(cb));
  }
  return submit<T>(
      false,
      [key = std::move(key), window, limit](Ctx& c) {
        return lmdb::op_distinct_members(c, key, window, limit);
      },
      std::move(cb));
}

OpPtr LmdbStore::list_push(std::string key, std::string value, size_t cap, double ttl,
                           Done cb) {
  if (auto st = detail::check_set(key, value, ttl, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  return submit<void>(
      true,
      [key = std::move(key), value = std::move(value), cap, ttl](Ctx& c) {
        return lmdb::op_list_push(c, key, value, cap, ttl);
      },
      std::move(cb));
}

OpPtr LmdbStore::list_range(std::string key, size_t start, size_t count,
                            Callback<std::vector<std::string>> cb) {
  using T = std::vector<std::string>;
  if (auto st = detail::check_key(key, opts_.limits); !st) return reject<T>(st, std::move(cb));
  return submit<T>(
      false,
      [key = std::move(key), start, count](Ctx& c) {
        return lmdb::op_list_range(c, key, start, count);
      },
      std::move(cb));
}

OpPtr LmdbStore::map_set(std::string key, std::string field, std::string value, double ttl,
                         Done cb) {
  if (auto st = detail::check_map_set(key, field, value, ttl, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  return submit<void>(
      true,
      [key = std::move(key), field = std::move(field), value = std::move(value), ttl](Ctx& c) {
        return lmdb::op_map_set(c, key, field, value, ttl);
      },
      std::move(cb));
}

OpPtr LmdbStore::map_get(std::string key, std::string field,
                         Callback<std::optional<std::string>> cb) {
  using T = std::optional<std::string>;
  if (auto st = detail::check_map(key, field, opts_.limits); !st) {
    return reject<T>(st, std::move(cb));
  }
  return submit<T>(
      false,
      [key = std::move(key), field = std::move(field)](Ctx& c) {
        return lmdb::op_map_get(c, key, field);
      },
      std::move(cb));
}

OpPtr LmdbStore::map_del(std::string key, std::string field, Done cb) {
  if (auto st = detail::check_map(key, field, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  return submit<void>(
      true,
      [key = std::move(key), field = std::move(field)](Ctx& c) {
        return lmdb::op_map_del(c, key, field);
      },
      std::move(cb), true);
}

OpPtr LmdbStore::map_all(std::string key,
                         Callback<std::vector<std::pair<std::string, std::string>>> cb) {
  using T = std::vector<std::pair<std::string, std::string>>;
  if (auto st = detail::check_key(key, opts_.limits); !st) return reject<T>(st, std::move(cb));
  return submit<T>(false, [key = std::move(key)](Ctx& c) { return lmdb::op_map_all(c, key); },
                   std::move(cb));
}

OpPtr LmdbStore::counts_get(std::string key, std::vector<uint64_t> ids,
                            Callback<std::vector<CountRow>> cb) {
  using T = std::vector<CountRow>;
  if (auto st = detail::check_counts(key, ids.size(), opts_.limits); !st) {
    return reject<T>(st, std::move(cb));
  }
  return submit<T>(
      false,
      [this, key = std::move(key), ids = std::move(ids)](Ctx& c) {
        return read_counts(c, key, ids);
      },
      std::move(cb));
}

Result<std::vector<Store::CountRow>> LmdbStore::read_counts(lmdb::Ctx& c, const std::string& key,
                                                            const std::vector<uint64_t>& ids) {
  if (opts_.mirror_rows == 0 || c.writable) return lmdb::op_counts_get(c, key, ids);
  Mirrored& m = mirrors_[key];
  m.last_read = ++mirror_reads_;
  uint64_t loads = m.mirror.loads(), entries = m.mirror.log_entries();
  uint64_t before = m.mirror.valid() ? m.mirror.rows() : 0;
  auto r = lmdb::op_counts_get(c, key, ids, &m.mirror, opts_.mirror_rows);
  mirror_loads_ += m.mirror.loads() - loads;
  mirror_log_entries_ += m.mirror.log_entries() - entries;
  // Only this copy changed: keep the total of rows held up to date without walking the
  // others, drop it when it is not loaded (its table is gone or too large), and evict the
  // least recently read copies only when over the budget.
  mirror_rows_held_ -= before;
  if (!m.mirror.valid()) {
    mirrors_.erase(key);
    return r;
  }
  mirror_rows_held_ += m.mirror.rows();
  while (mirror_rows_held_ > opts_.mirror_rows && mirrors_.size() > 1) {
    auto oldest = mirrors_.end();
    for (auto it = mirrors_.begin(); it != mirrors_.end(); ++it) {
      if (it->first != key && (oldest == mirrors_.end() ||
                               it->second.last_read < oldest->second.last_read)) {
        oldest = it;
      }
    }
    mirror_rows_held_ -= oldest->second.mirror.rows();
    mirrors_.erase(oldest);
  }
  return r;
}

OpPtr LmdbStore::counts_add(std::string key, std::vector<uint64_t> ids, int64_t da, int64_t db,
                            Done cb) {
  if (auto st = detail::check_counts_add(key, ids.size(), da, db, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  // Only decrements may run while the map is short of room (they free rows).
  bool frees = da <= 0 && db <= 0;
  return submit<void>(
      true,
      [key = std::move(key), ids = std::move(ids), da, db](Ctx& c) {
        return lmdb::op_counts_add(c, key, ids, da, db);
      },
      std::move(cb), frees);
}

OpPtr LmdbStore::counts_info(std::string key, Callback<CountsInfo> cb) {
  if (auto st = detail::check_key(key, opts_.limits); !st) {
    return reject<CountsInfo>(st, std::move(cb));
  }
  return submit<CountsInfo>(
      false, [key = std::move(key)](Ctx& c) { return lmdb::op_counts_info(c, key); },
      std::move(cb));
}

OpPtr LmdbStore::counts_expire(std::string key, uint64_t max_total, double older_than,
                               std::string cursor, size_t budget, Callback<CountsExpiry> cb) {
  if (auto st = detail::check_counts_expire(key, older_than, budget, opts_.limits); !st) {
    return reject<CountsExpiry>(st, std::move(cb));
  }
  return submit<CountsExpiry>(
      true,
      [key = std::move(key), max_total, older_than, cursor = std::move(cursor), budget](Ctx& c) {
        return lmdb::op_counts_expire(c, key, max_total, older_than, cursor, budget);
      },
      std::move(cb), true);
}

}  // namespace mw::store
