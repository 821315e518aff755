// LMDB handles and the environment of the embedded store (private to src/store).
//
// Wraps MDB_env, MDB_txn and MDB_cursor on first contact (unique_ptr with deleters) and
// opens the environment the way the store needs it:
//   - directory mode (`path`/data.mdb + lock.mdb), the directory created if missing (with
//     the process umask; the files are created 0640);
//   - MDB_NOTLS: reader slots belong to transaction objects, not threads, so the store can
//     keep one read transaction and reset/renew it between batches;
//   - durability (Sync): kPeriodic = MDB_NOSYNC, commits are not flushed and the store calls
//     sync() from its sweep timer: a crash of the process loses nothing, a crash of the
//     machine loses at most the last interval and, on a file system that reorders writes,
//     may corrupt the file (the store is counters and history: availability matters more
//     than durability, and a worker must never wait for the disk). kCommit =
//     MDB_NOMETASYNC: data pages are flushed at every commit (the event loop waits for the
//     disk), a machine crash may lose the last transaction but never corrupts the file.
//   - mdb_reader_check() at open clears reader slots left by dead processes (they would
//     keep old pages from being reused and fill the map).
// Several processes open the same environment; LMDB serialises writers with a robust
// process-shared mutex and readers never block. Each process must open its own Env after
// fork() and must not open the same path twice (LMDB's advisory locks are per process).
//
// Ownership: Env owns the MDB_env and its two databases' handles. Loop affinity: none (one
// thread at a time). Failure modes: open() returns kIo for file system and LMDB errors,
// kUnsupported for a store written by a newer format; grow() returns kIo, or kLimit at
// max_map_size; sync() returns kIo.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/log.h"
#include "core/result.h"

namespace mw::store::lmdb {

struct EnvCloser {
  void operator()(MDB_env* e) const { mdb_env_close(e); }
};
struct TxnAborter {
  void operator()(MDB_txn* t) const { mdb_txn_abort(t); }
};
struct CursorCloser {
  void operator()(MDB_cursor* c) const { mdb_cursor_close(c); }
};
using EnvPtr = std::unique_ptr<MDB_env, EnvCloser>;
using TxnPtr = std::unique_ptr<MDB_txn, TxnAborter>;
// A cursor must be destroyed before its transaction ends (commit or abort).
using CursorPtr = std::unique_ptr<MDB_cursor, CursorCloser>;

enum class Sync { kPeriodic, kCommit };

struct EnvOptions {
  std::string path;                          // directory
  uint64_t map_size = uint64_t{1} << 30;     // initial map size
  uint64_t max_map_size = uint64_t{4} << 30;  // grow() stops here
  unsigned max_readers = 256;
  Sync sync = Sync::kPeriodic;
};

// On-disk format of the store (the "info" database records it).
inline constexpr uint32_t kFormatVersion = 1;

inline MDB_val to_val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view to_sv(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}
// "MDB_MAP_FULL: Environment mapsize limit reached" style text.
std::string lmdb_error(int rc);
// The key order of both databases: LMDB's default (memcmp, shorter first), computed eight
// bytes at a time. Set on every environment at open.
int bytewise_compare(const MDB_val* a, const MDB_val* b);

class Env {
 public:
  static Result<std::unique_ptr<Env>> open(const EnvOptions& opts, core::Logger& log);

  MDB_env* get() const { return env_.get(); }
  MDB_dbi main() const { return main_; }
  MDB_dbi sub() const { return sub_; }
  const EnvOptions& options() const { return opts_; }
  // Reader slots cleared by the last reader check (at open and from check_readers()).
  int stale_readers_cleared() const { return stale_cleared_; }

  // Begin a write transaction, adopting a map grown by another process. rc 0 on success.
  int begin_write(TxnPtr* out);
  // Begin (or renew) the cached read transaction. rc 0 on success; release with end_read().
  int begin_read(MDB_txn** out);
  void end_read();
  // Drop the cached read transaction (before a map resize).
  void drop_read();

  uint64_t map_size() const;
  // Bytes of the map in use (last page number x page size).
  uint64_t used_bytes() const;
  // Pages of the map and pages never used yet (past the last one in use).
  uint64_t total_pages() const;
  uint64_t untouched_pages() const;
  // Pages a write could use: untouched ones plus those on LMDB's free list (some may still
  // be held by readers of older snapshots). Scans the free list, stopping once `enough`
  // pages are found: call when untouched pages run low only.
  uint64_t free_pages(uint64_t enough = UINT64_MAX);
  // Double the map (capped by max_map_size). kLimit when already at the cap.
  Status grow();
  // Flush to disk (Sync::kPeriodic calls this from the sweep timer).
  Status sync();
  // Clear reader slots of dead processes; returns how many were cleared.
  int check_readers();

 private:
  Env() = default;
  Status open_databases(core::Logger& log);
  int adopt_map_size();

  EnvOptions opts_;
  EnvPtr env_;
  MDB_dbi main_ = 0;
  MDB_dbi sub_ = 0;
  TxnPtr read_;  // reset between uses (MDB_NOTLS)
  bool read_active_ = false;
  int stale_cleared_ = 0;
};

}  // namespace mw::store::lmdb
