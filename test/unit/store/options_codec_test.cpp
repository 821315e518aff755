// [store] options, the factory, and the encodings both backends rely on.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "store/common.h"
#include "store/lmdb_codec.h"
#include "store/options.h"
#include "store/redis_conn.h"
#include "store/redis_scripts.h"
#include "test_util.h"

namespace mw::store {
namespace {

Result<StoreConfig> parse(const std::string& toml, std::string_view db_dir = {}) {
  core::Schema schema;
  declare_options(schema);
  std::vector<core::ConfigIssue> issues;
  auto cfg = core::Config::from_string(schema, toml, issues);
  if (!cfg) return fail(cfg.error());
  return config_from(**cfg, db_dir);
}

TEST(StoreOptions, Defaults) {
  auto c = parse("");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->backend, Backend::kLmdb);
  EXPECT_EQ(c->lmdb.env.path, "");
  EXPECT_EQ(c->lmdb.env.map_size, uint64_t{1} << 30);
  EXPECT_EQ(c->lmdb.env.max_map_size, uint64_t{4} << 30);
  EXPECT_EQ(c->lmdb.env.sync, lmdb::Sync::kPeriodic);
  EXPECT_EQ(c->lmdb.limits.max_distinct, 1000u);
  EXPECT_EQ(c->lmdb.limits.max_value_size, 1u << 20);
  EXPECT_DOUBLE_EQ(c->lmdb.sweep_interval, 10);
  EXPECT_EQ(c->lmdb.mirror_rows, 1000000u);
  EXPECT_EQ(c->redis.servers, std::vector<std::string>{"127.0.0.1:6379"});
  EXPECT_EQ(c->redis.prefix, "mw:");
  EXPECT_DOUBLE_EQ(c->redis.timeout, 1);
  EXPECT_EQ(c->redis.db, 0);
}

TEST(StoreOptions, Values) {
  auto c = parse(R"(
[store]
backend = "redis"
map_size = "16M"
max_map_size = "1M"
max_distinct = 50
max_value_size = "64k"
sweep_interval = "1m"
sync = "commit"
[store.redis]
servers = ["10.0.0.1:6380", "[::1]:6379", "/run/redis.sock"]
password = "pw"
db = 2
prefix = "x:"
timeout = "250ms"
max_pending = 7
)");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->backend, Backend::kRedis);
  EXPECT_EQ(c->lmdb.env.map_size, uint64_t{16} << 20);
  EXPECT_EQ(c->lmdb.env.max_map_size, uint64_t{16} << 20);  // never below map_size
  EXPECT_EQ(c->lmdb.env.sync, lmdb::Sync::kCommit);
  EXPECT_DOUBLE_EQ(c->lmdb.sweep_interval, 60);
  EXPECT_EQ(c->redis.limits.max_distinct, 50u);
  EXPECT_EQ(c->redis.limits.max_value_size, 64u << 10);
  EXPECT_EQ(c->redis.servers.size(), 3u);
  EXPECT_EQ(c->redis.password, "pw");
  EXPECT_EQ(c->redis.db, 2);
  EXPECT_EQ(c->redis.prefix, "x:");
  EXPECT_DOUBLE_EQ(c->redis.timeout, 0.25);
  EXPECT_EQ(c->redis.max_pending, 7u);
}

TEST(StoreOptions, PathFromDbDir) {
  EXPECT_EQ(parse("", "/var/lib/mw")->lmdb.env.path, "/var/lib/mw/store");
  EXPECT_EQ(parse("[store]\npath = \"$DBDIR/state\"", "/d")->lmdb.env.path, "/d/state");
  EXPECT_EQ(parse("[store]\npath = \"/abs\"", "/d")->lmdb.env.path, "/abs");
}

TEST(StoreOptions, BadValues) {
  EXPECT_FALSE(parse("[store]\nbackend = \"memcached\""));
  EXPECT_FALSE(parse("[store]\nbackend = \"redis\"\n[store.redis]\nservers = [\"h:0\"]"));
  EXPECT_FALSE(parse("[store]\nbackend = \"redis\"\n[store.redis]\nservers = []"));
  EXPECT_FALSE(parse("[store]\nmax_distinct = 0"));
  // Redis servers are checked only when Redis is used.
  EXPECT_TRUE(parse("[store.redis]\nservers = [\"h:0\"]"));
}

TEST(StoreOptions, Sentinels) {
  auto c = parse("[store]\nbackend = \"redis\"\n[store.redis]\nservers = []\n"
                 "sentinels = [\"10.0.0.1:26379\", \"10.0.0.2:26379\"]\nmaster_name = \"mw\"\n"
                 "sentinel_check = \"500ms\"\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->redis.sentinels.size(), 2u);
  EXPECT_EQ(c->redis.master_name, "mw");
  EXPECT_DOUBLE_EQ(c->redis.sentinel_check, 0.5);
  // A master name is required, and sentinel addresses are checked.
  EXPECT_FALSE(parse("[store]\nbackend = \"redis\"\n[store.redis]\n"
                     "sentinels = [\"10.0.0.1:26379\"]\n"));
  EXPECT_FALSE(parse("[store]\nbackend = \"redis\"\n[store.redis]\n"
                     "sentinels = [\"10.0.0.1:0\"]\nmaster_name = \"mw\"\n"));
}

TEST(StoreOptions, Replicas) {
  auto c = parse("[store]\nbackend = \"redis\"\n[store.redis]\nservers = [\"10.0.0.1:6379\"]\n"
                 "replicas = [\"10.0.0.2:6379\", \"10.0.0.3:6379\"]\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->redis.replicas, (std::vector<std::string>{"10.0.0.2:6379", "10.0.0.3:6379"}));
  // The default prefixes: Bayes, statistics and display lists; never the hold list or rates.
  EXPECT_EQ(c->redis.replica_keys,
            (std::vector<std::string>{"bayes1:", "stat:", "hist", "errors", "ob:events"}));
  auto off = parse("[store]\nbackend = \"redis\"\n[store.redis]\nreplica_keys = []\n");
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->redis.replica_keys.empty());
  // Not with sharded servers (a replica belongs to one), not with sentinels (discovered
  // there), and addresses are checked.
  EXPECT_FALSE(parse("[store]\nbackend = \"redis\"\n[store.redis]\n"
                     "servers = [\"10.0.0.1:6379\", \"10.0.0.4:6379\"]\n"
                     "replicas = [\"10.0.0.2:6379\"]\n"));
  EXPECT_FALSE(parse("[store]\nbackend = \"redis\"\n[store.redis]\n"
                     "sentinels = [\"10.0.0.1:26379\"]\nmaster_name = \"mw\"\n"
                     "replicas = [\"10.0.0.2:6379\"]\n"));
  EXPECT_FALSE(parse("[store]\nbackend = \"redis\"\n[store.redis]\nreplicas = [\"10.0.0.2:0\"]\n"));
}

TEST(StoreOptions, OpenStore) {
  core::Dispatcher d;
  core::Logger log(core::LogLevel::kSilent);
  auto clock = [] { return 1e9; };
  auto c = parse("");
  auto none = open_store(*c, d, log, clock);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidInput);
  testing::TempDir dir;
  auto with_dir = parse("[store]\nmap_size = \"8M\"", dir.path());
  auto s = open_store(*with_dir, d, log, clock);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)->backend(), "lmdb");
  auto r = parse("[store]\nbackend = \"redis\"\n[store.redis]\nservers = [\"127.0.0.1:1\"]");
  auto rs = open_store(*r, d, log, clock);
  ASSERT_TRUE(rs);  // connects in the background
  EXPECT_EQ((*rs)->backend(), "redis");
}

