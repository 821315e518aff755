#include "scan/auth_module.h"

#include <unistd.h>

#include <algorithm>

#include "auth/arc/options.h"
#include "auth/arc/verifier.h"
#include "auth/dkim/options.h"
#include "auth/dkim/verifier.h"
#include "auth/dmarc/aggregate.h"
#include "auth/dmarc/evaluator.h"
#include "auth/dmarc/options.h"
#include "auth/spf/checker.h"
#include "auth/spf/options.h"
#include "core/ascii.h"
#include "scan/auth_results.h"
#include "scan/callback_symbols.h"
#include "scan/engine.h"
#include "scan/task.h"
#include "store/store.h"

namespace mw::scan {

namespace {

struct AuthConfig {
  auth::spf::Options spf;
  auth::dkim::Options dkim;
  auth::arc::Options arc;
  auth::dmarc::Options dmarc;
  auth::dmarc::PslPtr psl;
  bool check_authenticated = false;
  bool check_local = false;
  std::vector<std::string> trusted_sealers;
  size_t report_rows = 10000;
  double report_ttl = 7 * 86400;
};

// The checks of one task in flight.
struct Run final : Cancelable {
  std::shared_ptr<const AuthConfig> cfg;
  Task* task = nullptr;
  SymbolId self = kNoSymbol;
  AuthResults* results = nullptr;
  auth::dkim::MessageView view;
  std::unique_ptr<auth::spf::Checker> spf_checker;
  std::unique_ptr<auth::dkim::Verifier> dkim_verifier;
  std::unique_ptr<auth::arc::ChainVerifier> arc_verifier;
  std::unique_ptr<auth::dmarc::Evaluator> dmarc_evaluator;
  auth::spf::EvaluationPtr spf_eval;
  auth::dkim::VerificationPtr dkim_eval;
  auth::arc::ValidationPtr arc_eval;
  auth::dmarc::EvaluationPtr dmarc_eval;
  store::OpPtr report_op;
  store::OpPtr domains_op;
  bool spf_pending = false, dkim_pending = false, arc_pending = false, dmarc_pending = false;
  bool dmarc_wanted = false;
  bool finished = false;

  void maybe_dmarc();
  void maybe_finish();
};

auth::dmarc::SpfAuth spf_auth(auth::spf::SpfResult r) {
  using S = auth::spf::SpfResult;
  using D = auth::dmarc::SpfAuth;
  switch (r) {
    case S::kNone: return D::kNone;
    case S::kNeutral: return D::kNeutral;
    case S::kPass: return D::kPass;
    case S::kFail: return D::kFail;
    case S::kSoftFail: return D::kSoftFail;
    case S::kTempError: return D::kTempError;
    case S::kPermError: return D::kPermError;
  }
  return D::kNone;
}

auth::dmarc::DkimAuth dkim_auth(auth::dkim::DkimResult s) {
  using S = auth::dkim::DkimResult;
  using D = auth::dmarc::DkimAuth;
  switch (s) {
    case S::kPass: return D::kPass;
    case S::kFail: return D::kFail;
    case S::kNeutral: return D::kNeutral;
    case S::kTempError: return D::kTempError;
    case S::kPermError: return D::kPermError;
  }
  return D::kNone;
}

void Run::maybe_dmarc() {
  if (!dmarc_wanted || spf_pending || dkim_pending || dmarc_pending || results->dmarc) return;
  dmarc_wanted = false;
  auth::dmarc::Input in;
  in.from_domain = results->from_domain;
  in.source_ip = task->envelope().ip;
  const std::string& mf = task->envelope().from;
  auto at = mf.rfind('@');
  in.envelope_from = at == std::string::npos ? std::string() : mf.substr(at + 1);
  if (!task->envelope().rcpts.empty()) {
    const std::string& r = task->envelope().rcpts.front();
    auto rat = r.rfind('@');
    if (rat != std::string::npos) in.envelope_to = r.substr(rat + 1);
  }
  if (results->spf) {
    in.spf.domain = results->spf->domain;
    in.spf.scope = results->spf->identity == auth::spf::Identity::kHelo
                       ? auth::dmarc::SpfScope::kHelo
                       : auth::dmarc::SpfScope::kMailFrom;
    in.spf.result = spf_auth(results->spf->result);
  }
  if (results->dkim) {
    for (const auto& s : results->dkim->signatures) {
      in.dkim.push_back({s.domain, s.selector, dkim_auth(s.status), ""});
    }
  }
  dmarc_pending = true;
  dmarc_eval = dmarc_evaluator->evaluate(std::move(in), [this](auth::dmarc::Verdict v) {
    dmarc_pending = false;
    results->dmarc = std::move(v);
    maybe_finish();
  });
}

void Run::maybe_finish() {
  maybe_dmarc();
  if (finished || spf_pending || dkim_pending || arc_pending || dmarc_pending || dmarc_wanted) {
    return;
  }
  finished = true;
  // A passing ARC chain sealed by a trusted forwarder makes a DMARC failure acceptable.
  if (results->dmarc && results->dmarc->result == auth::dmarc::DmarcResult::kFail &&
      results->arc && results->arc->status == auth::arc::ChainStatus::kPass) {
    for (const auto& set : results->arc->sets) {
      const std::string& sealer = set.seal.domain;
      if (std::find(cfg->trusted_sealers.begin(), cfg->trusted_sealers.end(), sealer) !=
          cfg->trusted_sealers.end()) {
        results->arc_override = true;
        results->arc_override_sealer = sealer;
      }
    }
  }
  // Keep an aggregate-report row of the DMARC verdict for later reporting.
  store::Store* st = task->services().store();
  if (st != nullptr && results->dmarc && cfg->report_rows > 0 &&
      (results->dmarc->result == auth::dmarc::DmarcResult::kPass ||
       results->dmarc->result == auth::dmarc::DmarcResult::kFail)) {
    json::Value row = results->dmarc->report.to_json();
    row.set("time", task->time());
    if (results->arc_override) row.set("arc_override", results->arc_override_sealer);
    // One list per policy domain and UTC day, and the day's domains, for the reporter
    // (auth/dmarc/aggregate.h, `mailward dmarc-report`).
    const auto& rep = results->dmarc->report;
    const std::string& domain =
        rep.published_domain.empty() ? results->dmarc->from_domain : rep.published_domain;
    std::string day = auth::dmarc::utc_day(task->time());
    report_op = st->list_push(auth::dmarc::rows_key(day, domain), json::write(row),
                              cfg->report_rows, cfg->report_ttl, [](Status) {});
    domains_op = st->map_set(auth::dmarc::domains_key(day), domain, "1", cfg->report_ttl,
                             [](Status) {});
  }
  task->finish_symbol(self);
}

class AuthModule final : public Module {
 public:
  std::string_view name() const override { return "auth"; }

