#include "server/milter_proxy.h"

#include <cstdio>
#include <optional>

#include "proto/milter/scan_headers.h"
#include "proto/options.h"
#include "scan/reply.h"
#include "scan/task.h"
#include "server/envelope.h"

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

std::string fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

milter::ScanFields proxy_scan_fields(const milter::Message& m) {
  milter::ScanFields f = milter::scan_fields(m);
  if (f.ip.empty()) {
    if (const std::string* addr = m.macro("client_addr")) f.ip = *addr;
  }
  return f;
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
  dispatcher_.deferred_delete(std::move(f));
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
  scan::Envelope env = envelope_from_milter(proxy_scan_fields(message));
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
  f.request_fields = milter::scan_headers(proxy_scan_fields(message));
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
  std::string head = proto::http::build_request_head("POST", "/checkv2", u.address.host,
                                                     f.request_fields, f.body->size());
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
  dispatcher_.deferred_delete(std::move(f.exchange));
  std::string problem;
  std::optional<scan::Verdict> verdict;
  if (!r) {
    problem = r.error().message;
  } else if (r->status != 200) {
    problem = "HTTP " + std::to_string(r->status) + (r->reason.empty() ? "" : " " + r->reason);
  } else if (const std::string* enc = r->field("Compression");
             enc != nullptr && !proto::http::iequals(*enc, "none")) {
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
  if (serve_until_drained(w, "proxy", server, listen_fd) != 0) return 1;
  server.stop();
  // Destroy what the proxy handed to deferred deletion while the scan services still live.
  w.dispatcher.run_once_nonblock();
  return 0;
}

}  // namespace mw::server
