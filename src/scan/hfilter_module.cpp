#include "scan/hfilter_module.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ascii.h"
#include "core/ip_address.h"
#include "dns/lookup_batch.h"
#include "dns/name.h"
#include "dns/resolver.h"
#include "scan/callback_symbols.h"
#include "scan/engine.h"
#include "scan/hostname_shape.h"
#include "scan/rbl_list.h"
#include "scan/received_chain.h"
#include "scan/task.h"

namespace mw::scan {

namespace {

struct HfilterConfig {
  bool check_dns = true;
  bool ptr_lookup = true;
  bool skip_authenticated = true;
  std::vector<std::string> own;  // lower case, no trailing dot
};

constexpr VirtualSymbol kSymbols[] = {
    {"HFILTER_HELO_BAREIP", 3.0, "HELO is a bare IP address (no brackets)"},
    {"HFILTER_HELO_BADIP", 4.0, "HELO is an address other than the client's"},
    {"HFILTER_HELO_NOT_FQDN", 2.0, "HELO is not a fully qualified domain name"},
    {"HFILTER_HELO_OWN", 4.0, "HELO claims one of our own names"},
    {"HFILTER_HELO_DYNAMIC", 1.5, "HELO looks like a dynamic or residential host name"},
    {"HFILTER_HELO_NORES_A_OR_MX", 1.5, "HELO name has no A, AAAA or MX record"},
    {"HFILTER_HELO_IP_A", 1.0, "HELO name does not resolve to the client address"},
    {"RDNS_NONE", 1.5, "The client has no reverse DNS"},
    {"RDNS_DNSFAIL", 0.0, "Reverse DNS lookup of the client failed"},
    {"HFILTER_HOSTNAME_UNKNOWN", 2.0, "Reverse DNS name does not resolve back to the client"},
    {"HFILTER_HOSTNAME_DYNAMIC", 2.0, "Reverse DNS name looks dynamic or residential"},
    {"HFILTER_FROMHOST_NOT_FQDN", 3.0, "Envelope sender domain is not a fully qualified name"},
    {"HFILTER_FROMHOST_NORES_A_OR_MX", 2.0, "Envelope sender domain has no MX, A or AAAA record"},
    {"HFILTER_FROM_NORES_A_OR_MX", 2.0, "From header domain has no MX, A or AAAA record"},
};

// Lower case, without the root's trailing dot.
std::string lower(std::string_view s) {
  std::string out = core::to_lower(s);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

using dns::has_answers;
using dns::is_void;

// The lookups of one task: each name/type once, continuations run when it answers; the
// symbol finishes (through the LookupBatch's delivery) when no continuation is left.
struct Batch final : Cancelable {
  using Then = std::function<void(const dns::Reply&)>;
  struct Entry {
    bool asked = false;
    bool done = false;
    dns::Reply reply;
    std::vector<Then> waiting;
  };
  std::unique_ptr<dns::LookupBatch> lookups;
  // NXDOMAIN/NODATA mean "absent" only when the name servers see the public DNS
  // (dns/public_probe.h); otherwise an absence is as unknown as a failure.
  bool trust_negative = true;
  std::map<std::string, std::unique_ptr<Entry>> entries;
  size_t pending = 0;  // continuations still waiting for an answer
  bool started = false;

  bool absent(const dns::Reply& r) const { return trust_negative && is_void(r); }

  void lookup(const std::string& name, dns::RrType type, Then then) {
    auto& e = entries[name + "/" + std::string(dns::rr_type_name(type))];
    if (!e) e = std::make_unique<Entry>();
    if (e->done) {
      then(e->reply);
      return;
    }
    ++pending;
    e->waiting.push_back(std::move(then));
    if (e->asked) return;
    e->asked = true;
    Entry* ep = e.get();
    lookups->resolve(name, type, [this, ep](const dns::Reply& reply) {
      ep->done = true;
      ep->reply = reply;
      std::vector<Then> waiting = std::move(ep->waiting);
      for (auto& w : waiting) {
        w(ep->reply);
        --pending;
      }
      // Nothing is outstanding once no continuation waits: the symbol is done.
      if (started && pending == 0) lookups->finish();
    });
  }

  // Does `domain` have an MX, A or AAAA record? then(1 yes, 0 no, -1 unknown). MX and A
  // first; AAAA only when both are negative.
  void resolvable(const std::string& domain, std::function<void(int)> then) {
    struct State {
      int left = 2;
      bool found = false, failed = false;
    };
    auto st = std::make_shared<State>();
    auto one = [this, st, domain, then](const dns::Reply& r) {
      if (has_answers(r)) st->found = true;
      else if (!absent(r)) st->failed = true;
      if (--st->left > 0) return;
      if (st->found) return then(1);
      if (st->failed) return then(-1);
      lookup(domain, dns::RrType::kAaaa, [this, then](const dns::Reply& r6) {
        then(has_answers(r6) ? 1 : absent(r6) ? 0 : -1);
      });
    };
    lookup(domain, dns::RrType::kMx, one);
    lookup(domain, dns::RrType::kA, one);
  }
};

struct Client {
  std::string ip;
  std::string helo;
  std::string rdns;
  bool rdns_absent = false;
  bool authenticated = false;
};

bool is_own(const HfilterConfig& cfg, const std::string& name) {
  return std::any_of(cfg.own.begin(), cfg.own.end(), [&name](const std::string& o) {
    return dns::is_same_or_subdomain(name, o);
  });
}

std::string arpa_name(const std::string& ip) {
  auto addr = core::IpAddress::parse(ip);
  return addr ? addr->reverse_name() : std::string();
}

void helo_checks(Task& task, const HfilterConfig& cfg, const Client& c, Batch* dns) {
  if (c.helo.empty()) return;
  std::string_view literal = ip_literal_of(c.helo);
  if (!literal.empty()) {
    if (c.helo.front() != '[') task.insert_result("HFILTER_HELO_BAREIP", 1.0, {c.helo});
    if (!c.ip.empty() && canonical_ip(literal) != c.ip) {
      task.insert_result("HFILTER_HELO_BADIP", 1.0, {c.helo});
    }
    return;
  }
  std::string helo = lower(c.helo);
  if (is_own(cfg, helo)) task.insert_result("HFILTER_HELO_OWN", 1.0, {helo});
  if (!is_fqdn(helo) || helo == "localhost.localdomain") {
    task.insert_result("HFILTER_HELO_NOT_FQDN", 1.0, {helo});
    return;
  }
  std::string why = dynamic_reason(helo, c.ip);
  if (!why.empty()) task.insert_result("HFILTER_HELO_DYNAMIC", 1.0, {why});
  if (dns == nullptr) return;
  dns->resolvable(helo, [&task, helo](int ok) {
    if (ok == 0) task.insert_result("HFILTER_HELO_NORES_A_OR_MX", 1.0, {helo});
  });
  if (c.ip.empty()) return;
  dns::RrType t = c.ip.find(':') == std::string::npos ? dns::RrType::kA : dns::RrType::kAaaa;
  dns->lookup(helo, t, [&task, helo, ip = c.ip](const dns::Reply& r) {
    if (!has_answers(r)) return;
    for (const auto& rec : r.answers) {
      if (canonical_ip(rec.text) == ip) return;
    }
    task.insert_result("HFILTER_HELO_IP_A", 1.0, {helo});
  });
}

void rdns_checks(Task& task, const HfilterConfig& cfg, const Client& c, Batch* dns) {
  if (c.rdns_absent) {
    task.insert_result("RDNS_NONE", 1.0);
    return;
  }
  if (!c.rdns.empty()) {
    std::string why = dynamic_reason(lower(c.rdns), c.ip);
    if (!why.empty()) task.insert_result("HFILTER_HOSTNAME_DYNAMIC", 1.0, {why});
    return;
  }
  if (dns == nullptr || !cfg.ptr_lookup || c.ip.empty()) return;
  std::string arpa = arpa_name(c.ip);
  if (arpa.empty()) return;
  dns->lookup(arpa, dns::RrType::kPtr, [&task, dns, ip = c.ip](const dns::Reply& r) {
    if (!has_answers(r)) {
      if (dns->absent(r)) {
        task.insert_result("RDNS_NONE", 1.0);
      } else if (!is_void(r)) {
        task.insert_result("RDNS_DNSFAIL", 1.0, {dns::rcode_name(r.rcode)});
      }
      return;
    }
    std::string name = lower(r.answers.front().text);
    std::string why = dynamic_reason(name, ip);
    if (!why.empty()) task.insert_result("HFILTER_HOSTNAME_DYNAMIC", 1.0, {why});
    dns::RrType t = ip.find(':') == std::string::npos ? dns::RrType::kA : dns::RrType::kAaaa;
    dns->lookup(name, t, [&task, dns, name, ip](const dns::Reply& a) {
      if (has_answers(a)) {
        for (const auto& rec : a.answers) {
          if (canonical_ip(rec.text) == ip) return;
        }
        task.insert_result("HFILTER_HOSTNAME_UNKNOWN", 1.0, {name});
      } else if (dns->absent(a)) {
        task.insert_result("HFILTER_HOSTNAME_UNKNOWN", 1.0, {name});
      }
    });
  });
}

void domain_checks(Task& task, Batch* dns) {
  const Envelope& env = task.envelope();
  std::string env_dom;
  auto at = env.from.rfind('@');
  if (env.has_from && at != std::string::npos) env_dom = lower(env.from.substr(at + 1));
  std::string hdr_dom;
  const auto& from = task.message().from;
  if (!from.empty() && !from.front().domain.empty()) hdr_dom = lower(from.front().domain);
  if (!env_dom.empty()) {
    if (!is_fqdn(env_dom)) {
      task.insert_result("HFILTER_FROMHOST_NOT_FQDN", 1.0, {env_dom});
    } else if (dns != nullptr) {
      dns->resolvable(env_dom, [&task, env_dom](int ok) {
        if (ok == 0) task.insert_result("HFILTER_FROMHOST_NORES_A_OR_MX", 1.0, {env_dom});
      });
    }
  }
  if (!hdr_dom.empty() && hdr_dom != env_dom && is_fqdn(hdr_dom) && dns != nullptr) {
    dns->resolvable(hdr_dom, [&task, hdr_dom](int ok) {
      if (ok == 0) task.insert_result("HFILTER_FROM_NORES_A_OR_MX", 1.0, {hdr_dom});
    });
  }
}

RunState run(const HfilterConfig& cfg, Task& task, SymbolId self) {
  if (!task.has_message()) return RunState::kDone;
  const Envelope& env = task.envelope();
  dns::Resolver* resolver = cfg.check_dns || cfg.ptr_lookup ? task.resolver() : nullptr;
  std::unique_ptr<Batch> batch;
  if (resolver != nullptr && resolver->available()) {
    batch = std::make_unique<Batch>();
    batch->lookups = std::make_unique<dns::LookupBatch>(
        task.services().dispatcher(), *resolver, [t = &task, self] { t->finish_symbol(self); });
    batch->trust_negative = resolver->trusts_negative_answers();
  }
  Batch* dns_all = cfg.check_dns ? batch.get() : nullptr;

  if (const Relay* fu = task.relays().first_untrusted()) {
    Client c;
    c.ip = fu->ip;
    c.helo = std::string(fu->helo);
    c.rdns = std::string(fu->rdns);
    c.rdns_absent = fu->rdns_absent;
    c.authenticated = fu->artificial
                          ? env.authenticated()
                          : task.message().received[static_cast<size_t>(fu->index)].has(mime::kRcvdAuth);
    // The request's word on its own client wins over what a Received field recorded.
    if (!env.ip.empty() && canonical_ip(env.ip) == fu->ip) {
      if (!env.helo.empty()) c.helo = env.helo;
      if (env.hostname == "unknown") {
        c.rdns.clear();
        c.rdns_absent = true;
      } else if (!env.hostname.empty()) {
        c.rdns = env.hostname;
        c.rdns_absent = false;
      }
    }
    bool skip = cfg.skip_authenticated && (env.authenticated() || c.authenticated);
    if (!skip) {
      helo_checks(task, cfg, c, dns_all);
      rdns_checks(task, cfg, c, batch.get());
    }
  }
  domain_checks(task, dns_all);
  if (!batch || batch->pending == 0) return RunState::kDone;
  batch->started = true;
  task.hold(std::move(batch));
  return RunState::kPending;
}

class HfilterModule final : public Module {
 public:
  std::string_view name() const override { return "hfilter"; }

  void declare_options(core::Schema& s) const override {
    using core::OptType;
    s.section("hfilter", "HELO, reverse DNS and sender domain checks (scan/hfilter_module.h)");
    s.add({"hfilter.enabled", OptType::kBool, "true", "Run the checks"});
    s.add({"hfilter.check_dns", OptType::kBool, "true",
           "Look the HELO name and the sender domains up (A, AAAA, MX) within the task's DNS "
           "lookup budget; a failed lookup never counts"});
    s.add({"hfilter.ptr_lookup", OptType::kBool, "true",
           "Look the client's reverse DNS up (PTR, then A/AAAA of the name) when neither the "
           "request nor our Received field says it"});
    s.add({"hfilter.own_names", OptType::kStringList, "[]",
           "Our own host names and domains: a client claiming one of them (or a subdomain) in "
           "its HELO gets HFILTER_HELO_OWN"});
    s.add({"hfilter.skip_authenticated", OptType::kBool, "true",
           "No HELO and host name checks for authenticated senders"});
  }

  Status configure(Engine& engine, core::Logger& logger) override {
    const core::Config& c = *engine.config;
    if (disabled_by(c, "hfilter.enabled")) return {};
    auto cfg = std::make_shared<HfilterConfig>();
    cfg->check_dns = c.get_bool("hfilter.check_dns");
    cfg->ptr_lookup = c.get_bool("hfilter.ptr_lookup");
    cfg->skip_authenticated = c.get_bool("hfilter.skip_authenticated");
    for (const auto& n : c.get_strings("hfilter.own_names")) cfg->own.push_back(lower(n));
    std::shared_ptr<const HfilterConfig> shared = cfg;
    return add_callback_symbols(
        engine.registry,
        module_callback(name(), "HFILTER_CHECK", "hfilter",
                        "HELO, reverse DNS and sender domain checks",
                        [shared](Task& task, SymbolId self) { return run(*shared, task, self); }),
        kSymbols);
  }
};

}  // namespace

ModulePtr make_hfilter_module() { return std::make_unique<HfilterModule>(); }

}  // namespace mw::scan
