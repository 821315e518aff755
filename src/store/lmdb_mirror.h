// A process's in-memory copy of one count table of the embedded store (private to
// src/store), so that reading a message's rows costs a hash probe each instead of a B-tree
// descent in LMDB (the Bayes classifier reads a couple of thousand rows per message).
//
// The copy is exact, never stale: every change of a table (counts_add, counts_expire)
// bumps the table's generation and writes a change-log entry with the rows it left
// (lmdb_codec.h, tag 'g'). A read (lmdb_ops.h op_counts_get) first reads the table's record
// in its read transaction; when the copy is at an older generation it applies the log
// entries in between, and when those are gone (more than kCountsLogKeep changes behind),
// the table was recreated (another serial) or the copy is new, it reloads every row. Only
// read-only transactions use a copy: a write transaction may still abort, and a copy must
// hold committed data only.
//
// Memory: 16 bytes a slot, at most 70 % of the slots used (about 23 bytes a row). The
// store keeps copies of the tables it reads within a row budget (LmdbOptions::mirror_rows)
// and reads larger tables from LMDB directly.
//
// Ownership: plain value. Loop affinity: none (the store uses it from its loop only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "store/lmdb_codec.h"
#include "store/store.h"

namespace mw::store::lmdb {

class CountsMirror {
 public:
  // Which state of the table the copy holds (valid() false until loaded).
  bool valid() const { return valid_; }
  uint64_t serial() const { return serial_; }
  uint64_t gen() const { return gen_; }
  size_t rows() const { return used_ + (has_zero_ ? 1 : 0); }

  // Start a reload: drop every row, then put() each row, then loaded(serial, gen).
  void reset(size_t expected_rows);
  // Set a row ({0, 0} removes it).
  void put(uint64_t id, uint32_t a, uint32_t b);
  void loaded(uint64_t serial, uint64_t gen);
  void invalidate();
  // Count one change-log entry applied (what the store reports in LmdbStore::Info).
  void note_log_entry() { ++log_entries_; }
  uint64_t loads() const { return loads_; }
  uint64_t log_entries() const { return log_entries_; }

  // The rows of `ids` ({0, 0} for absent ones), in order.
  void get(const std::vector<uint64_t>& ids, std::vector<Store::CountRow>& out) const;

 private:
  struct Slot {
    uint64_t id = 0;  // 0: empty (row 0 is kept in zero_)
    uint32_t a = 0;
    uint32_t b = 0;
  };
  size_t index(uint64_t id) const;
  void grow();
  void erase_at(size_t i);

  std::vector<Slot> slots_;  // open addressing, linear probing; size a power of two
  size_t used_ = 0;
  Store::CountRow zero_;
  bool has_zero_ = false;
  bool valid_ = false;
  uint64_t serial_ = 0;
  uint64_t gen_ = 0;
  uint64_t loads_ = 0;        // reset() calls
  uint64_t log_entries_ = 0;  // note_log_entry() calls
};

}  // namespace mw::store::lmdb
