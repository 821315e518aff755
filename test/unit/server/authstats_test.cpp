// /authstats against a real embedded store seen through a counting decorator: a month of
// failing domains is a few dozen store reads (one set per day, one count-table read), and
// the counts it reports are those the workers wrote.
#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <memory>
#include <string>

#include "core/log.h"
#include "server/controller.h"
#include "server/controller_routes.h"
#include "server/series.h"
#include "../store/test_util.h"
#include "controller_support.h"
#include "store/options.h"

namespace mw::server {
namespace {

namespace http = proto::http;

// Forwards every operation to `inner` and counts the reads.
class CountingStore final : public store::Store {
 public:
  explicit CountingStore(store::Store& inner) : s_(inner) {}
  size_t reads = 0;

  store::OpPtr get(std::string k, store::Callback<std::optional<std::string>> cb) override {
    ++reads;
    return s_.get(std::move(k), std::move(cb));
  }
  store::OpPtr set(std::string k, std::string v, double ttl, store::Done cb) override {
    return s_.set(std::move(k), std::move(v), ttl, std::move(cb));
  }
  store::OpPtr del(std::string k, store::Done cb) override { return s_.del(std::move(k), std::move(cb)); }
  store::OpPtr incr(std::string k, int64_t d, double ttl, store::Callback<int64_t> cb) override {
    return s_.incr(std::move(k), d, ttl, std::move(cb));
  }
  store::OpPtr window_add(std::string k, double a, double w, store::Callback<double> cb) override {
    return s_.window_add(std::move(k), a, w, std::move(cb));
  }
  store::OpPtr distinct_add(std::string k, std::string m, double w,
                            store::Callback<DistinctResult> cb) override {
    return s_.distinct_add(std::move(k), std::move(m), w, std::move(cb));
  }
  store::OpPtr distinct_members(std::string k, double w, size_t limit,
                                store::Callback<std::vector<std::string>> cb) override {
    ++reads;
    return s_.distinct_members(std::move(k), w, limit, std::move(cb));
  }
  store::OpPtr list_push(std::string k, std::string v, size_t cap, double ttl,
                         store::Done cb) override {
    return s_.list_push(std::move(k), std::move(v), cap, ttl, std::move(cb));
  }
  store::OpPtr list_range(std::string k, size_t start, size_t count,
                          store::Callback<std::vector<std::string>> cb) override {
    ++reads;
    return s_.list_range(std::move(k), start, count, std::move(cb));
  }
  store::OpPtr map_set(std::string k, std::string f, std::string v, double ttl,
                       store::Done cb) override {
    return s_.map_set(std::move(k), std::move(f), std::move(v), ttl, std::move(cb));
  }
  store::OpPtr map_get(std::string k, std::string f,
                       store::Callback<std::optional<std::string>> cb) override {
    ++reads;
    return s_.map_get(std::move(k), std::move(f), std::move(cb));
  }
  store::OpPtr map_del(std::string k, std::string f, store::Done cb) override {
    return s_.map_del(std::move(k), std::move(f), std::move(cb));
  }
  store::OpPtr map_all(std::string k,
                       store::Callback<std::vector<std::pair<std::string, std::string>>> cb) override {
    ++reads;
    return s_.map_all(std::move(k), std::move(cb));
  }
  store::OpPtr counts_get(std::string k, std::vector<uint64_t> ids,
                          store::Callback<std::vector<CountRow>> cb) override {
    ++reads;
    return s_.counts_get(std::move(k), std::move(ids), std::move(cb));
  }
  store::OpPtr counts_add(std::string k, std::vector<uint64_t> ids, int64_t da, int64_t db,
                          store::Done cb) override {
    return s_.counts_add(std::move(k), std::move(ids), da, db, std::move(cb));
  }
  store::OpPtr counts_info(std::string k, store::Callback<CountsInfo> cb) override {
    ++reads;
    return s_.counts_info(std::move(k), std::move(cb));
  }
  store::OpPtr counts_expire(std::string k, uint64_t max_total, double older_than,
                             std::string cursor, size_t budget,
                             store::Callback<CountsExpiry> cb) override {
    return s_.counts_expire(std::move(k), max_total, older_than, std::move(cursor), budget,
                            std::move(cb));
  }
  std::string_view backend() const override { return s_.backend(); }

