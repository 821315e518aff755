#include "scan/signing_module.h"

#include <optional>

#include <memory>

#include "auth/arc/sealer.h"
#include "auth/dkim/signer.h"
#include "auth/dkim/text.h"
#include "core/ascii.h"
#include "scan/auth_results.h"
#include "scan/engine.h"
#include "scan/signing_keys.h"
#include "scan/task.h"

namespace mw::scan {

namespace {

using core::to_lower;

std::string domain_of(std::string_view addr) {
  auto at = addr.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string d = to_lower(addr.substr(at + 1));
  while (!d.empty() && (d.back() == '>' || d.back() == '.')) d.pop_back();
  return d;
}

// a == b, or one is a subdomain of the other (news.example.org and example.org).
bool related(std::string_view a, std::string_view b) {
  if (a == b) return true;
  auto sub = [](std::string_view x, std::string_view parent) {
    return x.size() > parent.size() && x.ends_with(parent) && x[x.size() - parent.size() - 1] == '.';
  };
  return sub(a, b) || sub(b, a);
}

enum class UseDomain { kHeader, kEnvelope, kAuth, kRecipient };

UseDomain use_domain(const std::string& s) {
  if (s == "envelope") return UseDomain::kEnvelope;
  if (s == "auth") return UseDomain::kAuth;
  if (s == "recipient") return UseDomain::kRecipient;
  return UseDomain::kHeader;
}

struct Who {
  bool authenticated = false;
  bool local = false;
};

// Which of the configured kinds of sender a section signs for.
struct Scope {
  bool authenticated = false;
  bool local = false;
  bool inbound = false;

  // "" when the message is in scope, else why not.
  std::string refuse(const Who& w) const {
    if (w.authenticated && authenticated) return {};
    if (w.local && local) return {};
    if (inbound) return {};
    if (w.authenticated) return "authenticated senders are not signed (sign_authenticated = false)";
    if (w.local) return "local networks are not signed (sign_local = false)";
    return "not authenticated and not from a local network";
  }
};

struct DkimConfig {
  bool enabled = false;
  Scope scope;
  UseDomain use = UseDomain::kHeader;
  bool allow_hdrfrom_mismatch = false;
  bool allow_envfrom_empty = true;
  bool allow_username_mismatch = false;
  KeyTable<auth::dkim::Signer> keys;
};

struct ArcConfig {
  bool enabled = false;
  Scope scope;
  UseDomain use = UseDomain::kRecipient;
  std::string authserv_id;
  std::string seal_selector;  // "" = the domain's first key
  KeyTable<auth::arc::Sealer> keys;
};

struct SigningConfig {
  DkimConfig dkim;
  ArcConfig arc;
};

SigningReport outcome(std::string_view status, std::string_view reason) {
  SigningReport r;
  r.status = std::string(status);
  r.reason = std::string(reason);
  return r;
}

// Why a message was not signed or sealed: in the reply, and in the log (info for a message the
// operator may have expected to be signed, debug for mail out of scope).
void skipped(SigningReport& report, const core::ModuleLog& log, std::string_view what,
             const std::string& why, bool candidate) {
  report = outcome("skipped", why);
  std::string line = "not " + std::string(what) + ": " + why;
  if (candidate) {
    log.info(line);
  } else {
    log.debug(line);
  }
}

// The message as DKIM/ARC see it, built on first use: most messages are not signed.
class LazyView {
 public:
  explicit LazyView(const Task& task) : task_(task) {}
  const auth::dkim::MessageView& get() {
    if (!view_) {
      view_.emplace();
      for (const auto& h : task_.message().headers()) {
        view_->headers.push_back(auth::dkim::HeaderField{h.name, h.raw_field});
      }
      view_->body = task_.message().root != nullptr ? task_.message().root->raw_body
                                                    : std::string_view();
    }
    return *view_;
  }

