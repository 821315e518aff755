// Driving a Dispatcher from a unit test (shared by the dns and store tests): run the loop
// until something happened, or for a while. The loop blocks between events, so `done` must
// become true from the loop's own callbacks (a test whose peer runs on another thread polls
// instead: proto/net_util.h).
#pragma once

#include <event2/event.h>

#include <algorithm>
#include <functional>

#include "core/loop.h"

namespace mw::unit {

// Run the loop until `done()` is true or `seconds` have passed. Returns done().
inline bool run_until(core::Dispatcher& d, const std::function<bool()>& done,
                      double seconds = 5.0) {
  double deadline = d.monotonic() + seconds;
  auto guard = d.create_timer([] {});
  // The guard is armed again for what is left on every turn: a timer that fires a hair
  // before `deadline` (clock rounding, seen under ASan) would otherwise leave a last turn
  // with nothing to wake it, blocked for ever.
  for (double now = d.monotonic(); !done() && now < deadline; now = d.monotonic()) {
    guard->enable(std::max(deadline - now, 0.001));
    event_base_loop(d.base(), EVLOOP_ONCE);
  }
  return done();
}

// Run the loop for `seconds` whatever happens.
inline void run_for(core::Dispatcher& d, double seconds) {
  run_until(d, [] { return false; }, seconds);
}

}  // namespace mw::unit
