// Measurements of one load-driver run and their two renderings (a human report and one
// line of JSON).
//
// LatencyHistogram records microsecond values in log-linear buckets: exact below 2,048 us,
// then 1,024 sub-buckets per power of two (relative error under 0.1 %), up to about 12 days.
// Recording is O(1) and allocation-free; percentiles walk the buckets.
//
// Ownership: plain values. Loop affinity: none (the driver owns one per run).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mw::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();
  void record(uint64_t micros);
  void clear();
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / count_; }
  // The value at quantile q (0 < q <= 1), in microseconds; 0 when empty.
  uint64_t quantile(double q) const;

 private:
  static size_t index_of(uint64_t v);
  static uint64_t value_of(size_t index);  // upper edge of the bucket

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

struct RunStats {
  // What was run.
  std::string target;
  std::string path;
  int concurrency = 0;
  bool keep_alive = true;
  bool zstd = false;
  size_t corpus_messages = 0;
  size_t corpus_bytes = 0;

  // What happened in the measured window (after the warm-up).
  uint64_t ok = 0;              // HTTP 200 with a JSON object carrying "action"
  uint64_t errors = 0;          // everything else, including timeouts and resets
  uint64_t retries = 0;         // keep-alive races retried on a fresh connection
  uint64_t connects = 0;        // TCP connections opened
  uint64_t bytes_sent = 0;      // request bodies as sent (compressed with --zstd)
  uint64_t message_bytes = 0;   // the same messages uncompressed
  uint64_t bytes_received = 0;  // reply bodies as received
  double elapsed_s = 0;
  double driver_cpu_s = 0;      // CPU time of the driver's thread
  LatencyHistogram latency;     // of the successful requests
  std::map<std::string, uint64_t> actions;
  std::map<std::string, uint64_t> error_kinds;
  std::vector<std::string> error_examples;  // the first few, one per kind

  uint64_t requests() const { return ok + errors; }
  double messages_per_s() const { return elapsed_s > 0 ? ok / elapsed_s : 0; }
  double megabytes_per_s() const { return elapsed_s > 0 ? message_bytes / elapsed_s / 1e6 : 0; }

  // Count an error of `kind` ("timeout", "http 500", ...) with a detail for the examples.
  void add_error(std::string_view kind, std::string_view detail);
  // Forget the measurements (end of the warm-up); keeps the description fields.
  void reset_measurements();
};

inline constexpr size_t kMaxErrorExamples = 5;

// Multi-line report for people.
std::string format_report(const RunStats& s);
// One line of JSON (no trailing newline).
std::string format_json(const RunStats& s);

}  // namespace mw::bench
