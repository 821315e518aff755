// Countdown: the join of asynchronous operations started together (the store reads of a
// controller route, the writes of a statistics flush).
//
// It starts at one, the starter's own share: add() before each operation starts, release()
// when an operation calls back, and one release() by the starter once it has started them
// all. The release() that brings the count to zero returns true, exactly once: the caller
// finishes there (answers, calls back). Because of the starter's share, an operation that
// calls back before the next one is started cannot finish the join early.
//
// Ownership: a plain value; the state it guards is usually shared (shared_ptr) with the
// callbacks. Loop affinity: the loop the operations call back on (no locking). Failure modes:
// none; a release() beyond add() + 1 is a caller bug and returns false.
#pragma once

#include <cstddef>

namespace mw::server {

class Countdown {
 public:
  // One more operation to wait for (n more).
  void add(size_t n = 1) { left_ += n; }
  // One operation (or the starter) is done; true when it was the last.
  [[nodiscard]] bool release() { return left_ > 0 && --left_ == 0; }
  size_t left() const { return left_; }

 private:
  size_t left_ = 1;
};

}  // namespace mw::server