  void declare_options(core::Schema& s) const override {
    using core::OptType;
    auth::dkim::declare_options(s);
    auth::arc::declare_options(s);
    s.section("options.auth", "Sender authentication checks (SPF, DKIM, DMARC, ARC)");
    s.add({"options.auth.enabled", OptType::kBool, "true", "Run the checks"});
    s.add({"options.auth.authserv_id", OptType::kString, "\"\"",
           "authserv-id of Authentication-Results (empty: this host's name)"});
    s.add({"options.auth.check_authenticated", OptType::kBool, "false",
           "Run SPF and DMARC for authenticated (outbound) senders too"});
    s.add({"options.auth.check_local", OptType::kBool, "false",
           "Run SPF and DMARC for clients in options.local_networks too"});
    s.add({"options.auth.trusted_arc_sealers", OptType::kStringList, "[]",
           "ARC sealer domains whose passing chain overrides a DMARC failure (lists, forwarders)"});
    s.add({"options.auth.dmarc_report_rows", OptType::kInt, "10000",
           "DMARC aggregate-report records kept per policy domain and day (0: none)", 0, 10000000});
    s.add({"options.auth.dmarc_report_ttl", OptType::kDuration, "\"7d\"",
           "How long DMARC report records are kept"});
  }

  Status configure(Engine& engine, core::Logger& logger) override {
    const core::Config& c = *engine.config;
    if (disabled_by(c, "options.auth.enabled")) return {};
    auto cfg = std::make_shared<AuthConfig>();
    auto spf = auth::spf::options_from(c);
    if (!spf) return fail(spf.error());
    cfg->spf = *spf;
    auto dk = auth::dkim::options_from(c);
    if (!dk) return fail(dk.error());
    cfg->dkim = *dk;
    auto arc = auth::arc::options_from(c);
    if (!arc) return fail(arc.error());
    cfg->arc = *arc;
    cfg->dmarc = auth::dmarc::options_from(c);
    auto psl = auth::dmarc::load_public_suffix_list(cfg->dmarc);
    if (!psl) return fail(ErrorCode::kInvalidInput, "public suffix list: " + psl.error().message);
    cfg->psl = *psl;
    cfg->check_authenticated = c.get_bool("options.auth.check_authenticated");
    cfg->check_local = c.get_bool("options.auth.check_local");
    cfg->trusted_sealers = c.get_strings("options.auth.trusted_arc_sealers");
    for (auto& s : cfg->trusted_sealers) core::lower_in_place(s);
    cfg->report_rows = static_cast<size_t>(c.get_int("options.auth.dmarc_report_rows"));
    cfg->report_ttl = c.get_duration("options.auth.dmarc_report_ttl");

    auto callback = [cfg](Task& task, SymbolId self) -> RunState {
      if (!task.has_message()) return RunState::kDone;
      auto owned = std::make_unique<AuthResults>();
      AuthResults* results = owned.get();
      task.set_extension(kAuthExtensionKey, std::move(owned));
      dns::Resolver* resolver = task.resolver();
      if (resolver == nullptr) {
        results->spf_skipped = "no DNS resolver";
        return RunState::kDone;
      }
      auto run = std::make_unique<Run>();
      Run* r = run.get();
      r->cfg = cfg;
      r->task = &task;
      r->self = self;
      r->results = results;
      for (const auto& h : task.message().headers()) {
        r->view.headers.push_back(auth::dkim::HeaderField{h.name, h.raw_field});
      }
      r->view.body = task.message().root != nullptr ? task.message().root->raw_body
                                                    : std::string_view();
      core::Dispatcher& d = task.services().dispatcher();
      auto clock = [&task] { return static_cast<int64_t>(task.time()); };
      const Envelope& env = task.envelope();
      bool local = !env.ip.empty() && task.engine().options.local_networks.contains(env.ip);
      bool skip_sender_checks = (env.authenticated() && !cfg->check_authenticated) ||
                                (local && !cfg->check_local);
      // SPF
      auto ip = auth::spf::IpAddress::parse(env.ip);
      if (skip_sender_checks) {
        results->spf_skipped = env.authenticated() ? "authenticated sender" : "local client";
      } else if (!ip) {
        results->spf_skipped = env.ip.empty() ? "no client IP" : "bad client IP";
      } else {
        r->spf_checker = std::make_unique<auth::spf::Checker>(d, *resolver, cfg->spf, clock);
        auth::spf::Request req;
        req.ip = *ip;
        req.mail_from = env.from;
        req.helo = env.helo;
        req.receiver = env.mta_name;
        r->spf_pending = true;
        r->spf_eval = r->spf_checker->check(std::move(req), [r](auth::spf::Verdict v) {
          r->spf_pending = false;
          r->results->spf = std::move(v);
          r->maybe_finish();
        });
      }
      // DKIM (every signature; "no signature" is a verdict too)
      r->dkim_verifier = std::make_unique<auth::dkim::Verifier>(d, *resolver, cfg->dkim, clock);
      r->dkim_pending = true;
      r->dkim_eval = r->dkim_verifier->verify(r->view, [r](auth::dkim::Verdict v) {
        r->dkim_pending = false;
        r->results->dkim = std::move(v);
        r->maybe_finish();
      });
      // ARC, when the message carries a chain
      bool has_arc = false;
      for (const auto& h : task.message().headers()) {
        has_arc = has_arc || core::iequals(h.name, "ARC-Seal");
      }
      if (has_arc) {
        r->arc_verifier = std::make_unique<auth::arc::ChainVerifier>(d, *resolver, cfg->arc, clock);
        r->arc_pending = true;
        r->arc_eval = r->arc_verifier->verify(r->view, [r](auth::arc::ChainVerdict v) {
          r->arc_pending = false;
          r->results->arc = std::move(v);
          r->maybe_finish();
        });
      }
      // DMARC (after SPF and DKIM)
      if (skip_sender_checks) {
        results->dmarc_skipped = results->spf_skipped;
      } else {
        std::vector<std::string> domains;
        for (const auto& a : task.message().from) {
          if (!a.domain.empty()) domains.emplace_back(a.domain);
        }
        auto from = auth::dmarc::select_from_domain(domains);
        if (!from) {
          results->dmarc_skipped = "no usable From domain";
        } else {
          results->from_domain = from->domain;
          r->dmarc_wanted = true;
          r->dmarc_evaluator = std::make_unique<auth::dmarc::Evaluator>(d, *resolver, cfg->psl,
                                                                        cfg->dmarc);
        }
      }
      task.hold(std::move(run));
      r->maybe_finish();
      return r->finished ? RunState::kDone : RunState::kPending;
    };
    SymbolDef d = module_callback(name(), "AUTH_CHECKS", "", "", std::move(callback));
    d.priority = 5;
    return add_callback_symbols(engine.registry, std::move(d), {});
  }
};

}  // namespace

ModulePtr make_auth_module() { return std::make_unique<AuthModule>(); }

}  // namespace mw::scan
