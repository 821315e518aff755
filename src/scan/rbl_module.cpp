#include "scan/rbl_module.h"

#include <unordered_map>
#include <unordered_set>

#include "auth/dmarc/options.h"
#include "auth/dmarc/org_domain.h"
#include "core/ascii.h"
#include "dns/lookup_batch.h"
#include "dns/resolver.h"
#include "maps/registry.h"
#include "scan/callback_symbols.h"
#include "scan/engine.h"
#include "scan/maps_support.h"
#include "scan/rbl_list.h"
#include "scan/received_chain.h"
#include "scan/task.h"

namespace mw::scan {

namespace {

struct RblConfig {
  RblOptions options;
  const maps::Map* whitelist = nullptr;  // global; lists have their own
  auth::dmarc::PslPtr psl;               // registrable domains of non-URL names
};

// Per process: when each list last warned about a refusal code (not shared between workers).
struct WarnState {
  std::unordered_map<std::string, double> last;
};

struct Query {
  const RblList* list = nullptr;
  std::string name;   // the DNS name
  std::string label;  // "value:check" for the symbol option
};

bool whitelisted(const RblConfig& cfg, const RblList& list, std::string_view value) {
  for (const maps::Map* m : {cfg.whitelist, list.whitelist_map}) {
    if (m != nullptr && m->find(value, nullptr)) return true;
  }
  return false;
}

bool is_ip_text(std::string_view s) { return !reversed_ip(s).empty(); }

// Collects the queries of one message.
class Planner {
 public:
  Planner(const RblConfig& cfg, Task& task) : cfg_(cfg), task_(task) {}

  std::vector<Query> plan() {
    const Envelope& env = task_.envelope();
    const mime::Message& msg = task_.message();
    for (const RblList& l : cfg_.options.lists) {
      if (!l.enabled || (l.exclude_users && env.authenticated())) continue;
      list_seen_.clear();
      if (l.checks & (kRblFrom | kRblReceived | kRblHelo | kRblRdns)) {
        client_checks(l, task_.relays());
      }
      if (l.checks & kRblMailFrom) {
        auto at = env.from.rfind('@');
        if (at != std::string::npos) add_domain(l, env.from.substr(at + 1), "mail_from");
      }
      if (l.checks & kRblHeaderFrom) {
        for (const auto& a : msg.from) add_domain(l, a.domain, "header_from");
      }
      if (l.checks & kRblReplyTo) {
        for (const auto& a : msg.reply_to) add_domain(l, a.domain, "replyto");
      }
      if (l.checks & kRblUrls) url_checks(l, msg);
      if (l.checks & kRblEmails) email_checks(l, msg);
      if (full()) break;
    }
    return std::move(out_);
  }

 private:
  bool full() const { return out_.size() >= cfg_.options.max_queries; }

  // The registrable domain of a name (public suffix list), once per name and message: the
  // lists of one message ask for the same few names.
  const std::string& registrable(std::string_view name) {
    auto [it, fresh] = reg_cache_.try_emplace(std::string(name));
    if (fresh) it->second = cfg_.psl ? cfg_.psl->organizational_domain(name) : it->first;
    return it->second;
  }

  void push(const RblList& l, std::string name, std::string label) {
    if (full() || !list_seen_.insert(name).second) return;
    out_.push_back({&l, name + "." + l.zone, std::move(label)});
  }

  void add_ip(const RblList& l, std::string_view ip, const char* check) {
    if (ip.empty() || !is_public_ip(ip) || whitelisted(cfg_, l, ip)) return;
    bool v6 = ip.find(':') != std::string_view::npos;
    if ((v6 && !l.ipv6) || (!v6 && !l.ipv4)) return;
    std::string rev = reversed_ip(ip);
    if (!rev.empty()) push(l, rev, std::string(ip) + ":" + check);
  }

  // A domain of a sender or a host name: its registrable domain (unless full_domain).
  void add_domain(const RblList& l, std::string_view domain, const char* check) {
    std::string d = core::to_lower(domain);
    while (!d.empty() && d.back() == '.') d.pop_back();
    if (d.empty() || d.find('.') == std::string::npos || is_ip_text(d)) return;
    if (whitelisted(cfg_, l, d)) return;
    std::string reg = l.full_domain ? d : registrable(d);
    std::string q = query_domain(l, d, reg);
    if (q.empty() || whitelisted(cfg_, l, q)) return;
    push(l, q, q + ":" + check);
  }

