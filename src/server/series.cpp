#include "server/series.h"

#include <cmath>
#include <limits>

#include <openssl/sha.h>

#include "scan/auth_results.h"
#include "scan/task.h"

namespace mw::server {

namespace {

constexpr size_t kMaxDomain = 253;

// A domain as it is counted, or "" when it cannot be one.
std::string clean_domain(std::string_view d) {
  if (d.empty() || d.size() > kMaxDomain) return {};
  std::string out;
  out.reserve(d.size());
  for (char c : d) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == ':') return {};
    out.push_back(u < 0x80 ? static_cast<char>(std::tolower(u)) : c);
  }
  return out;
}

int64_t period_of(double now, char resolution) {
  return static_cast<int64_t>(std::floor(now / resolution_seconds(resolution)));
}

}  // namespace

void declare_series_options(core::Schema& s) {
  using core::OptType;
  s.add({"stats.minutes_keep", OptType::kDuration, "\"2d\"",
         "How long the per-minute counts (/graph hourly and daily) are kept", 3600,
         366 * 86400.0});
  s.add({"stats.hours_keep", OptType::kDuration, "\"35d\"",
         "How long the per-hour counts (/graph weekly and monthly) are kept", 86400,
         3660 * 86400.0});
  s.add({"stats.days_keep", OptType::kDuration, "\"400d\"",
         "How long the per-day counts (sender authentication) are kept", 86400,
         3660 * 86400.0});
}

SeriesOptions series_options_from(const core::Config& cfg) {
  SeriesOptions o;
  o.minutes_keep = cfg.get_duration("stats.minutes_keep");
  o.hours_keep = cfg.get_duration("stats.hours_keep");
  o.days_keep = cfg.get_duration("stats.days_keep");
  return o;
}

double resolution_seconds(char resolution) {
  return resolution == 'm' ? 60.0 : resolution == 'h' ? 3600.0 : 86400.0;
}

std::string series_table(char resolution, std::string_view series) {
  return std::string("ts:") + resolution + ":" + std::string(series);
}

std::string action_series(scan::Action action) {
  std::string s(scan::action_name(action));
  for (char& c : s) {
    if (c == ' ') c = '_';
  }
  return s;
}

std::vector<std::string> all_series() {
  std::vector<std::string> out;
  for (size_t i = 0; i < static_cast<size_t>(scan::Action::kCount); ++i) {
    out.push_back(action_series(static_cast<scan::Action>(i)));
  }
  for (size_t i = 0; i <= std::size(scan::Counters::kBuckets); ++i) {
    out.push_back("tb" + std::to_string(i));
  }
  out.push_back("errors");
  return out;
}

std::string auth_table(std::string_view metric) { return "auth:d:" + std::string(metric); }

std::string auth_fail_set(int64_t day) { return "auth:fd:" + std::to_string(day); }

uint64_t auth_fail_id(int64_t day, std::string_view check, std::string_view domain) {
  std::string key = std::to_string(day) + ":" + std::string(check) + ":" + std::string(domain);
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), md);
  uint64_t id = 0;
  for (int i = 0; i < 8; ++i) id = (id << 8) | md[i];
  return id == 0 ? 1 : id;  // row 0 is a count table's own
}

std::optional<AuthSample> auth_sample(const scan::Task& task) {
  if (task.envelope().authenticated()) return std::nullopt;
  const scan::AuthResults* r = scan::auth_results(task);
  if (r == nullptr || (!r->spf && !r->dkim && !r->dmarc)) return std::nullopt;
  AuthSample s;
  if (r->spf) {
    s.spf_pass = r->spf->result == auth::spf::SpfResult::kPass;
    s.spf_domain = clean_domain(r->spf->domain);
  }
  if (r->dkim) {
    for (const auto& sig : r->dkim->signatures) {
      if (sig.status == auth::dkim::DkimResult::kPass) s.dkim_pass = true;
    }
  }
  s.from_domain = clean_domain(r->from_domain);
  s.policy = "absent";
  if (r->dmarc) {
    const auto& d = *r->dmarc;
    if (s.from_domain.empty()) s.from_domain = clean_domain(d.from_domain);
    s.dmarc_pass = d.result == auth::dmarc::DmarcResult::kPass;
    switch (d.result) {
      case auth::dmarc::DmarcResult::kPass:
      case auth::dmarc::DmarcResult::kFail:
        s.policy = std::string(auth::dmarc::policy_name(d.policy));
        break;
      case auth::dmarc::DmarcResult::kNone:
        s.policy = "absent";
        break;
      default:
        s.policy = "unknown";
    }
  }
  return s;
}

