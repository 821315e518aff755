// Watchdog: how the master sees that a worker's event loop still turns (style rule 19: a
// budget is enforced from outside the thing it limits).
//
// The master makes a WorkerBoard before forking: one anonymous shared mapping with a slot
// per worker. Each worker's loop writes a heartbeat into its slot from a timer
// (Heartbeat::attach), records what it is busy with (set_activity: task id and rule), and
// how many connections it has open. A loop stuck in one callback (a rule in a C function,
// a JIT-compiled loop, a bug) stops beating; the master's supervisor kills a worker whose
// beat is older than `stuck_timeout` and logs its last activity.
//
// The board also counts workers that died unexpectedly (crashes, kills by the watchdog):
// the master adds to it, the controller moves the new ones into the statistics' error
// count (take_unrecorded_deaths) so that /stat shows them.
//
// Ownership: the master owns the WorkerBoard (unmapped on destruction; every forked worker
// keeps its own mapping). A Heartbeat is a view of one slot, valid while the board lives.
// Loop affinity: none; slots are written with atomics (the activity text under a sequence
// counter, read by the master without locks). Failure modes: create() fails (kIo) when the
// mapping cannot be made; then there is no watchdog.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/loop.h"
#include "core/result.h"

namespace mw::core {

// Monotonic seconds, comparable between processes of one machine.
double shared_monotonic();

struct WorkerSlot {
  std::atomic<int32_t> pid;             // 0: free
  std::atomic<uint64_t> beat_us;        // shared_monotonic() of the last beat, microseconds
  std::atomic<uint32_t> open;           // connections open (what a death drops)
  std::atomic<uint32_t> activity_seq;   // odd while `activity` is written
  char activity[112];                   // e.g. "task 6f2a1c symbol MY_RULE"
};

class Heartbeat {
 public:
  explicit Heartbeat(WorkerSlot* slot = nullptr) : slot_(slot) {}
  // Record that the loop turned now, with `open` connections.
  void beat(uint32_t open = 0);
  // What the worker is doing now (truncated); "" when idle.
  void set_activity(std::string_view what);
  void clear_activity() { set_activity({}); }
  bool enabled() const { return slot_ != nullptr; }

  // A repeating timer on `dispatcher` that beats every `interval` seconds, asking `open`
  // (may be empty) for the connection count. Destroying the timer stops beating.
  TimerPtr attach(Dispatcher& dispatcher, double interval, std::function<uint32_t()> open);

 private:
  WorkerSlot* slot_;
};

class WorkerBoard {
 public:
  static Result<std::unique_ptr<WorkerBoard>> create(size_t slots);
  ~WorkerBoard();
  WorkerBoard(const WorkerBoard&) = delete;
  WorkerBoard& operator=(const WorkerBoard&) = delete;

  // Master: a free slot for a worker about to start (beat set to now), or -1 when full.
  int claim();
  // Master: the slot now belongs to `pid` (after fork).
  void assign(int slot, pid_t pid);
  void release(int slot);
  // Master: seconds since the slot's last beat, its activity and open connections.
  double silence(int slot) const;
  std::string activity(int slot) const;
  uint32_t open_connections(int slot) const;
  // Any process (the controller lists its machine's workers): the slots, and the PID a
  // slot belongs to (0: free).
  size_t size() const { return slots_; }
  pid_t pid(int slot) const;

  Heartbeat heartbeat(int slot);

  // Deaths of workers that were not asked to stop.
  void count_death();
  uint64_t deaths() const;
  // The deaths not yet moved into the statistics; marks them moved.
  uint64_t take_unrecorded_deaths();

  struct Shared;  // the mapping's layout (watchdog.cpp)

 private:
  WorkerBoard(Shared* shared, size_t slots) : shared_(shared), slots_(slots) {}

  Shared* shared_;
  size_t slots_;
};

}  // namespace mw::core
