#include "store/lmdb_ops.h"

#include <algorithm>
#include <cstring>

#include "core/ascii.h"
#include <openssl/rand.h>

#include "store/lmdb_codec.h"
#include "store/lmdb_env.h"
#include "store/lmdb_mirror.h"

namespace mw::store::lmdb {

namespace {

using detail::expired;

// Element keys collected per cursor pass when deleting a key's elements.
constexpr size_t kDeleteChunk = 1024;

Failure io(Ctx& c, int rc, std::string_view what) {
  if (c.fatal == 0) c.fatal = rc;
  return fail(ErrorCode::kIo, "store: " + std::string(what) + ": " + lmdb_error(rc));
}

Failure corrupt(std::string_view what) {
  return fail(ErrorCode::kInternal, "store: corrupt " + std::string(what));
}

Failure wrong_kind(Kind have, std::string_view want) {
  return fail(ErrorCode::kInvalidInput,
              "key holds " + std::string(kind_name(have)) + ", not " + std::string(want));
}

int get_raw(Ctx& c, MDB_dbi dbi, std::string_view key, std::string_view* out) {
  MDB_val k = to_val(key);
  MDB_val v;
  int rc = mdb_get(c.txn, dbi, &k, &v);
  if (rc == 0) *out = to_sv(v);
  return rc;
}

int put_raw(Ctx& c, MDB_dbi dbi, std::string_view key, std::string_view value) {
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  return mdb_put(c.txn, dbi, &k, &v, 0);
}

int del_raw(Ctx& c, MDB_dbi dbi, std::string_view key) {
  MDB_val k = to_val(key);
  int rc = mdb_del(c.txn, dbi, &k, nullptr);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

// A cursor that closes itself (before the transaction ends: keep it in a scope).
class Cursor {
 public:
  int open(MDB_txn* txn, MDB_dbi dbi) {
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc == 0) c_.reset(cur);
    return rc;
  }
  // First entry >= `at` (the first entry when `at` is empty).
  int seek(std::string_view at, std::string_view* key, std::string_view* val) {
    MDB_val k = to_val(at);
    MDB_val v;
    int rc = at.empty() ? mdb_cursor_get(c_.get(), &k, &v, MDB_FIRST)
                        : mdb_cursor_get(c_.get(), &k, &v, MDB_SET_RANGE);
    if (rc == 0) {
      *key = to_sv(k);
      *val = to_sv(v);
    }
    return rc;
  }
  // The entry at exactly `at`. MDB_NOTFOUND when absent.
  int find(std::string_view at, std::string_view* val) {
    MDB_val k = to_val(at);
    MDB_val v;
    int rc = mdb_cursor_get(c_.get(), &k, &v, MDB_SET);
    if (rc == 0) *val = to_sv(v);
    return rc;
  }
  // Replace the value of the entry the cursor is on (same size) / delete it.
  int replace(std::string_view key, std::string_view value) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    return mdb_cursor_put(c_.get(), &k, &v, MDB_CURRENT);
  }
  int erase() { return mdb_cursor_del(c_.get(), 0); }
  int step(MDB_cursor_op op, std::string_view* key, std::string_view* val) {
    MDB_val k, v;
    int rc = mdb_cursor_get(c_.get(), &k, &v, op);
    if (rc == 0) {
      *key = to_sv(k);
      *val = to_sv(v);
    }
    return rc;
  }