TEST(StoreEndpoint, Parse) {
  auto a = redis::parse_endpoint("10.1.2.3:7000");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "10.1.2.3");
  EXPECT_EQ(a->port, 7000);
  EXPECT_EQ(redis::parse_endpoint("localhost")->port, 6379);
  auto v6 = redis::parse_endpoint("[2001:db8::1]:6380");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->to_string(), "[2001:db8::1]:6380");
  EXPECT_EQ(redis::parse_endpoint("::1")->host, "::1");
  EXPECT_EQ(redis::parse_endpoint("/tmp/r.sock")->unix_path, "/tmp/r.sock");
  EXPECT_FALSE(redis::parse_endpoint(""));
  EXPECT_FALSE(redis::parse_endpoint("h:"));
  EXPECT_FALSE(redis::parse_endpoint(":1"));
  EXPECT_FALSE(redis::parse_endpoint("h:65536"));
  EXPECT_FALSE(redis::parse_endpoint("[::1]x"));
}

TEST(StoreCommon, Counters) {
  using detail::parse_counter;
  EXPECT_EQ(parse_counter("0"), 0);
  EXPECT_EQ(parse_counter("-42"), -42);
  EXPECT_EQ(parse_counter("007"), 7);
  EXPECT_EQ(parse_counter("9007199254740991"), 9007199254740991);
  EXPECT_EQ(parse_counter("9007199254740992"), std::nullopt);
  EXPECT_EQ(parse_counter(""), std::nullopt);
  EXPECT_EQ(parse_counter("-"), std::nullopt);
  EXPECT_EQ(parse_counter("+1"), std::nullopt);
  EXPECT_EQ(parse_counter("1 "), std::nullopt);
  EXPECT_EQ(parse_counter("1e3"), std::nullopt);
  EXPECT_EQ(detail::add_counter(detail::kMaxExact, 1), std::nullopt);
  EXPECT_EQ(detail::add_counter(-detail::kMaxExact, -1), std::nullopt);
  EXPECT_EQ(detail::add_counter(5, -7), -2);
}

