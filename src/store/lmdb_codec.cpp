#include "store/lmdb_codec.h"

#include <openssl/evp.h>

#include <bit>
#include <cstring>

namespace mw::store::lmdb {

namespace {

constexpr size_t kHeaderSize = 1 + 1 + 8;
constexpr size_t kDigestSize = 32;

void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }

void put_le64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_f64(std::string& out, double d) { put_le64(out, std::bit_cast<uint64_t>(d)); }

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Bounds-checked little-endian reader.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool u8(uint8_t* v) {
    if (s_.size() < 1) return false;
    *v = static_cast<uint8_t>(s_[0]);
    s_.remove_prefix(1);
    return true;
  }
  bool u32(uint32_t* v) {
    if (s_.size() < 4) return false;
    uint32_t r = 0;
    for (int i = 0; i < 4; ++i) r |= static_cast<uint32_t>(static_cast<uint8_t>(s_[i])) << (8 * i);
    s_.remove_prefix(4);
    *v = r;
    return true;
  }
  bool u64(uint64_t* v) {
    if (s_.size() < 8) return false;
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) r |= static_cast<uint64_t>(static_cast<uint8_t>(s_[i])) << (8 * i);
    s_.remove_prefix(8);
    *v = r;
    return true;
  }
  bool f64(double* d) {
    uint64_t bits = 0;
    if (!u64(&bits)) return false;
    *d = std::bit_cast<double>(bits);
    return true;
  }
  bool bytes(size_t n, std::string_view* out) {
    if (s_.size() < n) return false;
    *out = s_.substr(0, n);
    s_.remove_prefix(n);
    return true;
  }
  std::string_view rest() const { return s_; }
  bool done() const { return s_.empty(); }

 private:
  std::string_view s_;
};

std::string header(Kind kind, double expiry, size_t reserve) {
  std::string out;
  out.reserve(kHeaderSize + reserve);
  put_u8(out, kRecordFormat);
  put_u8(out, static_cast<uint8_t>(kind));
  put_f64(out, expiry);
  return out;
}

}  // namespace

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kValue: return "a value";
    case Kind::kWindow: return "a windowed counter";
    case Kind::kDistinct: return "a distinct set";
    case Kind::kList: return "a list";
    case Kind::kMap: return "a map";
    case Kind::kCounts: return "a count table";
  }
  return "unknown data";
}

std::string sha256(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

KeyRef key_from_ekey(std::string_view ekey) {
  KeyRef k;
  k.ekey = std::string(ekey);
  k.prefix.reserve(2 + ekey.size() + 1 + 8);
  k.prefix.push_back(static_cast<char>((ekey.size() >> 8) & 0xff));
  k.prefix.push_back(static_cast<char>(ekey.size() & 0xff));
  k.prefix.append(ekey);
  return k;
}

KeyRef make_key(std::string_view key) {
  if (key.size() <= kDirectKeyMax) {
    std::string ekey;
    ekey.reserve(1 + key.size());
    ekey.push_back('k');
    ekey.append(key);
    return key_from_ekey(ekey);
  }
  return key_from_ekey("h" + sha256(key));
}

std::optional<std::pair<std::string_view, char>> split_sub_key(std::string_view sub_key) {
  if (sub_key.size() < 2) return std::nullopt;
  size_t n = (static_cast<size_t>(static_cast<uint8_t>(sub_key[0])) << 8) |
             static_cast<uint8_t>(sub_key[1]);
  if (sub_key.size() < 2 + n + 1) return std::nullopt;
  return std::make_pair(sub_key.substr(2, n), sub_key[2 + n]);
}

std::optional<Header> decode_header(std::string_view rec, std::string_view* body) {
  Reader r(rec);
  uint8_t format = 0, kind = 0;
  Header h;
  if (!r.u8(&format) || format != kRecordFormat || !r.u8(&kind) || !r.f64(&h.expiry)) {
    return std::nullopt;
  }
  if (kind < static_cast<uint8_t>(Kind::kValue) || kind > static_cast<uint8_t>(Kind::kCounts)) {
    return std::nullopt;
  }
  h.kind = static_cast<Kind>(kind);
  *body = r.rest();
  return h;
}

std::string encode_value(double expiry, std::string_view value) {
  std::string out = header(Kind::kValue, expiry, value.size());
  out.append(value);
  return out;
}

std::string encode_window(double expiry, const WindowState& w) {
  std::string out = header(Kind::kWindow, expiry, 12 + 16 * w.buckets.size());
  put_f64(out, w.width);
  put_u32(out, static_cast<uint32_t>(w.buckets.size()));
  for (const auto& [idx, sum] : w.buckets) {
    put_le64(out, static_cast<uint64_t>(idx));
    put_f64(out, sum);
  }
  return out;
}

std::optional<WindowState> decode_window(std::string_view body) {
  Reader r(body);
  WindowState w;
  uint32_t n = 0;
  if (!r.f64(&w.width) || !(w.width > 0) || !r.u32(&n) || r.rest().size() != 16ull * n) {
    return std::nullopt;
  }
  w.buckets.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t idx = 0;
    double sum = 0;
    r.u64(&idx);
    r.f64(&sum);
    w.buckets.emplace_back(static_cast<int64_t>(idx), sum);
  }
  return w;
}

