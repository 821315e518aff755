#include "server/milter_actions.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <set>

#include "proto/http/headers.h"
#include "scan/reply.h"

namespace mw::server {

namespace milter = proto::milter;
using milter::Action;

namespace {

bool ieq(std::string_view a, std::string_view b) { return proto::http::iequals(a, b); }

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && ieq(s.substr(0, prefix.size()), prefix);
}

std::string fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Control characters (other than TAB) in a header value built from reply data become spaces.
std::string header_text(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) c = ' ';
  }
  return out;
}

uint32_t count_named(const std::vector<milter::HeaderEntry>& headers, std::string_view name) {
  uint32_t n = 0;
  for (const auto& h : headers) {
    if (ieq(h.name, name)) ++n;
  }
  return n;
}

// Header indexes to delete, per name (the MTA counts occurrences of a name from 1).
class Deletions {
 public:
  void add(std::string_view name, uint32_t index) {
    if (index == 0) return;
    for (auto& [n, set] : by_name_) {
      if (ieq(n, name)) {
        set.insert(index);
        return;
      }
    }
    by_name_.push_back({std::string(name), {index}});
  }
  size_t total() const {
    size_t n = 0;
    for (const auto& e : by_name_) n += e.second.size();
    return n;
  }
  // Highest index first, so that a deletion never shifts the index of a later one.
  void emit(std::vector<Action>& out) const {
    for (const auto& [name, set] : by_name_) {
      for (uint32_t i : set) out.push_back(Action::delete_header(name, i));
    }
  }

 private:
  std::vector<std::pair<std::string, std::set<uint32_t, std::greater<>>>> by_name_;
};

void remove_one(std::string_view name, int64_t n, const std::vector<milter::HeaderEntry>& headers,
                Deletions& del) {
  uint32_t count = count_named(headers, name);
  if (n == 0) {
    for (uint32_t i = 1; i <= count; ++i) del.add(name, i);
  } else if (n > 0) {
    if (n <= static_cast<int64_t>(count)) del.add(name, static_cast<uint32_t>(n));
  } else if (-n <= static_cast<int64_t>(count)) {
    del.add(name, static_cast<uint32_t>(static_cast<int64_t>(count) + n + 1));
  }
}

// "default: True [16.00 / 15.00];\n\tSYM(1.00)[opt1,opt2];\n\tSYM2(0.50)[]"
std::string spamd_result(const scan::Verdict& v, bool is_spam) {
  std::string out = "default: ";
  out += is_spam ? "True" : "False";
  out += " [" + fixed2(scan::round_score(v.score)) + " / " +
         fixed2(scan::round_score(v.required_score)) + "]";
  for (const auto& s : v.symbols) {
    out += ";\n\t" + header_text(s.name) + "(" + fixed2(scan::round_score(s.score)) + ")[";
    for (size_t i = 0; i < s.options.size(); ++i) {
      if (i > 0) out += ",";
      out += header_text(s.options[i]);
    }
    out += "]";
  }
  return out;
}

// "DKIM-Signature: v=1; ..." -> "v=1; ..." (a value given with its field name).
std::string strip_header_name(std::string v, std::string_view name) {
  if (istarts_with(v, name) && v.size() > name.size() && v[name.size()] == ':') {
    size_t start = name.size() + 1;
    while (start < v.size() && (v[start] == ' ' || v[start] == '\t')) ++start;
    v.erase(0, start);
  }
  return v;
}

// One header to add: appended (no order, or -1), or inserted at `order` (0 = top; other
// negative orders count from the end of the `header_count` fields left).
Action add_action(const scan::HeaderAdd& a, size_t header_count) {
  if (!a.order || *a.order == -1) return Action::add_header(a.name, a.value);
  int64_t o = *a.order;
  int64_t index = o >= 0 ? o : static_cast<int64_t>(header_count) + o + 1;
  index = std::clamp<int64_t>(index, 0, static_cast<int64_t>(UINT32_MAX));
  return Action::insert_header(static_cast<uint32_t>(index), a.name, a.value);
}

}  // namespace

// ---- options ---------------------------------------------------------------------------------

