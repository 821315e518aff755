#include "store/redis_store.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/hash.h"

namespace mw::store {

using redis::ScriptId;

namespace {

using Reply = const redisReply*;
using detail::format_double;

constexpr size_t kMapPruneSample = 16;
constexpr uint64_t kMaxIndex = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// Jump consistent hash (Lamping and Veach, 2014): a bucket in [0, buckets).
size_t jump_hash(uint64_t key, size_t buckets) {
  int64_t b = -1, j = 0;
  while (j < static_cast<int64_t>(buckets)) {
    b = j;
    key = key * 2862933555777941757ull + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) *
                             (static_cast<double>(int64_t{1} << 31) /
                              static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<size_t>(b);
}

Failure unexpected(Reply r) {
  return fail(ErrorCode::kIo, "redis: unexpected reply type " + std::to_string(r->type));
}

std::string_view text(Reply r) { return std::string_view(r->str, r->len); }

template <typename T, typename Decode>
Result<T> convert(const Result<Reply>& r, const Decode& decode) {
  if (!r) return fail(r.error());
  if ((*r)->type == REDIS_REPLY_ERROR) return fail(redis::reply_error(*r));
  return decode(*r);
}

Status decode_done(Reply) { return {}; }

// A decoder of a reply that is one string holding a number, read by `parse` (nullopt: the
// text is not such a number).
template <typename T>
auto decode_number(std::optional<T> (*parse)(std::string_view)) {
  return [parse](Reply r) -> Result<T> {
    if (r->type != REDIS_REPLY_STRING) return unexpected(r);
    auto v = parse(text(r));
    if (!v) return unexpected(r);
    return *v;
  };
}

// An optional entry (GET, HGET): absent when nil or expired at `now`.
Result<std::optional<std::string>> decode_optional_entry(Reply r, double now) {
  if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  if (r->type != REDIS_REPLY_STRING) return unexpected(r);
  auto e = redis::decode_entry(text(r));
  if (!e) return fail(ErrorCode::kInvalidInput, "value is not in the store format");
  if (detail::expired(e->expiry, now)) return std::optional<std::string>();
  return std::optional<std::string>(std::string(e->payload));
}

Result<std::vector<std::string>> decode_strings(Reply r, bool entries) {
  if (r->type != REDIS_REPLY_ARRAY) return unexpected(r);
  std::vector<std::string> out;
  out.reserve(r->elements);
  for (size_t i = 0; i < r->elements; ++i) {
    Reply e = r->element[i];
    if (e->type != REDIS_REPLY_STRING) return unexpected(e);
    if (!entries) {
      out.emplace_back(text(e));
      continue;
    }
    auto d = redis::decode_entry(text(e));
    if (!d) return fail(ErrorCode::kInvalidInput, "list entry is not in the store format");
    out.emplace_back(d->payload);
  }
  return out;
}

// A count-table row id as the hash field: 8 bytes, big endian.
std::string id_field(uint64_t id) {
  std::string f(8, '\0');
  for (int i = 0; i < 8; ++i) f[7 - i] = static_cast<char>((id >> (8 * i)) & 0xff);
  return f;
}
const std::string kCountsMeta("\0c", 2);

// "A:B:CHANGED" -> {A, B}.
std::optional<Store::CountRow> parse_row(std::string_view v) {
  size_t c1 = v.find(':');
  size_t c2 = c1 == std::string_view::npos ? c1 : v.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return std::nullopt;
  auto a = detail::parse_counter(v.substr(0, c1));
  auto b = detail::parse_counter(v.substr(c1 + 1, c2 - c1 - 1));
  if (!a || !b || *a < 0 || *b < 0 || *a > UINT32_MAX || *b > UINT32_MAX) return std::nullopt;
  return Store::CountRow{static_cast<uint32_t>(*a), static_cast<uint32_t>(*b)};
}

Result<uint64_t> non_negative(Reply r) {
  if (r->type != REDIS_REPLY_INTEGER || r->integer < 0) return unexpected(r);
  return static_cast<uint64_t>(r->integer);
}

std::string px_or_zero(double ttl) {
  return ttl > 0 ? std::to_string(redis::ttl_ms(ttl)) : std::string("0");
}

}  // namespace

RedisStore::RedisStore(const RedisOptions& opts, core::Dispatcher& d, core::Logger& log,
                       Clock clock)
    : opts_(opts), dispatcher_(d), logger_(log), clock_(std::move(clock)),
      health_(log, "redis", clock_) {
  for (int i = 0; i < redis::kScriptCount; ++i) {
    scripts_[static_cast<size_t>(i)] = redis::make_script(static_cast<ScriptId>(i));
  }
}

RedisStore::~RedisStore() {
  alive_.reset();  // posted results are dropped from now on
  sentinel_timer_.reset();
  switch_watch_.reset();
  replicas_.reset();
  conns_.clear();
  sentinel_.reset();
}

void RedisStore::switch_master(const redis::Endpoint& master, const redis::Endpoint& sentinel) {
  redis::RedisConn& c = *conns_[0];
  if (master.to_string() == c.endpoint().to_string() && c.connected()) return;  // known
  std::string why = "+switch-master from sentinel " + sentinel.to_string() +
                    ": the master is now " + master.to_string();
  logger_.info("store", "redis " + why);
  c.reconnect_now(why);
  discover_replicas();
}

void RedisStore::discover_replicas() {
  if (!replicas_ || !sentinel_) return;
  sentinel_->replicas([this](Result<std::vector<redis::Endpoint>> r) {
    if (r) replicas_->update(*r);  // no answer: keep what we had (reads fall back anyway)
  });
}

void RedisStore::check_master() {
  sentinel_->master([this](Result<redis::Endpoint> ep) {
    if (ep && !conns_.empty() && ep->to_string() != conns_[0]->endpoint().to_string()) {
      conns_[0]->reconnect_now("the sentinels moved the master to " + ep->to_string());
    }
  });
  discover_replicas();
  sentinel_timer_->enable(opts_.sentinel_check);
}

Result<std::unique_ptr<RedisStore>> RedisStore::open(const RedisOptions& opts,
                                                     core::Dispatcher& dispatcher,
                                                     core::Logger& logger, Clock clock) {
  if (!clock) return fail(ErrorCode::kInvalidInput, "store: no clock");
  if (opts.servers.empty() && opts.sentinels.empty()) {
    return fail(ErrorCode::kInvalidInput, "store.redis.servers is empty");
  }
  std::vector<redis::Endpoint> endpoints;
  std::vector<redis::Endpoint> sentinels;
  for (const auto& s : opts.sentinels) {
    auto ep = redis::parse_endpoint(s);
    if (!ep) return fail(ep.error());
    sentinels.push_back(std::move(*ep));
  }
  std::vector<redis::Endpoint> sentinel_copy = sentinels;
  if (!opts.replicas.empty() && (!sentinels.empty() || opts.servers.size() != 1)) {
    return fail(ErrorCode::kInvalidInput,
                "store.redis.replicas needs exactly one server and no sentinels (with "
                "sentinels the replicas are discovered)");
  }
  std::vector<redis::Endpoint> replicas;
  for (const auto& r : opts.replicas) {
    auto ep = redis::parse_endpoint(r);
    if (!ep) return fail(ep.error());
    replicas.push_back(std::move(*ep));
  }
  if (!sentinels.empty() && opts.master_name.empty()) {
    return fail(ErrorCode::kInvalidInput, "store.redis.sentinels needs store.redis.master_name");
  }
  // With sentinels: one connection, to whichever server they name (resolved at connect).
  for (const auto& s : sentinels.empty() ? opts.servers
                                         : std::vector<std::string>{sentinels[0].to_string()}) {
    auto ep = redis::parse_endpoint(s);
    if (!ep) return fail(ep.error());
    endpoints.push_back(std::move(*ep));
  }
  redis::ConnOptions co;
  co.timeout = opts.timeout;
  co.password = opts.password;
  co.db = opts.db;
  co.max_pending = std::max<size_t>(opts.max_pending, 1);
  co.reconnect_min = opts.reconnect_min;
  co.reconnect_max = std::max(opts.reconnect_min, opts.reconnect_max);
  std::unique_ptr<RedisStore> s(new RedisStore(opts, dispatcher, logger, std::move(clock)));
  s->sentinel_endpoints_ = std::move(sentinel_copy);
  for (auto& ep : endpoints) {
    s->conns_.push_back(std::make_unique<redis::RedisConn>(dispatcher, logger, std::move(ep), co));
  }
  RedisStore* self = s.get();
  if (!opts.replica_keys.empty() && (!replicas.empty() || !sentinels.empty())) {
    s->replicas_ = std::make_unique<redis::ReplicaSet>(dispatcher, logger, co);
    s->replicas_->update(replicas);
  }
  if (!sentinels.empty()) {
    redis::ConnOptions so = co;
    so.max_pending = 64;
    s->sentinel_ = std::make_unique<redis::SentinelClient>(dispatcher, logger,
                                                           std::move(sentinels),
                                                           opts.master_name, so);
    s->conns_[0]->set_resolver([self](std::function<void(Result<redis::Endpoint>)> cb) {
      self->sentinel_->master(std::move(cb));
    });
    s->switch_watch_ = std::make_unique<redis::SwitchWatch>(
        dispatcher, logger, s->sentinel_endpoints_, opts.master_name, so,
        [self](redis::Endpoint master, const redis::Endpoint& sentinel) {
          self->switch_master(master, sentinel);
        });
    s->sentinel_timer_ = dispatcher.create_timer([self] { self->check_master(); });
    s->sentinel_timer_->enable(opts.sentinel_check);
    s->discover_replicas();
  }
  for (auto& c : s->conns_) {
    c->set_on_state([self](const Error* why) {
      if (why != nullptr) {
        self->health_.failure(*why, false);
      } else if (self->connected_servers() == self->conns_.size()) {
        self->health_.success();
      }
    });
    c->start();
  }
  return s;
}

size_t RedisStore::connected_servers() const {
  return static_cast<size_t>(
      std::count_if(conns_.begin(), conns_.end(), [](const auto& c) { return c->connected(); }));
}

size_t RedisStore::shard_of(std::string_view key) const { return shard_for(key, conns_.size()); }

size_t RedisStore::shard_for(std::string_view key, size_t servers) {
  return servers <= 1 ? 0 : jump_hash(core::fnv1a64(key), servers);
}

redis::RedisConn& RedisStore::conn_for(std::string_view key) { return *conns_[shard_of(key)]; }

template <typename T, typename Decode>
OpPtr RedisStore::command(std::string_view key, std::vector<std::string> argv, Callback<T> cb,
                          Decode decode) {
  auto [pending, handle] = detail::make_pending<T>(std::move(cb));
  conn_for(key).send(argv, [this, p = pending, decode](Result<Reply> r) {
    health_.outcome(r ? nullptr : &r.error());
    detail::post_result<T>(dispatcher_, alive_, p, convert<T>(r, decode));
  });
  return std::move(handle);
}

template <typename T, typename Decode>
OpPtr RedisStore::script(ScriptId id, std::string_view key, std::vector<std::string> args,
                         Callback<T> cb, Decode decode) {
  const redis::Script& s = scripts_[static_cast<size_t>(id)];
  auto argv = std::make_shared<std::vector<std::string>>();
  argv->reserve(4 + args.size());
  argv->push_back("EVALSHA");
  argv->push_back(s.sha);
  argv->push_back("1");
  argv->push_back(full_key(key));
  for (auto& a : args) argv->push_back(std::move(a));
  auto [pending, handle] = detail::make_pending<T>(std::move(cb));
  auto finish = [this, p = pending, decode](Result<Reply> r) {
    health_.outcome(r ? nullptr : &r.error());
    detail::post_result<T>(dispatcher_, alive_, p, convert<T>(r, decode));
  };
  redis::RedisConn* conn = &conn_for(key);
  conn->send(*argv, [this, conn, argv, id, finish](Result<Reply> r) {
    if (r && (*r)->type == REDIS_REPLY_ERROR && text(*r).starts_with("NOSCRIPT")) {
      // The server lost its script cache (restart, SCRIPT FLUSH): send the source once.
      (*argv)[0] = "EVAL";
      (*argv)[1] = scripts_[static_cast<size_t>(id)].body;
      conn->send(*argv, finish);
      return;
    }
    finish(r);
  });
  return std::move(handle);
}

template <typename T, typename Decode>
OpPtr RedisStore::read(std::string_view key, std::vector<std::string> argv, Callback<T> cb,
                       Decode decode) {
  redis::RedisConn* replica = nullptr;
  if (replicas_ && redis::matches_prefix(key, opts_.replica_keys)) replica = replicas_->pick();
  if (replica == nullptr) return command<T>(key, std::move(argv), std::move(cb), decode);
  auto [pending, handle] = detail::make_pending<T>(std::move(cb));
  auto args = std::make_shared<std::vector<std::string>>(std::move(argv));
  replica->send(*args, [this, p = pending, decode, args, k = std::string(key)](Result<Reply> r) {
    if (r && (*r)->type != REDIS_REPLY_ERROR) {
      ++replica_reads_;
      detail::post_result<T>(dispatcher_, alive_, p, convert<T>(r, decode));
      return;
    }
    // Down, slow, loading or refusing (MASTERDOWN): the master answers instead.
    conn_for(k).send(*args, [this, p, decode](Result<Reply> m) {
      health_.outcome(m ? nullptr : &m.error());
      detail::post_result<T>(dispatcher_, alive_, p, convert<T>(m, decode));
    });
  });
  return std::move(handle);
}

template <typename T>
OpPtr RedisStore::reject(const Status& why, Callback<T> cb) {
  auto [pending, handle] = detail::make_pending<T>(std::move(cb));
  detail::post_result<T>(dispatcher_, alive_, pending, fail(why.error()));
  return std::move(handle);
}

template <typename T>
OpPtr RedisStore::ready(T value, Callback<T> cb) {
  auto [pending, handle] = detail::make_pending<T>(std::move(cb));
  detail::post_result<T>(dispatcher_, alive_, pending, Result<T>(std::move(value)));
  return std::move(handle);
}

OpPtr RedisStore::get(std::string key, Callback<std::optional<std::string>> cb) {
  using T = std::optional<std::string>;
  if (auto st = detail::check_key(key, opts_.limits); !st) return reject<T>(st, std::move(cb));
  double now = clock_();
  return read<T>(key, {"GET", full_key(key)}, std::move(cb),
                 [now](Reply r) { return decode_optional_entry(r, now); });
}

OpPtr RedisStore::set(std::string key, std::string value, double ttl, Done cb) {
  if (auto st = detail::check_set(key, value, ttl, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  std::vector<std::string> argv{"SET", full_key(key),
                                redis::encode_entry(detail::expiry_for(clock_(), ttl), value)};
  if (ttl > 0) {
    argv.push_back("PX");
    argv.push_back(std::to_string(redis::ttl_ms(ttl)));
  }
  return command<void>(key, std::move(argv), std::move(cb), decode_done);
}

OpPtr RedisStore::del(std::string key, Done cb) {
  if (auto st = detail::check_key(key, opts_.limits); !st) return reject<void>(st, std::move(cb));
  return command<void>(key, {"DEL", full_key(key)}, std::move(cb), decode_done);
}

OpPtr RedisStore::incr(std::string key, int64_t delta, double ttl, Callback<int64_t> cb) {
  if (auto st = detail::check_incr(key, delta, ttl, opts_.limits); !st) {
    return reject<int64_t>(st, std::move(cb));
  }
  double now = clock_();
  std::vector<std::string> args{format_double(now), std::to_string(delta),
                                ttl > 0 ? format_double(now + ttl) : std::string(),
                                px_or_zero(ttl)};
  return script<int64_t>(ScriptId::kIncr, key, std::move(args), std::move(cb),
                         decode_number(&detail::parse_counter));
}

OpPtr RedisStore::window_add(std::string key, double amount, double window,
                             Callback<double> cb) {
  if (auto st = detail::check_window_add(key, amount, window, opts_.limits); !st) {
    return reject<double>(st, std::move(cb));
  }
  std::vector<std::string> args{format_double(clock_()),
                                format_double(amount),
                                format_double(window),
                                format_double(detail::bucket_width(window)),
                                std::to_string(detail::kMaxBuckets),
                                std::to_string(redis::kSlackMs)};
  return script<double>(ScriptId::kWindow, key, std::move(args), std::move(cb),
                        decode_number(&detail::parse_double));
}

OpPtr RedisStore::distinct_add(std::string key, std::string member, double window,
                               Callback<DistinctResult> cb) {
  if (auto st = detail::check_distinct(key, member, window, opts_.limits); !st) {
    return reject<DistinctResult>(st, std::move(cb));
  }
  double now = clock_();
  std::vector<std::string> args{format_double(now), format_double(now - window),
                                std::move(member), std::to_string(opts_.limits.max_distinct),
                                std::to_string(redis::ttl_ms(window))};
  return script<DistinctResult>(
      ScriptId::kDistinctAdd, key, std::move(args), std::move(cb),
      [](Reply r) -> Result<DistinctResult> {
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_INTEGER ||
            r->element[1]->type != REDIS_REPLY_INTEGER) {
          return unexpected(r);
        }
        DistinctResult d;
        d.count = static_cast<uint64_t>(std::max<long long>(r->element[0]->integer, 0));
        d.was_new = r->element[1]->integer != 0;
        return d;
      });
}

OpPtr RedisStore::distinct_members(std::string key, double window, size_t limit,
                                   Callback<std::vector<std::string>> cb) {
  using T = std::vector<std::string>;
  if (auto st = detail::check_distinct(key, {}, window, opts_.limits); !st) {
    return reject<T>(st, std::move(cb));
  }
  if (limit == 0) return ready<T>({}, std::move(cb));
  uint64_t lim = std::min<uint64_t>(limit, kMaxIndex);
  std::vector<std::string> argv{"ZREVRANGEBYSCORE", full_key(key), "+inf",
                                "(" + format_double(clock_() - window), "LIMIT", "0",
                                std::to_string(lim)};
  return read<T>(key, std::move(argv), std::move(cb),
                 [](Reply r) { return decode_strings(r, false); });
}

OpPtr RedisStore::list_push(std::string key, std::string value, size_t cap, double ttl,
                            Done cb) {
  if (auto st = detail::check_set(key, value, ttl, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  double now = clock_();
  uint64_t c = std::min<uint64_t>(cap, kMaxIndex);
  std::vector<std::string> args{redis::encode_entry(detail::expiry_for(now, ttl), value),
                                std::to_string(c), format_double(now), px_or_zero(ttl),
                                std::to_string(static_cast<int64_t>(c) - 1)};
  return script<void>(ScriptId::kListPush, key, std::move(args), std::move(cb), decode_done);
}

OpPtr RedisStore::list_range(std::string key, size_t start, size_t count,
                             Callback<std::vector<std::string>> cb) {
  using T = std::vector<std::string>;
  if (auto st = detail::check_key(key, opts_.limits); !st) return reject<T>(st, std::move(cb));
  if (count == 0 || start > kMaxIndex) return ready<T>({}, std::move(cb));
  uint64_t stop = count - 1 > kMaxIndex - start ? kMaxIndex : start + count - 1;
  if (start == 0 && replicas_ && redis::matches_prefix(key, opts_.replica_keys)) {
    // The script's check, client side: the newest entry expired means the list did.
    double now = clock_();
    return read<T>(key, {"LRANGE", full_key(key), "0", std::to_string(stop)}, std::move(cb),
                   [now](Reply r) -> Result<T> {
                     if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
                         r->element[0]->type == REDIS_REPLY_STRING) {
                       auto head = redis::decode_entry(text(r->element[0]));
                       if (head && detail::expired(head->expiry, now)) return T{};
                     }
                     return decode_strings(r, true);
                   });
  }
  std::vector<std::string> args{format_double(clock_()), std::to_string(start),
                                std::to_string(stop)};
  return script<T>(ScriptId::kListRange, key, std::move(args), std::move(cb),
                   [](Reply r) { return decode_strings(r, true); });
}

OpPtr RedisStore::map_set(std::string key, std::string field, std::string value, double ttl,
                          Done cb) {
  if (auto st = detail::check_map_set(key, field, value, ttl, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  double now = clock_();
  std::vector<std::string> args{std::move(field),
                                redis::encode_entry(detail::expiry_for(now, ttl), value),
                                format_double(now), px_or_zero(ttl),
                                std::to_string(kMapPruneSample)};
  return script<void>(ScriptId::kMapSet, key, std::move(args), std::move(cb), decode_done);
}

OpPtr RedisStore::map_get(std::string key, std::string field,
                          Callback<std::optional<std::string>> cb) {
  using T = std::optional<std::string>;
  if (auto st = detail::check_map(key, field, opts_.limits); !st) {
    return reject<T>(st, std::move(cb));
  }
  double now = clock_();
  return command<T>(key, {"HGET", full_key(key), std::move(field)}, std::move(cb),
                    [now](Reply r) { return decode_optional_entry(r, now); });
}

OpPtr RedisStore::map_del(std::string key, std::string field, Done cb) {
  if (auto st = detail::check_map(key, field, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  return command<void>(key, {"HDEL", full_key(key), std::move(field)}, std::move(cb),
                       decode_done);
}

OpPtr RedisStore::map_all(std::string key,
                          Callback<std::vector<std::pair<std::string, std::string>>> cb) {
  using T = std::vector<std::pair<std::string, std::string>>;
  if (auto st = detail::check_key(key, opts_.limits); !st) return reject<T>(st, std::move(cb));
  std::vector<std::string> args{format_double(clock_()), std::to_string(redis::kSlackMs)};
  return script<T>(ScriptId::kMapAll, key, std::move(args), std::move(cb),
                   [](Reply r) -> Result<T> {
                     if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0) {
                       return unexpected(r);
                     }
                     T out;
                     out.reserve(r->elements / 2);
                     for (size_t i = 0; i + 1 < r->elements; i += 2) {
                       Reply f = r->element[i];
                       Reply v = r->element[i + 1];
                       if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) {
                         return unexpected(r);
                       }
                       auto e = redis::decode_entry(text(v));
                       if (!e) {
                         return fail(ErrorCode::kInvalidInput, "map value not in store format");
                       }
                       out.emplace_back(std::string(text(f)), std::string(e->payload));
                     }
                     return out;
                   });
}

OpPtr RedisStore::counts_get(std::string key, std::vector<uint64_t> ids,
                             Callback<std::vector<CountRow>> cb) {
  using T = std::vector<CountRow>;
  if (auto st = detail::check_counts(key, ids.size(), opts_.limits); !st) {
    return reject<T>(st, std::move(cb));
  }
  if (ids.empty()) return ready<T>({}, std::move(cb));
  std::vector<std::string> argv;
  argv.reserve(3 + ids.size());
  argv.push_back("HMGET");
  argv.push_back(full_key(key));
  argv.push_back(kCountsMeta);
  for (uint64_t id : ids) argv.push_back(id_field(id));
  return read<T>(key, std::move(argv), std::move(cb), [](Reply r) -> Result<T> {
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1) return unexpected(r);
    T out(r->elements - 1);
    bool table = r->element[0]->type == REDIS_REPLY_STRING;
    for (size_t i = 1; i < r->elements; ++i) {
      Reply e = r->element[i];
      if (e->type == REDIS_REPLY_NIL) continue;
      if (e->type != REDIS_REPLY_STRING) return unexpected(e);
      auto row = parse_row(text(e));
      if (!table || !row) {
        return fail(ErrorCode::kInvalidInput,
                    "key holds another kind of data, not a count table");
      }
      out[i - 1] = *row;
    }
    return out;
  });
}

OpPtr RedisStore::counts_add(std::string key, std::vector<uint64_t> ids, int64_t da, int64_t db,
                             Done cb) {
  if (auto st = detail::check_counts_add(key, ids.size(), da, db, opts_.limits); !st) {
    return reject<void>(st, std::move(cb));
  }
  double now = std::clamp(std::floor(clock_()), 0.0, 4294967295.0);
  std::vector<std::string> args;
  args.reserve(3 + ids.size());
  args.push_back(std::to_string(static_cast<uint64_t>(now)));
  args.push_back(std::to_string(da));
  args.push_back(std::to_string(db));
  for (uint64_t id : ids) args.push_back(id_field(id));
  return script<void>(ScriptId::kCountsAdd, key, std::move(args), std::move(cb), decode_done);
}

OpPtr RedisStore::counts_info(std::string key, Callback<CountsInfo> cb) {
  if (auto st = detail::check_key(key, opts_.limits); !st) {
    return reject<CountsInfo>(st, std::move(cb));
  }
  return script<CountsInfo>(ScriptId::kCountsInfo, key, {}, std::move(cb),
                            [](Reply r) -> Result<CountsInfo> {
                              if (r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
                                return unexpected(r);
                              }
                              uint64_t v[4];
                              for (size_t i = 0; i < 4; ++i) {
                                auto n = non_negative(r->element[i]);
                                if (!n) return fail(n.error());
                                v[i] = *n;
                              }
                              return CountsInfo{v[0], v[1], v[2], v[3]};
                            });
}

OpPtr RedisStore::counts_expire(std::string key, uint64_t max_total, double older_than,
                                std::string cursor, size_t budget, Callback<CountsExpiry> cb) {
  if (auto st = detail::check_counts_expire(key, older_than, budget, opts_.limits); !st) {
    return reject<CountsExpiry>(st, std::move(cb));
  }
  std::vector<std::string> args{cursor.empty() ? std::string("0") : std::move(cursor),
                                std::to_string(budget), std::to_string(max_total),
                                format_double(older_than)};
  return script<CountsExpiry>(ScriptId::kCountsExpire, key, std::move(args), std::move(cb),
                              [](Reply r) -> Result<CountsExpiry> {
                                if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
                                    r->element[2]->type != REDIS_REPLY_STRING) {
                                  return unexpected(r);
                                }
                                auto examined = non_negative(r->element[0]);
                                auto removed = non_negative(r->element[1]);
                                if (!examined || !removed) return unexpected(r);
                                CountsExpiry out{*examined, *removed, std::string(text(r->element[2]))};
                                if (out.cursor == "0") out.cursor.clear();
                                return out;
                              });
}

}  // namespace mw::store
