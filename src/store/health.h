// HealthTracker: the outage bookkeeping behind Store::health() (private to src/store).
//
// A backend reports each operation's outcome: failure() for an error that means "the
// backend is unavailable" (kIo, kTimeout), success() for an answer. The first failure
// after a success starts an outage and logs one warning; the first success ends it and
// logs one line with its length and the number of operations that failed meanwhile.
//
// Ownership: borrows the Logger; plain values otherwise. Loop affinity: the store's thread.
#pragma once

#include <string>

#include "core/log.h"
#include "core/result.h"
#include "store/store.h"

namespace mw::store::detail {

// True for the errors that mean the backend is unavailable (not a bad argument).
inline bool is_unavailable(const Error& e) {
  return e.code == ErrorCode::kIo || e.code == ErrorCode::kTimeout;
}

class HealthTracker {
 public:
  HealthTracker(core::Logger& logger, std::string backend, Clock clock)
      : logger_(logger), backend_(std::move(backend)), clock_(std::move(clock)) {}

  // `operation`: an operation failed (counted); else a connection was lost or refused.
  void failure(const Error& why, bool operation = true);
  void success();
  // Outcome of one operation: failure() when `e` means unavailable, else success().
  void outcome(const Error* e) {
    if (e != nullptr && is_unavailable(*e)) {
      failure(*e);
    } else {
      success();
    }
  }
  const Store::Health& health() const { return h_; }

 private:
  core::Logger& logger_;
  std::string backend_;
  Clock clock_;
  Store::Health h_;
};

}  // namespace mw::store::detail
