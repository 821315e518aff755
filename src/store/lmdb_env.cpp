#include "store/lmdb_env.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace mw::store::lmdb {

namespace {

constexpr char kInfoDb[] = "info";
constexpr char kMainDb[] = "main";
constexpr char kSubDb[] = "sub";
constexpr char kFormatKey[] = "format";
constexpr unsigned kMaxDbs = 3;

std::string encode_u32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

uint32_t decode_u32(std::string_view s) {
  uint32_t v = 0;
  for (int i = 0; i < 4 && i < static_cast<int>(s.size()); ++i) {
    v |= static_cast<uint32_t>(static_cast<unsigned char>(s[i])) << (8 * i);
  }
  return v;
}

}  // namespace

std::string lmdb_error(int rc) { return mdb_strerror(rc); }

Result<std::unique_ptr<Env>> Env::open(const EnvOptions& opts, core::Logger& log) {
  if (opts.path.empty()) return fail(ErrorCode::kInvalidInput, "store path is empty");
  std::error_code ec;
  std::filesystem::create_directories(opts.path, ec);
  if (ec) {
    return fail(ErrorCode::kIo, "cannot create store directory " + opts.path + ": " +
                                    ec.message());
  }
  std::unique_ptr<Env> env(new Env());
  env->opts_ = opts;
  env->opts_.max_map_size = std::max(opts.max_map_size, opts.map_size);

  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != 0) return fail(ErrorCode::kIo, "mdb_env_create: " + lmdb_error(rc));
  env->env_.reset(raw);
  if ((rc = mdb_env_set_maxdbs(raw, kMaxDbs)) != 0 ||
      (rc = mdb_env_set_mapsize(raw, opts.map_size)) != 0 ||
      (rc = mdb_env_set_maxreaders(raw, opts.max_readers)) != 0) {
    return fail(ErrorCode::kIo, "store settings: " + lmdb_error(rc));
  }
  unsigned flags = MDB_NOTLS;
  flags |= opts.sync == Sync::kPeriodic ? MDB_NOSYNC : MDB_NOMETASYNC;
  rc = mdb_env_open(raw, opts.path.c_str(), flags, 0640);
  if (rc != 0) {
    std::string hint;
    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == MDB_CORRUPTED) {
      hint = " (not a store of this LMDB version, or damaged: move the directory away)";
    }
    return fail(ErrorCode::kIo, "cannot open store " + opts.path + ": " + lmdb_error(rc) + hint);
  }
  env->check_readers();
  if (env->stale_cleared_ > 0) {
    log.warn("store", "cleared " + std::to_string(env->stale_cleared_) +
                          " reader slots left by dead processes in " + opts.path);
  }
  MW_TRY(env->open_databases(log));
  return env;
}

int bytewise_compare(const MDB_val* a, const MDB_val* b) {
  // Lexicographic order of unsigned bytes, shorter first on a common prefix: LMDB's default
  // order, so stores written with either compare the same. Eight bytes at a time, read big
  // endian: keys share long prefixes (the store key before the element's own part).
  const auto* pa = static_cast<const unsigned char*>(a->mv_data);
  const auto* pb = static_cast<const unsigned char*>(b->mv_data);
  size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, pa + i, 8);
    std::memcpy(&y, pb + i, 8);
    if (x != y) {
      if constexpr (std::endian::native == std::endian::little) {
        x = __builtin_bswap64(x);
        y = __builtin_bswap64(y);
      }
      return x < y ? -1 : 1;
    }
  }
  for (; i < n; ++i) {
    if (pa[i] != pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return a->mv_size < b->mv_size ? -1 : (a->mv_size > b->mv_size ? 1 : 0);
}

Status Env::open_databases(core::Logger& log) {
  TxnPtr txn;
  int rc = begin_write(&txn);
  if (rc != 0) return fail(ErrorCode::kIo, "store: begin: " + lmdb_error(rc));
  MDB_dbi info = 0;
  if ((rc = mdb_dbi_open(txn.get(), kInfoDb, MDB_CREATE, &info)) != 0 ||
      (rc = mdb_dbi_open(txn.get(), kMainDb, MDB_CREATE, &main_)) != 0 ||
      (rc = mdb_dbi_open(txn.get(), kSubDb, MDB_CREATE, &sub_)) != 0) {
    return fail(ErrorCode::kIo, "store: open databases: " + lmdb_error(rc));
  }
  // The same order as LMDB's default (memcmp), compared faster (see bytewise_compare).
  mdb_set_compare(txn.get(), main_, &bytewise_compare);
  mdb_set_compare(txn.get(), sub_, &bytewise_compare);
  MDB_val k = to_val(kFormatKey);
  MDB_val v;
  rc = mdb_get(txn.get(), info, &k, &v);
  if (rc == 0) {
    uint32_t found = decode_u32(to_sv(v));
    if (found > kFormatVersion) {
      return fail(ErrorCode::kUnsupported,
                  "store " + opts_.path + " has format " + std::to_string(found) +
                      ", this build reads up to " + std::to_string(kFormatVersion));
    }
  } else if (rc == MDB_NOTFOUND) {
    std::string enc = encode_u32(kFormatVersion);
    MDB_val nv = to_val(enc);
    if ((rc = mdb_put(txn.get(), info, &k, &nv, 0)) != 0) {
      return fail(ErrorCode::kIo, "store: write format: " + lmdb_error(rc));
    }
    log.info("store", "created store " + opts_.path);
  } else {
    return fail(ErrorCode::kIo, "store: read format: " + lmdb_error(rc));
  }
  rc = mdb_txn_commit(txn.release());
  if (rc != 0) return fail(ErrorCode::kIo, "store: commit: " + lmdb_error(rc));
  return {};
}

int Env::adopt_map_size() {
  drop_read();
  return mdb_env_set_mapsize(env_.get(), 0);
}

int Env::begin_write(TxnPtr* out) {
  MDB_txn* t = nullptr;
  int rc = mdb_txn_begin(env_.get(), nullptr, 0, &t);
  if (rc == MDB_MAP_RESIZED) {
    if ((rc = adopt_map_size()) != 0) return rc;
    rc = mdb_txn_begin(env_.get(), nullptr, 0, &t);
  }
  if (rc == 0) out->reset(t);
  return rc;
}

int Env::begin_read(MDB_txn** out) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int rc = 0;
    if (read_) {
      rc = mdb_txn_renew(read_.get());
    } else {
      MDB_txn* t = nullptr;
      rc = mdb_txn_begin(env_.get(), nullptr, MDB_RDONLY, &t);
      if (rc == 0) read_.reset(t);
    }
    if (rc == 0) {
      read_active_ = true;
      *out = read_.get();
      return 0;
    }
    if (attempt == 1) return rc;
    if (rc == MDB_MAP_RESIZED) {
      if (int r2 = adopt_map_size(); r2 != 0) return r2;
    } else if (rc == MDB_READERS_FULL) {
      drop_read();
      if (check_readers() == 0) return rc;
    } else {
      drop_read();
      return rc;
    }
  }
  return MDB_PANIC;  // not reached
}

