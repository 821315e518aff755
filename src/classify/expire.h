// Expiry of the Bayes statistics: a periodic pass that removes rare and stale tokens.
//
// Every `interval` seconds ([classifier.bayes.expire]) a pass walks the global table and
// every per-user table (statistics.h), one store step of `batch` tokens at a time
// (store.h counts_expire: one transaction or one server-side script each, the loop free in
// between), and removes the tokens seen in at most `rare_count` learned messages that have
// not been learned again for `stale_after`. Common tokens and the class totals stay; what
// goes are the one-off words and word pairs that make up most of a table and would
// otherwise grow it with every message learned. A per-user table that ends up empty is
// dropped from the user list. Each pass is logged with what it removed.
//
// Runs in the controller process (one per machine; with Redis shared by several machines,
// each machine's pass finds less to do). A pass never overlaps the previous one.
//
// Ownership: borrows the store, dispatcher and logger (they outlive it); destroying it stops
// the timer and cancels the step in flight. Loop affinity: the dispatcher's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "classify/options.h"
#include "core/log.h"
#include "core/loop.h"
#include "store/store.h"

namespace mw::classify {

class Expirer {
 public:
  struct PassResult {
    uint64_t tables = 0;
    uint64_t examined = 0;
    uint64_t removed = 0;
  };

  Expirer(store::Store& store, core::Dispatcher& dispatcher, core::Logger& logger,
          ExpireOptions options, std::function<double()> clock);
  ~Expirer();

  // Arm the timer (no-op when options.interval <= 0).
  void start();
  // Run one pass now; `done` gets its totals (tests, `mailward learn --expire`).
  // REQUIRES: no pass is running.
  void run_pass(std::function<void(Result<PassResult>)> done);
  bool running() const { return running_; }

 private:
  void next_table();
  void step();

  store::Store& store_;
  core::Dispatcher& dispatcher_;
  core::Logger& logger_;
  ExpireOptions options_;
  std::function<double()> clock_;
  core::TimerPtr timer_;
  core::TimerPtr step_timer_;
  store::OpPtr op_;
  bool running_ = false;
  std::vector<std::string> tables_;  // count-table keys left in this pass
  std::vector<std::string> users_;   // the user id of each entry ("" for the global table)
  std::string cursor_;
  double older_than_ = 0;
  PassResult result_;
  std::function<void(Result<PassResult>)> done_;
};

}  // namespace mw::classify
