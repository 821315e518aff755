// Test helpers for the SPF and DMARC tests: a resolver whose answers wait until the test
// releases them, so that cancellation and time limits can be observed precisely.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/loop.h"
#include "dns/fake_resolver.h"
#include "dns/resolver.h"

namespace mw::auth::testutil {

// Forwards every lookup to an inner FakeResolver only when release_all() is called; until
// then the lookup is pending. Counts the requests whose handle is still alive.
class HoldingResolver final : public dns::Resolver {
 public:
  explicit HoldingResolver(dns::Resolver& inner) : inner_(inner) {}

  dns::RequestPtr resolve(std::string_view name, dns::RrType type, dns::Callback cb) override {
    auto state = std::make_shared<State>();
    state->name = std::string(name);
    state->type = type;
    state->cb = std::move(cb);
    pending_.push_back(state);
    ++issued_;
    return std::make_unique<Handle>(state, &live_);
  }

  // Send every pending lookup to the inner resolver (answers arrive from the loop).
  void release_all() {
    auto batch = std::move(pending_);
    pending_.clear();
    for (auto& st : batch) {
      if (st->cancelled) continue;
      std::weak_ptr<State> weak = st;
      st->inner = inner_.resolve(st->name, st->type, [weak](const dns::Reply& r) {
        auto s = weak.lock();
        if (!s || s->cancelled) return;
        s->cancelled = true;
        auto cb = std::move(s->cb);
        cb(r);
      });
    }
  }

  int live() const { return live_; }          // handles not yet destroyed
  int issued() const { return issued_; }      // lookups asked for
  size_t pending() const {
    size_t n = 0;
    for (const auto& st : pending_) n += st->cancelled ? 0 : 1;
    return n;
  }

 private:
  struct State {
    std::string name;
    dns::RrType type = dns::RrType::kA;
    dns::Callback cb;
    bool cancelled = false;
    dns::RequestPtr inner;
  };
  struct Handle final : dns::Request {
    Handle(std::shared_ptr<State> s, int* live) : state(std::move(s)), live(live) { ++*live; }
    ~Handle() override {
      cancel();
      --*live;
    }
    void cancel() override {
      state->cancelled = true;
      state->inner.reset();
    }
    std::shared_ptr<State> state;
    int* live;
  };

  dns::Resolver& inner_;
  std::vector<std::shared_ptr<State>> pending_;
  int live_ = 0;
  int issued_ = 0;
};

}  // namespace mw::auth::testutil
