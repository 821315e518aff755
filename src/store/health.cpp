#include "store/health.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mw::store::detail {

void HealthTracker::failure(const Error& why, bool operation) {
  if (operation) {
    ++h_.failed;
    ++h_.failed_now;
  }
  if (!h_.available) return;
  h_.available = false;
  ++h_.outages;
  h_.down_since = clock_();
  h_.last_error = why.message;
  logger_.warn("store", "store unavailable (" + backend_ + "): " + why.message +
                            "; scans go on without shared state (STORE_UNAVAILABLE) until it "
                            "answers again");
}

void HealthTracker::success() {
  if (h_.available) return;
  double secs = std::max(0.0, clock_() - h_.down_since);
  char len[32];
  std::snprintf(len, sizeof len, "%.1f", secs);
  logger_.info("store", "store available again (" + backend_ + ") after " + len + "s; " +
                            std::to_string(h_.failed_now) +
                            " operations failed during the outage");
  h_.available = true;
  h_.failed_now = 0;
  h_.down_since = 0;
}

}  // namespace mw::store::detail
