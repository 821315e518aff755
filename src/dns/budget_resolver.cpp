#include "dns/budget_resolver.h"

#include <utility>

namespace mw::dns {

namespace {

// The handle of a kBudget answer still waiting in the dispatcher's queue.
class RefusedRequest final : public Request {
 public:
  explicit RefusedRequest(std::shared_ptr<Callback> cb) : cb_(std::move(cb)) {}
  ~RefusedRequest() override { cancel(); }
  void cancel() override {
    if (cb_) *cb_ = nullptr;
  }

 private:
  std::shared_ptr<Callback> cb_;
};

}  // namespace

BudgetResolver::BudgetResolver(core::Dispatcher& dispatcher, Resolver& inner,
                               uint32_t max_lookups)
    : dispatcher_(dispatcher), inner_(inner), limit_(max_lookups) {}

RequestPtr BudgetResolver::resolve(std::string_view name, RrType type, Callback cb) {
  if (!exhausted()) {
    ++used_;
    return inner_.resolve(name, type, std::move(cb));
  }
  ++refused_;
  auto shared_cb = std::make_shared<Callback>(std::move(cb));
  std::weak_ptr<char> alive = alive_;
  dispatcher_.post([alive, shared_cb] {
    if (alive.expired() || !*shared_cb) return;
    Callback run = std::move(*shared_cb);
    *shared_cb = nullptr;
    Reply reply;
    reply.rcode = Rcode::kBudget;
    run(reply);
  });
  return std::make_unique<RefusedRequest>(std::move(shared_cb));
}

}  // namespace mw::dns