 private:
  const Task& task_;
  std::optional<auth::dkim::MessageView> view_;
};

// ---- DKIM

struct Signed {
  std::vector<auth::dkim::SignedField> fields;  // the new DKIM-Signature fields
};

Signed dkim_sign(DkimConfig& cfg, Task& task, const Who& who, LazyView& view,
                 SigningReport& report) {
  Signed out;
  const Envelope& env = task.envelope();
  core::ModuleLog log = task.log("dkim_signing");
  auto skip = [&](const std::string& why, bool candidate) {
    skipped(report, log, "signed", why, candidate);
    return Signed{};
  };
  if (std::string why = cfg.scope.refuse(who); !why.empty()) return skip(why, false);
  std::string hdr_domain;
  for (const auto& a : task.message().from) {
    if (!a.domain.empty()) {
      hdr_domain = to_lower(a.domain);
      break;
    }
  }
  std::string env_domain = domain_of(env.from);
  if (env.from.empty() && !cfg.allow_envfrom_empty) {
    return skip("empty envelope sender (allow_envfrom_empty = false)", true);
  }
  if (!env.from.empty() && !cfg.allow_hdrfrom_mismatch && !related(hdr_domain, env_domain)) {
    return skip("From header domain " + (hdr_domain.empty() ? "(none)" : hdr_domain) +
                    " differs from the envelope sender domain " + env_domain,
                true);
  }
  std::string domain;
  switch (cfg.use) {
    case UseDomain::kEnvelope: domain = env_domain.empty() ? hdr_domain : env_domain; break;
    case UseDomain::kAuth: domain = domain_of(env.user); break;
    default: domain = hdr_domain; break;
  }
  if (domain.empty() && cfg.use == UseDomain::kAuth) domain = hdr_domain;
  if (domain.empty()) return skip("no sender domain to sign for", true);
  std::string user_domain = domain_of(env.user);
  if (who.authenticated && !cfg.allow_username_mismatch && !user_domain.empty() &&
      !related(user_domain, domain)) {
    return skip("authenticated user's domain " + user_domain + " differs from the signing domain " +
                    domain,
                true);
  }
  auto found = cfg.keys.find(domain);
  // Debug: most domains a server sees have no key, and that is no news to the operator.
  if (found.signers.empty()) return skip(found.why, false);
  std::vector<SigningReport::Signature> sigs;
  for (const auto* signer : found.signers) {
    auto field = signer->sign(view.get(), static_cast<int64_t>(task.time()));
    if (!field) {
      log.warn("signing as " + signer->options().domain + "/" + signer->options().selector +
               " failed: " + field.error().message);
      continue;
    }
    out.fields.push_back(std::move(*field));
    sigs.push_back({signer->options().domain, signer->options().selector,
                    signer->key().type() == auth::dkim::KeyType::kRsa ? "rsa-sha256"
                                                                     : "ed25519-sha256"});
    task.insert_result("DKIM_SIGNED", 1.0,
                       {signer->options().domain + ":" + signer->options().selector});
  }
  if (out.fields.empty()) return skip("signing failed (see the log)", true);
  report = outcome("signed", "");
  report.signatures = std::move(sigs);
  log.info("signed for " + found.domain + " (" + std::to_string(out.fields.size()) +
           " signature" + (out.fields.size() > 1 ? "s" : "") + ")");
  return out;
}

// ---- ARC

void arc_seal(ArcConfig& cfg, Task& task, const Who& who, LazyView& lazy, const Signed& dkim,
              SigningReport& report) {
  const Envelope& env = task.envelope();
  core::ModuleLog log = task.log("arc_sealing");
  auto skip = [&](const std::string& why, bool candidate) {
    skipped(report, log, "sealed", why, candidate);
  };
  if (std::string why = cfg.scope.refuse(who); !why.empty()) return skip(why, false);
  KeyTable<auth::arc::Sealer>::Found found;
  if (cfg.use == UseDomain::kRecipient) {
    std::vector<std::string> rcpts = env.rcpts;
    if (!env.deliver_to.empty()) rcpts.insert(rcpts.begin(), env.deliver_to);
    for (const auto& r : rcpts) {
      std::string d = domain_of(r);
      if (d.empty()) continue;
      found = cfg.keys.find(d);
      if (!found.signers.empty()) break;
    }
    if (found.signers.empty()) return skip("no sealing key for the recipient domains", false);
  } else {
    std::string d;
    if (cfg.use == UseDomain::kEnvelope) d = domain_of(env.from);
    if (d.empty()) {
      for (const auto& a : task.message().from) {
        if (!a.domain.empty()) {
          d = to_lower(a.domain);
          break;
        }
      }
    }
    if (d.empty()) return skip("no sender domain to seal for", false);
    found = cfg.keys.find(d);
    if (found.signers.empty()) return skip(found.why, false);
  }
  // The seal covers the new DKIM signatures as the recipient will see them (on top).
  std::vector<std::string> owned;
  for (const auto& f : dkim.fields) owned.push_back(f.field() + "\r\n");
  auth::dkim::MessageView view = lazy.get();
  for (auto it = owned.rbegin(); it != owned.rend(); ++it) {
    view.headers.insert(view.headers.begin(), auth::dkim::HeaderField::from_raw(*it));
  }
  // The chain as received and this host's results.
  const AuthResults* ar = auth_results(task);
  bool has_arc = false;
  for (const auto& h : view.headers) has_arc = has_arc || core::iequals(h.name, "ARC-Seal");
  auth::arc::SealRequest req;
  req.authserv_id = authserv_id_for(task, cfg.authserv_id);
  if (has_arc) {
    if (ar == nullptr || !ar->arc) return skip("the ARC chain was not verified", true);
    req.chain = ar->arc->status;
    if (req.chain == auth::arc::ChainStatus::kTempError) {
      return skip("the ARC chain could not be verified (temperror)", true);
    }
  }
  if (ar != nullptr) req.results = result_list(task, *ar);
  const auth::arc::Sealer* sealer = found.signers.front();
  for (const auth::arc::Sealer* s : found.signers) {
    if (!cfg.seal_selector.empty() && s->options().selector == cfg.seal_selector) sealer = s;
  }
  auto sealed = sealer->seal(view, req, static_cast<int64_t>(task.time()));
  if (!sealed) return skip("sealing failed: " + sealed.error().message, true);
  if (!sealed->sealed) return skip(sealed->reason, true);
  const auth::arc::SealedSet& set = sealed->set;
  // Inserted one by one at the top: AAR first so that the ARC-Seal ends up on top.
  MilterBlock& milter = task.outcome().additions().milter;
  for (const auth::dkim::SignedField* f :
       {&set.authentication_results, &set.message_signature, &set.seal}) {
    milter.put_header({f->name, f->value, 0});
  }
  task.insert_result("ARC_SIGNED", 1.0,
                     {sealer->options().domain + ":" + sealer->options().selector,
                      "i=" + std::to_string(set.instance), "cv=" + set.cv});
  report = outcome("signed", "");
  report.instance = static_cast<int64_t>(set.instance);
  report.cv = set.cv;
  report.domain = sealer->options().domain;
  log.info("sealed for " + found.domain + " (i=" + std::to_string(set.instance) + ", cv=" + set.cv +
           ")");
}

// ---- configuration

Scope scope_of(const core::Config& c, const std::string& section) {
  return {c.get_bool(section + ".sign_authenticated"), c.get_bool(section + ".sign_local"),
          c.get_bool(section + ".sign_inbound")};
}

// A key-table factory: a Signer or Sealer with a copy of `base` for the key's domain/selector.
template <class S, class Options>
typename KeyTable<S>::Factory factory(Options base) {
  return [base](auth::dkim::PrivateKey key, const std::string& domain, const std::string& selector) {
    Options o = base;
    o.domain = domain;  // lower-case (KeyTable)
    o.selector = selector;
    return S::create(std::move(key), std::move(o));
  };
}

// What [dkim_signing] and [arc_sealing] share: the scope, use_domain, the header list (into
// `base`, kept when empty) and the key table, whose signers or sealers S get a copy of `base`.
template <class S, class Section, class Options>
Status load_section(const core::Config& c, const std::string& section, Section& out,
                    Options base, const typename KeyTable<S>::Expander& expand) {
  out.scope = scope_of(c, section);
  out.use = use_domain(c.get_string(section + ".use_domain"));
  auto headers = c.get_strings(section + ".headers");
  if (!headers.empty()) base.headers = headers;
  return out.keys.load(c, section, expand, factory<S>(std::move(base)));
}

Status parse_canon(const std::string& s, auth::dkim::SignOptions& o) {
  auto one = [](std::string_view v, auth::dkim::Canon& c) {
    if (v == "relaxed") {
      c = auth::dkim::Canon::kRelaxed;
    } else if (v == "simple") {
      c = auth::dkim::Canon::kSimple;
    } else {
      return false;
    }
    return true;
  };
  auto slash = s.find('/');
  std::string_view h = std::string_view(s).substr(0, slash);
  std::string_view b = slash == std::string::npos ? std::string_view("simple")
                                                  : std::string_view(s).substr(slash + 1);
  if (!one(h, o.header_canon) || !one(b, o.body_canon)) {
    return fail(ErrorCode::kInvalidInput, "dkim_signing.canonicalization: '" + s +
                                              "' (relaxed/relaxed, relaxed/simple, simple/simple...)");
  }
  return {};
}

void declare_section(core::Schema& s, const std::string& sec, bool arc) {
  using core::OptType;
  std::string what = arc ? "seal" : "sign";
  s.add({sec + ".enabled", OptType::kBool, "true",
         arc ? "Seal mail for the configured domains" : "Sign mail for the configured domains"});
  s.add({sec + ".sign_authenticated", OptType::kBool, arc ? "false" : "true",
         "Consider mail from authenticated (SASL) senders"});
  s.add({sec + ".sign_local", OptType::kBool, arc ? "false" : "true",
         "Consider mail from options.local_networks"});
  s.add({sec + ".sign_inbound", OptType::kBool, arc ? "true" : "false",
         "Consider all other mail"});
  s.add({sec + ".use_domain", OptType::kString, arc ? "\"recipient\"" : "\"header\"",
         arc ? "Domain to seal for: the envelope recipients' (forwarders, lists), the From "
               "header's or the envelope sender's"
             : "Domain to sign for: the From header's, the envelope sender's or the "
               "authenticated user's",
         {}, {},
         arc ? std::vector<std::string>{"recipient", "header", "envelope"}
             : std::vector<std::string>{"header", "envelope", "auth"}});
  s.add({sec + ".sign_subdomains", OptType::kBool, "true",
         "A subdomain without keys of its own uses its nearest configured parent's"});
  s.add({sec + ".try_fallback", OptType::kBool, "true",
         "Look for a key file through `path` when the domain is not configured"});
  s.add({sec + ".path", OptType::kString,
         arc ? "\"$DBDIR/arc/$domain.$selector.key\"" : "\"$DBDIR/dkim/$domain.$selector.key\"",
         "Key file template ($domain, $selector, $DBDIR, $CONFDIR)"});
  s.add({sec + ".selector", OptType::kString, arc ? "\"arc\"" : "\"dkim\"",
         "Selector used with the path template"});
  s.add({sec + ".headers", OptType::kStringList, "[]",
         "Header fields to " + what + " (empty: the built-in list)"});
  s.add({sec + ".domains", OptType::kTable, "{}",
         "Keys per domain: [" + sec + ".domains.\"example.org\"] with selector and path, or "
         "selectors = [{selector, path}, ...]"});
}

class SigningModule final : public Module {
 public:
  explicit SigningModule(PathExpander expand) : expand_(std::move(expand)) {}