  void client_checks(const RblList& l, const RelayChain& chain) {
    const Relay* first = chain.first_untrusted();
    if (first == nullptr) return;  // mail from our own networks
    if (l.checks & kRblFrom) add_ip(l, first->ip, "from");
    if (l.checks & kRblHelo) {
      std::string_view helo = first->helo;
      if (!helo.empty() && helo.front() != '[') add_domain(l, helo, "helo");
    }
    if (l.checks & kRblRdns) add_domain(l, first->rdns, "rdns");
    if (l.checks & kRblReceived) {
      uint32_t n = 0;
      const auto& relays = chain.relays();
      for (size_t i = static_cast<size_t>(chain.first_untrusted_position()) + 1;
           i < relays.size() && n < cfg_.options.max_received; ++i) {
        if (relays[i].ip.empty() || relays[i].ip == first->ip) continue;
        size_t before = out_.size();
        add_ip(l, relays[i].ip, "received");
        if (out_.size() > before) ++n;
      }
    }
  }

  void url_checks(const RblList& l, const mime::Message& msg) {
    uint32_t n = 0;
    for (const auto& u : msg.urls) {
      if (n >= cfg_.options.max_url_domains || full()) break;
      size_t before = out_.size();
      if (u.host_is_ip) {
        if (!l.no_ip && is_public_ip(u.host) && !whitelisted(cfg_, l, u.host)) {
          std::string rev = reversed_ip(u.host);
          if (!rev.empty()) push(l, rev, std::string(u.host) + ":url");
        }
      } else if (!u.host.empty() && !whitelisted(cfg_, l, u.host)) {
        // The extractor's registrable domain; the suffix list's when it has none (a host
        // under a top-level domain the list does not know).
        std::string reg(u.tld);
        if ((reg.empty() || reg == u.host) && !l.full_domain) reg = registrable(u.host);
        std::string q = query_domain(l, u.host, reg);
        if (!q.empty() && q.find('.') != std::string::npos && !whitelisted(cfg_, l, q)) {
          push(l, q, q + ":url");
        }
      }
      if (out_.size() > before) ++n;
    }
  }

  void email_checks(const RblList& l, const mime::Message& msg) {
    uint32_t n = 0;
    auto one = [&](std::string_view addr, std::string_view domain) {
      if (n >= cfg_.options.max_emails || addr.empty()) return;
      size_t before = out_.size();
      if (l.emails_domainonly) {
        add_domain(l, domain, "email");
      } else if (!whitelisted(cfg_, l, domain)) {
        std::string canon = canonical_email(addr);
        std::string name = l.hash != RblHash::kNone ? hash_text(canon, l.hash, l.hash_format)
                                                     : canon;
        if (l.hash == RblHash::kNone) {
          for (auto& c : name) c = c == '@' ? '.' : c;
        }
        if (!name.empty()) push(l, name, canon + ":email");
      }
      if (out_.size() > before) ++n;
    };
    for (const auto& a : msg.reply_to) one(a.addr, a.domain);
    for (const auto& e : msg.emails) one(e.addr, e.domain);
  }

  const RblConfig& cfg_;
  Task& task_;
  std::vector<Query> out_;
  std::unordered_set<std::string> list_seen_;
  std::unordered_map<std::string, std::string> reg_cache_;
};

// The lookups of one task in flight: one batch (dns/lookup_batch.h) whose replies are read
// when the last one is in; then the symbol finishes.
struct Lookups final : Cancelable {
  std::shared_ptr<const RblConfig> cfg;
  std::shared_ptr<WarnState> warn;
  Task* task = nullptr;
  SymbolId self = kNoSymbol;
  std::vector<Query> queries;
  std::unique_ptr<dns::LookupBatch> batch;

  void start(dns::Resolver& resolver) {
    batch = std::make_unique<dns::LookupBatch>(task->services().dispatcher(), resolver,
                                               [this] { task->finish_symbol(self); });
    std::vector<dns::Question> questions;
    questions.reserve(queries.size());
    for (const Query& q : queries) questions.push_back({q.name, dns::RrType::kA});
    batch->resolve_all(std::move(questions), [this](std::vector<dns::Reply>& replies) {
      for (size_t i = 0; i < replies.size(); ++i) answered(i, replies[i]);
      batch->finish();
    });
  }

  void answered(size_t i, const dns::Reply& reply) {
    const Query& q = queries[i];
    if (reply.rcode == dns::Rcode::kNoError) {
      bool blocked = false;
      std::vector<std::string_view> symbols;
      for (const auto& rec : reply.answers) {
        if (rec.type != dns::RrType::kA) continue;
        RblAnswer a = read_answer(*q.list, rec.text);
        if (a.blocked) {
          blocked = true;
          warn_blocked(*q.list, rec.text);
          break;
        }
        symbols.insert(symbols.end(), a.symbols.begin(), a.symbols.end());
      }
      if (!blocked) {
        for (auto s : symbols) task->insert_result(s, 1.0, {q.label});
      }
    } else if (reply.rcode != dns::Rcode::kNxDomain) {
      task->log("rbl").debug(q.name + ": " + std::string(dns::rcode_name(reply.rcode)) +
                             " (not counted)");
    }
  }