TEST(StoreCommon, DoublesRoundTrip) {
  for (double d : {0.0, 1.0, -2.5, 0.1, 1700000000.123456789, 1e-300, 123456789012345.0}) {
    EXPECT_EQ(detail::parse_double(detail::format_double(d)), d);
  }
  EXPECT_EQ(detail::parse_double("inf"), std::nullopt);
  EXPECT_EQ(detail::parse_double("1x"), std::nullopt);
}

TEST(StoreCommon, Buckets) {
  EXPECT_DOUBLE_EQ(detail::bucket_width(60), 1);
  EXPECT_DOUBLE_EQ(detail::bucket_width(0.001), detail::kMinBucketWidth);
  EXPECT_EQ(detail::bucket_index(10.5, 1), 10);
  EXPECT_EQ(detail::bucket_index(-0.5, 1), -1);
  EXPECT_TRUE(detail::bucket_live(10, 1, 70, 60));    // ends at 11 > 10
  EXPECT_FALSE(detail::bucket_live(10, 1, 71, 60));   // ends at 11, window from 11
  EXPECT_FALSE(detail::check_window(0));
  EXPECT_FALSE(detail::check_window(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_TRUE(detail::check_ttl(-1));
  EXPECT_FALSE(detail::check_ttl(std::numeric_limits<double>::infinity()));
}

TEST(LmdbCodec, SortableDoubles) {
  std::vector<double> v = {-1e9, -2.5, -0.0, 0.0, 1e-9, 1, 2.5, 1.7e9, 1e300};
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    EXPECT_LE(lmdb::sortable_double(v[i]), lmdb::sortable_double(v[i + 1])) << v[i];
    EXPECT_EQ(lmdb::unsortable_double(lmdb::sortable_double(v[i])), v[i]);
  }
}

TEST(LmdbCodec, RecordsRoundTrip) {
  std::string_view body;
  std::string value_rec = lmdb::encode_value(12.5, std::string("a\0b", 3));
  auto h = lmdb::decode_header(value_rec, &body);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->kind, lmdb::Kind::kValue);
  EXPECT_EQ(h->expiry, 12.5);
  EXPECT_EQ(body, std::string_view("a\0b", 3));

  lmdb::WindowState w{0.5, {{-3, 1.5}, {7, 2}}};
  std::string rec = lmdb::encode_window(9, w);
  ASSERT_TRUE(lmdb::decode_header(rec, &body));
  auto w2 = lmdb::decode_window(body);
  ASSERT_TRUE(w2);
  EXPECT_EQ(w2->width, 0.5);
  EXPECT_EQ(w2->buckets, w.buckets);
  EXPECT_FALSE(lmdb::decode_window(body.substr(0, body.size() - 1)));

  lmdb::MapState m{3, 1, 99.5};
  std::string map_rec = lmdb::encode_map(0, m);
  ASSERT_TRUE(lmdb::decode_header(map_rec, &body));
  auto m2 = lmdb::decode_map(body);
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->fields, 3u);
  EXPECT_EQ(m2->max_expiry, 99.5);
  EXPECT_FALSE(lmdb::decode_header(std::string("\x02\x01", 2), &body));  // other format
  EXPECT_FALSE(lmdb::decode_header(std::string("\x01\x09" "12345678", 10), &body));

  std::string field_rec = lmdb::encode_field(5, "long field", "value");
  auto f = lmdb::decode_field(field_rec);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->expiry, 5);
  EXPECT_EQ(f->field, "long field");
  EXPECT_EQ(f->value, "value");
  EXPECT_FALSE(lmdb::decode_field("\x01"));

  // Count tables: the change-log state round-trips; a record written before the log existed
  // (three counters only) reads with serial 0 and an empty log.
  lmdb::CountsState cs{5, 3, 4, 0xfeed, 9, 2, 77};
  std::string counts_rec = lmdb::encode_counts(cs);
  ASSERT_TRUE(lmdb::decode_header(counts_rec, &body));
  auto cs2 = lmdb::decode_counts(body);
  ASSERT_TRUE(cs2);
  EXPECT_EQ(cs2->serial, 0xfeedu);
  EXPECT_EQ(cs2->gen, 9u);
  EXPECT_EQ(cs2->log_from, 2u);
  EXPECT_EQ(cs2->log_rows, 77u);
  auto no_size = lmdb::decode_counts(body.substr(0, 48));  // before the log's size was kept
  ASSERT_TRUE(no_size);
  EXPECT_EQ(no_size->gen, 9u);
  EXPECT_EQ(no_size->log_rows, 0u);
  auto old = lmdb::decode_counts(body.substr(0, 24));
  ASSERT_TRUE(old);
  EXPECT_EQ(old->rows, 5u);
  EXPECT_EQ(old->serial, 0u);
  EXPECT_GT(old->log_from, old->gen);
  EXPECT_FALSE(lmdb::decode_counts(body.substr(0, 30)));
  std::string log = lmdb::encode_count_log({{1, 2, 3}, {~uint64_t{0}, 0, 0xffffffffu}});
  std::vector<lmdb::LoggedRow> rows;
  EXPECT_TRUE(lmdb::decode_count_log(log, [&](const lmdb::LoggedRow& r) { rows.push_back(r); }));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].id, ~uint64_t{0});
  EXPECT_EQ(rows[1].b, 0xffffffffu);
  EXPECT_FALSE(lmdb::decode_count_log(log.substr(0, 10), [](const lmdb::LoggedRow&) {}));
}

