// The embedded store's operations inside one LMDB transaction (private to src/store).
//
// Each function implements one Store operation (store.h) over the layout of lmdb_codec.h.
// Arguments were checked by the caller (common.h). Every function validates before it
// writes, so an operation that fails with a result error (wrong kind, not an integer, out
// of range) leaves the transaction as it was and the batch goes on.
//
// LMDB errors that spoil the transaction (MDB_MAP_FULL, MDB_TXN_FULL, I/O) are recorded in
// Ctx::fatal and returned as a kIo error; the caller must then abort the transaction and
// deal with the code (lmdb_store.cpp reclaims space or grows the map and retries).
//
// Reads in a read-only transaction (Ctx::writable false) see expired data as absent; in a
// write transaction they also remove it (lazy expiry). sweep() removes expired data in
// bounded steps for the periodic timer.
//
// Ownership: Ctx borrows the transaction. Loop affinity: none.
#pragma once

#include <lmdb.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/common.h"
#include "store/store.h"

namespace mw::store::lmdb {

struct Ctx {
  MDB_txn* txn = nullptr;
  MDB_dbi main = 0;
  MDB_dbi sub = 0;
  bool writable = false;
  double now = 0;
  const Limits* limits = nullptr;
  int fatal = 0;  // first LMDB error that spoiled the transaction
};

Result<std::optional<std::string>> op_get(Ctx& c, std::string_view key);
Status op_set(Ctx& c, std::string_view key, std::string_view value, double ttl);
Status op_del(Ctx& c, std::string_view key);
Result<int64_t> op_incr(Ctx& c, std::string_view key, int64_t delta, double ttl);
// Writes only when amount != 0 (and the transaction is writable).
Result<double> op_window_add(Ctx& c, std::string_view key, double amount, double window);
Result<Store::DistinctResult> op_distinct_add(Ctx& c, std::string_view key,
                                              std::string_view member, double window);
Result<std::vector<std::string>> op_distinct_members(Ctx& c, std::string_view key,
                                                     double window, size_t limit);
Status op_list_push(Ctx& c, std::string_view key, std::string_view value, size_t cap,
                    double ttl);
Result<std::vector<std::string>> op_list_range(Ctx& c, std::string_view key, size_t start,
                                               size_t count);
Status op_map_set(Ctx& c, std::string_view key, std::string_view field,
                  std::string_view value, double ttl);
Result<std::optional<std::string>> op_map_get(Ctx& c, std::string_view key,
                                              std::string_view field);
Status op_map_del(Ctx& c, std::string_view key, std::string_view field);
Result<std::vector<std::pair<std::string, std::string>>> op_map_all(Ctx& c,
                                                                    std::string_view key);

class CountsMirror;
// Count tables (store.h). ids need not be sorted; rows are visited in id order. With a
// mirror (lmdb_mirror.h), a read-only transaction brings it up to date and answers from it
// when the table has at most `mirror_rows` rows; otherwise the mirror is dropped and the
// rows are read from LMDB.
Result<std::vector<Store::CountRow>> op_counts_get(Ctx& c, std::string_view key,
                                                   const std::vector<uint64_t>& ids,
                                                   CountsMirror* mirror = nullptr,
                                                   uint64_t mirror_rows = 0);
Status op_counts_add(Ctx& c, std::string_view key, const std::vector<uint64_t>& ids,
                     int64_t da, int64_t db);
Result<Store::CountsInfo> op_counts_info(Ctx& c, std::string_view key);
// The cursor is the next row's id in 16 hex digits. Writes only when it removes rows.
Result<Store::CountsExpiry> op_counts_expire(Ctx& c, std::string_view key, uint64_t max_total,
                                             double older_than, std::string_view cursor,
                                             size_t budget);

// Where the sweep resumes in each database (empty: from the start).
struct SweepCursor {
  std::string main_pos;
  std::string sub_pos;
};
// Examine up to `budget` records of `main` and `budget` elements of `sub` from `pos`,
// removing expired keys (with their elements) and expired map fields. Returns how many
// store keys and map fields were removed. REQUIRES: c.writable.
Result<size_t> sweep(Ctx& c, SweepCursor& pos, size_t budget);

}  // namespace mw::store::lmdb
