#include "auth/spf/analyze.h"

#include <memory>
#include <utility>

#include "auth/spf/macro.h"
#include "auth/spf/record.h"
#include "core/ascii.h"
#include "core/enum_names.h"
#include "dns/job.h"
#include "dns/name.h"

namespace mw::auth::spf {

namespace {

std::string normalize(std::string_view s) { return core::to_lower(dns::without_root_dot(s)); }

struct Work {
  TreeNode node;  // `children` stays empty until the result is built
  Work* parent = nullptr;
  std::vector<std::unique_ptr<Work>> kids;
};

class AnalysisRun final : public dns::BatchJob<Analysis> {
 public:
  AnalysisRun(core::Dispatcher& dispatcher, dns::Resolver& resolver, std::string domain,
              const AnalyzeOptions& options, AnalysisCallback done)
      : BatchJob(dispatcher, resolver, std::move(done)),
        domain_(normalize(domain)),
        options_(options) {}

  void start();

 private:
  using ReplyFn = std::function<void(const dns::Reply&)>;

  void issue(std::string name, dns::RrType type, ReplyFn fn);
  void fetch(Work* w);
  void on_txt(Work* w, const dns::Reply& reply);
  void examine(Work* w, const Record& rec);
  std::optional<std::string> target_of(Work* w, const std::string& spec, const std::string& term);
  void follow(Work* w, const std::string& via, const std::string& target);
  void check_addresses(Work* w, const Mechanism& m, const std::string& name);
  void maybe_finish();
  Analysis build();
  static void build_node(Work& w, TreeNode& out, std::vector<std::string>& problems);

  const std::string domain_;
  const AnalyzeOptions options_;

