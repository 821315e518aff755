#include "scan/verdict.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "scan/task.h"

namespace mw::scan {

namespace {

// The Subject for "rewrite subject": the template (settings, else [options]
// subject_template) with %s = the old subject and %d = the score.
std::string rewritten_subject(const Task& task) {
  const Applied& applied = task.settings();
  std::string tmpl = applied.subject ? *applied.subject : task.engine().options.subject_template;
  std::string subject = task.has_message() ? std::string(task.message().subject) : std::string();
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '%' && i + 1 < tmpl.size()) {
      if (tmpl[i + 1] == 's') {
        out += subject;
        ++i;
        continue;
      }
      if (tmpl[i + 1] == 'd') {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", task.outcome().score());
        out += buf;
        ++i;
        continue;
      }
    }
    out += tmpl[i];
  }
  return out;
}

void add_message_parts(const Task& task, Verdict& v) {
  if (!task.has_message()) return;
  const auto& m = task.message();
  std::set<std::string_view> seen;
  for (const auto& u : m.urls) {
    if (u.host.empty()) continue;
    if (!seen.insert(v.extended_urls ? u.url : u.host).second) continue;
    // A URL may carry a secret a rule found (smtp://user:password@host): masked.
    std::string url = task.has_secrets() ? task.redact(u.url) : std::string(u.url);
    v.urls.push_back({std::move(url), std::string(u.host), std::string(u.tld)});
  }
  std::set<std::string_view> seen_emails;
  for (const auto& e : m.emails) {
    if (seen_emails.insert(e.addr).second) v.emails.emplace_back(e.addr);
  }
  v.message_id = std::string(m.message_id);
}

}  // namespace

std::string_view Verdict::action_name() const {
  return custom_action.empty() ? scan::action_name(action) : std::string_view(custom_action);
}

const VerdictSymbol* Verdict::symbol(std::string_view name) const {
  for (const auto& s : symbols) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Verdict make_verdict(const Task& task) {
  const Outcome& o = task.outcome();
  const SymbolRegistry& registry = task.engine().registry;
  uint32_t flags = task.envelope().flags;
  Verdict v;
  v.action = o.action();
  // A forcing pre-result stopped the scan (GTUBE, a prefilter): not scanned, as Rspamd says.
  bool forced = o.pre_result() && !o.pre_result()->least;
  v.is_skipped = task.settings().want_spam || (flags & kTaskSkip) || forced;
  v.score = o.score();
  v.thresholds = o.thresholds();
  v.required_score = o.thresholds().required_score();
  for (const SymbolResult* r : o.results()) {
    if (r->removed) continue;
    VerdictSymbol s;
    s.name = std::string(r->name);
    s.score = r->score;
    s.metric_score = r->weight;
    if (r->id != kNoSymbol) s.description = registry.get(r->id).description;
    for (auto opt : r->options) s.options.emplace_back(opt);
    v.symbols.push_back(std::move(s));
  }
  std::sort(v.symbols.begin(), v.symbols.end(),
            [](const VerdictSymbol& a, const VerdictSymbol& b) { return a.name < b.name; });
  if (flags & kTaskGroups) {
    v.groups.emplace();
    for (auto& [name, score] : o.group_scores()) {
      VerdictGroup g{name, score, {}};
      if (const GroupDef* gd = registry.find_group(name)) g.description = gd->description;
      v.groups->push_back(std::move(g));
    }
  }
  if (flags & kTaskProfile) {
    v.profile.emplace();
    const auto& times = task.symbol_times();
    for (size_t i = 0; i < times.size(); ++i) {
      if (times[i] > 0) {
        v.profile->emplace_back(registry.get(static_cast<SymbolId>(i)).name,
                                static_cast<double>(times[i]));
      }
    }
  }
  if (o.action() == Action::kRewriteSubject) v.subject = rewritten_subject(task);
  const auto& pr = o.pre_result();
  if (pr && !pr->least) v.passthrough_module = pr->module.empty() ? "unknown" : pr->module;
  if (pr) v.smtp_message = pr->message;
  v.extended_urls = flags & kTaskExtUrls;
  add_message_parts(task, v);
  v.time_real = task.elapsed();
  v.additions = o.additions();
  return v;
}

}  // namespace mw::scan