  std::string_view name() const override { return "signing"; }

  void declare_options(core::Schema& s) const override {
    using core::OptType;
    s.section("dkim_signing", "DKIM signing of outbound mail (RFC 6376, RFC 8463)");
    declare_section(s, "dkim_signing", false);
    s.add({"dkim_signing.allow_hdrfrom_mismatch", OptType::kBool, "false",
           "Sign when the From header domain differs from the envelope sender's"});
    s.add({"dkim_signing.allow_envfrom_empty", OptType::kBool, "true",
           "Sign mail with the null envelope sender (bounces)"});
    s.add({"dkim_signing.allow_username_mismatch", OptType::kBool, "false",
           "Sign when the authenticated user's domain differs from the signing domain"});
    s.add({"dkim_signing.canonicalization", OptType::kString, "\"relaxed/relaxed\"",
           "header/body canonicalization"});
    s.add({"dkim_signing.oversign", OptType::kStringList,
           "[\"from\", \"subject\", \"to\", \"date\"]",
           "Fields signed once more than present, so that none can be added"});
    s.add({"dkim_signing.expire", OptType::kDuration, "0",
           "Signature lifetime (x=); 0: no expiry"});
    s.section("arc_sealing", "ARC sealing of forwarded and list mail (RFC 8617)");
    declare_section(s, "arc_sealing", true);
    s.add({"arc_sealing.authserv_id", OptType::kString, "\"\"",
           "authserv-id of the ARC-Authentication-Results (empty: options.auth.authserv_id)"});
    s.add({"arc_sealing.seal_selector", OptType::kString, "\"\"",
           "Of a domain's keys, seal with the one of this selector (empty or absent: the "
           "first key listed); e.g. the RSA key of a domain that also signs with Ed25519"});
  }

