#include "scan/dkim_replay_module.h"

#include <algorithm>
#include <memory>

#include "auth/dkim/crypto.h"
#include "auth/spf/address.h"
#include "core/ascii.h"
#include "dns/name.h"
#include "scan/auth_results.h"
#include "scan/callback_symbols.h"
#include "scan/engine.h"
#include "scan/task.h"
#include "store/store.h"

namespace mw::scan {

namespace {

constexpr VirtualSymbol kSymbols[] = {
    {"DKIM_REPLAY", 5.0,
     "A valid DKIM signature seen from many networks to many recipients (replay)"},
};

constexpr size_t kHashBytes = 12;  // 96 bits: collisions are irrelevant at these counts

struct ReplayConfig {
  double window = 86400;
  uint64_t networks = 20;
  uint64_t recipients = 100;
  size_t max_signatures = 2;
  size_t max_recipients = 20;
  double own_ttl = 30 * 86400;
};

// Hex of the first kHashBytes of SHA-256(tag NUL text): every stored name is one of these.
std::string hashed(std::string_view tag, std::string_view text) {
  auth::dkim::Digest d(auth::dkim::HashAlg::kSha256);
  d.update(tag);
  d.update(std::string_view("\0", 1));
  d.update(text);
  std::string raw = d.finish();
  return core::hex_encode(std::string_view(raw).substr(0, kHashBytes));
}

// "192.0.2.0/24", "2001:db8:1::/48": the client's network; "" for no usable address.
std::string network_of(const std::string& ip_text) {
  auto ip = auth::spf::IpAddress::parse(ip_text);
  if (!ip) return {};
  auth::spf::IpAddress a = ip->is_v4_mapped() ? ip->unmapped() : *ip;
  if (a.is_v4()) {
    a.bytes[3] = 0;
    return a.to_string() + "/24";
  }
  if (a.is_v6()) {
    std::fill(a.bytes.begin() + 6, a.bytes.end(), 0);
    return a.to_string() + "/48";
  }
  return {};
}

// Relaxed alignment without the suffix list: equal, or one a parent of the other.
bool related(const std::string& a, const std::string& b) {
  // A subdomain of a name with a dot (not of a top-level domain).
  auto under = [](const std::string& child, const std::string& parent) {
    return parent.find('.') != std::string::npos &&
           dns::is_same_or_subdomain(child, parent);
  };
  return a == b || under(a, b) || under(b, a);
}

// One passing signature of one task, counted in the store.
struct Count {
  std::string domain, selector;
  std::string sig;    // hash naming the signature
  std::string own;    // key of the signer's remembered networks
  bool counted_net = false;
  uint64_t nets = 0, rcpts = 0;
  size_t pending = 0;
};

struct Run final : Cancelable {
  std::shared_ptr<const ReplayConfig> cfg;
  Task* task = nullptr;
  SymbolId self = kNoSymbol;
  std::string net;
  std::vector<std::string> rcpts;
  std::vector<Count> counts;
  std::vector<store::OpPtr> ops;
  size_t pending = 0;
  bool finished = false;

  void start_counting(Count& c);
  void one_done() {
    if (--pending > 0 || finished) return;
    finished = true;
    for (const auto& c : counts) {
      if (!c.counted_net || c.nets < cfg->networks || c.rcpts < cfg->recipients) continue;
      std::string o1 = "d=" + c.domain, o2 = "s=" + c.selector,
                  o3 = "networks=" + std::to_string(c.nets),
                  o4 = "recipients=" + std::to_string(c.rcpts);
      task->insert_result("DKIM_REPLAY", 1.0, {o1, o2, o3, o4});
      break;
    }
    task->finish_symbol(self);
  }
};

void Run::start_counting(Count& c) {
  store::Store* st = task->services().store();
  c.counted_net = true;
  pending += 1 + rcpts.size();
  Count* cp = &c;
  ops.push_back(st->distinct_add("dr:n:" + c.sig, hashed("net", net), cfg->window,
                                 [this, cp](Result<store::Store::DistinctResult> r) {
                                   if (r) cp->nets = r->count;
                                   one_done();
                                 }));
  for (const auto& rc : rcpts) {
    ops.push_back(st->distinct_add("dr:r:" + c.sig, hashed("rcpt", rc), cfg->window,
                                   [this, cp](Result<store::Store::DistinctResult> r) {
                                     if (r) cp->rcpts = std::max(cp->rcpts, r->count);
                                     one_done();
                                   }));
  }
}

class DkimReplayModule final : public Module {
 public:
  std::string_view name() const override { return "dkim_replay"; }