 private:
  CursorPtr c_;
};

// Delete every element under `prefix` in `sub`.
Status delete_elements(Ctx& c, std::string_view prefix) {
  for (;;) {
    std::vector<std::string> keys;
    {
      Cursor cur;
      if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
      std::string_view k, v;
      int rc = cur.seek(prefix, &k, &v);
      while (rc == 0 && k.starts_with(prefix) && keys.size() < kDeleteChunk) {
        keys.emplace_back(k);
        rc = cur.step(MDB_NEXT, &k, &v);
      }
      if (rc != 0 && rc != MDB_NOTFOUND) return io(c, rc, "scan elements");
    }
    for (const auto& k : keys) {
      if (int rc = del_raw(c, c.sub, k); rc != 0) return io(c, rc, "delete element");
    }
    if (keys.size() < kDeleteChunk) return {};
  }
}

Status delete_key(Ctx& c, const KeyRef& k, bool elements) {
  if (elements) MW_TRY(delete_elements(c, k.prefix));
  if (int rc = del_raw(c, c.main, k.ekey); rc != 0) return io(c, rc, "delete");
  return {};
}

struct Loaded {
  Header h;
  std::string body;
};

// The key's live record: nullopt when absent or expired (then removed if writable).
Result<std::optional<Loaded>> load(Ctx& c, const KeyRef& k) {
  std::string_view rec;
  int rc = get_raw(c, c.main, k.ekey, &rec);
  if (rc == MDB_NOTFOUND) return std::optional<Loaded>();
  if (rc != 0) return io(c, rc, "read");
  std::string_view body;
  auto h = decode_header(rec, &body);
  if (!h) return corrupt("record");
  if (expired(h->expiry, c.now)) {
    if (c.writable) MW_TRY(delete_key(c, k, has_elements(h->kind)));
    return std::optional<Loaded>();
  }
  return std::optional<Loaded>(Loaded{*h, std::string(body)});
}

// The key's live record decoded as a `kind` (nullopt: absent or expired); kInvalidInput when
// the key holds another kind, kInternal ("corrupt `what`") when the record does not decode.
// `expiry`, when given, receives the record's expiry.
template <typename State>
Result<std::optional<State>> load_as(Ctx& c, const KeyRef& k, Kind kind,
                                     std::optional<State> (*decode)(std::string_view),
                                     std::string_view what, double* expiry = nullptr) {
  auto l = load(c, k);
  if (!l) return fail(l.error());
  if (!*l) return std::optional<State>();
  if ((*l)->h.kind != kind) return wrong_kind((*l)->h.kind, kind_name(kind));
  std::optional<State> s = decode((*l)->body);
  if (!s) return corrupt(what);
  if (expiry) *expiry = (*l)->h.expiry;
  return s;
}

// Remove whatever the key holds, live or not (set and del).
Status clear_key(Ctx& c, const KeyRef& k) {
  std::string_view rec;
  int rc = get_raw(c, c.main, k.ekey, &rec);
  if (rc == MDB_NOTFOUND) return {};
  if (rc != 0) return io(c, rc, "read");
  std::string_view body;
  auto h = decode_header(rec, &body);
  // A corrupt record may have elements: clear them too.
  return delete_key(c, k, !h || has_elements(h->kind));
}

Status put_main(Ctx& c, const KeyRef& k, std::string_view rec) {
  if (int rc = put_raw(c, c.main, k.ekey, rec); rc != 0) return io(c, rc, "write");
  return {};
}

Status put_sub(Ctx& c, std::string_view key, std::string_view value) {
  if (int rc = put_raw(c, c.sub, key, value); rc != 0) return io(c, rc, "write element");
  return {};
}

Status del_sub(Ctx& c, std::string_view key) {
  if (int rc = del_raw(c, c.sub, key); rc != 0) return io(c, rc, "delete element");
  return {};
}

// Delete one distinct member: its time index entry and its member entry.
Status drop_member(Ctx& c, std::string_view prefix, std::string_view time_index_key,
                   std::string_view id) {
  MW_TRY(del_sub(c, time_index_key));
  return del_sub(c, member_key(prefix, id));
}

// The oldest time index entries of a distinct set with time <= cutoff (all when cutoff is
// nullopt), at most `limit`.
Result<std::vector<std::string>> oldest_members(Ctx& c, std::string_view prefix,
                                                std::optional<double> cutoff, size_t limit) {
  std::vector<std::string> out;
  Cursor cur;
  if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
  std::string start(prefix);
  start.push_back('t');
  std::string_view k, v;
  int rc = cur.seek(start, &k, &v);
  while (rc == 0 && out.size() < limit) {
    auto tk = parse_time_key(prefix, k);
    if (!tk || (cutoff && tk->first > *cutoff)) break;
    out.emplace_back(k);
    rc = cur.step(MDB_NEXT, &k, &v);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) return io(c, rc, "scan members");
  return out;
}

Status drop_members(Ctx& c, std::string_view prefix, const std::vector<std::string>& keys,
                    DistinctState& d) {
  for (const auto& tk : keys) {
    auto parsed = parse_time_key(prefix, tk);
    if (!parsed) continue;
    MW_TRY(drop_member(c, prefix, tk, parsed->second));
    if (d.count > 0) --d.count;
  }
  return {};
}

// Remove a map field entry and account for it in the map's record.
Status remove_field(Ctx& c, const KeyRef& k, MapState& m, std::string_view fkey,
                    bool persistent) {
  MW_TRY(del_sub(c, fkey));
  if (m.fields > 0) --m.fields;
  if (persistent && m.persistent > 0) --m.persistent;
  if (m.fields == 0) return delete_key(c, k, true);
  return put_main(c, k, encode_map(map_expiry(m), m));
}

}  // namespace

