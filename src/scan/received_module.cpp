#include "scan/received_module.h"

#include <string>

#include "mime/message.h"
#include "scan/callback_symbols.h"
#include "scan/engine.h"
#include "scan/hostname_shape.h"
#include "scan/received_chain.h"
#include "scan/task.h"

namespace mw::scan {

namespace {

constexpr VirtualSymbol kSymbols[] = {
    {"RCVD_COUNT_ONE", 0.0, "One Received header"},
    {"RCVD_COUNT_TWO", 0.0, "Two Received headers"},
    {"RCVD_COUNT_THREE", 0.0, "Three or four Received headers"},
    {"RCVD_COUNT_FIVE", 0.0, "Five or six Received headers"},
    {"RCVD_COUNT_SEVEN", 0.0, "Seven to eleven Received headers"},
    {"RCVD_COUNT_TWELVE", 0.0, "Twelve or more Received headers"},
    {"RCVD_TLS_LAST", 0.0, "The last hop used TLS"},
    {"RCVD_NO_TLS_LAST", 0.1, "The last hop did not use TLS"},
    {"RCVD_TLS_ALL", 0.0, "Every network hop used TLS"},
    {"RCVD_VIA_SMTP_AUTH", 0.0, "A hop records an authenticated client"},
    {"ONCE_RECEIVED", 0.1, "Received once: straight from the sending machine"},
    {"ONCE_RECEIVED_STRICT", 1.5,
     "Received once from a client without reverse DNS or with a dynamic-looking one"},
    {"RCVD_ILLEGAL_IP", 1.5, "A Received header names an impossible client address"},
    {"RCVD_UNTRUSTED_PRIVATE", 1.0,
     "The relay that handed the message over has a private or loopback address"},
};

// A hop that moved the message over the network (not a local pickup or an unreadable field).
bool network_hop(const Relay& h, const mime::Message& msg) {
  if (h.artificial) return true;
  const mime::Received& r = msg.received[static_cast<size_t>(h.index)];
  if (!r.parsed || r.proto == mime::ReceivedProto::kLocal) return false;
  return !h.ip.empty() || !r.helo.empty();
}

bool hop_tls(const Relay& h, const mime::Message& msg, const Envelope& env) {
  if (!h.artificial) return msg.received[static_cast<size_t>(h.index)].has(mime::kRcvdTls);
  const std::string* v = env.request_header("TLS-Version");
  const std::string* c = env.request_header("TLS-Cipher");
  return (v != nullptr && !v->empty()) || (c != nullptr && !c->empty());
}

bool hop_auth(const Relay& h, const mime::Message& msg, const Envelope& env) {
  if (h.artificial) return env.authenticated();
  return msg.received[static_cast<size_t>(h.index)].has(mime::kRcvdAuth);
}

const char* count_symbol(size_t n) {
  if (n >= 12) return "RCVD_COUNT_TWELVE";
  if (n >= 7) return "RCVD_COUNT_SEVEN";
  if (n >= 5) return "RCVD_COUNT_FIVE";
  if (n >= 3) return "RCVD_COUNT_THREE";
  if (n == 2) return "RCVD_COUNT_TWO";
  if (n == 1) return "RCVD_COUNT_ONE";
  return nullptr;
}

void check(Task& task) {
  const mime::Message& msg = task.message();
  const Envelope& env = task.envelope();
  size_t n = msg.header_count("Received");
  if (const char* sym = count_symbol(n)) {
    std::string count = std::to_string(n);
    task.insert_result(sym, 1.0, {count});
  }
  const RelayChain& chain = task.relays();
  const auto& hops = chain.relays();
  if (hops.empty()) return;
  const Relay* last = nullptr;
  bool tls_all = true, auth = false;
  for (size_t i = 0; i < hops.size(); ++i) {
    const Relay& h = hops[i];
    if (network_hop(h, msg)) {
      if (last == nullptr) last = &h;
      if (!hop_tls(h, msg, env)) tls_all = false;
    }
    if (!h.artificial && hop_auth(h, msg, env)) auth = true;
    if (!h.ip.empty() && is_bogus_ip(h.ip)) task.insert_result("RCVD_ILLEGAL_IP", 1.0, {h.ip});
    if (static_cast<int>(i) == chain.first_untrusted_position() && !h.ip.empty() &&
        is_nonpublic_ip(h.ip)) {
      task.insert_result("RCVD_UNTRUSTED_PRIVATE", 1.0, {h.ip});
    }
  }
  if (last != nullptr) {
    task.insert_result(hop_tls(*last, msg, env) ? "RCVD_TLS_LAST" : "RCVD_NO_TLS_LAST", 1.0);
    if (tls_all) task.insert_result("RCVD_TLS_ALL", 1.0);
  }
  if (auth) task.insert_result("RCVD_VIA_SMTP_AUTH", 1.0);
  // Once received: one hop in all (one field, or only the envelope hop).
  const Relay& first = hops.front();
  if (n + (first.artificial ? 1 : 0) == 1 && network_hop(first, msg) &&
      !hop_auth(first, msg, env) && !first.trusted) {
    task.insert_result("ONCE_RECEIVED", 1.0);
    std::string why;
    if (first.rdns_absent) {
      why = "no rDNS";
    } else if (!first.rdns.empty()) {
      why = dynamic_reason(first.rdns, first.ip);
    }
    if (!why.empty()) task.insert_result("ONCE_RECEIVED_STRICT", 1.0, {why});
  }
}

class ReceivedModule final : public Module {
 public:
  std::string_view name() const override { return "received"; }
  void declare_options(core::Schema&) const override {}  // [received]: scan/options.cpp

  Status configure(Engine& engine, core::Logger&) override {
    auto callback = [](Task& task, SymbolId) -> RunState {
      if (task.has_message()) check(task);
      return RunState::kDone;
    };
    return add_callback_symbols(
        engine.registry,
        module_callback(name(), "RCVD_CHECK", "received", "Received chain checks", callback),
        kSymbols);
  }
};

}  // namespace

ModulePtr make_received_module() { return std::make_unique<ReceivedModule>(); }

}  // namespace mw::scan