void declare_proxy_options(core::Schema& s) {
  using core::OptType;
  s.section("proxy", "The milter proxy worker: verdicts for an MTA (Postfix smtpd_milters)");
  s.add({"proxy.mode", OptType::kString, "\"self_scan\"",
         "self_scan: scan in the proxy process; forward: send each message to the upstream "
         "scanners' /checkv2",
         {}, {}, {"self_scan", "forward"}});
  s.add({"proxy.workers", OptType::kInt, "1", "Proxy worker processes", 1, 256});
  s.add({"proxy.upstreams", OptType::kStringList, "[]",
         "Forward mode: scanners as HOST:PORT (port 11333 when left out) or a unix socket "
         "path; tried round-robin, the next one when one fails"});
  s.add({"proxy.timeout", OptType::kDuration, "\"20s\"",
         "Forward mode: time one upstream has for its reply before the next is tried (the "
         "whole verdict is also bounded by [milter] reply_timeout)",
         0.01, 3600});
  s.add({"proxy.upstream_dead_time", OptType::kDuration, "\"10s\"",
         "Forward mode: an upstream that failed is tried last for this long", 0, 3600});
  s.add({"proxy.max_reply_size", OptType::kSize, "\"4M\"",
         "Forward mode: largest upstream reply accepted (larger: that upstream failed)",
         1024.0, 1e9});
  s.add({"proxy.default_action", OptType::kString, "\"accept\"",
         "Verdict when no scanner answers or the scan fails (logged): accept, or tempfail "
         "with tempfail_message",
         {}, {}, {"accept", "tempfail"}});
  s.add({"proxy.reject_message", OptType::kString, "\"Spam message rejected\"",
         "SMTP text of `reject` (554 5.7.1) when the scan gives no message"});
  s.add({"proxy.tempfail_message", OptType::kString, "\"Try again later\"",
         "SMTP text of `soft reject` and of a tempfail default (451 4.7.1)"});
  s.add({"proxy.quarantine_message", OptType::kString, "\"Spam message quarantined\"",
         "Quarantine reason when the scan gives no message"});
  s.add({"proxy.spam_header", OptType::kString, "\"X-Spam\"",
         "Header set to `Yes` for `add header`, `rewrite subject` and quarantined mail"});
  s.add({"proxy.add_score_headers", OptType::kBool, "false",
         "Add X-Spamd-Result (score and symbols) and X-Spam-Score to every accepted message"});
  s.add({"proxy.remove_forged_spam_headers", OptType::kBool, "true",
         "Delete X-Spam* header fields (and the spam_header) that arrive with the message"});
  s.add({"proxy.discard_on_reject", OptType::kBool, "false",
         "Discard (accept and drop) instead of rejecting"});
  s.add({"proxy.quarantine_on_reject", OptType::kBool, "false",
         "Quarantine (hold in the MTA queue) instead of rejecting"});
}

Result<ProxyOptions> proxy_options_from(const core::Config& cfg) {
  ProxyOptions o;
  o.mode = cfg.get_string("proxy.mode") == "forward" ? ProxyMode::kForward : ProxyMode::kSelfScan;
  o.workers = static_cast<int>(cfg.get_int("proxy.workers"));
  o.upstreams = cfg.get_strings("proxy.upstreams");
  o.timeout = cfg.get_duration("proxy.timeout");
  o.upstream_dead_time = cfg.get_duration("proxy.upstream_dead_time");
  o.max_reply_size = static_cast<size_t>(cfg.get_size("proxy.max_reply_size"));
  o.default_action = cfg.get_string("proxy.default_action") == "tempfail"
                         ? DefaultAction::kTempfail
                         : DefaultAction::kAccept;
  o.reject_message = cfg.get_string("proxy.reject_message");
  o.tempfail_message = cfg.get_string("proxy.tempfail_message");
  o.quarantine_message = cfg.get_string("proxy.quarantine_message");
  o.spam_header = cfg.get_string("proxy.spam_header");
  o.add_score_headers = cfg.get_bool("proxy.add_score_headers");
  o.remove_forged_spam_headers = cfg.get_bool("proxy.remove_forged_spam_headers");
  o.discard_on_reject = cfg.get_bool("proxy.discard_on_reject");
  o.quarantine_on_reject = cfg.get_bool("proxy.quarantine_on_reject");
  if (o.mode == ProxyMode::kForward && o.upstreams.empty()) {
    return fail(ErrorCode::kInvalidInput, "[proxy] mode = \"forward\" needs upstreams");
  }
  if (o.spam_header.empty() || !proto::http::is_token(o.spam_header)) {
    return fail(ErrorCode::kInvalidInput,
                "[proxy] spam_header must be a header name, got '" + o.spam_header + "'");
  }
  return o;
}

// ---- the verdict mapping ---------------------------------------------------------------------

std::vector<Action> default_actions(const ProxyOptions& o) {
  if (o.default_action == DefaultAction::kTempfail) {
    return {Action::reply_code(451, "4.7.1", o.tempfail_message)};
  }
  return {Action::accept()};
}

