// The embedded store's on-disk encoding (private to src/store), format version 1.
//
// Two LMDB databases:
//   main  ekey -> record        one record per store key (its kind, expiry and small state)
//   sub   prefix tag rest -> v  the elements of distinct sets, lists and maps
//
// ekey ("encoded key"): 'k' + key for keys up to kDirectKeyMax bytes, else 'h' + SHA-256 of
// the key (LMDB keys are at most 511 bytes; a digest keeps long keys working and cannot be
// steered into collisions by whoever picks the key). prefix = u16 BE length of ekey + ekey,
// so every key's elements are contiguous in `sub` and no prefix is a prefix of another.
// Element tags:
//   'l' seq(u64 BE)            -> value                 list entry (seq grows with pushes)
//   'f' field | 'F' sha(field) -> field entry            map field ('F' when too long)
//   'm' member | 'M' sha(m)    -> member entry           distinct member -> last seen time
//   't' time(BE sortable) id   -> member bytes           distinct set's time index (id is
//                                                        the 'm'/'M' key part)
//   'c' id(u64 BE)             -> count row              count-table row (a, b, changed)
//   'g' gen(u64 BE)            -> change-log entry       the rows one change of a count
//                                                        table left (id, a, b each), kept for
//                                                        the last changes (kCountsLogKeep)
// Records and entries start with the format byte (1); integers and doubles are little
// endian, except inside keys where they are big endian (sortable).
//
// Ownership: plain values; decoders return views into their input or copies as noted.
// Failure modes: decoders return nullopt for truncated or foreign bytes (a corrupt record;
// the caller reports kInternal and set/del still replace it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mw::store::lmdb {

inline constexpr uint8_t kRecordFormat = 1;
inline constexpr size_t kDirectKeyMax = 400;
inline constexpr size_t kMaxLmdbKey = 511;

enum class Kind : uint8_t {
  kValue = 1, kWindow = 2, kDistinct = 3, kList = 4, kMap = 5, kCounts = 6
};
std::string_view kind_name(Kind k);
// True for kinds that keep elements in `sub`.
inline bool has_elements(Kind k) {
  return k == Kind::kDistinct || k == Kind::kList || k == Kind::kMap || k == Kind::kCounts;
}

// The key of one store key in both databases.
struct KeyRef {
  std::string ekey;    // key in `main`
  std::string prefix;  // start of its elements in `sub`
};
KeyRef make_key(std::string_view key);
// The KeyRef of an ekey read back from `main` or `sub`.
KeyRef key_from_ekey(std::string_view ekey);
// The ekey of a `sub` key (nullopt if malformed), and the element tag after it.
std::optional<std::pair<std::string_view, char>> split_sub_key(std::string_view sub_key);

// SHA-256 of s (32 bytes).
std::string sha256(std::string_view s);

// Record header: format, kind, expiry (0 = none).
struct Header {
  Kind kind = Kind::kValue;
  double expiry = 0;
};
// Decode the header; `body` receives the rest. nullopt if not a format-1 record.
std::optional<Header> decode_header(std::string_view rec, std::string_view* body);

struct WindowState {
  double width = 0;
  std::vector<std::pair<int64_t, double>> buckets;  // index ascending -> sum
};
struct DistinctState {
  double window = 0;
  uint64_t count = 0;
};
struct ListState {
  uint64_t next = 0;   // seq of the next push
  uint64_t count = 0;  // entries: seqs next-count .. next-1
};
struct MapState {
  uint64_t fields = 0;      // field entries (expired ones not yet removed included)
  uint64_t persistent = 0;  // fields without expiry
  double max_expiry = 0;    // latest expiry of any field with one
};

struct CountsState {
  uint64_t rows = 0;    // rows in the table
  uint64_t rows_a = 0;  // rows with a > 0
  uint64_t rows_b = 0;  // rows with b > 0
  // Change log (lmdb_mirror.h): `serial` is drawn at random when the table is created (0
  // in records written before the log existed, until their next change), `gen` counts its
  // changes, and the log holds entries log_from..gen (none when log_from > gen).
  uint64_t serial = 0;
  uint64_t gen = 0;
  uint64_t log_from = 1;
  uint64_t log_rows = 0;  // rows in the log's entries
};
// Change-log entries kept per table: at most kCountsLogKeep, and beyond the newest one no
// more rows than half the table's (at least kCountsLogMinRows), so that the log stays small
// beside its table whatever the learn volume. A reader further behind reloads the table.
inline constexpr uint64_t kCountsLogKeep = 128;
inline constexpr uint64_t kCountsLogMinRows = 4096;