Result<std::optional<std::string>> op_get(Ctx& c, std::string_view key) {
  KeyRef k = make_key(key);
  auto l = load(c, k);
  if (!l) return fail(l.error());
  if (!*l) return std::optional<std::string>();
  if ((*l)->h.kind != Kind::kValue) return wrong_kind((*l)->h.kind, "a value");
  return std::optional<std::string>(std::move((*l)->body));
}

Status op_set(Ctx& c, std::string_view key, std::string_view value, double ttl) {
  KeyRef k = make_key(key);
  MW_TRY(clear_key(c, k));
  return put_main(c, k, encode_value(detail::expiry_for(c.now, ttl), value));
}

Status op_del(Ctx& c, std::string_view key) { return clear_key(c, make_key(key)); }

Result<int64_t> op_incr(Ctx& c, std::string_view key, int64_t delta, double ttl) {
  KeyRef k = make_key(key);
  auto l = load(c, k);
  if (!l) return fail(l.error());
  int64_t old = 0;
  double exp = 0;
  if (*l) {
    if ((*l)->h.kind != Kind::kValue) return wrong_kind((*l)->h.kind, "a counter");
    auto v = detail::parse_counter((*l)->body);
    if (!v) return fail(ErrorCode::kInvalidInput, "value is not an integer");
    old = *v;
    exp = (*l)->h.expiry;
  }
  auto r = detail::add_counter(old, delta);
  if (!r) return fail(ErrorCode::kLimit, "counter out of range (+-2^53)");
  if (ttl > 0) exp = c.now + ttl;
  MW_TRY(put_main(c, k, encode_value(exp, std::to_string(*r))));
  return *r;
}

Result<double> op_window_add(Ctx& c, std::string_view key, double amount, double window) {
  KeyRef k = make_key(key);
  auto l = load_as(c, k, Kind::kWindow, decode_window, "windowed counter");
  if (!l) return fail(l.error());
  WindowState w;
  if (*l) {
    w = std::move(**l);
    std::erase_if(w.buckets, [&](const auto& b) {
      return !detail::bucket_live(b.first, w.width, c.now, window);
    });
  }
  if (w.buckets.empty()) w.width = detail::bucket_width(window);  // new or expired
  if (amount != 0) {
    int64_t b = detail::bucket_index(c.now, w.width);
    auto it = std::lower_bound(w.buckets.begin(), w.buckets.end(), b,
                               [](const auto& e, int64_t v) { return e.first < v; });
    if (it != w.buckets.end() && it->first == b) {
      it->second += amount;
    } else {
      w.buckets.insert(it, {b, amount});
    }
    if (w.buckets.size() > detail::kMaxBuckets) {
      w.buckets.erase(w.buckets.begin(),
                      w.buckets.begin() +
                          static_cast<ptrdiff_t>(w.buckets.size() - detail::kMaxBuckets));
    }
  }
  double sum = 0;
  for (const auto& b : w.buckets) sum += b.second;
  if (amount != 0 && c.writable) {
    double exp = (static_cast<double>(w.buckets.back().first) + 1.0) * w.width + window;
    MW_TRY(put_main(c, k, encode_window(exp, w)));
  }
  return sum;
}

