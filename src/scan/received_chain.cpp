#include "scan/received_chain.h"

#include "core/ip_address.h"

namespace mw::scan {

std::string canonical_ip(std::string_view text) {
  auto addr = core::IpAddress::parse(text, /*brackets=*/true);
  return addr ? addr->unmapped().to_string() : std::string();
}

namespace {

// A hop a local process added (a pickup, "by host (Postfix, from userid 1000)", qmail's
// "invoked by uid"): it hands nothing over from the network, so the walk goes past it.
bool local_hop(const mime::Received& r) {
  if (!r.parsed) return true;
  if (r.proto == mime::ReceivedProto::kLocal) return true;
  return r.ip.empty() && r.from.empty();
}

}  // namespace

RelayChain RelayChain::build(const Envelope& env, const mime::Message* message,
                             const IpNetworks& trusted) {
  RelayChain c;
  std::string env_ip = env.ip_from_received ? std::string() : canonical_ip(env.ip);
  size_t hops = message != nullptr ? message->received.size() : 0;
  c.relays_.reserve(hops + 1);
  if (!env_ip.empty()) {
    bool recorded = hops > 0 && message->received[0].ip == env_ip;
    if (!recorded) {
      Relay a;
      a.ip = env_ip;
      a.helo = env.helo;
      bool unknown = env.hostname == "unknown";
      a.rdns = unknown ? std::string_view() : std::string_view(env.hostname);
      a.rdns_absent = unknown;
      a.artificial = true;
      c.relays_.push_back(std::move(a));
    }
  }
  for (size_t i = 0; i < hops; ++i) {
    const mime::Received& r = message->received[i];
    Relay h;
    h.index = static_cast<int>(i);
    h.ip = std::string(r.ip);
    h.helo = r.helo;
    h.rdns = r.rdns;
    h.rdns_absent = r.rdns_state == mime::RdnsState::kAbsent;
    c.relays_.push_back(std::move(h));
  }
  for (size_t i = 0; i < c.relays_.size(); ++i) {
    Relay& h = c.relays_[i];
    if (!h.artificial && local_hop(message->received[static_cast<size_t>(h.index)])) {
      h.trusted = true;
      continue;
    }
    if (!h.ip.empty() && trusted.contains(h.ip)) {
      h.trusted = true;
      continue;
    }
    c.first_untrusted_ = static_cast<int>(i);
    break;
  }
  return c;
}

bool fill_envelope_from_received(const mime::Message& message, const IpNetworks& trusted,
                                 Envelope& env) {
  if (!env.ip.empty()) return false;
  RelayChain chain = RelayChain::build(env, &message, trusted);
  const Relay* r = chain.first_untrusted();
  if (r == nullptr || r->ip.empty()) return false;
  env.ip = r->ip;
  env.ip_from_received = true;
  if (env.helo.empty()) env.helo = std::string(r->helo);
  if (env.hostname.empty()) {
    if (!r->rdns.empty()) {
      env.hostname = std::string(r->rdns);
    } else if (r->rdns_absent) {
      env.hostname = "unknown";
    }
  }
  return true;
}

}  // namespace mw::scan
