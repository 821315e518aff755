#include "scan/reply.h"

#include <cmath>
#include <optional>

namespace mw::scan {

double round_score(double v) {
  if (!std::isfinite(v)) return 0;
  double r = std::round(v * 1e6) / 1e6;
  return r == 0 ? 0.0 : r;  // no "-0"
}

namespace {

double round_time(double seconds) { return std::round(seconds * 1e6) / 1e6; }

json::Value symbol_object(const VerdictSymbol& s, bool with_metric_score) {
  json::Value o = json::Value::object();
  o.set("name", s.name);
  o.set("score", round_score(s.score));
  if (with_metric_score) o.set("metric_score", round_score(s.metric_score));
  if (!s.description.empty()) o.set("description", s.description);
  if (!s.options.empty()) {
    json::Value opts = json::Value::array();
    for (const auto& opt : s.options) opts.push(opt);
    o.set("options", std::move(opts));
  }
  return o;
}

// The fields both JSON replies end with.
void add_common(const Verdict& v, json::Value& out, bool legacy) {
  json::Value msgs = json::Value::object();
  if (!v.smtp_message.empty()) msgs.set("smtp_message", v.smtp_message);
  out.set("messages", std::move(msgs));
  if (!v.urls.empty()) {
    json::Value urls = json::Value::array();
    for (const auto& u : v.urls) {
      if (v.extended_urls) {
        json::Value o = json::Value::object();
        o.set("url", u.url);
        o.set("host", u.host);
        o.set("tld", u.tld);
        urls.push(std::move(o));
      } else {
        urls.push(u.host);
      }
    }
    out.set("urls", std::move(urls));
  }
  if (!v.emails.empty()) {
    json::Value emails = json::Value::array();
    for (const auto& e : v.emails) emails.push(e);
    out.set("emails", std::move(emails));
  }
  if (!v.message_id.empty()) out.set("message-id", v.message_id);
  out.set("time_real", round_time(v.time_real));
  const ReplyAdditions& a = v.additions;
  if (!a.milter.empty()) out.set(legacy ? "rmilter" : "milter", milter_block_json(a.milter));
  for (const auto& [k, value] : a.fields.members()) out.set(k, value);
  if (!a.dkim_signing.empty()) out.set("dkim-signing", signing_report_json(a.dkim_signing));
  if (!a.dkim_signatures.empty()) {
    if (a.dkim_signatures.size() == 1) {
      out.set("dkim-signature", a.dkim_signatures.front());
    } else {
      json::Value sigs = json::Value::array();
      for (const auto& s : a.dkim_signatures) sigs.push(s);
      out.set("dkim-signature", std::move(sigs));
    }
  }
  if (!a.arc_sealing.empty()) out.set("arc-sealing", signing_report_json(a.arc_sealing));
}

// The Action whose wire name is exactly `name`.
std::optional<Action> known_action(std::string_view name) {
  for (size_t i = 0; i < static_cast<size_t>(Action::kCount); ++i) {
    auto a = static_cast<Action>(i);
    if (action_name(a) == name) return a;
  }
  return std::nullopt;
}

std::string string_at(const json::Value& obj, std::string_view key) {
  const json::Value* f = obj.find(key);
  return f != nullptr ? f->as_string() : std::string();
}

double number_at(const json::Value& obj, std::string_view key) {
  const json::Value* f = obj.find(key);
  return f != nullptr ? f->as_double() : 0;
}

// The fields checkv2_reply writes itself (everything else is an extra field).
bool rendered_field(std::string_view key) {
  for (const char* k : {"is_skipped", "score", "required_score", "action", "thresholds",
                        "symbols", "groups", "profile", "subject", "passthrough_module",
                        "messages", "urls", "emails", "message-id", "time_real", "milter",
                        "rmilter", "dkim-signature", "dkim-signing", "arc-sealing"}) {
    if (key == k) return true;
  }
  return false;
}

}  // namespace

json::Value checkv2_reply(const Verdict& v) {
  json::Value out = json::Value::object();
  out.set("is_skipped", v.is_skipped);
  out.set("score", round_score(v.score));
  out.set("required_score", round_score(v.required_score));
  out.set("action", v.action_name());
  json::Value th = json::Value::object();
  for (size_t i = 1; i < static_cast<size_t>(Action::kCount); ++i) {
    auto a = static_cast<Action>(i);
    if (auto t = v.thresholds.get(a)) th.set(action_name(a), round_score(*t));
  }
  out.set("thresholds", std::move(th));
  json::Value syms = json::Value::object();
  for (const auto& s : v.symbols) syms.set(s.name, symbol_object(s, true));
  out.set("symbols", std::move(syms));
  if (v.groups) {
    json::Value groups = json::Value::object();
    for (const auto& g : *v.groups) {
      json::Value o = json::Value::object();
      o.set("score", round_score(g.score));
      if (!g.description.empty()) o.set("description", g.description);
      groups.set(g.name, std::move(o));
    }
    out.set("groups", std::move(groups));
  }
  if (v.profile) {
    json::Value prof = json::Value::object();
    for (const auto& [name, seconds] : *v.profile) prof.set(name, round_time(seconds));
    out.set("profile", std::move(prof));
  }
  if (!v.subject.empty()) out.set("subject", v.subject);
  if (v.passthrough_module) out.set("passthrough_module", *v.passthrough_module);
  add_common(v, out, false);
  return out;
}

json::Value legacy_reply(const Verdict& v) {
  json::Value metric = json::Value::object();
  bool spam = v.custom_action.empty() &&
              (v.action == Action::kReject || v.action == Action::kSoftReject ||
               v.action == Action::kAddHeader || v.action == Action::kRewriteSubject);
  metric.set("is_spam", spam);
  metric.set("is_skipped", v.is_skipped);
  metric.set("score", round_score(v.score));
  metric.set("required_score", round_score(v.required_score));
  metric.set("action", v.action_name());
  for (const auto& s : v.symbols) metric.set(s.name, symbol_object(s, false));
  json::Value out = json::Value::object();
  out.set("default", std::move(metric));
  if (!v.subject.empty()) out.set("subject", v.subject);
  add_common(v, out, true);
  return out;
}

json::Value error_reply(std::string_view message) {
  json::Value out = json::Value::object();
  out.set("error", message);
  out.set("error_domain", "protocol-error");
  return out;
}

Result<Verdict> verdict_from_checkv2(const json::Value& reply) {
  if (!reply.is_object()) return fail(ErrorCode::kInvalidInput, "the reply is not an object");
  const json::Value* action = reply.find("action");
  if (action == nullptr || !action->is_string()) {
    const json::Value* err = reply.find("error");
    return fail(ErrorCode::kInvalidInput,
                err != nullptr && err->is_string() ? "scanner error: " + err->as_string()
                                                   : "the reply has no action");
  }
  Verdict v;
  if (auto a = known_action(action->as_string())) {
    v.action = *a;
  } else {
    v.custom_action = action->as_string();
  }
  if (const json::Value* s = reply.find("is_skipped")) v.is_skipped = s->as_bool();
  v.score = number_at(reply, "score");
  v.required_score = number_at(reply, "required_score");
  if (const json::Value* th = reply.find("thresholds")) {
    for (const auto& [name, t] : th->members()) {
      if (auto a = known_action(name); a && t.is_number()) v.thresholds.set(*a, t.as_double());
    }
  }
  if (const json::Value* syms = reply.find("symbols")) {
    for (const auto& [name, s] : syms->members()) {
      VerdictSymbol vs;
      vs.name = name;
      vs.score = number_at(s, "score");
      vs.metric_score = number_at(s, "metric_score");
      vs.description = string_at(s, "description");
      if (const json::Value* opts = s.find("options")) {
        for (const auto& o : opts->items()) vs.options.push_back(o.as_string());
      }
      v.symbols.push_back(std::move(vs));
    }
  }
  if (const json::Value* groups = reply.find("groups"); groups != nullptr && groups->is_object()) {
    v.groups.emplace();
    for (const auto& [name, g] : groups->members()) {
      v.groups->push_back({name, number_at(g, "score"), string_at(g, "description")});
    }
  }
  if (const json::Value* prof = reply.find("profile"); prof != nullptr && prof->is_object()) {
    v.profile.emplace();
    for (const auto& [name, t] : prof->members()) v.profile->emplace_back(name, t.as_double());
  }
  v.subject = string_at(reply, "subject");
  if (const json::Value* pm = reply.find("passthrough_module"); pm != nullptr && pm->is_string()) {
    v.passthrough_module = pm->as_string();
  }
  if (const json::Value* msgs = reply.find("messages")) {
    if (const json::Value* m = msgs->find("smtp_message")) {
      if (m->is_string()) {
        v.smtp_message = m->as_string();
      } else {
        for (const auto& item : m->items()) {
          if (item.is_string()) {
            v.smtp_message = item.as_string();
            break;
          }
        }
      }
    }
  }
  if (const json::Value* urls = reply.find("urls")) {
    for (const auto& u : urls->items()) {
      if (u.is_string()) {
        v.urls.push_back({{}, u.as_string(), {}});
      } else if (u.is_object()) {
        v.extended_urls = true;
        v.urls.push_back({string_at(u, "url"), string_at(u, "host"), string_at(u, "tld")});
      }
    }
  }
  if (const json::Value* emails = reply.find("emails")) {
    for (const auto& e : emails->items()) {
      if (e.is_string()) v.emails.push_back(e.as_string());
    }
  }
  v.message_id = string_at(reply, "message-id");
  v.time_real = number_at(reply, "time_real");
  const json::Value* block = reply.find("milter");
  if (block == nullptr || !block->is_object()) block = reply.find("rmilter");
  if (block != nullptr && block->is_object()) v.additions.milter.merge_json(*block);
  if (const json::Value* sigs = reply.find("dkim-signature")) {
    v.additions.set_field("dkim-signature", *sigs);
  }
  if (const json::Value* r = reply.find("dkim-signing"); r != nullptr && r->is_object()) {
    v.additions.dkim_signing = signing_report_from_json(*r);
  }
  if (const json::Value* r = reply.find("arc-sealing"); r != nullptr && r->is_object()) {
    v.additions.arc_sealing = signing_report_from_json(*r);
  }
  for (const auto& [key, value] : reply.members()) {
    if (!rendered_field(key)) v.additions.fields.set(key, value);
  }
  return v;
}

}  // namespace mw::scan