TEST(LmdbCodec, KeysFitLmdb) {
  auto k = lmdb::make_key(std::string(10000, 'x'));
  EXPECT_EQ(k.ekey.size(), 33u);
  EXPECT_NE(lmdb::make_key(std::string(10000, 'x')).ekey,
            lmdb::make_key(std::string(10001, 'x')).ekey);
  auto longest = lmdb::make_key(std::string(lmdb::kDirectKeyMax, 'k'));
  bool hashed = false;
  EXPECT_LE(lmdb::field_key(longest.prefix, std::string(600, 'f'), &hashed).size(),
            lmdb::kMaxLmdbKey);
  EXPECT_TRUE(hashed);
  std::string id = lmdb::member_id(longest.prefix, std::string(600, 'm'));
  EXPECT_LE(lmdb::time_key(longest.prefix, 1.0, id).size(), lmdb::kMaxLmdbKey);
  std::string lk = lmdb::list_key(longest.prefix, 7);
  auto split = lmdb::split_sub_key(lk);
  ASSERT_TRUE(split);
  EXPECT_EQ(split->first, longest.ekey);
  EXPECT_EQ(split->second, 'l');
  std::string tkey = lmdb::time_key(k.prefix, 42.25, "mabc");
  auto tk = lmdb::parse_time_key(k.prefix, tkey);
  ASSERT_TRUE(tk);
  EXPECT_EQ(tk->first, 42.25);
  EXPECT_EQ(tk->second, "mabc");
}

TEST(RedisLayout, Entries) {
  std::string entry = redis::encode_entry(1700000000.25, std::string("v:\0", 3));
  auto e = redis::decode_entry(entry);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->expiry, 1700000000.25);
  EXPECT_EQ(e->payload, std::string_view("v:\0", 3));
  EXPECT_EQ(redis::encode_entry(0, "x"), std::string("\x01" "0:x"));
  EXPECT_FALSE(redis::decode_entry("plain"));
  EXPECT_FALSE(redis::decode_entry("\x01" "abc:x"));
  EXPECT_EQ(redis::ttl_ms(1.0001), 2001);
  auto s = redis::make_script(redis::ScriptId::kIncr);
  EXPECT_EQ(s.sha.size(), 40u);
  EXPECT_NE(s.sha, redis::make_script(redis::ScriptId::kMapAll).sha);
}

}  // namespace
}  // namespace mw::store
