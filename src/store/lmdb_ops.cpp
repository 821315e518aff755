#include "store/lmdb_ops.h"

#include <algorithm>

#include "store/lmdb_codec.h"
#include "store/lmdb_env.h"

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
  auto l = load(c, k);
  if (!l) return fail(l.error());
  WindowState w;
  if (*l) {
    if ((*l)->h.kind != Kind::kWindow) return wrong_kind((*l)->h.kind, "a windowed counter");
    auto d = decode_window((*l)->body);
    if (!d) return corrupt("windowed counter");
    w = std::move(*d);
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
  auto l = load(c, k);
  if (!l) return fail(l.error());
  DistinctState d;
  double prev_exp = 0;
  if (*l) {
    if ((*l)->h.kind != Kind::kDistinct) return wrong_kind((*l)->h.kind, "a distinct set");
    auto dec = decode_distinct((*l)->body);
    if (!dec) return corrupt("distinct set");
    d = *dec;
    prev_exp = (*l)->h.expiry;
  }
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
  auto l = load(c, k);
  if (!l) return fail(l.error());
  ListState s;
  if (*l) {
    if ((*l)->h.kind != Kind::kList) return wrong_kind((*l)->h.kind, "a list");
    auto dec = decode_list((*l)->body);
    if (!dec) return corrupt("list");
    s = *dec;
  }
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
  auto l = load(c, k);
  if (!l) return fail(l.error());
  if (!*l) return out;
  if ((*l)->h.kind != Kind::kList) return wrong_kind((*l)->h.kind, "a list");
  auto s = decode_list((*l)->body);
  if (!s) return corrupt("list");
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
  auto l = load(c, k);
  if (!l) return fail(l.error());
  MapState m;
  if (*l) {
    if ((*l)->h.kind != Kind::kMap) return wrong_kind((*l)->h.kind, "a map");
    auto dec = decode_map((*l)->body);
    if (!dec) return corrupt("map");
    m = *dec;
  }
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
  auto l = load(c, k);
  if (!l) return fail(l.error());
  if (!*l) return {};
  if ((*l)->h.kind != Kind::kMap) return wrong_kind((*l)->h.kind, "a map");
  auto m = decode_map((*l)->body);
  if (!m) return corrupt("map");
  bool hashed = false;
  std::string fkey = field_key(k.prefix, field, &hashed);
  std::string_view raw;
  int rc = get_raw(c, c.sub, fkey, &raw);
  if (rc == MDB_NOTFOUND) return {};
  if (rc != 0) return io(c, rc, "read field");
  auto e = decode_field(raw);
  return remove_field(c, k, *m, fkey, e && e->expiry == 0);
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

Result<size_t> sweep(Ctx& c, SweepCursor& pos, size_t budget) {
  size_t removed = 0;
  // Expired store keys.
  std::vector<std::pair<std::string, bool>> dead;  // ekey, has elements
  {
    Cursor cur;
    if (int rc = cur.open(c.txn, c.main); rc != 0) return io(c, rc, "cursor");
    std::string_view k, v;
    int rc = cur.seek(pos.main_pos, &k, &v);
    for (size_t n = 0; rc == 0 && n < budget; ++n) {
      std::string_view body;
      auto h = decode_header(v, &body);
      if (h && expired(h->expiry, c.now)) dead.emplace_back(std::string(k), has_elements(h->kind));
      rc = cur.step(MDB_NEXT, &k, &v);
    }
    if (rc == 0) {
      pos.main_pos.assign(k);
    } else if (rc == MDB_NOTFOUND) {
      pos.main_pos.clear();
    } else {
      return io(c, rc, "sweep");
    }
  }
  for (const auto& [ekey, elements] : dead) {
    MW_TRY(delete_key(c, key_from_ekey(ekey), elements));
    ++removed;
  }
  // Expired map fields.
  std::vector<std::pair<std::string, std::string>> fields;  // element key, ekey
  {
    Cursor cur;
    if (int rc = cur.open(c.txn, c.sub); rc != 0) return io(c, rc, "cursor");
    std::string_view k, v;
    int rc = cur.seek(pos.sub_pos, &k, &v);
    for (size_t n = 0; rc == 0 && n < budget; ++n) {
      auto split = split_sub_key(k);
      if (split && (split->second == 'f' || split->second == 'F')) {
        auto e = decode_field(v);
        if (e && expired(e->expiry, c.now)) fields.emplace_back(std::string(k), split->first);
      }
      rc = cur.step(MDB_NEXT, &k, &v);
    }
    if (rc == 0) {
      pos.sub_pos.assign(k);
    } else if (rc == MDB_NOTFOUND) {
      pos.sub_pos.clear();
    } else {
      return io(c, rc, "sweep");
    }
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