  void declare_options(core::Schema& s) const override {
    using core::OptType;
    s.section("options.dkim_replay",
              "DKIM replay: one valid signature arriving from many networks to many recipients");
    s.add({"options.dkim_replay.enabled", OptType::kBool, "true", "Count and detect"});
    s.add({"options.dkim_replay.window", OptType::kDuration, "\"1d\"",
           "Time over which networks and recipients of a signature are counted", 60,
           30 * 86400});
    s.add({"options.dkim_replay.networks", OptType::kInt, "20",
           "Distinct networks (/24, /48) outside the signer's own for DKIM_REPLAY", 2, 1000000});
    s.add({"options.dkim_replay.recipients", OptType::kInt, "100",
           "Distinct recipients for DKIM_REPLAY (together with `networks`)", 1, 1000000});
    s.add({"options.dkim_replay.max_signatures", OptType::kInt, "2",
           "Passing signatures of one message counted at most", 1, 10});
    s.add({"options.dkim_replay.max_recipients", OptType::kInt, "20",
           "Recipients of one message counted at most", 1, 1000});
    s.add({"options.dkim_replay.own_network_ttl", OptType::kDuration, "\"30d\"",
           "How long a network where a signer's SPF passed (aligned) stays its own", 3600,
           365 * 86400});
  }

  Status configure(Engine& engine, core::Logger& logger) override {
    const core::Config& c = *engine.config;
    if (disabled_by(c, "options.dkim_replay.enabled")) return {};
    auto cfg = std::make_shared<ReplayConfig>();
    cfg->window = c.get_duration("options.dkim_replay.window");
    cfg->networks = static_cast<uint64_t>(c.get_int("options.dkim_replay.networks"));
    cfg->recipients = static_cast<uint64_t>(c.get_int("options.dkim_replay.recipients"));
    cfg->max_signatures = static_cast<size_t>(c.get_int("options.dkim_replay.max_signatures"));
    cfg->max_recipients = static_cast<size_t>(c.get_int("options.dkim_replay.max_recipients"));
    cfg->own_ttl = c.get_duration("options.dkim_replay.own_network_ttl");
    (void)logger;

    SymbolDef d = module_callback(
        name(), "DKIM_REPLAY_CHECK", "auth",
        "Counts networks and recipients of valid DKIM signatures",
        [cfg](Task& task, SymbolId self) -> RunState { return check(cfg, task, self); });
    d.deps = {"AUTH_CHECKS"};
    return add_callback_symbols(engine.registry, std::move(d), kSymbols);
  }

 private:
  static RunState check(const std::shared_ptr<const ReplayConfig>& cfg, Task& task,
                        SymbolId self) {
    const AuthResults* ar = auth_results(task);
    store::Store* st = task.services().store();
    const Envelope& env = task.envelope();
    if (ar == nullptr || !ar->dkim || st == nullptr || env.authenticated()) return RunState::kDone;
    if (!env.ip.empty() && task.engine().options.local_networks.contains(env.ip)) {
      return RunState::kDone;
    }
    std::string net = network_of(env.ip);
    if (net.empty()) return RunState::kDone;
    auto run = std::make_unique<Run>();
    Run* r = run.get();
    r->cfg = cfg;
    r->task = &task;
    r->self = self;
    r->net = net;
    for (const auto& rc : env.rcpts) {
      if (r->rcpts.size() >= cfg->max_recipients) break;
      std::string l = core::to_lower(rc);
      if (std::find(r->rcpts.begin(), r->rcpts.end(), l) == r->rcpts.end()) r->rcpts.push_back(l);
    }
    std::string spf_domain;
    if (ar->spf && ar->spf->result == auth::spf::SpfResult::kPass) {
      spf_domain = core::to_lower(ar->spf->domain);
    }
    for (const auto& s : ar->dkim->signatures) {
      if (s.status != auth::dkim::DkimResult::kPass || s.b_digest.empty()) continue;
      if (r->counts.size() >= cfg->max_signatures) break;
      bool dup = false;
      for (const auto& c : r->counts) dup = dup || c.domain == s.domain;
      if (dup) continue;
      Count c;
      c.domain = s.domain;
      c.selector = s.selector;
      c.sig = hashed("sig", s.domain + " " + core::to_lower(s.selector) + " " + s.b_digest);
      c.own = "dr:own:" + hashed("d", s.domain);
      r->counts.push_back(std::move(c));
    }
    if (r->counts.empty()) return RunState::kDone;
    // Each signature: from the signer (SPF aligned) -> remember the network; else count it
    // unless the network was remembered as the signer's.
    r->pending = 1;  // released below, once every operation is started
    std::string net_hash = hashed("net", net);
    for (auto& c : r->counts) {
      if (!spf_domain.empty() && related(spf_domain, c.domain)) {
        r->ops.push_back(st->map_set(c.own, net_hash, "1", cfg->own_ttl, [](Status) {}));
        continue;
      }
      ++r->pending;
      Count* cp = &c;
      r->ops.push_back(st->map_get(c.own, net_hash,
                                   [r, cp](Result<std::optional<std::string>> own) {
                                     // A store error counts: better a missed exemption
                                     // than a blind spot.
                                     if (!own || !own->has_value()) r->start_counting(*cp);
                                     r->one_done();
                                   }));
    }
    task.hold(std::move(run));
    r->one_done();
    return r->finished ? RunState::kDone : RunState::kPending;
  }
};

}  // namespace

ModulePtr make_dkim_replay_module() { return std::make_unique<DkimReplayModule>(); }

}  // namespace mw::scan