  std::unique_ptr<Work> root_;
  uint32_t records_fetched_ = 0;
  bool loop_ = false;
};

void AnalysisRun::start() {
  root_ = std::make_unique<Work>();
  root_->node.domain = domain_;
  if (!is_checkable_domain(domain_)) {
    root_->node.problems.push_back("not a domain name that SPF can check");
    outcome_ = build();
    batch_.finish();  // delivered from the loop
    return;
  }
  batch_.set_deadline(options_.timeout, [this] {
    root_->node.problems.push_back("the analysis ran out of time; the tree is incomplete");
    outcome_ = build();
  });
  fetch(root_.get());
}

void AnalysisRun::issue(std::string name, dns::RrType type, ReplyFn fn) {
  batch_.resolve(name, type, [this, fn = std::move(fn)](const dns::Reply& reply) {
    fn(reply);
    maybe_finish();
  });
}

void AnalysisRun::fetch(Work* w) {
  ++records_fetched_;
  issue(w->node.domain, dns::RrType::kTxt, [this, w](const dns::Reply& r) { on_txt(w, r); });
}

void AnalysisRun::on_txt(Work* w, const dns::Reply& reply) {
  RecordLookup lk = select_record(w->node.domain, reply);
  w->node.status = lk.status;
  w->node.record = lk.text;
  if (lk.status != LookupStatus::kFound) {
    if (lk.status == LookupStatus::kNone && w->parent != nullptr) {
      w->node.problems.push_back(lk.problem + ": " + w->node.via +
                                 " gives permerror at evaluation (RFC 7208 5.2, 6.1)");
    } else {
      w->node.problems.push_back(lk.problem);
    }
    return;
  }
  examine(w, lk.record);
}

std::optional<std::string> AnalysisRun::target_of(Work* w, const std::string& spec,
                                                  const std::string& term) {
  if (spec.empty()) return w->node.domain;
  for (char letter : std::string_view("slipvh")) {
    if (uses_macro(spec, letter)) {
      w->node.problems.push_back("'" + term +
                                 "' depends on the message (macros); not followed here");
      return std::nullopt;
    }
  }
  MacroContext ctx;
  ctx.domain = w->node.domain;
  ctx.sender_domain = domain_;
  auto name = expand_domain(spec, ctx);
  if (!name || !is_query_name(*name)) {
    w->node.problems.push_back("'" + term + "' does not name a usable domain");
    return std::nullopt;
  }
  return normalize(*name);
}

void AnalysisRun::examine(Work* w, const Record& rec) {
  bool seen_all = false;
  std::vector<std::string> unreachable;
  for (const auto& m : rec.mechanisms) {
    if (seen_all) {
      unreachable.push_back(m.text);
      continue;
    }
    if (m.kind == MechanismKind::kAll) {
      seen_all = true;
      continue;
    }
    if (!m.queries_dns()) continue;
    ++w->node.own_lookups;
    if (m.kind == MechanismKind::kPtr) {
      w->node.problems.push_back("'" + m.text +
                                 "': the ptr mechanism SHOULD NOT be used (RFC 7208 5.5)");
      continue;
    }
    auto target = target_of(w, m.domain_spec, m.text);
    if (!target) continue;
    if (m.kind == MechanismKind::kInclude) {
      follow(w, m.text, *target);
    } else {
      check_addresses(w, m, *target);
    }
  }
  if (!unreachable.empty()) {
    std::string list;
    for (const auto& t : unreachable) list += (list.empty() ? "" : " ") + t;
    w->node.problems.push_back("terms after 'all' are never evaluated: " + list);
  }
  if (rec.redirect) {
    if (seen_all) {
      w->node.problems.push_back("redirect=" + *rec.redirect +
                                 " is ignored because the record has 'all' (RFC 7208 6.1)");
    } else {
      ++w->node.own_lookups;
      std::string via = "redirect=" + *rec.redirect;
      if (auto target = target_of(w, *rec.redirect, via)) follow(w, via, *target);
    }
  }
}

void AnalysisRun::follow(Work* w, const std::string& via, const std::string& target) {
  for (const Work* p = w; p != nullptr; p = p->parent) {
    if (p->node.domain == target) {
      loop_ = true;
      w->node.problems.push_back("'" + via + "' loops back to " + target +
                                 " (evaluation hits the lookup limit: permerror)");
      return;
    }
  }
  if (records_fetched_ >= options_.max_records) {
    w->node.problems.push_back("'" + via + "' not followed: more than " +
                               std::to_string(options_.max_records) + " records in the tree");
    return;
  }
  auto kid = std::make_unique<Work>();
  kid->parent = w;
  kid->node.domain = target;
  kid->node.via = via;
  Work* k = kid.get();
  w->kids.push_back(std::move(kid));
  fetch(k);
}

void AnalysisRun::check_addresses(Work* w, const Mechanism& m, const std::string& name) {
  std::string term = m.text;
  auto report = [w, term](const dns::Reply& r, dns::RrType type) {
    AddressOutcome o = classify(r, type);
    if (o == AddressOutcome::kTempError) {
      w->node.problems.push_back("'" + term + "': DNS " + std::string(dns::rcode_name(r.rcode)));
    }
    return o;
  };
  if (m.kind == MechanismKind::kMx) {
    issue(name, dns::RrType::kMx, [this, w, term, report](const dns::Reply& r) {
      AddressOutcome o = report(r, dns::RrType::kMx);
      if (o == AddressOutcome::kVoid) {
        ++w->node.void_lookups;
        return;
      }
      size_t names = 0;
      for (const auto& rec : r.answers) names += rec.type == dns::RrType::kMx ? 1 : 0;
      if (names > options_.max_mx_names) {
        w->node.problems.push_back("'" + term + "' has " + std::to_string(names) +
                                   " MX records, more than " +
                                   std::to_string(options_.max_mx_names) + ": permerror");
      }
    });
    return;
  }
  if (m.kind == MechanismKind::kExists) {
    issue(name, dns::RrType::kA, [w, report](const dns::Reply& r) {
      if (report(r, dns::RrType::kA) == AddressOutcome::kVoid) ++w->node.void_lookups;
    });
    return;
  }
  // "a": a receiver asks A or AAAA depending on the client; void only when both are empty.
  auto voids = std::make_shared<int>(0);
  for (dns::RrType type : {dns::RrType::kA, dns::RrType::kAaaa}) {
    issue(name, type, [w, report, voids, type](const dns::Reply& r) {
      if (report(r, type) == AddressOutcome::kVoid && ++*voids == 2) ++w->node.void_lookups;
    });
  }
}

void AnalysisRun::maybe_finish() {
  if (batch_.outstanding() != 0) return;
  outcome_ = build();
  batch_.finish();  // delivers outcome_
}

void AnalysisRun::build_node(Work& w, TreeNode& out, std::vector<std::string>& problems) {
  out = std::move(w.node);
  out.total_lookups = out.own_lookups;
  out.total_void_lookups = out.void_lookups;
  for (const auto& p : out.problems) problems.push_back(out.domain + ": " + p);
  for (auto& kid : w.kids) {
    TreeNode child;
    build_node(*kid, child, problems);
    out.total_lookups += child.total_lookups;
    out.total_void_lookups += child.total_void_lookups;
    out.children.push_back(std::move(child));
  }
}

Analysis AnalysisRun::build() {
  Analysis a;
  a.domain = domain_;
  a.lookup_limit = options_.max_dns_mechanisms;
  a.void_limit = options_.max_void_lookups;
  std::vector<std::string> problems;
  build_node(*root_, a.root, problems);
  a.lookups = a.root.total_lookups;
  a.void_lookups = a.root.total_void_lookups;
  a.over_limit = loop_ || a.lookups > a.lookup_limit;
  a.over_void_limit = a.void_lookups > a.void_limit;
  if (a.lookups > a.lookup_limit) {
    a.problems.push_back(a.domain + ": " + std::to_string(a.lookups) +
                         " DNS-querying terms, more than the limit of " +
                         std::to_string(a.lookup_limit) + " (receivers give permerror)");
  }
  if (a.over_void_limit) {
    a.problems.push_back(a.domain + ": " + std::to_string(a.void_lookups) +
                         " void lookups, more than the limit of " +
                         std::to_string(a.void_limit) + " (receivers give permerror)");
  }
  a.problems.insert(a.problems.end(), problems.begin(), problems.end());
  return a;
}

json::Value node_json(const TreeNode& n) {
  json::Value v = json::Value::object();
  v.set("domain", n.domain);
  v.set("via", n.via);
  v.set("status", lookup_status_name(n.status));
  v.set("record", n.record);
  v.set("lookups", static_cast<int64_t>(n.own_lookups));
  v.set("total_lookups", static_cast<int64_t>(n.total_lookups));
  v.set("void_lookups", static_cast<int64_t>(n.void_lookups));
  v.set("total_void_lookups", static_cast<int64_t>(n.total_void_lookups));
  json::Value problems = json::Value::array();
  for (const auto& p : n.problems) problems.push(p);
  v.set("problems", std::move(problems));
  json::Value children = json::Value::array();
  for (const auto& c : n.children) children.push(node_json(c));
  v.set("children", std::move(children));
  return v;
}

void node_text(const TreeNode& n, int depth, std::string& out) {
  std::string indent(static_cast<size_t>(depth) * 2, ' ');
  out += indent + (n.via.empty() ? n.domain : n.via) + "  [" +
         std::to_string(n.own_lookups) + " lookups, " + std::to_string(n.total_lookups) +
         " with children";
  if (n.void_lookups > 0) out += ", " + std::to_string(n.void_lookups) + " void";
  out += "]\n";
  if (n.status == LookupStatus::kFound || n.status == LookupStatus::kPermError) {
    if (!n.record.empty()) out += indent + "  \"" + n.record + "\"\n";
  }
  for (const auto& p : n.problems) out += indent + "  ! " + p + "\n";
  for (const auto& c : n.children) node_text(c, depth + 1, out);
}

}  // namespace

std::string_view lookup_status_name(LookupStatus s) {
  static constexpr auto kNames =
      core::EnumNames<LookupStatus, LookupStatus::kPermError>{"found", "none", "temperror",
                                                              "permerror"}
          .with_fallback("none");
  return kNames.name(s);
}

json::Value Analysis::to_json() const {
  json::Value v = json::Value::object();
  v.set("domain", domain);
  v.set("lookups", static_cast<int64_t>(lookups));
  v.set("lookup_limit", static_cast<int64_t>(lookup_limit));
  v.set("void_lookups", static_cast<int64_t>(void_lookups));
  v.set("void_limit", static_cast<int64_t>(void_limit));
  v.set("over_limit", over_limit);
  v.set("over_void_limit", over_void_limit);
  json::Value list = json::Value::array();
  for (const auto& p : problems) list.push(p);
  v.set("problems", std::move(list));
  v.set("tree", node_json(root));
  return v;
}

std::string Analysis::to_text() const {
  std::string out = "SPF of " + domain + ": " + std::to_string(lookups) + "/" +
                    std::to_string(lookup_limit) + " DNS lookups, " +
                    std::to_string(void_lookups) + "/" + std::to_string(void_limit) +
                    " void lookups" + (over_limit || over_void_limit ? " (OVER LIMIT)" : "") +
                    "\n";
  node_text(root, 1, out);
  return out;
}

EvaluationPtr analyze(core::Dispatcher& dispatcher, dns::Resolver& resolver,
                      std::string domain, const AnalyzeOptions& options,
                      AnalysisCallback done) {
  auto run = std::make_unique<AnalysisRun>(dispatcher, resolver, std::move(domain), options,
                                           std::move(done));
  run->start();
  return run;
}

}  // namespace mw::auth::spf
