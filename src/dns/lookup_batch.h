// LookupBatch: the DNS mechanics of one asynchronous job of an auth library (an SPF check, a
// DMARC evaluation, a DKIM or ARC verification, an SPF record-tree analysis): fan-out of
// lookups, one deadline for the whole job, and delivery of the outcome exactly once.
//
//   LookupBatch batch(dispatcher, resolver, dns::hand_over(done_cb_, verdict_));
//   batch.set_deadline(options.timeout, [this] { verdict_.result = kTempError; });
//   batch.resolve_all({{"_dmarc.example.com", RrType::kTxt}}, [this](Replies& r) {
//     ...;                 // decide
//     batch_.finish();     // the outcome is known
//   });
//
// Lookups: resolve() starts one lookup with its own callback; resolve_all() starts several
// at once and calls back once, when the last answer is in, with the replies in question
// order. Lookups of one job run concurrently; a callback may start more.
// Deadline: after set_deadline()'s `seconds` without finish(), `on_expiry` runs (to record
// the timeout in the outcome), then the job finishes: outstanding lookups are cancelled.
// Finishing: finish() cancels every outstanding lookup and the deadline; no lookup or
// expiry callback runs after it. Then `deliver` runs exactly once:
//   - when finish() was called from inside one of this batch's callbacks (a reply or the
//     deadline): right after that callback returns;
//   - otherwise (e.g. from the job's start, before any lookup): posted to the dispatcher,
//     so the job's owner is never called back from inside the call that started the job.
// `deliver` may destroy the LookupBatch (it usually hands the outcome to a caller that drops
// the job): the batch touches nothing of itself after calling it.
//
// Ownership: a LookupBatch owns its request handles, its timer and `deliver`. It does not
// own the Dispatcher or the Resolver; both must outlive it.
// Cancellation: destroying the LookupBatch cancels everything: no lookup callback, no expiry
// and no delivery runs afterwards (the Resolver contract: a destroyed handle never calls
// back).
// Loop affinity: the Dispatcher's thread. Failure modes: none of its own; DNS failures are
// the Rcode of each Reply.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/loop.h"
#include "dns/resolver.h"

namespace mw::dns {

struct Question {
  std::string name;
  RrType type = RrType::kA;
};

class LookupBatch {
 public:
  using Deliver = std::function<void()>;
  using OnReply = std::function<void(const Reply&)>;
  using OnReplies = std::function<void(std::vector<Reply>&)>;

  // REQUIRES: dispatcher and resolver outlive the batch.
  LookupBatch(core::Dispatcher& dispatcher, Resolver& resolver, Deliver deliver);
  ~LookupBatch();
  LookupBatch(const LookupBatch&) = delete;
  LookupBatch& operator=(const LookupBatch&) = delete;

  // Arm the deadline of the job (see above). `seconds` <= 0: no deadline.
  // REQUIRES: called at most once, before finish().
  void set_deadline(double seconds, std::function<void()> on_expiry);

  // Start one lookup; `on_reply` runs once with its answer unless the job finished first.
  // REQUIRES: not finished().
  void resolve(std::string_view name, RrType type, OnReply on_reply);
  // Start one lookup per question; `on_all` runs once, with every reply in question order,
  // when the last one arrived, unless the job finished first.
  // REQUIRES: not finished(), questions not empty.
  void resolve_all(std::vector<Question> questions, OnReplies on_all);

  // The outcome is known: cancel the outstanding lookups and the deadline, then deliver
  // (see above). Later calls do nothing.
  void finish();
  bool finished() const { return finished_; }

  // Lookups started and not answered yet.
  size_t outstanding() const { return outstanding_; }
  // Lookups started since construction (answered, outstanding or cancelled).
  uint32_t started() const { return started_; }

 private:
  // Run a callback of this batch; deliver after it when it finished the job.
  template <typename F>
  void run(F&& f);
  void deliver_now();

  core::Dispatcher& dispatcher_;
  Resolver& resolver_;
  Deliver deliver_;
  std::vector<RequestPtr> requests_;
  core::TimerPtr deadline_;
  size_t outstanding_ = 0;
  uint32_t started_ = 0;
  int depth_ = 0;  // callbacks of this batch on the stack
  bool finished_ = false;
  bool delivered_ = false;
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // guards the posted delivery
};

// A Deliver that hands `value` to `callback` (both moved out, so a callback that destroys
// their owner is safe). Both are referenced, not copied: REQUIRES: they outlive the batch.
template <typename V>
LookupBatch::Deliver hand_over(std::function<void(V)>& callback, V& value) {
  return [&callback, &value] {
    std::function<void(V)> cb = std::move(callback);
    V v = std::move(value);
    if (cb) cb(std::move(v));  // may destroy the owner of `callback` and `value`
  };
}

}  // namespace mw::dns