Result<Store::DistinctResult> op_distinct_add(Ctx& c, std::string_view key,
                                              std::string_view member, double window) {
  KeyRef k = make_key(key);
  double prev_exp = 0;
  auto l = load_as(c, k, Kind::kDistinct, decode_distinct, "distinct set", &prev_exp);
  if (!l) return fail(l.error());
  DistinctState d = l->value_or(DistinctState{});
  double cutoff = c.now - window;
  // Read the member first: nothing is written before every check passed.
  std::string id = member_id(k.prefix, member);
  std::string mkey = member_key(k.prefix, id);
  std::optional<double> seen;
  std::string_view found;
  int rc = get_raw(c, c.sub, mkey, &found);
  if (rc == 0) {
    seen = decode_member(found);
    if (!seen) return corrupt("distinct member");
  } else if (rc != MDB_NOTFOUND) {
    return io(c, rc, "read member");
  }
  // Members that left the window (the member itself too, if it had).
  auto gone = oldest_members(c, k.prefix, cutoff, SIZE_MAX);
  if (!gone) return fail(gone.error());
  MW_TRY(drop_members(c, k.prefix, *gone, d));

  Store::DistinctResult out;
  if (seen && *seen > cutoff) {
    MW_TRY(del_sub(c, time_key(k.prefix, *seen, id)));
  } else {
    out.was_new = true;
    ++d.count;
  }
  MW_TRY(put_sub(c, mkey, encode_member(c.now)));
  MW_TRY(put_sub(c, time_key(k.prefix, c.now, id), member));
  // The cap: evict the least recently seen.
  if (d.count > c.limits->max_distinct) {
    auto evict = oldest_members(c, k.prefix, std::nullopt, d.count - c.limits->max_distinct);
    if (!evict) return fail(evict.error());
    MW_TRY(drop_members(c, k.prefix, *evict, d));
  }
  d.window = window;
  MW_TRY(put_main(c, k, encode_distinct(std::max(prev_exp, c.now + window), d)));
  out.count = d.count;
  return out;
}

Result<std::vector<std::string>> op_distinct_members(Ctx& c, std::string_view key,
                                                     double window, size_t limit) {
  std::vector<std::string> out;
  KeyRef k = make_key(key);
  auto l = load(c, k);
  if (!l) return fail(l.error());
  if (!*l || limit == 0) return out;
  if ((*l)->h.kind != Kind::kDistinct) return wrong_kind((*l)->h.kind, "a distinct set");
  double cutoff = c.now - window;
  Cursor cur;
  if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
  std::string end(k.prefix);
  end.push_back('t' + 1);
  std::string_view ek, ev;
  int rc = cur.seek(end, &ek, &ev);
  rc = rc == 0 ? cur.step(MDB_PREV, &ek, &ev) : rc == MDB_NOTFOUND ? cur.step(MDB_LAST, &ek, &ev)
                                                                   : rc;
  while (rc == 0) {
    auto tk = parse_time_key(k.prefix, ek);
    if (!tk || tk->first <= cutoff) break;
    out.emplace_back(ev);
    if (out.size() >= limit) break;
    rc = cur.step(MDB_PREV, &ek, &ev);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) return io(c, rc, "scan members");
  return out;
}

Status op_list_push(Ctx& c, std::string_view key, std::string_view value, size_t cap,
                    double ttl) {
  KeyRef k = make_key(key);
  auto l = load_as(c, k, Kind::kList, decode_list, "list");
  if (!l) return fail(l.error());
  ListState s = l->value_or(ListState{});
  if (cap == 0) return *l ? delete_key(c, k, true) : Status();
  MW_TRY(put_sub(c, list_key(k.prefix, s.next), value));
  ++s.next;
  ++s.count;
  while (s.count > cap) {
    MW_TRY(del_sub(c, list_key(k.prefix, s.next - s.count)));
    --s.count;
  }
  return put_main(c, k, encode_list(detail::expiry_for(c.now, ttl), s));
}

Result<std::vector<std::string>> op_list_range(Ctx& c, std::string_view key, size_t start,
                                               size_t count) {
  std::vector<std::string> out;
  KeyRef k = make_key(key);
  auto l = load_as(c, k, Kind::kList, decode_list, "list");
  if (!l) return fail(l.error());
  if (!*l) return out;
  const ListState* s = &**l;
  if (start >= s->count) return out;
  uint64_t end = s->count - start < count ? s->count : start + count;
  out.reserve(end - start);
  for (uint64_t i = start; i < end; ++i) {
    std::string_view v;
    int rc = get_raw(c, c.sub, list_key(k.prefix, s->next - 1 - i), &v);
    if (rc == MDB_NOTFOUND) return corrupt("list (missing entry)");
    if (rc != 0) return io(c, rc, "read list");
    out.emplace_back(v);
  }
  return out;
}

Status op_map_set(Ctx& c, std::string_view key, std::string_view field,
                  std::string_view value, double ttl) {
  KeyRef k = make_key(key);
  auto l = load_as(c, k, Kind::kMap, decode_map, "map");
  if (!l) return fail(l.error());
  MapState m = l->value_or(MapState{});
  bool hashed = false;
  std::string fkey = field_key(k.prefix, field, &hashed);
  std::string_view old;
  int rc = get_raw(c, c.sub, fkey, &old);
  if (rc == 0) {
    auto e = decode_field(old);
    if (e && e->expiry == 0 && m.persistent > 0) --m.persistent;
  } else if (rc == MDB_NOTFOUND) {
    ++m.fields;
  } else {
    return io(c, rc, "read field");
  }
  double exp = detail::expiry_for(c.now, ttl);
  if (exp == 0) ++m.persistent;
  m.max_expiry = std::max(m.max_expiry, exp);
  MW_TRY(put_sub(c, fkey, encode_field(exp, hashed ? field : std::string_view(), value)));
  return put_main(c, k, encode_map(map_expiry(m), m));
}

