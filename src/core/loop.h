// Dispatcher: one libevent loop per process (after Envoy's Dispatcher and Redis's ae.c).
//
// Every worker runs exactly one Dispatcher on its only thread. Timers, fd events and
// deferred callbacks are created from it and must be used on that thread.
//
// Ownership: the Dispatcher owns the event_base. Timer and FdEvent objects own their
// libevent event and remove it when destroyed; destroying one from inside its own callback
// is allowed. They must not outlive the Dispatcher.
// Failure modes: construction aborts (MW_PANIC) only if libevent cannot create a base.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/non_copyable.h"

struct event_base;
struct event;

namespace mw::core {

class Timer {
 public:
  virtual ~Timer() = default;
  // (Re)arm to fire once after `seconds`. REQUIRES: seconds >= 0.
  virtual void enable(double seconds) = 0;
  virtual void disable() = 0;
  virtual bool enabled() const = 0;
};
using TimerPtr = std::unique_ptr<Timer>;

enum FdEvents : uint32_t { kRead = 1, kWrite = 2, kClosed = 4 };

class FdEvent {
 public:
  virtual ~FdEvent() = default;
  // Change the set of events watched (persistent until changed).
  virtual void set_events(uint32_t events) = 0;
  virtual int fd() const = 0;
};
using FdEventPtr = std::unique_ptr<FdEvent>;

// Something whose destruction must wait until the current callback stack unwinds.
class Deletable {
 public:
  virtual ~Deletable() = default;
};

class Dispatcher : NonCopyable {
 public:
  Dispatcher();
  ~Dispatcher();

  event_base* base() { return base_; }

  // Run until exit() is called or nothing is left to wait for.
  void run();
  // Run one non-blocking iteration (tests).
  void run_once_nonblock();
  void exit();

  // Monotonic seconds, for timeouts and latency measurement.
  double monotonic() const;

  TimerPtr create_timer(std::function<void()> cb);
  // Watch `fd` for `events` (kRead | kWrite); cb receives the events that fired.
  // The fd is not owned.
  FdEventPtr create_fd_event(int fd, uint32_t events, std::function<void(uint32_t)> cb);

  // Call cb from the loop whenever signal `signo` arrives (libevent's self-pipe, so the
  // callback runs in normal context). Destroying the returned event stops watching.
  FdEventPtr create_signal(int signo, std::function<void()> cb);
  // Re-initialise the loop in a child after fork() (libevent event_reinit).
  void reinit_after_fork();

  // Run cb soon, from the loop, after the current callback returns.
  void post(std::function<void()> cb);
  // Destroy obj from the loop, after the current callback returns (for an object that may
  // be inside one of its own callbacks). Objects are destroyed in the order given.
  void deferred_delete(std::unique_ptr<Deletable> obj);
  // The same for any type: an object that is not a Deletable is kept in a holder until then.
  template <typename T>
  void deferred_delete(std::unique_ptr<T> obj) {
    if constexpr (std::is_base_of_v<Deletable, T>) {
      deferred_delete(std::unique_ptr<Deletable>(std::move(obj)));
    } else {
      struct Holder final : Deletable {
        explicit Holder(std::unique_ptr<T> o) : held(std::move(o)) {}
        std::unique_ptr<T> held;
      };
      deferred_delete(std::unique_ptr<Deletable>(std::make_unique<Holder>(std::move(obj))));
    }
  }

 private:
  void run_posted();

  event_base* base_ = nullptr;
  event* post_event_ = nullptr;
  std::vector<std::function<void()>> posted_;
  std::vector<std::unique_ptr<Deletable>> to_delete_;
};

}  // namespace mw::core
