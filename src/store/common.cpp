#include "store/common.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "store/store.h"

namespace mw::store::detail {

Status check_size(std::string_view what, std::string_view s, const Limits& limits) {
  if (s.size() > limits.max_value_size) {
    return fail(ErrorCode::kLimit, std::string(what) + " of " + std::to_string(s.size()) +
                                       " bytes is over store.max_value_size (" +
                                       std::to_string(limits.max_value_size) + ")");
  }
  return {};
}

Status check_ttl(double ttl) {
  if (!std::isfinite(ttl) || ttl > kMaxDuration) {
    return fail(ErrorCode::kInvalidInput, "ttl must be a finite number of seconds (<= 100y)");
  }
  return {};
}

Status check_window(double window) {
  if (!std::isfinite(window) || window <= 0 || window > kMaxDuration) {
    return fail(ErrorCode::kInvalidInput, "window must be a number of seconds > 0 (<= 100y)");
  }
  return {};
}

Status check_amount(double amount) {
  if (!std::isfinite(amount)) return fail(ErrorCode::kInvalidInput, "amount must be finite");
  return {};
}

Status check_delta(int64_t delta) {
  if (delta > kMaxExact || delta < -kMaxExact) {
    return fail(ErrorCode::kInvalidInput, "counter delta is out of range (+-2^53)");
  }
  return {};
}

Status check_key(std::string_view key, const Limits& l) { return check_size("key", key, l); }

Status check_set(std::string_view key, std::string_view value, double ttl, const Limits& l) {
  MW_TRY(check_key(key, l));
  MW_TRY(check_size("value", value, l));
  return check_ttl(ttl);
}

Status check_incr(std::string_view key, int64_t delta, double ttl, const Limits& l) {
  MW_TRY(check_key(key, l));
  MW_TRY(check_delta(delta));
  return check_ttl(ttl);
}

Status check_window_add(std::string_view key, double amount, double window, const Limits& l) {
  MW_TRY(check_key(key, l));
  MW_TRY(check_amount(amount));
  return check_window(window);
}

Status check_distinct(std::string_view key, std::string_view member, double window,
                      const Limits& l) {
  MW_TRY(check_key(key, l));
  MW_TRY(check_size("member", member, l));
  return check_window(window);
}

Status check_map(std::string_view key, std::string_view field, const Limits& l) {
  MW_TRY(check_key(key, l));
  return check_size("field", field, l);
}

Status check_counts(std::string_view key, size_t ids, const Limits& l) {
  MW_TRY(check_key(key, l));
  if (ids > Store::kMaxCountIds) {
    return fail(ErrorCode::kLimit, std::to_string(ids) + " ids in one count-table operation (" +
                                       std::to_string(Store::kMaxCountIds) + " at most)");
  }
  return {};
}

Status check_counts_add(std::string_view key, size_t ids, int64_t da, int64_t db,
                        const Limits& l) {
  MW_TRY(check_counts(key, ids, l));
  constexpr int64_t kMax = int64_t{1} << 32;
  if (da > kMax || da < -kMax || db > kMax || db < -kMax) {
    return fail(ErrorCode::kLimit, "count-table delta out of range (+-2^32)");
  }
  return {};
}

Status check_counts_expire(std::string_view key, double older_than, size_t budget,
                           const Limits& l) {
  MW_TRY(check_key(key, l));
  if (!std::isfinite(older_than)) {
    return fail(ErrorCode::kInvalidInput, "expiry time must be finite");
  }
  if (budget == 0 || budget > Store::kMaxCountIds) {
    return fail(ErrorCode::kInvalidInput, "expiry step budget must be 1.." +
                                              std::to_string(Store::kMaxCountIds));
  }
  return {};
}

uint32_t add_count(uint32_t old, int64_t delta) {
  int64_t v = static_cast<int64_t>(old) + delta;
  if (v < 0) return 0;
  if (v > int64_t{UINT32_MAX}) return UINT32_MAX;
  return static_cast<uint32_t>(v);
}

Status check_map_set(std::string_view key, std::string_view field, std::string_view value,
                     double ttl, const Limits& l) {
  MW_TRY(check_map(key, field, l));
  MW_TRY(check_size("value", value, l));
  return check_ttl(ttl);
}

double bucket_width(double window) {
  double w = window / kBucketsPerWindow;
  return w < kMinBucketWidth ? kMinBucketWidth : w;
}

int64_t bucket_index(double t, double width) {
  return static_cast<int64_t>(std::floor(t / width));
}

bool bucket_live(int64_t b, double width, double now, double window) {
  return (static_cast<double>(b) + 1.0) * width > now - window;
}

std::optional<int64_t> parse_counter(std::string_view text) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && digits.front() == '-') {
    negative = true;
    digits.remove_prefix(1);
  }
  if (digits.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > kMaxExact) return std::nullopt;
  }
  return negative ? -v : v;
}

std::optional<int64_t> add_counter(int64_t old, int64_t delta) {
  int64_t r = 0;
  if (__builtin_add_overflow(old, delta, &r)) return std::nullopt;
  if (r > kMaxExact || r < -kMaxExact) return std::nullopt;
  return r;
}

std::string format_double(double d) {
  char buf[40];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", d);
  return std::string(buf, static_cast<size_t>(n));
}

std::optional<double> parse_double(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace mw::store::detail
