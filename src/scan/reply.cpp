#include "scan/reply.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "scan/task.h"

namespace mw::scan {

double round_score(double v) {
  if (!std::isfinite(v)) return 0;
  double r = std::round(v * 1e6) / 1e6;
  return r == 0 ? 0.0 : r;  // no "-0"
}

namespace {

json::Value symbol_object(const Task& task, const SymbolResult& r, bool with_metric_score) {
  json::Value s = json::Value::object();
  s.set("name", r.name);
  s.set("score", round_score(r.score));
  if (with_metric_score) s.set("metric_score", round_score(r.weight));
  if (r.id != kNoSymbol) {
    const std::string& desc = task.engine().registry.get(r.id).description;
    if (!desc.empty()) s.set("description", desc);
  }
  if (!r.options.empty()) {
    json::Value opts = json::Value::array();
    for (auto o : r.options) opts.push(o);
    s.set("options", std::move(opts));
  }
  return s;
}

std::vector<const SymbolResult*> visible_results(const Task& task) {
  std::vector<const SymbolResult*> out;
  for (const SymbolResult* r : task.results()) {
    if (!r->removed) out.push_back(r);
  }
  std::sort(out.begin(), out.end(),
            [](const SymbolResult* a, const SymbolResult* b) { return a->name < b->name; });
  return out;
}

void add_common(const Task& task, json::Value& out, bool legacy) {
  const auto& pr = task.pre_result();
  if (pr && !pr->message.empty()) {
    json::Value msgs = json::Value::object();
    msgs.set("smtp_message", pr->message);
    out.set("messages", std::move(msgs));
  } else {
    out.set("messages", json::Value::object());
  }
  if (task.has_message()) {
    const auto& m = task.message();
    bool ext = task.envelope().flags & kTaskExtUrls;
    std::set<std::string_view> seen;
    json::Value urls = json::Value::array();
    for (const auto& u : m.urls) {
      if (u.host.empty()) continue;
      if (ext) {
        if (!seen.insert(u.url).second) continue;
        json::Value o = json::Value::object();
        o.set("url", u.url);
        o.set("host", u.host);
        o.set("tld", u.tld);
        urls.push(std::move(o));
      } else {
        if (!seen.insert(u.host).second) continue;
        urls.push(u.host);
      }
    }
    if (urls.size() > 0) out.set("urls", std::move(urls));
    std::set<std::string_view> seen_e;
    json::Value emails = json::Value::array();
    for (const auto& e : m.emails) {
      if (seen_e.insert(e.addr).second) emails.push(e.addr);
    }
    if (emails.size() > 0) out.set("emails", std::move(emails));
    if (!m.message_id.empty()) out.set("message-id", m.message_id);
  }
  out.set("time_real", std::round(task.elapsed() * 1e6) / 1e6);
  if (task.milter_reply().size() > 0) out.set(legacy ? "rmilter" : "milter", task.milter_reply());
  for (const auto& [k, v] : task.extra_reply().members()) out.set(k, v);
}

}  // namespace

json::Value checkv2_reply(const Task& task) {
  json::Value out = json::Value::object();
  bool skipped = task.settings().want_spam || (task.envelope().flags & kTaskSkip);
  out.set("is_skipped", skipped);
  out.set("score", round_score(task.score()));
  out.set("required_score", round_score(task.thresholds().required_score()));
  out.set("action", action_name(task.action()));
  json::Value th = json::Value::object();
  for (size_t i = 1; i < static_cast<size_t>(Action::kCount); ++i) {
    auto a = static_cast<Action>(i);
    if (auto t = task.thresholds().get(a)) th.set(action_name(a), round_score(*t));
  }
  out.set("thresholds", std::move(th));
  json::Value syms = json::Value::object();
  for (const SymbolResult* r : visible_results(task)) {
    syms.set(r->name, symbol_object(task, *r, true));
  }
  out.set("symbols", std::move(syms));
  if (task.envelope().flags & kTaskGroups) {
    json::Value groups = json::Value::object();
    for (const auto& [name, score] : task.group_scores()) {
      json::Value g = json::Value::object();
      g.set("score", round_score(score));
      if (const GroupDef* gd = task.engine().registry.find_group(name)) {
        if (!gd->description.empty()) g.set("description", gd->description);
      }
      groups.set(name, std::move(g));
    }
    out.set("groups", std::move(groups));
  }
  if (task.envelope().flags & kTaskProfile) {
    json::Value prof = json::Value::object();
    const auto& times = task.symbol_times();
    for (size_t i = 0; i < times.size(); ++i) {
      if (times[i] > 0) {
        prof.set(task.engine().registry.get(static_cast<SymbolId>(i)).name,
                 std::round(static_cast<double>(times[i]) * 1e6) / 1e6);
      }
    }
    out.set("profile", std::move(prof));
  }
  std::string subject = task.rewritten_subject();
  if (!subject.empty()) out.set("subject", subject);
  const auto& pr = task.pre_result();
  if (pr && !pr->least) out.set("passthrough_module", pr->module.empty() ? "unknown" : pr->module);
  add_common(task, out, false);
  return out;
}

json::Value legacy_reply(const Task& task) {
  json::Value metric = json::Value::object();
  bool skipped = task.settings().want_spam || (task.envelope().flags & kTaskSkip);
  Action a = task.action();
  metric.set("is_spam", a == Action::kReject || a == Action::kSoftReject ||
                            a == Action::kAddHeader || a == Action::kRewriteSubject);
  metric.set("is_skipped", skipped);
  metric.set("score", round_score(task.score()));
  metric.set("required_score", round_score(task.thresholds().required_score()));
  metric.set("action", action_name(a));
  for (const SymbolResult* r : visible_results(task)) {
    metric.set(r->name, symbol_object(task, *r, false));
  }
  json::Value out = json::Value::object();
  out.set("default", std::move(metric));
  std::string subject = task.rewritten_subject();
  if (!subject.empty()) out.set("subject", subject);
  add_common(task, out, true);
  return out;
}

json::Value error_reply(std::string_view message) {
  json::Value out = json::Value::object();
  out.set("error", message);
  out.set("error_domain", "protocol-error");
  return out;
}

}  // namespace mw::scan