std::string encode_distinct(double expiry, const DistinctState& d) {
  std::string out = header(Kind::kDistinct, expiry, 16);
  put_f64(out, d.window);
  put_le64(out, d.count);
  return out;
}

std::optional<DistinctState> decode_distinct(std::string_view body) {
  Reader r(body);
  DistinctState d;
  if (!r.f64(&d.window) || !r.u64(&d.count) || !r.done()) return std::nullopt;
  return d;
}

std::string encode_list(double expiry, const ListState& l) {
  std::string out = header(Kind::kList, expiry, 16);
  put_le64(out, l.next);
  put_le64(out, l.count);
  return out;
}

std::optional<ListState> decode_list(std::string_view body) {
  Reader r(body);
  ListState l;
  if (!r.u64(&l.next) || !r.u64(&l.count) || !r.done() || l.count > l.next) return std::nullopt;
  return l;
}

std::string encode_map(double expiry, const MapState& m) {
  std::string out = header(Kind::kMap, expiry, 24);
  put_le64(out, m.fields);
  put_le64(out, m.persistent);
  put_f64(out, m.max_expiry);
  return out;
}

std::optional<MapState> decode_map(std::string_view body) {
  Reader r(body);
  MapState m;
  if (!r.u64(&m.fields) || !r.u64(&m.persistent) || !r.f64(&m.max_expiry) || !r.done()) {
    return std::nullopt;
  }
  return m;
}

std::string encode_counts(const CountsState& c) {
  std::string out = header(Kind::kCounts, 0, 48);
  put_le64(out, c.rows);
  put_le64(out, c.rows_a);
  put_le64(out, c.rows_b);
  put_le64(out, c.serial);
  put_le64(out, c.gen);
  put_le64(out, c.log_from);
  return out;
}

std::optional<CountsState> decode_counts(std::string_view body) {
  Reader r(body);
  CountsState c;
  if (!r.u64(&c.rows) || !r.u64(&c.rows_a) || !r.u64(&c.rows_b)) return std::nullopt;
  if (r.done()) return c;  // written before the change log existed
  if (!r.u64(&c.serial) || !r.u64(&c.gen) || !r.u64(&c.log_from) || !r.done()) {
    return std::nullopt;
  }
  return c;
}

std::string count_log_key(std::string_view prefix, uint64_t gen) {
  std::string k;
  k.reserve(prefix.size() + 9);
  k.append(prefix);
  k.push_back('g');
  put_be64(k, gen);
  return k;
}

std::string encode_count_log(const std::vector<LoggedRow>& rows) {
  std::string out;
  out.reserve(1 + rows.size() * 16);
  put_u8(out, kRecordFormat);
  for (const auto& r : rows) {
    put_le64(out, r.id);
    put_u32(out, r.a);
    put_u32(out, r.b);
  }
  return out;
}

std::string count_key(std::string_view prefix, uint64_t id) {
  std::string k;
  k.reserve(prefix.size() + 9);
  k.append(prefix);
  k.push_back('c');
  put_be64(k, id);
  return k;
}

