// Controller routes of the dashboard's time series (series.h), all reads on the store:
//
//   graph?type=hourly|daily|weekly|monthly
//       Rspamd's shape: an array of six series, one per action in the order reject, soft
//       reject, rewrite subject, add header, greylist, no action; each an array of points
//       {x: epoch seconds the point starts, y: messages per minute over the point}.
//       hourly: the last 60 minutes by minute; daily: the last 24 h by 5 minutes; weekly: the
//       last 7 days by hour; monthly: the last 30 days by 4 hours. Periods beyond the
//       retention ([stats] minutes_keep, hours_keep) read 0.
//   perf?minutes=N      scan times of the last N minutes (1..1440, default 60): messages,
//       errors, the histogram {le, count} and the percentiles p50, p90, p95, p99 (seconds,
//       interpolated inside a bucket; beyond the last bound: the last bound)
//   workers             the heartbeats of every worker process: pid, type, started, seen,
//       scanned, errors, rss_kb, state ("ok", or "stale" after 3 missed flushes)
//   authstats?from=YYYY-MM-DD&to=YYYY-MM-DD   inbound sender authentication per UTC day
//       (default: the last 7 days; at most 400 days): {from, to, days: [{date, checked,
//       spf_pass, ...}], totals, shares (of checked), failing: {spf|dkim|dmarc: [{domain,
//       count}]}}. The failing domains are counted over the last 31 days of the range at
//       most, from up to 600 (check, domain) pairs a day, the top 20 each: one set read per
//       day and one count-table read in all (series.h).
#include <algorithm>
#include <cmath>
#include <ctime>
#include <memory>
#include <optional>

#include "mime/date.h"
#include "server/controller_routes.h"
#include "server/countdown.h"
#include "server/series.h"

