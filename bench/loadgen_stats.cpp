#include "loadgen_stats.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "core/json.h"

namespace mw::bench {

namespace {

constexpr int kSubBits = 10;                      // 1,024 sub-buckets per power of two
constexpr uint64_t kLinearLimit = 2ULL << kSubBits;  // exact below 2,048
constexpr int kMaxMsb = 40;                       // 2^41 us ~ 25 days: clamp above
constexpr size_t kBucketCount = kLinearLimit + (kMaxMsb - kSubBits) * (1ULL << kSubBits);

double round_to(double v, double unit) { return std::round(v / unit) * unit; }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

double ms(uint64_t micros) { return static_cast<double>(micros) / 1000.0; }

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

size_t LatencyHistogram::index_of(uint64_t v) {
  if (v < kLinearLimit) return static_cast<size_t>(v);
  int msb = 63 - std::countl_zero(v);
  if (msb > kMaxMsb) return kBucketCount - 1;
  int shift = msb - kSubBits;
  uint64_t sub = (v >> shift) - (1ULL << kSubBits);
  return static_cast<size_t>(kLinearLimit + (msb - kSubBits - 1) * (1ULL << kSubBits) + sub);
}

uint64_t LatencyHistogram::value_of(size_t index) {
  if (index < kLinearLimit) return index;
  uint64_t k = index - kLinearLimit;
  int msb = static_cast<int>(k >> kSubBits) + kSubBits + 1;
  uint64_t sub = (k & ((1ULL << kSubBits) - 1)) + (1ULL << kSubBits);
  int shift = msb - kSubBits;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(uint64_t micros) {
  ++buckets_[index_of(micros)];
  ++count_;
  sum_ += micros;
  max_ = std::max(max_, micros);
}

void LatencyHistogram::clear() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = sum_ = max_ = 0;
}

uint64_t LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(value_of(i), max_);
  }
  return max_;
}

void RunStats::add_error(std::string_view kind, std::string_view detail) {
  ++errors;
  auto [it, inserted] = error_kinds.try_emplace(std::string(kind), 0);
  ++it->second;
  if (inserted && error_examples.size() < kMaxErrorExamples) {
    std::string example(kind);
    if (!detail.empty()) {
      example += ": ";
      example += detail.substr(0, 200);
    }
    for (char& c : example) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    error_examples.push_back(std::move(example));
  }
}

void RunStats::reset_measurements() {
  ok = errors = retries = connects = 0;
  bytes_sent = message_bytes = bytes_received = 0;
  elapsed_s = driver_cpu_s = 0;
  latency.clear();
  actions.clear();
  error_kinds.clear();
  error_examples.clear();
}

std::string format_report(const RunStats& s) {
  std::string out;
  auto line = [&out](std::string_view label, const std::string& value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%-12s", std::string(label).c_str());
    out += buf;
    out += value;
    out += '\n';
  };
  line("target", s.target + " POST " + s.path + ", concurrency " +
                     std::to_string(s.concurrency) +
                     (s.keep_alive ? ", keep-alive" : ", connection per request") +
                     (s.zstd ? ", zstd bodies" : ""));
  line("corpus", std::to_string(s.corpus_messages) + " messages, " +
                     fixed(s.corpus_bytes / 1048576.0, 1) + " MiB");
  line("requests", std::to_string(s.requests()) + " (" + std::to_string(s.ok) + " ok, " +
                       std::to_string(s.errors) + " errors), " + std::to_string(s.connects) +
                       " connections, " + std::to_string(s.retries) + " retries");
  line("elapsed", fixed(s.elapsed_s, 2) + " s");
  line("throughput", fixed(s.messages_per_s(), 1) + " messages/s, " +
                         fixed(s.megabytes_per_s(), 2) + " MB/s of messages");
  const auto& h = s.latency;
  line("latency ms", "p50 " + fixed(ms(h.quantile(0.50)), 2) + "  p90 " +
                         fixed(ms(h.quantile(0.90)), 2) + "  p99 " +
                         fixed(ms(h.quantile(0.99)), 2) + "  max " + fixed(ms(h.max()), 2) +
                         "  mean " + fixed(h.mean() / 1000.0, 2));
  std::string actions;
  for (const auto& [name, n] : s.actions) {
    if (!actions.empty()) actions += ", ";
    actions += name + " " + std::to_string(n);
  }
  line("actions", actions.empty() ? "-" : actions);
  double cpu_pct = s.elapsed_s > 0 ? 100.0 * s.driver_cpu_s / s.elapsed_s : 0;
  double per_request_us = s.requests() > 0 ? 1e6 * s.driver_cpu_s / s.requests() : 0;
  line("driver cpu", fixed(cpu_pct, 1) + "% of one core, " + fixed(per_request_us, 1) +
                         " us per request");
  if (!s.error_kinds.empty()) {
    std::string kinds;
    for (const auto& [kind, n] : s.error_kinds) {
      if (!kinds.empty()) kinds += ", ";
      kinds += kind + " " + std::to_string(n);
    }
    line("error kinds", kinds);
    for (const auto& e : s.error_examples) line("  example", e);
  }
  return out;
}

std::string format_json(const RunStats& s) {
  json::Value v = json::Value::object();
  v.set("target", s.target);
  v.set("path", s.path);
  v.set("concurrency", s.concurrency);
  v.set("keep_alive", s.keep_alive);
  v.set("zstd", s.zstd);
  v.set("corpus_messages", static_cast<uint64_t>(s.corpus_messages));
  v.set("requests", s.requests());
  v.set("ok", s.ok);
  v.set("errors", s.errors);
  v.set("retries", s.retries);
  v.set("connects", s.connects);
  v.set("elapsed_s", round_to(s.elapsed_s, 0.001));
  v.set("msgs_per_s", round_to(s.messages_per_s(), 0.01));
  v.set("mb_per_s", round_to(s.megabytes_per_s(), 0.001));
  const auto& h = s.latency;
  v.set("p50_ms", round_to(ms(h.quantile(0.50)), 0.001));
  v.set("p90_ms", round_to(ms(h.quantile(0.90)), 0.001));
  v.set("p99_ms", round_to(ms(h.quantile(0.99)), 0.001));
  v.set("max_ms", round_to(ms(h.max()), 0.001));
  v.set("mean_ms", round_to(h.mean() / 1000.0, 0.001));
  v.set("driver_cpu_pct",
        round_to(s.elapsed_s > 0 ? 100.0 * s.driver_cpu_s / s.elapsed_s : 0, 0.1));
  v.set("driver_us_per_request",
        round_to(s.requests() > 0 ? 1e6 * s.driver_cpu_s / s.requests() : 0, 0.1));
  json::Value actions = json::Value::object();
  for (const auto& [name, n] : s.actions) actions.set(name, n);
  v.set("actions", std::move(actions));
  json::Value kinds = json::Value::object();
  for (const auto& [kind, n] : s.error_kinds) kinds.set(kind, n);
  v.set("error_kinds", std::move(kinds));
  return json::write(v);
}

}  // namespace mw::bench