void SeriesBatch::count(std::string_view series, double now, int64_t n) {
  for (char res : {'m', 'h', 'd'}) {
    rows_[{series_table(res, series), static_cast<uint64_t>(period_of(now, res))}] += n;
  }
}

void SeriesBatch::auth(const AuthSample& s, double now) {
  auto day = static_cast<uint64_t>(period_of(now, 'd'));
  auto add = [&](std::string_view metric) { rows_[{auth_table(metric), day}] += 1; };
  add("checked");
  if (s.spf_pass) add("spf_pass");
  if (s.dkim_pass) add("dkim_pass");
  if (s.dmarc_pass) add("dmarc_pass");
  add("policy_" + s.policy);
  auto d = static_cast<int64_t>(day);
  if (!s.spf_pass && !s.spf_domain.empty()) fails_[{d, "spf:" + s.spf_domain}] += 1;
  if (!s.from_domain.empty()) {
    if (!s.dkim_pass) fails_[{d, "dkim:" + s.from_domain}] += 1;
    if (!s.dmarc_pass) fails_[{d, "dmarc:" + s.from_domain}] += 1;
  }
}

std::vector<store::OpPtr> SeriesBatch::flush(store::Store& store, const SeriesOptions& o,
                                            const std::function<store::Done()>& make_done) {
  std::vector<store::OpPtr> ops;
  for (const auto& [row, delta] : rows_) {
    ops.push_back(store.counts_add(row.first, {row.second}, delta, 0, make_done()));
  }
  // The failing domains: set members one by one, the counts in one operation per delta.
  std::map<int64_t, std::vector<uint64_t>> by_delta;
  for (const auto& [where, delta] : fails_) {
    const auto& [day, member] = where;  // member: "<check>:<domain>"
    size_t colon = member.find(':');
    by_delta[delta].push_back(
        auth_fail_id(day, member.substr(0, colon), member.substr(colon + 1)));
    ops.push_back(store.distinct_add(auth_fail_set(day), member, o.days_keep,
                                     [done = make_done()](Result<store::Store::DistinctResult> r) {
                                       done(r ? Status() : Status(fail(r.error())));
                                     }));
  }
  for (auto& [delta, ids] : by_delta) {
    ops.push_back(store.counts_add(kAuthFailTable, std::move(ids), delta, 0, make_done()));
  }
  rows_.clear();
  fails_.clear();
  return ops;
}

// ---------------------------------------------------------------------------------------

SeriesKeeper::SeriesKeeper(core::Dispatcher& dispatcher, store::Store& store,
                           SeriesOptions options, store::Clock clock, double period)
    : store_(store), options_(options), clock_(std::move(clock)) {
  for (const auto& s : all_series()) {
    tables_.emplace_back(series_table('m', s), options_.minutes_keep);
    tables_.emplace_back(series_table('h', s), options_.hours_keep);
    tables_.emplace_back(series_table('d', s), options_.days_keep);
  }
  for (const char* m : kAuthMetrics) tables_.emplace_back(auth_table(m), options_.days_keep);
  tables_.emplace_back(kAuthFailTable, options_.days_keep);
  timer_ = dispatcher.create_timer([this, period] {
    run_pass([this, period] { timer_->enable(period); });
  });
  timer_->enable(period);
}

SeriesKeeper::~SeriesKeeper() = default;

void SeriesKeeper::run_pass(std::function<void()> done) {
  ops_.clear();  // the last pass's operations (none is running its callback now)
  step(0, "", std::move(done));
}

void SeriesKeeper::step(size_t table, std::string cursor, std::function<void()> done) {
  if (table >= tables_.size()) {
    if (done) done();
    return;
  }
  const auto& [key, keep] = tables_[table];
  constexpr size_t kBudget = 5000;
  ops_.push_back(store_.counts_expire(
      key, std::numeric_limits<uint64_t>::max(), clock_() - keep, std::move(cursor), kBudget,
      [this, table, done = std::move(done)](Result<store::Store::CountsExpiry> r) mutable {
        if (r && !r->cursor.empty()) {
          step(table, r->cursor, std::move(done));
        } else {
          step(table + 1, "", std::move(done));
        }
      }));
}

}  // namespace mw::server
