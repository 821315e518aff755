#include "scan/settings.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>

#include "core/ascii.h"
#include "match/regexp.h"
#include "mime/message.h"

namespace mw::scan {

namespace {

// An address of a condition or a client: brackets allowed, IPv4-mapped IPv6 taken as IPv4
// (it matches IPv4 networks).
std::optional<core::IpAddress> parse_addr(std::string_view text) {
  auto ip = core::IpAddress::parse(text, /*brackets=*/true);
  if (ip) ip = ip->unmapped();
  return ip;
}

Status add_list(std::vector<std::string>& out, const json::Value& v, std::string_view key) {
  if (v.is_string()) {
    out.push_back(v.as_string());
    return {};
  }
  if (!v.is_array()) return fail(ErrorCode::kInvalidInput, std::string(key) + " must be a list");
  for (const auto& item : v.items()) {
    if (!item.is_string()) {
      return fail(ErrorCode::kInvalidInput, std::string(key) + " must hold strings");
    }
    out.push_back(item.as_string());
  }
  return {};
}

}  // namespace

void Applied::merge(const Applied& o) {
  if (!o.any) return;
  any = true;
  if (!o.id.empty()) id = id.empty() ? o.id : id + "," + o.id;
  for (const auto& [k, v] : o.scores) scores[k] = v;
  for (const auto& a : o.actions) actions.push_back(a);
  auto append = [](std::vector<std::string>& dst, const std::vector<std::string>& src) {
    dst.insert(dst.end(), src.begin(), src.end());
  };
  append(symbols_enabled, o.symbols_enabled);
  append(symbols_disabled, o.symbols_disabled);
  append(groups_enabled, o.groups_enabled);
  append(groups_disabled, o.groups_disabled);
  append(symbols_add, o.symbols_add);
  if (o.subject) subject = o.subject;
  want_spam = want_spam || o.want_spam;
}

Result<Applied> applied_from_json(const json::Value& v) {
  Applied a;
  if (!v.is_object()) return fail(ErrorCode::kInvalidInput, "settings must be an object");
  // Rspamd accepts {"apply": {...}} or the apply block itself.
  const json::Value* body = v.find("apply");
  if (body == nullptr) body = &v;
  if (!body->is_object()) return fail(ErrorCode::kInvalidInput, "apply must be an object");
  a.any = true;
  for (const auto& [key, val] : body->members()) {
    if (key == "actions") {
      if (!val.is_object()) return fail(ErrorCode::kInvalidInput, "actions must be an object");
      for (const auto& [aname, th] : val.members()) {
        auto act = parse_action(aname);
        if (!act) return fail(act.error());
        if (th.is_number()) {
          a.actions.emplace_back(*act, th.as_double());
        } else if (th.is_null() || (th.is_bool() && !th.as_bool())) {
          a.actions.emplace_back(*act, std::nullopt);
        } else {
          return fail(ErrorCode::kInvalidInput, "threshold of " + aname + " must be a number");
        }
      }
    } else if (key == "symbols_enabled") {
      MW_TRY(add_list(a.symbols_enabled, val, key));
    } else if (key == "symbols_disabled") {
      MW_TRY(add_list(a.symbols_disabled, val, key));
    } else if (key == "groups_enabled") {
      MW_TRY(add_list(a.groups_enabled, val, key));
    } else if (key == "groups_disabled") {
      MW_TRY(add_list(a.groups_disabled, val, key));
    } else if (key == "symbols") {
      MW_TRY(add_list(a.symbols_add, val, key));
    } else if (key == "subject") {
      if (!val.is_string()) return fail(ErrorCode::kInvalidInput, "subject must be a string");
      a.subject = val.as_string();
    } else if (key == "want_spam") {
      a.want_spam = val.as_bool();
    } else if (key == "scores") {
      for (const auto& [sym, sc] : val.members()) {
        if (!sc.is_number()) return fail(ErrorCode::kInvalidInput, "score of " + sym + " must be a number");
        a.scores[sym] = sc.as_double();
      }
    } else if (val.is_number()) {
      a.scores[key] = val.as_double();
    } else if (key == "id" || key == "priority") {
      // harmless metadata
    } else {
      return fail(ErrorCode::kInvalidInput, "unknown settings key '" + key + "'");
    }
  }
  return a;
}


// ---------------------------------------------------------------------------------------

StringMatcher::StringMatcher() = default;
StringMatcher::~StringMatcher() = default;
StringMatcher::StringMatcher(StringMatcher&&) noexcept = default;
StringMatcher& StringMatcher::operator=(StringMatcher&&) noexcept = default;

Result<StringMatcher> StringMatcher::make(std::string_view spec) {
  StringMatcher m;
  if (spec.size() >= 2 && spec.front() == '/' && spec.rfind('/') > 0) {
    auto re = match::Regexp::compile(spec);
    if (!re) return fail(re.error());
    m.re_ = std::move(*re);
  } else if (!spec.empty() && spec.front() == '@') {
    m.domain_ = core::to_lower(spec.substr(1));
  } else {
    m.exact_ = core::to_lower(spec);
  }
  return m;
}

bool StringMatcher::matches(std::string_view value) const {
  if (re_) return re_->matches(value);
  if (!domain_.empty()) {
    auto at = value.rfind('@');
    std::string_view dom = at == std::string_view::npos ? value : value.substr(at + 1);
    return core::iequals(dom, domain_);  // domain_ and exact_ are lower-cased once, in make()
  }
  return core::iequals(value, exact_);
}

Status IpNetworks::add(std::string_view cidr) {
  std::string_view addr = cidr;
  int prefix = -1;
  auto slash = cidr.find('/');
  if (slash != std::string_view::npos) {
    addr = cidr.substr(0, slash);
    std::string p(cidr.substr(slash + 1));
    char* end = nullptr;
    long v = std::strtol(p.c_str(), &end, 10);
    if (p.empty() || *end != '\0' || v < 0 || v > 128) {
      return fail(ErrorCode::kInvalidInput, "bad network '" + std::string(cidr) + "'");
    }
    prefix = static_cast<int>(v);
  }
  auto ip = parse_addr(addr);
  if (!ip) return fail(ErrorCode::kInvalidInput, "bad address '" + std::string(cidr) + "'");
  int max = ip->is_v4() ? 32 : 128;
  if (prefix < 0) prefix = max;
  if (ip->is_v4() && addr.find(':') != std::string_view::npos && prefix > 32) prefix -= 96;
  if (prefix > max) return fail(ErrorCode::kInvalidInput, "bad prefix in '" + std::string(cidr) + "'");
  nets_.push_back({*ip, prefix});
  return {};
}

bool IpNetworks::contains(std::string_view ip_text) const {
  auto ip = parse_addr(ip_text);
  if (!ip) return false;
  for (const auto& n : nets_) {
    if (ip->in_network(n.addr, n.prefix)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------

namespace {

// Calls `add` for `v` itself or, when it is an array, for each item.
Status for_each_item(const json::Value* v, const std::function<Status(const json::Value&)>& add) {
  if (v == nullptr) return {};
  if (!v->is_array()) return add(*v);
  for (const auto& item : v->items()) MW_TRY(add(item));
  return {};
}

Status matchers_from(const json::Value* v, std::vector<StringMatcher>& out,
                     const std::string& where) {
  return for_each_item(v, [&](const json::Value& item) -> Status {
    if (!item.is_string()) return fail(ErrorCode::kInvalidInput, where + " must hold strings");
    auto m = StringMatcher::make(item.as_string());
    if (!m) return fail(ErrorCode::kInvalidInput, where + ": " + m.error().message);
    out.push_back(std::move(*m));
    return {};
  });
}

Status header_matchers_from(const json::Value* v,
                            std::vector<std::pair<std::string, StringMatcher>>& out,
                            const std::string& where) {
  if (v == nullptr) return {};
  if (!v->is_object()) return fail(ErrorCode::kInvalidInput, where + " must be a table");
  for (const auto& [k, item] : v->members()) {
    if (!item.is_string()) {
      return fail(ErrorCode::kInvalidInput, where + "." + k + " must be a string");
    }
    auto m = StringMatcher::make(item.as_string());
    if (!m) return fail(ErrorCode::kInvalidInput, where + ": " + m.error().message);
    out.emplace_back(k, std::move(*m));
  }
  return {};
}

// A number (integral), a boolean (0 or 1) or high/medium/low; anything else is 0.
int priority_of(const json::Value* v) {
  if (v == nullptr) return 0;
  if (v->is_int()) return static_cast<int>(v->as_int());
  if (v->is_bool()) return v->as_bool() ? 1 : 0;
  if (v->is_number()) {
    double d = v->as_double();
    if (!(d >= INT32_MIN && d <= INT32_MAX) || d != std::trunc(d)) return 0;
    return static_cast<int>(d);
  }
  std::string_view s = v->str_or("");
  if (s == "high") return 3;
  if (s == "medium") return 2;
  if (s == "low") return 1;
  return 0;
}

}  // namespace

void declare_settings_options(core::Schema& s) {
  using core::OptType;
  s.section("settings.*", "A settings profile: match conditions and an apply block");
  s.add({"settings.*.priority", OptType::kAny, "", "Priority: a number or high/medium/low"});
  s.add({"settings.*.inverse", OptType::kBool, "false", "Apply when the conditions do NOT match"});
  s.add({"settings.*.authenticated", OptType::kBool, "", "Match authenticated (SASL) senders"});
  s.add({"settings.*.local", OptType::kBool, "", "Match clients in options.local_networks"});
  for (const char* k : {"from", "from_mime", "rcpt", "user", "hostname", "helo", "ip"}) {
    s.add({std::string("settings.*.") + k, OptType::kStringList, "",
           std::string("Match condition on ") + k + " (exact, @domain or /regexp/)"});
  }
  s.add({"settings.*.request_header", OptType::kTable, "", "Request headers: NAME = \"/re/\""});
  s.add({"settings.*.header", OptType::kTable, "", "Message headers: NAME = \"/re/\""});
  s.add({"settings.*.apply", OptType::kTable, "", "What the profile changes (see settings.h)"});
}

Result<SettingsSet> SettingsSet::load(const core::Config& cfg, const IpNetworks& local_networks) {
  SettingsSet set;
  set.local_ = local_networks;
  std::optional<json::Value> root = cfg.value("settings");
  if (!root) return set;
  for (const auto& [name, t] : root->members()) {
    if (!t.is_object()) continue;
    Profile p;
    p.name = name;
    std::string where = "settings." + p.name;
    p.priority = priority_of(t.find("priority"));
    p.inverse = t.find("inverse") != nullptr && t.find("inverse")->as_bool();
    MW_TRY(matchers_from(t.find("from"), p.from, where + ".from"));
    MW_TRY(matchers_from(t.find("from_mime"), p.from_mime, where + ".from_mime"));
    MW_TRY(matchers_from(t.find("rcpt"), p.rcpt, where + ".rcpt"));
    MW_TRY(matchers_from(t.find("user"), p.user, where + ".user"));
    MW_TRY(matchers_from(t.find("hostname"), p.hostname, where + ".hostname"));
    MW_TRY(matchers_from(t.find("helo"), p.helo, where + ".helo"));
    MW_TRY(for_each_item(t.find("ip"), [&](const json::Value& item) -> Status {
      if (!item.is_string()) return fail(ErrorCode::kInvalidInput, where + ".ip must hold strings");
      return p.ip.add(item.as_string());
    }));
    if (const json::Value* a = t.find("authenticated")) p.authenticated = a->as_bool();
    if (const json::Value* l = t.find("local")) p.local = l->as_bool();
    MW_TRY(header_matchers_from(t.find("request_header"), p.request_headers,
                                where + ".request_header"));
    MW_TRY(header_matchers_from(t.find("header"), p.headers, where + ".header"));
    p.has_conditions = !p.from.empty() || !p.from_mime.empty() || !p.rcpt.empty() ||
                       !p.user.empty() || !p.hostname.empty() || !p.helo.empty() ||
                       !p.ip.empty() || p.authenticated || p.local ||
                       !p.request_headers.empty() || !p.headers.empty();
    if (const json::Value* apply = t.find("apply"); apply != nullptr && apply->is_object()) {
      auto a = applied_from_json(*apply);
      if (!a) return fail(ErrorCode::kInvalidInput, where + ".apply: " + a.error().message);
      p.apply = std::move(*a);
    }
    p.apply.any = true;
    p.apply.id = p.name;
    set.profiles_.push_back(std::move(p));
  }
  std::stable_sort(set.profiles_.begin(), set.profiles_.end(),
                   [](const Profile& a, const Profile& b) { return a.priority > b.priority; });
  return set;
}

const Profile* SettingsSet::by_id(std::string_view id) const {
  for (const auto& p : profiles_) {
    if (p.name == id) return &p;
  }
  return nullptr;
}

bool SettingsSet::matches(const Profile& p, const Envelope& env, const mime::Message* msg) const {
  auto any_of = [](const std::vector<StringMatcher>& ms, std::string_view v) {
    for (const auto& m : ms) {
      if (m.matches(v)) return true;
    }
    return false;
  };
  if (!p.from.empty() && !any_of(p.from, env.from)) return false;
  if (!p.user.empty() && !any_of(p.user, env.user)) return false;
  if (!p.hostname.empty() && !any_of(p.hostname, env.hostname)) return false;
  if (!p.helo.empty() && !any_of(p.helo, env.helo)) return false;
  if (!p.rcpt.empty()) {
    bool hit = false;
    for (const auto& r : env.rcpts) hit = hit || any_of(p.rcpt, r);
    if (!hit) return false;
  }
  if (!p.ip.empty() && !p.ip.contains(env.ip)) return false;
  if (p.authenticated && *p.authenticated != env.authenticated()) return false;
  if (p.local && *p.local != (!env.ip.empty() && local_.contains(env.ip))) return false;
  for (const auto& [name, m] : p.request_headers) {
    const std::string* v = env.request_header(name);
    if (v == nullptr || !m.matches(*v)) return false;
  }
  if (!p.from_mime.empty()) {
    if (msg == nullptr) return false;
    bool hit = false;
    for (const auto& a : msg->from) hit = hit || any_of(p.from_mime, a.addr);
    if (!hit) return false;
  }
  for (const auto& [name, m] : p.headers) {
    if (msg == nullptr) return false;
    const mime::Header* h = msg->header(name);
    if (h == nullptr || !m.matches(h->value)) return false;
  }
  return true;
}

const Profile* SettingsSet::match(const Envelope& env, const mime::Message* msg) const {
  for (const auto& p : profiles_) {
    if (!p.has_conditions) continue;
    bool m = matches(p, env, msg);
    if (p.inverse) m = !m;
    if (m) return &p;
  }
  return nullptr;
}

const std::string* Envelope::request_header(std::string_view name) const {
  for (const auto& [k, v] : request_headers) {
    if (core::iequals(k, name)) {
      return &v;
    }
  }
  return nullptr;
}

}  // namespace mw::scan