  void warn_blocked(const RblList& list, const std::string& code) {
    double now = task->services().dispatcher().monotonic();
    auto it = warn->last.find(list.name);
    if (it != warn->last.end() && now - it->second < 60) return;
    warn->last[list.name] = now;
    task->log("rbl").warn("list " + list.name + " (" + list.zone + ") answered " + code +
                          ": it refuses queries from this resolver; its answers are ignored");
  }
};

Result<const maps::Map*> whitelist_map(Engine& engine, core::Logger& logger, std::string name,
                                       const std::vector<std::string>& entries,
                                       std::vector<std::string> files) {
  if (entries.empty() && files.empty()) return static_cast<const maps::Map*>(nullptr);
  for (auto& f : files) f = expand_confdir(std::move(f), engine);
  maps::MapSpec spec;
  spec.name = std::move(name);
  spec.kind = maps::MapKind::kHost;
  spec.entries = entries;
  spec.files = std::move(files);
  auto m = engine_maps(engine, logger).add(std::move(spec));
  if (!m) return fail(m.error());
  return static_cast<const maps::Map*>(*m);
}

class RblModule final : public Module {
 public:
  std::string_view name() const override { return "rbl"; }
  void declare_options(core::Schema& s) const override { declare_rbl_options(s); }

  Status configure(Engine& engine, core::Logger& logger) override {
    auto opts = load_rbl_options(*engine.config);
    if (!opts) return fail(opts.error());
    auto cfg = std::make_shared<RblConfig>();
    cfg->options = std::move(*opts);
    if (!cfg->options.enabled) {
      disable("rbl.enabled is false");
      return {};
    }
    auto global = whitelist_map(engine, logger, "rbl.whitelist", cfg->options.whitelist,
                                cfg->options.whitelist_maps);
    if (!global) return fail(global.error());
    cfg->whitelist = *global;
    size_t enabled = 0;
    bool domains = false;
    for (RblList& l : cfg->options.lists) {
      auto wl = whitelist_map(engine, logger, "rbl." + l.name + ".whitelist", l.whitelist,
                              l.whitelist_maps);
      if (!wl) return fail(wl.error());
      l.whitelist_map = *wl;
      if (!l.enabled) continue;
      ++enabled;
      domains = domains || (l.checks & (kRblHelo | kRblRdns | kRblMailFrom | kRblHeaderFrom |
                                        kRblReplyTo | kRblEmails | kRblUrls));
    }
    if (enabled == 0) {
      logger.info("rbl", "no DNS list enabled");
      return {};
    }
    if (domains) {
      // The list the auth module uses (options.dmarc.public_suffix_list).
      auto psl = auth::dmarc::load_public_suffix_list(auth::dmarc::options_from(*engine.config));
      if (psl) cfg->psl = *psl;
      else logger.warn("rbl", "no public suffix list: sender domains are queried as written");
    }
    auto warn = std::make_shared<WarnState>();
    std::shared_ptr<const RblConfig> shared = cfg;
    auto callback = [shared, warn](Task& task, SymbolId self) -> RunState {
      if (!task.has_message()) return RunState::kDone;
      dns::Resolver* resolver = task.resolver();
      // No resolver, or every name server known to be down: the lookups would all fail.
      if (resolver == nullptr || !resolver->available()) return RunState::kDone;
      Planner planner(*shared, task);
      std::vector<Query> queries = planner.plan();
      if (queries.empty()) return RunState::kDone;
      auto run = std::make_unique<Lookups>();
      Lookups* r = run.get();
      r->cfg = shared;
      r->warn = warn;
      r->task = &task;
      r->self = self;
      r->queries = std::move(queries);
      r->start(*resolver);
      task.hold(std::move(run));
      return RunState::kPending;
    };
    auto id =
        engine.registry.add(module_callback(name(), "RBL_CHECK", "rbl", "DNS blocklists", callback));
    if (!id) return fail(id.error());
    for (const RblList& l : cfg->options.lists) {
      if (!l.enabled) continue;
      for (const auto& sym : l.symbols()) {
        double score = l.score;
        for (const auto& [s, sc] : l.scores) {
          if (s == sym) score = sc;
        }
        SymbolDef v = engine.registry.virtual_of(
            *id, sym, l.description + (sym == l.symbol ? "" : ": " + sym), score);
        v.groups = {l.group};
        v.origin = "module:rbl:" + l.name;
        auto vid = engine.registry.add(std::move(v));
        if (!vid) return fail(ErrorCode::kInvalidInput, "rbl." + l.name + ": " + vid.error().message);
      }
    }
    logger.info("rbl", std::to_string(enabled) + " DNS lists, at most " +
                           std::to_string(cfg->options.max_queries) + " queries per message");
    return {};
  }
};

}  // namespace

ModulePtr make_rbl_module() { return std::make_unique<RblModule>(); }

}  // namespace mw::scan
