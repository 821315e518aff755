// Pending<T>: the shared state of one store operation between its handle and its backend
// (private to src/store).
//
// The caller holds the Op handle; the backend holds the Pending until it has a result. The
// callback lives in the Pending: destroying the handle drops the callback at once (its
// captures are released then), so a result that arrives later finds nothing to call.
// fire() calls the callback at most once.
//
// Backends never call fire() from inside the operation's call: results are delivered from
// the Dispatcher (post_result, or the LMDB batch callback). A store guards deliveries with
// a liveness token (a shared_ptr the store owns; deliveries hold a weak_ptr), so that
// callbacks are dropped once the store is destroyed.
//
// Loop affinity: the worker's thread only.
#pragma once

#include <memory>
#include <utility>

#include "core/loop.h"
#include "store/store.h"

namespace mw::store::detail {

template <typename T>
class Pending {
 public:
  explicit Pending(Callback<T> cb) : cb_(std::move(cb)) {}

  // Call the callback with `r` unless it was cancelled or already called.
  void fire(Result<T> r) {
    if (!cb_) return;
    Callback<T> cb = std::move(cb_);
    cb_ = nullptr;
    cb(std::move(r));
  }
  void cancel() { cb_ = nullptr; }
  bool wanted() const { return static_cast<bool>(cb_); }

 private:
  Callback<T> cb_;
};

template <typename T>
using PendingPtr = std::shared_ptr<Pending<T>>;

// The handle returned to the caller: destroying it cancels the callback.
template <typename T>
class Handle final : public Op {
 public:
  explicit Handle(PendingPtr<T> p) : p_(std::move(p)) {}
  ~Handle() override { p_->cancel(); }

 private:
  PendingPtr<T> p_;
};

template <typename T>
std::pair<PendingPtr<T>, OpPtr> make_pending(Callback<T> cb) {
  auto p = std::make_shared<Pending<T>>(std::move(cb));
  return {p, std::make_unique<Handle<T>>(p)};
}

// The liveness token of a store: deliveries skip their callback once it has expired.
using AliveToken = std::shared_ptr<const bool>;
using AliveWeak = std::weak_ptr<const bool>;
inline AliveToken make_alive() { return std::make_shared<const bool>(true); }

// Deliver `r` from the Dispatcher, after the current callback returns.
template <typename T>
void post_result(core::Dispatcher& d, AliveWeak alive, PendingPtr<T> p, Result<T> r) {
  if (!p->wanted()) return;
  d.post([alive = std::move(alive), p = std::move(p), r = std::move(r)]() mutable {
    if (alive.expired()) return;
    p->fire(std::move(r));
  });
}

}  // namespace mw::store::detail
