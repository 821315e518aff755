// The on-disk cache of compiled Hyperscan databases (used by Compiler::build).
//
// File: <cache_dir>/<key hex>.hsdb, all integers little-endian:
//   "MWHSDB\r\n"   magic (8 bytes)
//   u32            format version (kCacheFormatVersion)
//   u32            pattern count n
//   u8[32]         key (see make_cache_key)
//   u64            size of the serialized Hyperscan database (0: no database)
//   n x { u8 engine, u32 note length, note bytes }   per-pattern engine and fallback reason
//   bytes          the database as hs_serialize_database wrote it
//   u8[32]         SHA-256 of everything above
// decode_cache checks every length against the bytes present before reading.
//
// Ownership: plain values and files. Loop affinity: none (blocking file I/O: master only).
// Failure modes: per function below; nothing here crashes on a damaged or hostile file.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "match/pattern.h"
#include "match/pattern_set.h"

namespace mw::match {

// Part of the key: bump it whenever the file layout or the way patterns are handed to
// Hyperscan (expression rewriting, flag mapping, engine choice) changes, so that files
// written by an older Mailward are never loaded.
inline constexpr uint32_t kCacheFormatVersion = 1;
// Largest cache file read back (a larger one is treated as corrupt).
inline constexpr uint64_t kMaxCacheFileBytes = 1ull << 30;

struct CacheKey {
  std::array<uint8_t, 32> digest{};
  std::string hex() const;  // 64 lower-case hex digits
  bool operator==(const CacheKey&) const = default;
};

// SHA-256 over the format version, the Hyperscan and PCRE2 versions, the platform (tune and
// CPU features) and every pattern (id = position, flags, source length and bytes).
// Result on failure: kInternal when OpenSSL cannot hash (out of memory): build without cache.
Result<CacheKey> make_cache_key(const HsPlatform& platform, std::span<const Pattern> patterns);

// What a cache file holds besides its header.
struct CacheRecord {
  std::vector<Engine> engines;     // one per pattern
  std::vector<std::string> notes;  // one per pattern
  std::string database;            // hs_serialize_database output; empty: no database
};

// The bytes of a cache file. REQUIRES: engines.size() == notes.size().
std::string encode_cache(const CacheKey& key, const CacheRecord& record);
// Parse and check a cache file's bytes against the expected key and pattern count.
// Result on failure: kInvalidInput naming the problem (bad magic, other version, other key,
// other pattern count, truncated, checksum mismatch, bad engine value).
Result<CacheRecord> decode_cache(std::string_view bytes, const CacheKey& key, size_t pattern_count);

// <dir>/<key hex>.hsdb
std::string cache_file_path(const std::string& dir, const CacheKey& key);

// Read a whole file. Result on failure: kNotFound when it does not exist, kLimit when it is
// larger than max_bytes, kIo otherwise.
Result<std::string> read_file_bytes(const std::string& path, uint64_t max_bytes);

// Write `bytes` to `path` atomically: a temporary file in the same directory (created with
// the directory itself when missing), fsync, rename over `path`. Result on failure: kIo with
// the path and errno text; no temporary file is left behind.
Status write_file_atomic(const std::string& path, std::string_view bytes);

// Remove the *.hsdb files of `dir` whose names are not in `keep` (file names, not paths),
// e.g. after a reload, with the files of the sets now in use. Result: the number removed;
// kIo when the directory cannot be listed (a missing directory removes nothing).
Result<size_t> prune_cache(const std::string& dir, std::span<const std::string> keep);

}  // namespace mw::match