namespace mw::server {

namespace http = proto::http;

namespace {

constexpr scan::Action kGraphOrder[] = {scan::Action::kReject,         scan::Action::kSoftReject,
                                        scan::Action::kRewriteSubject, scan::Action::kAddHeader,
                                        scan::Action::kGreylist,       scan::Action::kNoAction};
constexpr int64_t kMaxRangeDays = 400;
constexpr int64_t kFailDays = 31;
constexpr size_t kFailMembersPerDay = 600;  // 200 domains for each of the three checks
constexpr size_t kTopFailing = 20;
constexpr double kFailWindow = 3660 * 86400.0;  // the longest days_keep allowed

double now_seconds() { return static_cast<double>(std::time(nullptr)); }

// Answers once every operation it started has called back; keeps the operations.
struct Gather {
  std::shared_ptr<http::Responder> responder;
  RequestWork work;
  Countdown pending;
  std::optional<Error> error;
  std::function<json::Value()> render;
  void release() {
    if (!pending.release()) return;
    responder->send(error ? http::Response::error(500, error->to_string())
                          : controller_json(render()));
    work.done();
  }
};
using GatherPtr = std::shared_ptr<Gather>;

GatherPtr start(Controller& c, http::ResponderPtr r) {
  auto g = std::make_shared<Gather>(
      Gather{std::shared_ptr<http::Responder>(std::move(r)), RequestWork(c.dispatcher())});
  return g;
}

// Read the rows `ids` of `table` into `out` (column a).
void read_rows(store::Store& s, const GatherPtr& g, std::string table, std::vector<uint64_t> ids,
               std::shared_ptr<std::vector<int64_t>> out) {
  g->pending.add();
  g->work.keep(s.counts_get(std::move(table), std::move(ids),
                            [g, out](Result<std::vector<store::Store::CountRow>> rows) {
                              if (!rows) {
                                g->error = rows.error();
                              } else {
                                out->clear();
                                for (const auto& r : *rows) out->push_back(r.a);
                              }
                              g->release();
                            }));
}

// ---- graph ------------------------------------------------------------------------------

struct GraphShape {
  char resolution;
  int64_t periods;  // rows read
  int64_t per_point;
};

std::optional<GraphShape> graph_shape(std::string_view type) {
  if (type == "hourly") return GraphShape{'m', 60, 1};
  if (type == "daily") return GraphShape{'m', 1440, 5};
  if (type == "weekly") return GraphShape{'h', 168, 1};
  if (type == "monthly") return GraphShape{'h', 720, 4};
  return std::nullopt;
}

void graph(Controller& c, const http::Request& req, http::ResponderPtr r) {
  const std::string* type = req.param("type");
  auto shape = graph_shape(type != nullptr ? *type : "hourly");
  if (!shape) {
    r->send(http::Response::error(400, "type must be hourly, daily, weekly or monthly"));
    return;
  }
  double res = resolution_seconds(shape->resolution);
  auto last = static_cast<int64_t>(std::floor(now_seconds() / res));
  int64_t first = last - shape->periods + 1;
  first -= ((first % shape->per_point) + shape->per_point) % shape->per_point;  // align points
  std::vector<uint64_t> ids;
  for (int64_t p = first; p <= last; ++p) ids.push_back(static_cast<uint64_t>(p));
  auto g = start(c, std::move(r));
  std::vector<std::shared_ptr<std::vector<int64_t>>> series;
  for (scan::Action a : kGraphOrder) {
    series.push_back(std::make_shared<std::vector<int64_t>>());
    read_rows(*c.store(), g, series_table(shape->resolution, action_series(a)), ids,
              series.back());
  }
  GraphShape sh = *shape;
  g->render = [series, sh, first, res] {
    json::Value out = json::Value::array();
    double minutes = static_cast<double>(sh.per_point) * res / 60.0;
    for (const auto& rows : series) {
      json::Value points = json::Value::array();
      for (size_t i = 0; i < rows->size(); i += static_cast<size_t>(sh.per_point)) {
        int64_t sum = 0;
        for (size_t j = i; j < i + static_cast<size_t>(sh.per_point) && j < rows->size(); ++j) {
          sum += (*rows)[j];
        }
        json::Value p = json::Value::object();
        p.set("x", static_cast<int64_t>((first + static_cast<int64_t>(i)) * res));
        p.set("y", static_cast<double>(sum) / minutes);
        points.push(std::move(p));
      }
      out.push(std::move(points));
    }
    return out;
  };
  g->release();
}

// ---- perf -------------------------------------------------------------------------------

json::Value percentiles(const std::vector<int64_t>& buckets) {
  int64_t total = 0;
  for (int64_t b : buckets) total += b;
  json::Value out = json::Value::object();
  constexpr size_t kBounds = std::size(scan::Counters::kBuckets);
  for (double q : {0.5, 0.9, 0.95, 0.99}) {
    std::string name = "p" + std::to_string(static_cast<int>(std::lround(q * 100)));
    if (total == 0) {
      out.set(name, json::Value());
      continue;
    }
    double target = q * static_cast<double>(total);
    double cum = 0;
    double value = scan::Counters::kBuckets[kBounds - 1];
    for (size_t i = 0; i < buckets.size(); ++i) {
      auto n = static_cast<double>(buckets[i]);
      if (n > 0 && cum + n >= target) {
        double lo = i == 0 ? 0.0 : scan::Counters::kBuckets[i - 1];
        if (i < kBounds) {
          double hi = scan::Counters::kBuckets[i];
          value = lo + (hi - lo) * ((target - cum) / n);
        } else {
          value = lo;
        }
        break;
      }
      cum += n;
    }
    out.set(name, value);
  }
  return out;
}

void perf(Controller& c, const http::Request& req, http::ResponderPtr r) {
  int64_t minutes = 60;
  if (const std::string* m = req.param("minutes")) {
    minutes = std::clamp<int64_t>(std::atoll(m->c_str()), 1, 1440);
  }
  auto last = static_cast<int64_t>(std::floor(now_seconds() / 60));
  std::vector<uint64_t> ids;
  for (int64_t p = last - minutes + 1; p <= last; ++p) ids.push_back(static_cast<uint64_t>(p));
  auto g = start(c, std::move(r));
  std::vector<std::shared_ptr<std::vector<int64_t>>> tb;
  for (size_t i = 0; i <= std::size(scan::Counters::kBuckets); ++i) {
    tb.push_back(std::make_shared<std::vector<int64_t>>());
    read_rows(*c.store(), g, series_table('m', "tb" + std::to_string(i)), ids, tb.back());
  }
  auto errors = std::make_shared<std::vector<int64_t>>();
  read_rows(*c.store(), g, series_table('m', "errors"), ids, errors);
  g->render = [tb, errors, minutes] {
    auto sum = [](const std::vector<int64_t>& v) {
      int64_t s = 0;
      for (int64_t x : v) s += x;
      return s;
    };
    std::vector<int64_t> buckets;
    json::Value hist = json::Value::array();
    for (size_t i = 0; i < tb.size(); ++i) {
      buckets.push_back(sum(*tb[i]));
      json::Value b = json::Value::object();
      b.set("le", i < std::size(scan::Counters::kBuckets)
                      ? json::Value(scan::Counters::kBuckets[i])
                      : json::Value("+Inf"));
      b.set("count", buckets.back());
      hist.push(std::move(b));
    }
    json::Value out = json::Value::object();
    out.set("minutes", minutes);
    int64_t scanned = 0;
    for (int64_t b : buckets) scanned += b;
    out.set("scanned", scanned);
    out.set("errors", sum(*errors));
    out.set("buckets", std::move(hist));
    out.set("percentiles", percentiles(buckets));
    return out;
  };
  g->release();
}

// ---- workers ----------------------------------------------------------------------------

void workers(Controller& c, http::ResponderPtr r) {
  auto g = start(c, std::move(r));
  auto rows = std::make_shared<json::Value>(json::Value::array());
  g->pending.add();
  g->work.keep(c.store()->map_all(
      "stat:workers", [g, rows](Result<std::vector<std::pair<std::string, std::string>>> all) {
        if (!all) {
          g->error = all.error();
        } else {
          double now = now_seconds();
          for (const auto& [pid, text] : *all) {
            auto v = json::parse(text);
            if (!v || !v->is_object()) continue;
            double seen = v->find("seen") ? v->find("seen")->as_double() : 0;
            double interval = v->find("interval") ? v->find("interval")->as_double(1) : 1;
            v->set("state", now - seen <= 3 * interval + 2 ? "ok" : "stale");
            rows->push(std::move(*v));
          }
        }
        g->release();
      }));
  g->render = [rows] {
    json::Value out = json::Value::object();
    out.set("workers", *rows);
    return out;
  };
  g->release();
}

// ---- authstats --------------------------------------------------------------------------

std::optional<int64_t> parse_day(const std::string& s) {
  unsigned y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char tail = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
      m < 1 || m > 12 || d < 1 || d > 31 || y < 1970) {
    return std::nullopt;
  }
  mime::DateTime midnight;  // UTC
  midnight.year = static_cast<int>(y);
  midnight.month = static_cast<int>(m);
  midnight.day = static_cast<int>(d);
  return mime::to_unix_time(midnight) / 86400;  // days since 1970-01-01
}

std::string day_name(int64_t day) {
  std::time_t t = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

struct FailCounts {
  std::map<std::string, int64_t> by_domain[std::size(kAuthChecks)];
};

// The failing domains of the days first..last into `fails`: one set read per day, then the
// counts of every (day, check, domain) in one count-table read (split at kMaxCountIds).
void read_failing(store::Store& s, const GatherPtr& g, int64_t first, int64_t last,
                  std::shared_ptr<FailCounts> fails) {
  struct Days {
    std::vector<std::vector<std::string>> members;
    Countdown left;  // one per day's set
  };
  if (last < first) return;
  auto days = std::make_shared<Days>();
  days->members.resize(static_cast<size_t>(last - first + 1));
  days->left.add(days->members.size() - 1);
  auto read_counts = [&s, g, days, fails, first] {
    auto keys = std::make_shared<std::vector<std::pair<size_t, std::string>>>();
    std::vector<uint64_t> ids;
    for (size_t i = 0; i < days->members.size(); ++i) {
      for (const auto& member : days->members[i]) {  // "<check>:<domain>"
        size_t colon = member.find(':');
        if (colon == std::string::npos) continue;
        std::string_view check(member.data(), colon);
        auto ci = static_cast<size_t>(
            std::find(std::begin(kAuthChecks), std::end(kAuthChecks), check) -
            std::begin(kAuthChecks));
        if (ci >= std::size(kAuthChecks)) continue;
        keys->emplace_back(ci, member.substr(colon + 1));
        ids.push_back(auth_fail_id(first + static_cast<int64_t>(i), check, keys->back().second));
      }
    }
    for (size_t start = 0; start < ids.size(); start += store::Store::kMaxCountIds) {
      size_t end = std::min(ids.size(), start + store::Store::kMaxCountIds);
      std::vector<uint64_t> part(ids.begin() + static_cast<std::ptrdiff_t>(start),
                                 ids.begin() + static_cast<std::ptrdiff_t>(end));
      g->pending.add();
      g->work.keep(s.counts_get(
          kAuthFailTable, std::move(part),
          [g, fails, keys, start](Result<std::vector<store::Store::CountRow>> rows) {
            if (!rows) {
              g->error = rows.error();
            } else {
              for (size_t j = 0; j < rows->size(); ++j) {
                const auto& [ci, dom] = (*keys)[start + j];
                fails->by_domain[ci][dom] += (*rows)[j].a;
              }
            }
            g->release();
          }));
    }
  };
  g->pending.add();  // released once the counts were asked for
  for (size_t i = 0; i < days->members.size(); ++i) {
    g->work.keep(s.distinct_members(
        auth_fail_set(first + static_cast<int64_t>(i)), kFailWindow, kFailMembersPerDay,
        [g, days, read_counts, i](Result<std::vector<std::string>> members) {
          if (!members) {
            g->error = members.error();
          } else {
            days->members[i] = std::move(*members);
          }
          if (days->left.release()) {
            read_counts();
            g->release();
          }
        }));
  }
}

void authstats(Controller& c, const http::Request& req, http::ResponderPtr r) {
  auto today = static_cast<int64_t>(std::floor(now_seconds() / 86400));
  int64_t to = today;
  int64_t from = today - 6;
  for (auto [name, dest] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    if (const std::string* v = req.param(name)) {
      auto d = parse_day(*v);
      if (!d) {
        r->send(http::Response::error(400, std::string(name) + " must be a date YYYY-MM-DD"));
        return;
      }
      *dest = *d;
    }
  }
  if (from > to || to - from + 1 > kMaxRangeDays) {
    r->send(http::Response::error(400, "from must not be after to, at most 400 days apart"));
    return;
  }
  std::vector<uint64_t> ids;
  for (int64_t d = from; d <= to; ++d) ids.push_back(static_cast<uint64_t>(d));
  auto g = start(c, std::move(r));
  store::Store* s = c.store();
  std::vector<std::shared_ptr<std::vector<int64_t>>> metrics;
  for (const char* m : kAuthMetrics) {
    metrics.push_back(std::make_shared<std::vector<int64_t>>());
    read_rows(*s, g, auth_table(m), ids, metrics.back());
  }
  auto fails = std::make_shared<FailCounts>();
  read_failing(*s, g, std::max(from, to - kFailDays + 1), to, fails);
  g->render = [metrics, fails, from, to] {
    json::Value out = json::Value::object();
    out.set("from", day_name(from));
    out.set("to", day_name(to));
    json::Value days = json::Value::array();
    std::vector<int64_t> totals(metrics.size(), 0);
    for (int64_t d = from; d <= to; ++d) {
      json::Value row = json::Value::object();
      row.set("date", day_name(d));
      auto i = static_cast<size_t>(d - from);
      for (size_t m = 0; m < metrics.size(); ++m) {
        int64_t v = i < metrics[m]->size() ? (*metrics[m])[i] : 0;
        row.set(kAuthMetrics[m], v);
        totals[m] += v;
      }
      days.push(std::move(row));
    }
    out.set("days", std::move(days));
    json::Value tot = json::Value::object();
    json::Value shares = json::Value::object();
    for (size_t m = 0; m < metrics.size(); ++m) {
      tot.set(kAuthMetrics[m], totals[m]);
      if (m > 0) {
        shares.set(kAuthMetrics[m], totals[0] > 0 ? static_cast<double>(totals[m]) /
                                                        static_cast<double>(totals[0])
                                                  : 0.0);
      }
    }
    out.set("totals", std::move(tot));
    out.set("shares", std::move(shares));
    json::Value failing = json::Value::object();
    for (size_t ci = 0; ci < std::size(kAuthChecks); ++ci) {
      std::vector<std::pair<std::string, int64_t>> v(fails->by_domain[ci].begin(),
                                                     fails->by_domain[ci].end());
      std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      json::Value arr = json::Value::array();
      for (size_t i = 0; i < v.size() && i < kTopFailing; ++i) {
        json::Value e = json::Value::object();
        e.set("domain", v[i].first);
        e.set("count", v[i].second);
        arr.push(std::move(e));
      }
      failing.set(kAuthChecks[ci], std::move(arr));
    }
    out.set("failing", std::move(failing));
    return out;
  };
  g->release();
}

}  // namespace

void add_graph_routes(Controller& c) {
  Controller* ctl = &c;
  c.add_route({"graph", {}, Access::kRead, true,
               [ctl](http::Request&& req, http::ResponderPtr r, Access) {
                 graph(*ctl, req, std::move(r));
               }});
  c.add_route({"perf", {}, Access::kRead, true,
               [ctl](http::Request&& req, http::ResponderPtr r, Access) {
                 perf(*ctl, req, std::move(r));
               }});
  c.add_route({"workers", {}, Access::kRead, true,
               [ctl](http::Request&&, http::ResponderPtr r, Access) { workers(*ctl, std::move(r)); }});
  c.add_route({"authstats", {}, Access::kRead, true,
               [ctl](http::Request&& req, http::ResponderPtr r, Access) {
                 authstats(*ctl, req, std::move(r));
               }});
}

}  // namespace mw::server
