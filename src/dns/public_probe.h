// PublicProbe: a Resolver (dns/resolver.h) that forwards every lookup to the worker's
// resolver and also tells whether NXDOMAIN and NODATA answers can be believed.
//
// Why: checks that score the ABSENCE of a record (a sender domain with no MX or A, a client
// without reverse DNS, a HELO name that does not resolve) assume the name servers see the
// public DNS. In an isolated network, or behind a broken or filtering resolver, every name
// "does not exist" and those checks would fire on every message, legitimate or not. So every
// `interval` seconds (and once at start) the probe asks for the SOA of `probe_name` (default
// "com", which exists in any working public DNS view):
//   - an answer with records       -> negative answers are trusted
//   - NXDOMAIN or NODATA           -> not trusted (logged once when the state changes)
//   - timeouts and other failures  -> the state does not change (initially: not trusted)
// With an empty probe_name negative answers are always trusted (test set-ups whose only
// name server serves private zones).
//
// Ownership: owns the inner resolver, its timer and its probe lookup. Loop affinity: the
// dispatcher given to the constructor. Destroying it cancels the probe (no callback later).
#pragma once

#include <memory>
#include <string>

#include "core/log.h"
#include "core/loop.h"
#include "dns/resolver.h"

namespace mw::dns {

class PublicProbe final : public Resolver {
 public:
  // REQUIRES: `logger` and `dispatcher` outlive the probe; interval > 0.
  PublicProbe(core::Dispatcher& dispatcher, core::Logger& logger,
              std::unique_ptr<Resolver> inner, std::string probe_name, double interval);
  ~PublicProbe() override;

  RequestPtr resolve(std::string_view name, RrType type, Callback cb) override {
    return inner_->resolve(name, type, std::move(cb));
  }
  bool available() const override { return inner_->available(); }
  bool trusts_negative_answers() const override { return trusted_; }

  Resolver& inner() { return *inner_; }

 private:
  void probe();
  void answered(const Reply& reply);

  core::ModuleLog log_;
  std::unique_ptr<Resolver> inner_;
  std::string name_;
  double interval_;
  bool trusted_;
  bool reported_ = false;  // the "not trusted" warning was logged for the current state
  core::TimerPtr timer_;
  RequestPtr pending_;
};

}  // namespace mw::dns