 private:
  store::Store& s_;
};

using test_support::FakeResponder;
using test_support::flush_batch;
using test_support::Sent;

class AuthStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreConfig sc;
    sc.lmdb.env.path = dir_.path() + "/store";
    auto st = store::open_store(sc, dispatcher_, logger_, [] { return now(); });
    ASSERT_TRUE(st) << st.error().message;
    inner_ = std::move(*st);
    counting_ = std::make_unique<CountingStore>(*inner_);
  }
  void TearDown() override {
    counting_.reset();
    inner_.reset();
  }
  static double now() { return static_cast<double>(std::time(nullptr)); }

  json::Value get(const std::string& from, const std::string& to) {
    ControllerOptions o;
    EXPECT_TRUE(o.secure_ip.add("192.0.2.0/24"));
    Controller c(dispatcher_, counting_.get(), o);
    add_graph_routes(c);
    http::Request r;
    r.path = "/authstats";
    r.method = "GET";
    r.peer.ip = "192.0.2.10";
    r.query = {{"from", from}, {"to", to}};
    auto s = std::make_shared<Sent>();
    c.handle(std::move(r), std::make_unique<FakeResponder>(s));
    for (int i = 0; i < 100000 && !s->done; ++i) dispatcher_.run_once_nonblock();
    dispatcher_.run_once_nonblock();
    EXPECT_EQ(s->response.status, 200) << s->response.body;
    auto v = json::parse(s->response.body);
    return v ? *v : json::Value();
  }
  core::Dispatcher dispatcher_;
  core::Logger logger_{core::LogLevel::kError};
  store::testing::TempDir dir_;
  store::StorePtr inner_;
  std::unique_ptr<CountingStore> counting_;
};

std::string day_name(double t) {
  std::time_t s = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

TEST_F(AuthStatsTest, AMonthOfFailingDomainsIsAFewDozenReads) {
  // 31 days, 20 sender domains failing every check each day: domain i fails i + 1 times a
  // day, every other one with an SPF domain of its own.
  SeriesBatch b;
  std::map<std::string, int64_t> spf;
  std::map<std::string, int64_t> dmarc;
  for (int day = 0; day < 31; ++day) {
    double t = now() - day * 86400.0;
    for (int i = 0; i < 20; ++i) {
      std::string from = "d" + std::to_string(i) + ".example";
      std::string spf_domain = i % 2 ? "bounce." + from : from;
      for (int n = 0; n <= i; ++n) {
        b.auth(AuthSample{false, false, false, "none", spf_domain, from}, t);
        spf[spf_domain] += 1;
        dmarc[from] += 1;
      }
    }
  }
  flush_batch(b, *inner_, dispatcher_);
  json::Value v = get(day_name(now() - 30 * 86400.0), day_name(now()));
  // 9 metric tables, 31 day sets, 1 count-table read.
  EXPECT_EQ(counting_->reads, 9u + 31u + 1u);
  EXPECT_EQ(v.find("totals")->find("checked")->as_int(), 31 * 210);
  for (auto [check, expected] : {std::pair{"spf", &spf}, {"dmarc", &dmarc}}) {
    const json::Value* rows = v.find("failing")->find(check);
    ASSERT_TRUE(rows != nullptr && rows->size() == 20u) << check;
    for (const auto& row : rows->items()) {
      EXPECT_EQ(row.find("count")->as_int(), (*expected)[row.find("domain")->as_string()])
          << check << " " << row.find("domain")->as_string();
    }
    EXPECT_EQ(rows->items()[0].find("domain")->as_string(),
              std::string(check) == "spf" ? "bounce.d19.example" : "d19.example");
  }
}

}  // namespace
}  // namespace mw::server
