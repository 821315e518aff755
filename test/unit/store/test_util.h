// Helpers shared by the store tests: driving the Dispatcher, a private temporary directory.
#pragma once

#include <event2/event.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/loop.h"
#include "core/result.h"

namespace mw::store::testing {

// Run the loop until `done()` is true or `seconds` have passed. Returns done().
inline bool run_until(core::Dispatcher& d, const std::function<bool()>& done,
                      double seconds = 5.0) {
  double deadline = d.monotonic() + seconds;
  auto guard = d.create_timer([] {});
  // Armed again for what is left on every turn (see dns/test_util.h: a timer firing a hair
  // early would leave a last turn with nothing to wake it).
  for (double now = d.monotonic(); !done() && now < deadline; now = d.monotonic()) {
    guard->enable(std::max(deadline - now, 0.001));
    event_base_loop(d.base(), EVLOOP_ONCE);
  }
  return done();
}

// Start one asynchronous operation (`start(callback)` returns its handle) and run the loop
// until its callback ran; its result, or kTimeout when none came within `seconds`.
template <typename T, typename Start>
Result<T> run_op(core::Dispatcher& d, Start start, double seconds = 10) {
  std::optional<Result<T>> got;
  auto op = start([&](Result<T> r) { got.emplace(std::move(r)); });
  if (!run_until(d, [&] { return got.has_value(); }, seconds)) {
    return fail(ErrorCode::kTimeout, "test: no callback");
  }
  return std::move(*got);
}

// Run the loop for `seconds` whatever happens.
inline void run_for(core::Dispatcher& d, double seconds) {
  run_until(d, [] { return false; }, seconds);
}

// A directory under /tmp removed (with its contents) on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mwstoreXXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace mw::store::testing