Result<std::optional<std::string>> op_map_get(Ctx& c, std::string_view key,
                                              std::string_view field) {
  KeyRef k = make_key(key);
  auto l = load(c, k);
  if (!l) return fail(l.error());
  if (!*l) return std::optional<std::string>();
  if ((*l)->h.kind != Kind::kMap) return wrong_kind((*l)->h.kind, "a map");
  bool hashed = false;
  std::string fkey = field_key(k.prefix, field, &hashed);
  std::string_view raw;
  int rc = get_raw(c, c.sub, fkey, &raw);
  if (rc == MDB_NOTFOUND) return std::optional<std::string>();
  if (rc != 0) return io(c, rc, "read field");
  auto e = decode_field(raw);
  if (!e) return corrupt("map field");
  if (!expired(e->expiry, c.now)) return std::optional<std::string>(std::string(e->value));
  if (c.writable) {
    auto m = decode_map((*l)->body);
    if (!m) return corrupt("map");
    MW_TRY(remove_field(c, k, *m, fkey, false));
  }
  return std::optional<std::string>();
}

Status op_map_del(Ctx& c, std::string_view key, std::string_view field) {
  KeyRef k = make_key(key);
  auto m = load_as(c, k, Kind::kMap, decode_map, "map");
  if (!m) return fail(m.error());
  if (!*m) return {};
  bool hashed = false;
  std::string fkey = field_key(k.prefix, field, &hashed);
  std::string_view raw;
  int rc = get_raw(c, c.sub, fkey, &raw);
  if (rc == MDB_NOTFOUND) return {};
  if (rc != 0) return io(c, rc, "read field");
  auto e = decode_field(raw);
  return remove_field(c, k, **m, fkey, e && e->expiry == 0);
}

Result<std::vector<std::pair<std::string, std::string>>> op_map_all(Ctx& c,
                                                                    std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  KeyRef k = make_key(key);
  auto l = load(c, k);
  if (!l) return fail(l.error());
  if (!*l) return out;
  if ((*l)->h.kind != Kind::kMap) return wrong_kind((*l)->h.kind, "a map");
  Cursor cur;
  if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
  std::string_view ek, ev;
  int rc = cur.seek(k.prefix, &ek, &ev);
  for (; rc == 0 && ek.starts_with(k.prefix); rc = cur.step(MDB_NEXT, &ek, &ev)) {
    if (ek.size() <= k.prefix.size()) continue;
    char tag = ek[k.prefix.size()];
    if (tag != 'f' && tag != 'F') continue;
    auto e = decode_field(ev);
    if (!e) return corrupt("map field");
    if (expired(e->expiry, c.now)) continue;
    std::string_view field = tag == 'f' ? ek.substr(k.prefix.size() + 1) : e->field;
    out.emplace_back(std::string(field), std::string(e->value));
  }
  if (rc != 0 && rc != MDB_NOTFOUND) return io(c, rc, "scan map");
  return out;
}

