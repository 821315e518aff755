// The shape every asynchronous job of an auth library shares (an SPF check, a DMARC
// evaluation, a DKIM or ARC verification, an SPF record-tree analysis), built on LookupBatch:
//
//   Job / JobPtr     the caller's handle of a running job; destroying it cancels the job
//                    (its lookups and deadline; the callback then never runs).
//   BatchJob<Out>    base of a job's implementation: the caller's callback (callback_), the
//                    outcome being built (outcome_) and the LookupBatch (batch_) that runs
//                    the lookups and the deadline and hands outcome_ to callback_ exactly once.
//   JobStarter<Opt>  base of a library's entry class (dkim::Verifier, spf::Checker, ...): the
//                    dispatcher, resolver, options and clock every job is started with, and
//                    start<Impl>(), which builds a job, calls its start() and returns the handle.
//   WallClock        seconds since the epoch (tests inject a fixed clock); now_from() reads it.
//
// The calling rules of a job are LookupBatch's: the callback runs exactly once, always later
// from the dispatcher (never from inside the call that started the job), unless the handle is
// destroyed first; the callback may destroy the handle.
//
// Ownership: a BatchJob owns its callback, outcome and batch; a JobStarter owns its options
// and clock, not the Dispatcher or the Resolver (REQUIRES: both outlive it and every job).
// Loop affinity: the Dispatcher's thread.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <utility>

#include "core/loop.h"
#include "dns/lookup_batch.h"
#include "dns/resolver.h"

namespace mw::dns {

// Handle of a running job; destroying it cancels the job.
class Job {
 public:
  virtual ~Job() = default;
};
using JobPtr = std::unique_ptr<Job>;

// Seconds since the epoch. Empty: the system clock.
using WallClock = std::function<int64_t()>;

// The current time from `clock`, or the system clock when it is empty.
inline int64_t now_from(const WallClock& clock) {
  return clock ? clock() : static_cast<int64_t>(std::time(nullptr));
}

template <class Outcome>
class BatchJob : public Job {
 public:
  using Callback = std::function<void(Outcome)>;

 protected:
  // REQUIRES: dispatcher and resolver outlive the job.
  BatchJob(core::Dispatcher& dispatcher, Resolver& resolver, Callback done)
      : callback_(std::move(done)),
        batch_(dispatcher, resolver, hand_over(callback_, outcome_)) {}

  Callback callback_;
  Outcome outcome_{};
  // Lookups, the deadline and the delivery of outcome_ to callback_. Destroying it (after
  // the derived job's members) cancels them: nothing of the job runs afterwards.
  LookupBatch batch_;
};

template <class Options>
class JobStarter {
 public:
  // REQUIRES: dispatcher and resolver outlive this object and all its jobs.
  JobStarter(core::Dispatcher& dispatcher, Resolver& resolver, Options options,
             WallClock clock = {})
      : dispatcher_(dispatcher),
        resolver_(resolver),
        options_(std::move(options)),
        clock_(std::move(clock)) {}

  const Options& options() const { return options_; }

 protected:
  // A new Impl(dispatcher, resolver, options, args...), started.
  template <class Impl, class... Args>
  JobPtr start(Args&&... args) const {
    auto job =
        std::make_unique<Impl>(dispatcher_, resolver_, options_, std::forward<Args>(args)...);
    job->start();
    return job;
  }
  int64_t now() const { return now_from(clock_); }

 private:
  core::Dispatcher& dispatcher_;
  Resolver& resolver_;
  Options options_;
  WallClock clock_;
};

}  // namespace mw::dns
