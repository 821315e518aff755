// Rules both store backends share (private to src/store): argument checks, the limits of
// the contract in store.h, and the arithmetic of windows and counters, so that LMDB and
// Redis compute exactly the same thing (the Redis scripts mirror these formulas; see
// redis_scripts.cpp).
//
// Ownership: plain values. Loop affinity: none. Failure modes: the checks return the
// kInvalidInput / kLimit errors documented in store.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mw::store {

// Limits from [store] that both backends enforce.
struct Limits {
  size_t max_value_size = 1 << 20;  // bytes in a key, value, field or member
  size_t max_distinct = 1000;       // members kept per distinct set
};

namespace detail {

// Counters are exact integers within +-kMaxExact (what a double holds, as Redis scripts do).
inline constexpr int64_t kMaxExact = (int64_t{1} << 53) - 1;
// Buckets kept per windowed counter, and the smallest bucket width (seconds).
inline constexpr size_t kMaxBuckets = 256;
inline constexpr double kMinBucketWidth = 0.001;
inline constexpr double kBucketsPerWindow = 60;
// Longest ttl or window accepted (100 years), so that expiry times stay exact.
inline constexpr double kMaxDuration = 100.0 * 365 * 86400;

// kLimit when `s` is longer than the limit; `what` names it in the message.
Status check_size(std::string_view what, std::string_view s, const Limits& limits);
// kInvalidInput unless ttl is finite (any sign; <= 0 means none) and <= kMaxDuration.
Status check_ttl(double ttl);
// kInvalidInput unless 0 < window <= kMaxDuration.
Status check_window(double window);
// kInvalidInput unless finite.
Status check_amount(double amount);
// kInvalidInput unless |delta| <= kMaxExact.
Status check_delta(int64_t delta);

// The checks of each operation, identical for both backends (the first failing one wins).
Status check_key(std::string_view key, const Limits& l);
Status check_set(std::string_view key, std::string_view value, double ttl, const Limits& l);
Status check_incr(std::string_view key, int64_t delta, double ttl, const Limits& l);
Status check_window_add(std::string_view key, double amount, double window, const Limits& l);
Status check_distinct(std::string_view key, std::string_view member, double window,
                      const Limits& l);
Status check_map(std::string_view key, std::string_view field, const Limits& l);
Status check_map_set(std::string_view key, std::string_view field, std::string_view value,
                     double ttl, const Limits& l);

// Count tables (store.h): at most Store::kMaxCountIds ids (kLimit); deltas within +-2^32
// (kLimit); an expiry step examines 1..kMaxCountIds rows and `older_than` is finite
// (kInvalidInput).
Status check_counts(std::string_view key, size_t ids, const Limits& l);
Status check_counts_add(std::string_view key, size_t ids, int64_t da, int64_t db,
                        const Limits& l);
Status check_counts_expire(std::string_view key, double older_than, size_t budget,
                           const Limits& l);
// Saturating column arithmetic of counts_add: old + delta clamped to 0..2^32-1.
uint32_t add_count(uint32_t old, int64_t delta);

// Absolute expiry for a ttl (0: none).
inline double expiry_for(double now, double ttl) { return ttl > 0 ? now + ttl : 0; }
// True when something with absolute expiry `exp` (0: none) is gone at `now`.
inline bool expired(double exp, double now) { return exp > 0 && now >= exp; }

// Bucket width for a new windowed counter.
double bucket_width(double window);
// Index of the bucket holding time `t`.
int64_t bucket_index(double t, double width);
// True when bucket `b` still overlaps the window ending now: (b + 1) * width > now - window.
bool bucket_live(int64_t b, double width, double now, double window);

// Parse a counter's stored text: optional '-', then decimal digits only, |n| <= kMaxExact.
std::optional<int64_t> parse_counter(std::string_view text);
// new = old + delta, or nullopt when it leaves +-kMaxExact.
std::optional<int64_t> add_counter(int64_t old, int64_t delta);

// Shortest text that reads back as the same double ("%.17g"); Redis scripts parse it.
std::string format_double(double d);
// Parse a double written by format_double (or by a script). nullopt if malformed.
std::optional<double> parse_double(std::string_view s);

}  // namespace detail
}  // namespace mw::store