namespace {

// The live count table under `k` (nullopt: none yet), or kInvalidInput for another kind.
Result<std::optional<CountsState>> load_counts(Ctx& c, const KeyRef& k) {
  return load_as(c, k, Kind::kCounts, decode_counts, "count table");
}

// Positions of `ids` in ascending id order (rows are stored in that order: one cursor pass).
std::vector<uint32_t> id_order(const std::vector<uint64_t>& ids) {
  std::vector<uint32_t> order(ids.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  if (!std::is_sorted(ids.begin(), ids.end())) {
    std::stable_sort(order.begin(), order.end(),
                     [&ids](uint32_t x, uint32_t y) { return ids[x] < ids[y]; });
  }
  return order;
}

void set_id(std::string& row_key, uint64_t id) {
  size_t off = row_key.size() - 8;
  for (int i = 7; i >= 0; --i) row_key[off + 7 - i] = static_cast<char>((id >> (8 * i)) & 0xff);
}

std::string id_cursor(uint64_t id) {
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, id >>= 4) out[i] = core::hex_digit(static_cast<int>(id & 15));
  return out;
}

std::optional<uint64_t> parse_id_cursor(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char ch : s) {
    int d = core::hex_value(ch);
    if (d < 0 || core::is_upper(ch)) return std::nullopt;  // the cursor is lower-case hex
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

// A table's serial: any non-zero value another incarnation of the key is unlikely to draw.
uint64_t draw_serial(double now) {
  uint64_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) {
    v = static_cast<uint64_t>(now * 1e6) * 0x9E3779B97F4A7C15ULL;
  }
  return v == 0 ? 1 : v;
}

// Record a change of the table in its log (the caller then writes `st`).
Status log_change(Ctx& c, const KeyRef& k, CountsState& st, const std::vector<LoggedRow>& rows) {
  if (st.serial == 0) st.serial = draw_serial(c.now);
  ++st.gen;
  MW_TRY(put_sub(c, count_log_key(k.prefix, st.gen), encode_count_log(rows)));
  if (st.log_from > st.gen) st.log_from = st.gen;
  st.log_rows += rows.size();
  const uint64_t max_rows = std::max<uint64_t>(st.rows / 2, kCountsLogMinRows);
  while (st.gen - st.log_from + 1 > kCountsLogKeep ||
         (st.log_rows > max_rows && st.log_from < st.gen)) {
    std::string key = count_log_key(k.prefix, st.log_from);
    std::string_view v;
    int rc = get_raw(c, c.sub, key, &v);
    if (rc != 0 && rc != MDB_NOTFOUND) return io(c, rc, "read change log");
    uint64_t n = rc == 0 && !v.empty() ? (v.size() - 1) / 16 : 0;
    st.log_rows -= std::min(st.log_rows, n);
    MW_TRY(del_sub(c, key));
    ++st.log_from;
  }
  return {};
}

// Bring `m` to the table's state `st`: apply the log entries it has not seen, or reload.
Status sync_mirror(Ctx& c, const KeyRef& k, const CountsState& st, CountsMirror& m) {
  if (m.valid() && m.serial() == st.serial && m.gen() == st.gen) return {};
  if (m.valid() && st.serial != 0 && m.serial() == st.serial && m.gen() < st.gen &&
      m.gen() + 1 >= st.log_from) {
    bool complete = true;
    for (uint64_t g = m.gen() + 1; g <= st.gen && complete; ++g) {
      std::string_view v;
      int rc = get_raw(c, c.sub, count_log_key(k.prefix, g), &v);
      if (rc == MDB_NOTFOUND) {
        complete = false;
        break;
      }
      if (rc != 0) {
        m.invalidate();
        return io(c, rc, "read change log");
      }
      if (!decode_count_log(v, [&m](const LoggedRow& r) { m.put(r.id, r.a, r.b); })) {
        m.invalidate();
        return corrupt("change log");
      }
      m.note_log_entry();
    }
    if (complete) {
      m.loaded(st.serial, st.gen);
      return {};
    }
  }
  m.reset(st.rows);
  std::string rows_prefix = k.prefix + "c";
  Cursor cur;
  if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
  std::string_view ek, ev;
  int rc = cur.seek(rows_prefix, &ek, &ev);
  for (; rc == 0 && ek.starts_with(rows_prefix); rc = cur.step(MDB_NEXT, &ek, &ev)) {
    auto e = decode_count(ev);
    if (!e || ek.size() != rows_prefix.size() + 8) {
      m.invalidate();
      return corrupt("count row");
    }
    m.put(get_be64(ek.substr(rows_prefix.size())), e->a, e->b);
  }
  if (rc != 0 && rc != MDB_NOTFOUND) {
    m.invalidate();
    return io(c, rc, "read rows");
  }
  m.loaded(st.serial, st.gen);
  return {};
}

}  // namespace

