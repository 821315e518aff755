// BudgetResolver: a Resolver that forwards to another one until a per-task lookup budget is
// spent (`[options.dns] max_lookups_per_task`), then answers kBudget without querying.
//
// The scan layer creates one per task over the worker's resolver, so that one message (say,
// with thousands of URLs or an SPF record that fans out) cannot flood the name servers.
// Every resolve() call counts, whether the inner resolver answers it from its cache or not.
//
// Ownership: does not own the inner resolver, which must outlive it; handles returned for
// forwarded lookups are the inner resolver's. Loop affinity: the given Dispatcher's thread.
// Budget answers are posted (never delivered from inside resolve()); destroying their handle,
// or the BudgetResolver, before they run guarantees no callback.
#pragma once

#include <cstdint>
#include <memory>

#include "core/loop.h"
#include "dns/resolver.h"

namespace mw::dns {

class BudgetResolver final : public Resolver {
 public:
  // max_lookups: how many lookups are forwarded; 0 means no limit.
  BudgetResolver(core::Dispatcher& dispatcher, Resolver& inner, uint32_t max_lookups);
  ~BudgetResolver() override = default;

  // Forwards while the budget lasts; afterwards answers Reply{rcode = kBudget}.
  RequestPtr resolve(std::string_view name, RrType type, Callback cb) override;
  // The inner resolver's, and false once the budget is spent.
  bool available() const override { return !exhausted() && inner_.available(); }
  bool trusts_negative_answers() const override { return inner_.trusts_negative_answers(); }

  uint32_t used() const { return used_; }          // lookups forwarded
  uint32_t refused() const { return refused_; }    // lookups answered kBudget
  uint32_t limit() const { return limit_; }        // 0 = unlimited
  bool exhausted() const { return limit_ != 0 && used_ >= limit_; }

 private:
  core::Dispatcher& dispatcher_;
  Resolver& inner_;
  uint32_t limit_;
  uint32_t used_ = 0;
  uint32_t refused_ = 0;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace mw::dns