std::vector<Action> milter_actions(const scan::Verdict& v,
                                   const std::vector<milter::HeaderEntry>& headers,
                                   const ProxyOptions& o) {
  const scan::MilterBlock& mb = v.additions.milter;
  const std::string& message = v.smtp_message;
  std::string_view action = v.action_name();
  bool custom = !v.custom_action.empty();

  // How to carry out a reject: the milter block's flag, else a top-level reply field.
  std::string reject_mode = mb.reject;
  if (const json::Value* r = v.additions.fields.find("reject");
      reject_mode.empty() && r != nullptr && r->is_string()) {
    reject_mode = r->as_string();
  }
  std::string spam_name = o.spam_header;
  std::string spam_value = "Yes";
  if (!mb.spam_header.empty()) {
    spam_name = mb.spam_header;
    if (!mb.spam_header_value.empty()) spam_value = mb.spam_header_value;
  }

  // Terminal verdicts that carry no modifications.
  enum class Kind { kAccept, kQuarantine };
  Kind kind = Kind::kAccept;
  bool spam = false;
  bool rewrite_subject = false;
  if (!mb.no_action && !custom) {
    switch (v.action) {
      case scan::Action::kReject:
        if (reject_mode == "discard" || (reject_mode.empty() && o.discard_on_reject)) {
          return {Action::discard()};
        }
        if (reject_mode != "quarantine" && !o.quarantine_on_reject) {
          return {Action::reply_code(554, "5.7.1", message.empty() ? o.reject_message : message)};
        }
        kind = Kind::kQuarantine;
        spam = true;
        break;
      case scan::Action::kSoftReject:
        return {Action::reply_code(451, "4.7.1", message.empty() ? o.tempfail_message : message)};
      case scan::Action::kDiscard:
        return {Action::discard()};
      case scan::Action::kQuarantine:
        kind = Kind::kQuarantine;
        spam = true;
        break;
      case scan::Action::kRewriteSubject:
        rewrite_subject = true;
        spam = true;
        break;
      case scan::Action::kAddHeader:
        spam = true;
        break;
      default:
        break;
    }
  }

  std::vector<Action> out;
  // 1. Deletions: forged spam headers, then what the milter block asks for.
  Deletions del;
  if (o.remove_forged_spam_headers) {
    std::vector<std::pair<std::string, uint32_t>> seen;  // per-name occurrence counters
    for (const auto& h : headers) {
      uint32_t n = 1;
      bool found = false;
      for (auto& [name, count] : seen) {
        if (ieq(name, h.name)) {
          n = ++count;
          found = true;
          break;
        }
      }
      if (!found) seen.emplace_back(h.name, 1);
      if (istarts_with(h.name, "X-Spam") || ieq(h.name, o.spam_header) || ieq(h.name, spam_name)) {
        del.add(h.name, n);
      }
    }
  }
  for (const auto& r : mb.remove_headers) remove_one(r.name, r.index, headers, del);
  del.emit(out);
  size_t remaining_headers = headers.size() - std::min(headers.size(), del.total());

  // 2. The proxy's own headers.
  if (rewrite_subject && !v.subject.empty()) {
    std::string s = header_text(v.subject);
    if (count_named(headers, "Subject") > 0) {
      out.push_back(Action::change_header("Subject", 1, s));
    } else {
      out.push_back(Action::add_header("Subject", s));
    }
  }
  if (spam) out.push_back(Action::add_header(spam_name, spam_value));
  if (mb.no_action) out.push_back(Action::add_header("X-Rspamd-Action", std::string(action)));
  if (o.add_score_headers) {
    bool is_spam = custom || (v.action != scan::Action::kNoAction &&
                              v.action != scan::Action::kGreylist);
    out.push_back(Action::add_header("X-Spamd-Result", spamd_result(v, is_spam)));
    out.push_back(Action::add_header("X-Spam-Score", fixed2(scan::round_score(v.score))));
  }

  // 3. The milter block's additions and envelope changes.
  for (const auto& a : mb.add_headers) out.push_back(add_action(a, remaining_headers));
  if (mb.change_from) out.push_back(Action::change_from(*mb.change_from));
  for (const auto& r : mb.add_rcpt) out.push_back(Action::add_rcpt(r));
  for (const auto& r : mb.del_rcpt) out.push_back(Action::del_rcpt(r));

  // 4. DKIM signatures at the top, in reply order.
  const auto& sigs = v.additions.dkim_signatures;
  for (auto it = sigs.rbegin(); it != sigs.rend(); ++it) {
    out.push_back(Action::insert_header(0, "DKIM-Signature", strip_header_name(*it, "DKIM-Signature")));
  }

  if (kind == Kind::kQuarantine) {
    out.push_back(Action::quarantine(message.empty() ? o.quarantine_message : message));
  }
  out.push_back(Action::accept());
  return out;
}

milter::SessionOptions proxy_session_options() {
  milter::SessionOptions so;
  so.wanted_actions = milter::kActAddHeaders | milter::kActChangeHeaders |
                      milter::kActQuarantine | milter::kActChangeFrom | milter::kActAddRcpt |
                      milter::kActDelRcpt;
  using milter::MacroStage;
  // Postfix's default lists (postconf -d milter_*_macros) plus the client macros.
  so.macro_requests = {
      {MacroStage::kConnect, "j {daemon_name} {daemon_addr} v _ {client_addr} {client_name}"},
      {MacroStage::kHelo, "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}"},
      {MacroStage::kMail, "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} "
                          "{mail_mailer}"},
      {MacroStage::kRcpt, "i {rcpt_addr} {rcpt_host} {rcpt_mailer}"},
      {MacroStage::kData, "i"},
      {MacroStage::kEndOfHeaders, "i"},
      {MacroStage::kEndOfMessage, "i"},
  };
  return so;
}

}  // namespace mw::server