Result<std::vector<Store::CountRow>> op_counts_get(Ctx& c, std::string_view key,
                                                   const std::vector<uint64_t>& ids,
                                                   CountsMirror* mirror, uint64_t mirror_rows) {
  std::vector<Store::CountRow> out(ids.size());
  KeyRef k = make_key(key);
  auto st = load_counts(c, k);
  if (!st) return fail(st.error());
  if (!*st) {
    if (mirror) mirror->invalidate();
    return out;
  }
  if (ids.empty()) return out;
  if (mirror && !c.writable && (*st)->rows <= mirror_rows) {
    MW_TRY(sync_mirror(c, k, **st, *mirror));
    mirror->get(ids, out);
    return out;
  }
  if (mirror) mirror->invalidate();
  Cursor cur;
  if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
  std::string row_key = count_key(k.prefix, 0);
  for (uint32_t i : id_order(ids)) {
    set_id(row_key, ids[i]);
    std::string_view v;
    int rc = cur.find(row_key, &v);
    if (rc == MDB_NOTFOUND) continue;
    if (rc != 0) return io(c, rc, "read row");
    auto e = decode_count(v);
    if (!e) return corrupt("count row");
    out[i] = Store::CountRow{e->a, e->b};
  }
  return out;
}

Status op_counts_add(Ctx& c, std::string_view key, const std::vector<uint64_t>& ids,
                     int64_t da, int64_t db) {
  KeyRef k = make_key(key);
  auto loaded = load_counts(c, k);
  if (!loaded) return fail(loaded.error());
  CountsState st = loaded->value_or(CountsState{});
  uint32_t now = static_cast<uint32_t>(std::clamp(c.now, 0.0, 4294967295.0));
  std::vector<LoggedRow> changed;
  changed.reserve(ids.size());
  Cursor cur;
  if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
  std::string row_key = count_key(k.prefix, 0);
  for (uint32_t i : id_order(ids)) {
    set_id(row_key, ids[i]);
    std::string_view v;
    int rc = cur.find(row_key, &v);
    CountEntry old;
    bool exists = rc == 0;
    if (exists) {
      auto e = decode_count(v);
      if (!e) return corrupt("count row");
      old = *e;
    } else if (rc != MDB_NOTFOUND) {
      return io(c, rc, "read row");
    }
    CountEntry e{detail::add_count(old.a, da), detail::add_count(old.b, db), now};
    if (exists && e.a == old.a && e.b == old.b) continue;
    st.rows_a += (e.a > 0) - (old.a > 0);
    st.rows_b += (e.b > 0) - (old.b > 0);
    if (e.a == 0 && e.b == 0) {
      if (!exists) continue;
      if (int r = cur.erase(); r != 0) return io(c, r, "delete row");
      --st.rows;
      changed.push_back(LoggedRow{ids[i], 0, 0});
      continue;
    }
    std::string val = encode_count(e);
    int r = exists ? cur.replace(row_key, val) : put_raw(c, c.sub, row_key, val);
    if (r != 0) return io(c, r, "write row");
    if (!exists) ++st.rows;
    changed.push_back(LoggedRow{ids[i], e.a, e.b});
  }
  if (st.rows == 0) return loaded->has_value() ? delete_key(c, k, true) : Status();
  if (changed.empty()) return {};
  MW_TRY(log_change(c, k, st, changed));
  return put_main(c, k, encode_counts(st));
}

Result<Store::CountsInfo> op_counts_info(Ctx& c, std::string_view key) {
  KeyRef k = make_key(key);
  auto st = load_counts(c, k);
  if (!st) return fail(st.error());
  Store::CountsInfo info;
  if (!*st) return info;
  info.rows = (*st)->rows;
  info.rows_a = (*st)->rows_a;
  info.rows_b = (*st)->rows_b;
  // Key, value and LMDB's node header and pointer, in pages about two-thirds full.
  uint64_t per_row = k.prefix.size() + 9 + 13 + 8 + 2;
  info.bytes = info.rows * per_row * 3 / 2;
  return info;
}