  Status configure(Engine& engine, core::Logger& /*logger*/) override {
    const core::Config& c = *engine.config;
    auto cfg = std::make_shared<SigningConfig>();
    // Kept by the key tables after this module is gone: copies, not references.
    KeyTable<auth::dkim::Signer>::Expander expand = [conf = engine.config,
                                                     fn = expand_](std::string p) {
      return fn(std::move(p), *conf);
    };
    // DKIM
    cfg->dkim.enabled = c.get_bool("dkim_signing.enabled");
    if (cfg->dkim.enabled) {
      DkimConfig& d = cfg->dkim;
      d.allow_hdrfrom_mismatch = c.get_bool("dkim_signing.allow_hdrfrom_mismatch");
      d.allow_envfrom_empty = c.get_bool("dkim_signing.allow_envfrom_empty");
      d.allow_username_mismatch = c.get_bool("dkim_signing.allow_username_mismatch");
      auth::dkim::SignOptions base;
      if (auto st = parse_canon(c.get_string("dkim_signing.canonicalization"), base); !st) return st;
      base.oversign = c.get_strings("dkim_signing.oversign");
      base.expire_after = static_cast<int64_t>(c.get_duration("dkim_signing.expire"));
      auto st = load_section<auth::dkim::Signer>(c, "dkim_signing", d, std::move(base), expand);
      if (!st) return st;
    }
    // ARC
    cfg->arc.enabled = c.get_bool("arc_sealing.enabled");
    if (cfg->arc.enabled) {
      ArcConfig& a = cfg->arc;
      a.authserv_id = c.get_string("arc_sealing.authserv_id");
      a.seal_selector = c.get_string("arc_sealing.seal_selector");
      auto st =
          load_section<auth::arc::Sealer>(c, "arc_sealing", a, auth::arc::SealOptions{}, expand);
      if (!st) return st;
    }
    if (!cfg->dkim.enabled && !cfg->arc.enabled) {
      disable("DKIM signing and ARC sealing are off ([dkim_signing] and [arc_sealing] enabled)");
      return {};
    }

    SymbolDef signed_sym;
    signed_sym.name = "DKIM_SIGNED";
    signed_sym.type = SymbolType::kVirtual;
    signed_sym.parent_name = "SIGNING";
    signed_sym.description = "Message was DKIM-signed";
    signed_sym.groups = {"auth"};
    signed_sym.origin = "module:signing";
    SymbolDef arc_sym = signed_sym;
    arc_sym.name = "ARC_SIGNED";
    arc_sym.description = "Message was ARC-sealed";

    SymbolDef d;
    d.name = "SIGNING";
    d.type = SymbolType::kPostfilter;
    d.priority = 20;  // after AUTH_RESULTS_HEADER (10): the ARC Set goes above its field
    d.description = "DKIM signing and ARC sealing";
    d.origin = "module:signing";
    d.callback = [cfg](Task& task, SymbolId) -> RunState {
      if (!task.has_message()) return RunState::kDone;
      const Envelope& env = task.envelope();
      Who who{env.authenticated(),
              !env.ip.empty() && task.engine().options.local_networks.contains(env.ip)};
      LazyView view(task);
      Signed dkim;
      // Mail the MTA will refuse is never delivered: signing or sealing it is wasted work
      // (and a signature on spam is worth stealing).
      bool rejected = task.outcome().current_action() == Action::kReject;
      const char* kRejected = "the message is rejected";
      if (cfg->dkim.enabled && cfg->dkim.keys.configured() && rejected) {
        skipped(task.outcome().additions().dkim_signing, task.log("dkim_signing"), "signed",
                kRejected, false);
      } else if (cfg->dkim.enabled && cfg->dkim.keys.configured()) {
        ReplyAdditions& additions = task.outcome().additions();
        dkim = dkim_sign(cfg->dkim, task, who, view, additions.dkim_signing);
        if (!dkim.fields.empty()) {
          additions.dkim_signatures.clear();
          // The values, as Rspamd replies.
          for (const auto& f : dkim.fields) additions.dkim_signatures.push_back(f.value);
        }
      }
      if (cfg->arc.enabled && cfg->arc.keys.configured() && rejected) {
        skipped(task.outcome().additions().arc_sealing, task.log("arc_sealing"), "sealed",
                kRejected, false);
      } else if (cfg->arc.enabled && cfg->arc.keys.configured()) {
        arc_seal(cfg->arc, task, who, view, dkim, task.outcome().additions().arc_sealing);
      }
      return RunState::kDone;
    };
    auto id = engine.registry.add(std::move(d));
    if (!id) return fail(id.error());
    if (auto r = engine.registry.add(std::move(signed_sym)); !r) return fail(r.error());
    if (auto r = engine.registry.add(std::move(arc_sym)); !r) return fail(r.error());
    return {};
  }

 private:
  PathExpander expand_;
};

}  // namespace

ModulePtr make_signing_module(PathExpander expand) {
  return std::make_unique<SigningModule>(std::move(expand));
}

}  // namespace mw::scan
