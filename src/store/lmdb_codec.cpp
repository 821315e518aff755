#include "store/lmdb_codec.h"

#include <openssl/evp.h>

#include <bit>
#include <cstring>

namespace mw::store::lmdb {

namespace {

constexpr size_t kHeaderSize = 1 + 1 + 8;
constexpr size_t kDigestSize = 32;

void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }

// An unsigned integer in sizeof(U) bytes, least significant first.
template <typename U>
void put_le(std::string& out, U v) {
  for (size_t i = 0; i < sizeof(U); ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Fixed-size fields by type: uint32_t (4 bytes), uint64_t and double (8 bytes), little-endian.
void put(std::string& out, uint32_t v) { put_le(out, v); }
void put(std::string& out, uint64_t v) { put_le(out, v); }
void put(std::string& out, double v) { put_le(out, std::bit_cast<uint64_t>(v)); }
template <typename... F>
void put_fields(std::string& out, const F&... fields) {
  (put(out, fields), ...);
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
  // What put_le() wrote.
  template <typename U>
  bool le(U* v) {
    if (s_.size() < sizeof(U)) return false;
    U r = 0;
    for (size_t i = 0; i < sizeof(U); ++i) {
      r |= static_cast<U>(static_cast<U>(static_cast<uint8_t>(s_[i])) << (8 * i));
    }
    s_.remove_prefix(sizeof(U));
    *v = r;
    return true;
  }
  bool u32(uint32_t* v) { return le(v); }
  bool u64(uint64_t* v) { return le(v); }
  bool f64(double* d) {
    uint64_t bits = 0;
    if (!u64(&bits)) return false;
    *d = std::bit_cast<double>(bits);
    return true;
  }
  // The fields put_fields() wrote, in order; false at the first one missing.
  bool fields() { return true; }
  template <typename... F>
  bool fields(uint32_t* v, F*... rest) { return u32(v) && fields(rest...); }
  template <typename... F>
  bool fields(uint64_t* v, F*... rest) { return u64(v) && fields(rest...); }
  template <typename... F>
  bool fields(double* v, F*... rest) { return f64(v) && fields(rest...); }
  // The leading format byte, and that it is kRecordFormat.
  bool format() {
    uint8_t f = 0;
    return u8(&f) && f == kRecordFormat;
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
  put(out, expiry);
  return out;
}

// A record of fixed-size fields: the header, then the fields.
template <typename... F>
std::string record(Kind kind, double expiry, const F&... fields) {
  std::string out = header(kind, expiry, (sizeof(F) + ... + 0));
  put_fields(out, fields...);
  return out;
}

// prefix, tag, be64(v): keys ordered by v under one kind of sub-key.
std::string tagged_key(std::string_view prefix, char tag, uint64_t v) {
  std::string k;
  k.reserve(prefix.size() + 9);
  k.append(prefix);
  k.push_back(tag);
  put_be64(k, v);
  return k;
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
  uint8_t kind = 0;
  Header h;
  if (!r.format() || !r.u8(&kind) || !r.f64(&h.expiry)) {
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
  put_fields(out, w.width, static_cast<uint32_t>(w.buckets.size()));
  for (const auto& [idx, sum] : w.buckets) put_fields(out, static_cast<uint64_t>(idx), sum);
  return out;
}

std::optional<WindowState> decode_window(std::string_view body) {
  Reader r(body);
  WindowState w;
  uint32_t n = 0;
  if (!r.fields(&w.width, &n) || !(w.width > 0) || r.rest().size() != 16ull * n) {
    return std::nullopt;
  }
  w.buckets.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t idx = 0;
    double sum = 0;
    r.fields(&idx, &sum);
    w.buckets.emplace_back(static_cast<int64_t>(idx), sum);
  }
  return w;
}

std::string encode_distinct(double expiry, const DistinctState& d) {
  return record(Kind::kDistinct, expiry, d.window, d.count);
}

std::optional<DistinctState> decode_distinct(std::string_view body) {
  Reader r(body);
  DistinctState d;
  if (!r.fields(&d.window, &d.count) || !r.done()) return std::nullopt;
  return d;
}

std::string encode_list(double expiry, const ListState& l) {
  return record(Kind::kList, expiry, l.next, l.count);
}

std::optional<ListState> decode_list(std::string_view body) {
  Reader r(body);
  ListState l;
  if (!r.fields(&l.next, &l.count) || !r.done() || l.count > l.next) return std::nullopt;
  return l;
}

std::string encode_map(double expiry, const MapState& m) {
  return record(Kind::kMap, expiry, m.fields, m.persistent, m.max_expiry);
}

std::optional<MapState> decode_map(std::string_view body) {
  Reader r(body);
  MapState m;
  if (!r.fields(&m.fields, &m.persistent, &m.max_expiry) || !r.done()) return std::nullopt;
  return m;
}

std::string encode_counts(const CountsState& c) {
  return record(Kind::kCounts, 0, c.rows, c.rows_a, c.rows_b, c.serial, c.gen, c.log_from,
                c.log_rows);
}

std::optional<CountsState> decode_counts(std::string_view body) {
  Reader r(body);
  CountsState c;
  if (!r.fields(&c.rows, &c.rows_a, &c.rows_b)) return std::nullopt;
  if (r.done()) return c;  // written before the change log existed
  if (!r.fields(&c.serial, &c.gen, &c.log_from)) return std::nullopt;
  if (r.done()) return c;  // written before the log's size was kept (trimmed by count only)
  if (!r.fields(&c.log_rows) || !r.done()) return std::nullopt;
  return c;
}

std::string count_log_key(std::string_view prefix, uint64_t gen) {
  return tagged_key(prefix, 'g', gen);
}

std::string encode_count_log(const std::vector<LoggedRow>& rows) {
  std::string out;
  out.reserve(1 + rows.size() * 16);
  put_u8(out, kRecordFormat);
  for (const auto& r : rows) put_fields(out, r.id, r.a, r.b);
  return out;
}

std::string count_key(std::string_view prefix, uint64_t id) {
  return tagged_key(prefix, 'c', id);
}

std::string encode_count(const CountEntry& e) {
  std::string out;
  out.reserve(13);
  put_u8(out, kRecordFormat);
  put_fields(out, e.a, e.b, e.changed);
  return out;
}

std::optional<CountEntry> decode_count(std::string_view v) {
  Reader r(v);
  CountEntry e;
  if (!r.format() || !r.fields(&e.a, &e.b, &e.changed) || !r.done()) return std::nullopt;
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
  return tagged_key(prefix, 'l', seq);
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
  put_fields(out, expiry, static_cast<uint32_t>(field_if_hashed.size()));
  out.append(field_if_hashed);
  out.append(value);
  return out;
}

std::optional<FieldEntry> decode_field(std::string_view v) {
  Reader r(v);
  uint32_t n = 0;
  FieldEntry e;
  if (!r.format() || !r.fields(&e.expiry, &n) || !r.bytes(n, &e.field)) {
    return std::nullopt;
  }
  e.value = r.rest();
  return e;
}

std::string encode_member(double t) {
  std::string out;
  put_u8(out, kRecordFormat);
  put(out, t);
  return out;
}

std::optional<double> decode_member(std::string_view v) {
  Reader r(v);
  double t = 0;
  if (!r.format() || !r.f64(&t) || !r.done()) return std::nullopt;
  return t;
}

}  // namespace mw::store::lmdb