Result<Store::CountsExpiry> op_counts_expire(Ctx& c, std::string_view key, uint64_t max_total,
                                             double older_than, std::string_view cursor,
                                             size_t budget) {
  Store::CountsExpiry out;
  KeyRef k = make_key(key);
  auto loaded = load_counts(c, k);
  if (!loaded) return fail(loaded.error());
  if (!*loaded) return out;
  CountsState st = **loaded;
  uint64_t from = 0;
  if (!cursor.empty()) {
    auto id = parse_id_cursor(cursor);
    if (!id) return fail(ErrorCode::kInvalidInput, "bad count-table cursor");
    from = *id;
  }
  std::string start = count_key(k.prefix, from);
  std::string rows_prefix = k.prefix + "c";
  std::vector<std::string> dead;
  {
    Cursor cur;
    if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
    std::string_view ek, ev;
    int rc = cur.seek(start, &ek, &ev);
    for (; rc == 0 && ek.starts_with(rows_prefix); rc = cur.step(MDB_NEXT, &ek, &ev)) {
      uint64_t id = get_be64(ek.substr(rows_prefix.size()));
      if (out.examined == budget) {
        out.cursor = id_cursor(id);
        break;
      }
      ++out.examined;
      auto e = decode_count(ev);
      if (!e) return corrupt("count row");
      if (id != 0 && uint64_t{e->a} + e->b <= max_total && e->changed < older_than) {
        dead.emplace_back(ek);
        st.rows_a -= e->a > 0;
        st.rows_b -= e->b > 0;
      }
    }
    if (rc != 0 && rc != MDB_NOTFOUND) return io(c, rc, "scan rows");
  }
  if (dead.empty()) return out;
  if (!c.writable) return fail(ErrorCode::kInternal, "count-table expiry needs a write");
  std::vector<LoggedRow> removed;
  removed.reserve(dead.size());
  for (const auto& dk : dead) {
    MW_TRY(del_sub(c, dk));
    removed.push_back(LoggedRow{get_be64(std::string_view(dk).substr(rows_prefix.size())), 0, 0});
  }
  out.removed = dead.size();
  st.rows -= std::min<uint64_t>(st.rows, dead.size());
  if (st.rows == 0) {
    MW_TRY(delete_key(c, k, true));
  } else {
    MW_TRY(log_change(c, k, st, removed));
    MW_TRY(put_main(c, k, encode_counts(st)));
  }
  return out;
}

namespace {

// One bounded step of a sweep over `dbi`: `visit(key, value)` for at most `budget` entries
// from `at` on; `at` becomes the next entry to visit (empty once the end was reached).
template <typename Visit>
Status sweep_pass(Ctx& c, MDB_dbi dbi, std::string& at, size_t budget, Visit&& visit) {
  Cursor cur;
  if (int rc = cur.open(c.txn, dbi); rc != 0) return io(c, rc, "cursor");
  std::string_view k, v;
  int rc = cur.seek(at, &k, &v);
  for (size_t n = 0; rc == 0 && n < budget; ++n) {
    visit(k, v);
    rc = cur.step(MDB_NEXT, &k, &v);
  }
  if (rc == 0) {
    at.assign(k);
  } else if (rc == MDB_NOTFOUND) {
    at.clear();
  } else {
    return io(c, rc, "sweep");
  }
  return {};
}

}  // namespace

Result<size_t> sweep(Ctx& c, SweepCursor& pos, size_t budget) {
  size_t removed = 0;
  // Expired store keys.
  std::vector<std::pair<std::string, bool>> dead;  // ekey, has elements
  {
    MW_TRY(sweep_pass(c, c.main, pos.main_pos, budget,
                      [&](std::string_view k, std::string_view v) {
                        std::string_view body;
                        auto h = decode_header(v, &body);
                        if (h && expired(h->expiry, c.now)) {
                          dead.emplace_back(std::string(k), has_elements(h->kind));
                        }
                      }));
  }
  for (const auto& [ekey, elements] : dead) {
    MW_TRY(delete_key(c, key_from_ekey(ekey), elements));
    ++removed;
  }
  // Expired map fields.
  std::vector<std::pair<std::string, std::string>> fields;  // element key, ekey
  {
    MW_TRY(sweep_pass(c, c.sub, pos.sub_pos, budget,
                      [&](std::string_view k, std::string_view v) {
                        auto split = split_sub_key(k);
                        if (!split || (split->second != 'f' && split->second != 'F')) return;
                        auto e = decode_field(v);
                        if (e && expired(e->expiry, c.now)) {
                          fields.emplace_back(std::string(k), split->first);
                        }
                      }));
  }
  for (const auto& [fkey, ekey] : fields) {
    KeyRef k = key_from_ekey(ekey);
    std::string_view rec, body;
    int rc = get_raw(c, c.main, k.ekey, &rec);
    std::optional<Header> h;
    if (rc == 0) h = decode_header(rec, &body);
    std::optional<MapState> m;
    if (h && h->kind == Kind::kMap) m = decode_map(body);
    if (m) {
      MW_TRY(remove_field(c, k, *m, fkey, false));
    } else if (rc == 0 || rc == MDB_NOTFOUND) {
      MW_TRY(del_sub(c, fkey));  // an element without its map
    } else {
      return io(c, rc, "sweep");
    }
    ++removed;
  }
  return removed;
}

}  // namespace mw::store::lmdb
