#include "server/milter_proxy.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>

#include "server/scan_handler.h"
#include "proto/http/headers.h"
#include "proto/http/request.h"
#include "proto/milter/scan_headers.h"
#include "proto/options.h"
#include "scan/reply.h"
#include "scan/task.h"
#include "scan/verdict.h"

namespace mw::server {

namespace milter = proto::milter;
using milter::Action;
using proto::http::ExchangeOptions;
using proto::http::HttpExchange;
using proto::http::HttpExchangePtr;
using proto::http::HttpFields;
using proto::http::HttpReply;

namespace {

constexpr uint16_t kDefaultScanPort = 11333;

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

namespace {

// The scan-protocol request headers of a milter message: scan_headers(), and {client_addr}
// as the IP when the CONNECT packet had none (unix socket, unknown family).
HttpFields request_fields(const milter::Message& m) {
  HttpFields out = milter::scan_headers(m);
  bool has_ip = false;
  for (const auto& f : out) has_ip = has_ip || f.first == "IP";
  if (!has_ip) {
    const std::string* addr = m.macro("client_addr");
    if (addr != nullptr && !addr->empty()) out.emplace_back("IP", *addr);
  }
  return out;
}

}  // namespace

scan::Envelope envelope_from_milter(const milter::Message& m) {
  proto::http::Request req;
  for (auto& [name, value] : request_fields(m)) req.headers.add(std::move(name), std::move(value));
  return envelope_from_request(req);
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

// ---- the proxy -------------------------------------------------------------------------------

struct MilterProxy::Flight {
  milter::ReplierPtr replier;
  std::vector<milter::HeaderEntry> headers;
  std::string label;  // "queue id 4XyZ" or "message 3 from 192.0.2.1", for log lines
  std::unique_ptr<scan::Task> task;
  // Forward mode.
  HttpFields request_fields;  // the scan-protocol request headers
  std::shared_ptr<const std::string> body;
  std::vector<size_t> order;  // upstream indexes, in the order to try them
  size_t attempt = 0;
  std::vector<std::string> failures;
  HttpExchangePtr exchange;
};

namespace {

template <typename T>
void destroy_later(core::Dispatcher& d, std::unique_ptr<T> obj) {
  struct Holder final : core::Deletable {
    std::unique_ptr<T> obj;
  };
  auto h = std::make_unique<Holder>();
  h->obj = std::move(obj);
  d.deferred_delete(std::move(h));
}

std::string message_label(const milter::Message& m) {
  if (const std::string* qid = m.macro("i"); qid != nullptr && !qid->empty()) {
    return "queue id " + *qid;
  }
  std::string from = m.connect.address.empty() ? m.connect.hostname : m.connect.address;
  return "message " + std::to_string(m.sequence) + (from.empty() ? "" : " from " + from);
}

std::string describe(const std::vector<Action>& actions) {
  std::string out;
  for (const Action& a : actions) {
    if (!a.terminal() && a.kind != Action::Kind::kQuarantine) continue;
    switch (a.kind) {
      case Action::Kind::kAccept: out += "accept"; break;
      case Action::Kind::kDiscard: out += "discard"; break;
      case Action::Kind::kReject: out += "reject"; break;
      case Action::Kind::kTempfail: out += "tempfail"; break;
      case Action::Kind::kReplyCode:
        out += std::to_string(a.code) + " " + a.enhanced + " " + a.text;
        break;
      case Action::Kind::kQuarantine: out += "quarantine, "; break;
      default: out += "continue"; break;
    }
  }
  size_t mods = 0;
  for (const Action& a : actions) {
    if (!a.terminal() && a.kind != Action::Kind::kQuarantine) ++mods;
  }
  if (mods > 0) out += " (" + std::to_string(mods) + " changes)";
  return out;
}

}  // namespace

MilterProxy::MilterProxy(core::Dispatcher& dispatcher, core::Logger& logger,
                         ProxyOptions options, const scan::Engine* engine,
                         scan::Services* services, StatsRecorder* stats)
    : dispatcher_(dispatcher), log_(logger, "proxy"), options_(std::move(options)),
      engine_(engine), services_(services), stats_(stats) {}

MilterProxy::~MilterProxy() = default;

Result<std::unique_ptr<MilterProxy>> MilterProxy::create(core::Dispatcher& dispatcher,
                                                         core::Logger& logger,
                                                         ProxyOptions options,
                                                         const scan::Engine* engine,
                                                         scan::Services* services,
                                                         StatsRecorder* stats) {
  if (options.mode == ProxyMode::kSelfScan && (engine == nullptr || services == nullptr)) {
    return fail(ErrorCode::kInvalidInput, "self-scan proxy without a scan engine");
  }
  std::vector<Upstream> upstreams;
  if (options.mode == ProxyMode::kForward) {
    if (options.upstreams.empty()) {
      return fail(ErrorCode::kInvalidInput, "forward proxy without upstreams");
    }
    for (const auto& u : options.upstreams) {
      auto addr = proto::http::resolve_upstream(u, kDefaultScanPort);
      if (!addr) return fail(addr.error());
      upstreams.push_back({std::move(*addr), 0});
    }
  }
  std::unique_ptr<MilterProxy> p(
      new MilterProxy(dispatcher, logger, std::move(options), engine, services, stats));
  p->upstreams_ = std::move(upstreams);
  return p;
}

void MilterProxy::on_message(milter::Message&& message, milter::ReplierPtr replier) {
  uint64_t id = ++next_id_;
  auto flight = std::make_unique<Flight>();
  flight->replier = std::move(replier);
  flight->label = message_label(message);
  if (message.truncated) log_.info(flight->label + ": message cut at the size limit");
  Flight& f = *flight;
  flights_.emplace(id, std::move(flight));
  f.replier->set_cancel_callback([this, id] {
    auto it = flights_.find(id);
    if (it != flights_.end()) log_.info(it->second->label + ": the MTA gave up; scan cancelled");
    drop(id);
  });
  if (options_.mode == ProxyMode::kForward) {
    forward(id, std::move(message));
  } else {
    self_scan(id, std::move(message));
  }
}

void MilterProxy::drop(uint64_t id) {
  auto it = flights_.find(id);
  if (it == flights_.end()) return;
  std::unique_ptr<Flight> f = std::move(it->second);
  flights_.erase(it);
  // We may be inside a callback of the task, the exchange or the replier: destroy later.
  destroy_later(dispatcher_, std::move(f));
}

void MilterProxy::answer(uint64_t id, const scan::Verdict* v, const std::string& why_none) {
  auto it = flights_.find(id);
  if (it == flights_.end()) return;
  Flight& f = *it->second;
  std::vector<Action> actions;
  std::string verdict;
  if (v != nullptr) {
    actions = milter_actions(*v, f.headers, options_);
    verdict = std::string(v->action_name()) + " (score " + fixed2(scan::round_score(v->score)) +
              ")";
  } else {
    actions = default_actions(options_);
    log_.warn(f.label + ": no verdict (" + why_none + "); default action " +
              (options_.default_action == DefaultAction::kAccept ? "accept" : "tempfail"));
    verdict = "default action";
  }
  log_.info(f.label + ": " + verdict + " -> " + describe(actions));
  milter::ReplierPtr replier = std::move(f.replier);
  drop(id);
  replier->send(std::move(actions));
}

// ---- self-scan -------------------------------------------------------------------------------

void MilterProxy::self_scan(uint64_t id, milter::Message&& message) {
  Flight& f = *flights_.at(id);
  scan::Envelope env = envelope_from_milter(message);
  f.headers = std::move(message.headers);
  f.task = std::make_unique<scan::Task>(*engine_, *services_, std::move(message.data),
                                        std::move(env));
  f.task->run([this, id](scan::Task&) { on_task_done(id); });
}

void MilterProxy::on_task_done(uint64_t id) {
  auto it = flights_.find(id);
  if (it == flights_.end()) return;
  scan::Task& t = *it->second->task;
  if (stats_ != nullptr) stats_->record(t);
  if (t.error()) {
    answer(id, nullptr, "scan failed: " + t.error()->to_string());
    return;
  }
  scan::Verdict v = scan::make_verdict(t);
  answer(id, &v, {});
}

// ---- forward ---------------------------------------------------------------------------------

void MilterProxy::forward(uint64_t id, milter::Message&& message) {
  Flight& f = *flights_.at(id);
  f.request_fields = request_fields(message);
  f.headers = std::move(message.headers);
  f.body = std::make_shared<const std::string>(std::move(message.data));
  // Round-robin start; upstreams that failed recently go last.
  double now = dispatcher_.monotonic();
  size_t n = upstreams_.size();
  std::vector<size_t> later;
  for (size_t k = 0; k < n; ++k) {
    size_t i = (next_upstream_ + k) % n;
    (upstreams_[i].dead_until > now ? later : f.order).push_back(i);
  }
  f.order.insert(f.order.end(), later.begin(), later.end());
  next_upstream_ = (next_upstream_ + 1) % n;
  try_upstream(id);
}

void MilterProxy::try_upstream(uint64_t id) {
  auto it = flights_.find(id);
  if (it == flights_.end()) return;
  Flight& f = *it->second;
  if (f.attempt >= f.order.size()) {
    std::string why = "no scanner answered:";
    for (const auto& e : f.failures) why += " " + e + ";";
    if (!why.empty() && why.back() == ';') why.pop_back();
    answer(id, nullptr, why);
    return;
  }
  const Upstream& u = upstreams_[f.order[f.attempt]];
  std::string head = proto::http::build_request_head("POST", "/checkv2", u.address.host, f.request_fields,
                                        f.body->size());
  ExchangeOptions eo;
  eo.timeout = options_.timeout;
  eo.max_reply_size = options_.max_reply_size;
  f.exchange = HttpExchange::start(dispatcher_, u.address, std::move(head), f.body, eo,
                                   [this, id](Result<HttpReply> r) {
                                     on_upstream_reply(id, std::move(r));
                                   });
}

void MilterProxy::on_upstream_reply(uint64_t id, Result<HttpReply> r) {
  auto it = flights_.find(id);
  if (it == flights_.end()) return;
  Flight& f = *it->second;
  Upstream& u = upstreams_[f.order[f.attempt]];
  // This runs inside the exchange's callback: let it finish before destroying it.
  destroy_later(dispatcher_, std::move(f.exchange));
  std::string problem;
  std::optional<scan::Verdict> verdict;
  if (!r) {
    problem = r.error().message;
  } else if (r->status != 200) {
    problem = "HTTP " + std::to_string(r->status) + (r->reason.empty() ? "" : " " + r->reason);
  } else if (const std::string* enc = r->field("Compression");
             enc != nullptr && !ieq(*enc, "none")) {
    problem = "compressed reply (" + *enc + ")";
  } else {
    auto parsed = json::parse(r->body);
    auto v = parsed ? scan::verdict_from_checkv2(*parsed) : Result<scan::Verdict>(fail(parsed.error()));
    if (!parsed) {
      problem = "reply is not JSON: " + parsed.error().message;
    } else if (!v) {
      problem = v.error().message;
    } else {
      verdict = std::move(*v);
    }
  }
  if (problem.empty()) {
    u.dead_until = 0;
    log_.debug(f.label + ": verdict from upstream " + u.address.text);
    answer(id, &*verdict, {});
    return;
  }
  log_.warn(f.label + ": upstream " + u.address.text + " failed: " + problem);
  u.dead_until = dispatcher_.monotonic() + options_.upstream_dead_time;
  f.failures.push_back(u.address.text + ": " + problem);
  ++f.attempt;
  try_upstream(id);
}

// ---- the worker ------------------------------------------------------------------------------

int run_proxy_worker(WorkerContext& w, int listen_fd) {
  auto po = proxy_options_from(w.config);
  if (!po) {
    w.logger.error("proxy", "cannot start: " + po.error().message);
    return 1;
  }
  auto proxy =
      MilterProxy::create(w.dispatcher, w.logger, std::move(*po), &w.engine, &w.services, &w.stats);
  if (!proxy) {
    w.logger.error("proxy", "cannot start: " + proxy.error().message);
    return 1;
  }
  milter::MilterServer server(w.dispatcher, w.logger, **proxy, proto::read_milter_options(w.config),
                              proxy_session_options());
  auto started = server.start(listen_fd);
  if (!started) {
    w.logger.error("proxy", "cannot serve: " + started.error().message);
    return 1;
  }
  run_until_drained(w, "proxy", [&](std::function<void()> done) { server.drain(std::move(done)); });
  server.stop();
  // Destroy what the proxy handed to deferred deletion while the scan services still live.
  w.dispatcher.run_once_nonblock();
  return 0;
}

}  // namespace mw::server