void Env::end_read() {
  if (read_ && read_active_) mdb_txn_reset(read_.get());
  read_active_ = false;
}

void Env::drop_read() {
  read_.reset();
  read_active_ = false;
}

uint64_t Env::map_size() const {
  MDB_envinfo info;
  if (mdb_env_info(env_.get(), &info) != 0) return 0;
  return info.me_mapsize;
}

uint64_t Env::used_bytes() const {
  MDB_envinfo info;
  MDB_stat st;
  if (mdb_env_info(env_.get(), &info) != 0 || mdb_env_stat(env_.get(), &st) != 0) return 0;
  return (static_cast<uint64_t>(info.me_last_pgno) + 1) * st.ms_psize;
}

uint64_t Env::total_pages() const {
  MDB_envinfo info;
  MDB_stat st;
  if (mdb_env_info(env_.get(), &info) != 0 || mdb_env_stat(env_.get(), &st) != 0) return 0;
  return info.me_mapsize / st.ms_psize;
}

uint64_t Env::untouched_pages() const {
  MDB_envinfo info;
  if (mdb_env_info(env_.get(), &info) != 0) return 0;
  uint64_t total = total_pages();
  uint64_t used = static_cast<uint64_t>(info.me_last_pgno) + 1;
  return total > used ? total - used : 0;
}

uint64_t Env::free_pages(uint64_t enough) {
  uint64_t pages = untouched_pages();
  if (pages >= enough) return pages;
  MDB_txn* txn = nullptr;
  if (begin_read(&txn) != 0) return pages;
  MDB_cursor* raw = nullptr;
  // The free list is database 0: each record lists page numbers, its first word the count
  // (as mdb_stat -f reads it).
  if (mdb_cursor_open(txn, 0, &raw) == 0) {
    CursorPtr cur(raw);
    MDB_val k, v;
    while (pages < enough && mdb_cursor_get(cur.get(), &k, &v, MDB_NEXT) == 0) {
      if (v.mv_size >= sizeof(size_t)) {
        size_t n = 0;
        std::memcpy(&n, v.mv_data, sizeof(n));
        pages += n;
      }
    }
  }
  end_read();
  return pages;
}

Status Env::grow() {
  uint64_t cur = map_size();
  if (cur >= opts_.max_map_size) {
    return fail(ErrorCode::kLimit, "store map is at store.max_map_size (" +
                                       std::to_string(opts_.max_map_size) + " bytes)");
  }
  uint64_t next = std::min(opts_.max_map_size, cur * 2);
  drop_read();
  int rc = mdb_env_set_mapsize(env_.get(), next);
  if (rc != 0) return fail(ErrorCode::kIo, "store: grow map: " + lmdb_error(rc));
  return {};
}

Status Env::sync() {
  int rc = mdb_env_sync(env_.get(), 1);
  if (rc != 0) return fail(ErrorCode::kIo, "store: sync: " + lmdb_error(rc));
  return {};
}

int Env::check_readers() {
  int dead = 0;
  if (mdb_reader_check(env_.get(), &dead) != 0) return 0;
  stale_cleared_ = dead;
  return dead;
}

}  // namespace mw::store::lmdb