std::string encode_count(const CountEntry& e) {
  std::string out;
  out.reserve(13);
  put_u8(out, kRecordFormat);
  put_u32(out, e.a);
  put_u32(out, e.b);
  put_u32(out, e.changed);
  return out;
}

std::optional<CountEntry> decode_count(std::string_view v) {
  Reader r(v);
  uint8_t format = 0;
  CountEntry e;
  if (!r.u8(&format) || format != kRecordFormat || !r.u32(&e.a) || !r.u32(&e.b) ||
      !r.u32(&e.changed) || !r.done()) {
    return std::nullopt;
  }
  return e;
}

void put_be64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_be64(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < s.size(); ++i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

uint64_t sortable_double(double d) {
  uint64_t bits = std::bit_cast<uint64_t>(d);
  return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
}

double unsortable_double(uint64_t v) {
  uint64_t bits = (v >> 63) != 0 ? v & ~(uint64_t{1} << 63) : ~v;
  return std::bit_cast<double>(bits);
}

std::string list_key(std::string_view prefix, uint64_t seq) {
  std::string k;
  k.reserve(prefix.size() + 9);
  k.append(prefix);
  k.push_back('l');
  put_be64(k, seq);
  return k;
}

std::string field_key(std::string_view prefix, std::string_view field, bool* hashed) {
  std::string k;
  k.append(prefix);
  *hashed = prefix.size() + 1 + field.size() > kMaxLmdbKey;
  if (*hashed) {
    k.push_back('F');
    k.append(sha256(field));
  } else {
    k.push_back('f');
    k.append(field);
  }
  return k;
}

std::string member_id(std::string_view prefix, std::string_view member) {
  // The time index key is the longest: prefix 't' time(8) id.
  if (prefix.size() + 1 + 8 + 1 + member.size() <= kMaxLmdbKey) {
    std::string id;
    id.reserve(1 + member.size());
    id.push_back('m');
    id.append(member);
    return id;
  }
  return "M" + sha256(member);
}

std::string member_key(std::string_view prefix, std::string_view id) {
  std::string k;
  k.reserve(prefix.size() + id.size());
  k.append(prefix);
  k.append(id);
  return k;
}

std::string time_key(std::string_view prefix, double t, std::string_view id) {
  std::string k;
  k.reserve(prefix.size() + 9 + id.size());
  k.append(prefix);
  k.push_back('t');
  put_be64(k, sortable_double(t));
  k.append(id);
  return k;
}

std::optional<std::pair<double, std::string_view>> parse_time_key(std::string_view prefix,
                                                                   std::string_view key) {
  if (key.size() < prefix.size() + 1 + 8 + 1 || key.substr(0, prefix.size()) != prefix ||
      key[prefix.size()] != 't') {
    return std::nullopt;
  }
  double t = unsortable_double(get_be64(key.substr(prefix.size() + 1, 8)));
  return std::make_pair(t, key.substr(prefix.size() + 9));
}

std::string encode_field(double expiry, std::string_view field_if_hashed,
                         std::string_view value) {
  std::string out;
  out.reserve(1 + 8 + 4 + field_if_hashed.size() + value.size());
  put_u8(out, kRecordFormat);
  put_f64(out, expiry);
  put_u32(out, static_cast<uint32_t>(field_if_hashed.size()));
  out.append(field_if_hashed);
  out.append(value);
  return out;
}

std::optional<FieldEntry> decode_field(std::string_view v) {
  Reader r(v);
  uint8_t format = 0;
  uint32_t n = 0;
  FieldEntry e;
  if (!r.u8(&format) || format != kRecordFormat || !r.f64(&e.expiry) || !r.u32(&n) ||
      !r.bytes(n, &e.field)) {
    return std::nullopt;
  }
  e.value = r.rest();
  return e;
}

std::string encode_member(double t) {
  std::string out;
  put_u8(out, kRecordFormat);
  put_f64(out, t);
  return out;
}

std::optional<double> decode_member(std::string_view v) {
  Reader r(v);
  uint8_t format = 0;
  double t = 0;
  if (!r.u8(&format) || format != kRecordFormat || !r.f64(&t) || !r.done()) return std::nullopt;
  return t;
}

}  // namespace mw::store::lmdb