std::string encode_value(double expiry, std::string_view value);
std::string encode_window(double expiry, const WindowState& w);
std::string encode_distinct(double expiry, const DistinctState& d);
std::string encode_list(double expiry, const ListState& l);
std::string encode_map(double expiry, const MapState& m);
std::optional<WindowState> decode_window(std::string_view body);
std::optional<DistinctState> decode_distinct(std::string_view body);
std::optional<ListState> decode_list(std::string_view body);
std::optional<MapState> decode_map(std::string_view body);
std::string encode_counts(const CountsState& c);  // a table never expires
std::optional<CountsState> decode_counts(std::string_view body);
// A map's record expiry: none while any field has none, else its latest field expiry.
inline double map_expiry(const MapState& m) { return m.persistent > 0 ? 0 : m.max_expiry; }

// Element keys.
std::string list_key(std::string_view prefix, uint64_t seq);
// Map field key; `hashed` tells whether the field had to be replaced by its digest.
std::string field_key(std::string_view prefix, std::string_view field, bool* hashed);
// Distinct member id ('m' + member, or 'M' + digest when the time index key would not fit).
std::string member_id(std::string_view prefix, std::string_view member);
std::string member_key(std::string_view prefix, std::string_view id);
std::string time_key(std::string_view prefix, double t, std::string_view id);
// Parse a time index key under `prefix`: its time and member id.
std::optional<std::pair<double, std::string_view>> parse_time_key(std::string_view prefix,
                                                                   std::string_view key);

// Map field entry: expiry, the field itself when hashed (for map_all), the value.
struct FieldEntry {
  double expiry = 0;
  std::string_view field;  // empty unless the key holds a digest
  std::string_view value;
};
std::string encode_field(double expiry, std::string_view field_if_hashed,
                         std::string_view value);
std::optional<FieldEntry> decode_field(std::string_view v);
// Count-table row key and entry: the two columns and when the row last changed (whole
// seconds of the store clock).
std::string count_key(std::string_view prefix, uint64_t id);
struct CountEntry {
  uint32_t a = 0;
  uint32_t b = 0;
  uint32_t changed = 0;
};
std::string encode_count(const CountEntry& e);
std::optional<CountEntry> decode_count(std::string_view v);
// Change-log entry key and value: the rows a change left, {0, 0} for a removed row.
std::string count_log_key(std::string_view prefix, uint64_t gen);
struct LoggedRow {
  uint64_t id = 0;
  uint32_t a = 0;
  uint32_t b = 0;
};
std::string encode_count_log(const std::vector<LoggedRow>& rows);
// Calls fn(row) for each row; false (having called fn for a prefix) if `v` is malformed.
template <typename Fn>
bool decode_count_log(std::string_view v, Fn&& fn);
// Distinct member entry: the time it was last seen.
std::string encode_member(double t);
std::optional<double> decode_member(std::string_view v);

// Order-preserving 8-byte encodings used inside keys.
void put_be64(std::string& out, uint64_t v);
uint64_t get_be64(std::string_view s);
uint64_t sortable_double(double d);
double unsortable_double(uint64_t v);

template <typename Fn>
bool decode_count_log(std::string_view v, Fn&& fn) {
  constexpr size_t kRow = 16;
  if (v.empty() || static_cast<uint8_t>(v[0]) != kRecordFormat || (v.size() - 1) % kRow != 0) {
    return false;
  }
  auto le = [](const char* p, int n) {
    uint64_t r = 0;
    for (int i = 0; i < n; ++i) r |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
    return r;
  };
  for (size_t off = 1; off < v.size(); off += kRow) {
    const char* p = v.data() + off;
    fn(LoggedRow{le(p, 8), static_cast<uint32_t>(le(p + 8, 4)),
                 static_cast<uint32_t>(le(p + 12, 4))});
  }
  return true;
}

}  // namespace mw::store::lmdb
