#include "server/scan_handler.h"

#include <cctype>

#include "core/json.h"
#include "proto/http/legacy.h"
#include "scan/reply.h"
#include "scan/task.h"
#include "scan/verdict.h"

namespace mw::server {

namespace http = proto::http;

namespace {

enum class ReplyKind { kV2, kLegacyJson };

bool ieq(std::string_view a, std::string_view b) { return http::iequals(a, b); }

std::string strip_angles(std::string_view s) {
  s = http::trim_ows(s);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

// Split "a@x, \"b,c\"@y" on commas outside quotes and angle brackets.
void split_rcpts(std::string_view v, std::vector<std::string>& out) {
  std::string cur;
  bool quoted = false;
  int angle = 0;
  for (char c : v) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '<') ++angle;
    if (!quoted && c == '>' && angle > 0) --angle;
    if (c == ',' && !quoted && angle == 0) {
      std::string r = strip_angles(cur);
      if (!r.empty()) out.push_back(r);
      cur.clear();
      continue;
    }
    cur += c;
  }
  std::string r = strip_angles(cur);
  if (!r.empty()) out.push_back(r);
}

uint32_t parse_flags(std::string_view v) {
  uint32_t flags = 0;
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    if (comma == std::string_view::npos) comma = v.size();
    std::string f = http::to_lower(http::trim_ows(v.substr(start, comma - start)));
    if (f == "pass_all") flags |= scan::kTaskPassAll;
    else if (f == "no_log") flags |= scan::kTaskNoLog;
    else if (f == "skip" || f == "skip_process") flags |= scan::kTaskSkip;
    else if (f == "milter") flags |= scan::kTaskMilter;
    else if (f == "ext_urls") flags |= scan::kTaskExtUrls;
    else if (f == "groups") flags |= scan::kTaskGroups;
    else if (f == "profile") flags |= scan::kTaskProfile;
    else if (f == "body_block") flags |= scan::kTaskBodyBlock;
    else if (f == "no_stat") flags |= scan::kTaskNoStat;
    start = comma + 1;
  }
  return flags;
}

}  // namespace

scan::Envelope envelope_from_request(const http::Request& req) {
  scan::Envelope env;
  for (const auto& f : req.headers) {
    const std::string& n = f.name;
    const std::string& v = f.value;
    env.request_headers.emplace_back(n, v);
    if (ieq(n, "From")) {
      env.from = strip_angles(v);
      env.has_from = true;
    } else if (ieq(n, "Rcpt")) {
      split_rcpts(v, env.rcpts);
    } else if (ieq(n, "IP")) {
      env.ip = std::string(http::trim_ows(v));
    } else if (ieq(n, "Helo")) {
      env.helo = std::string(http::trim_ows(v));
    } else if (ieq(n, "Hostname")) {
      env.hostname = std::string(http::trim_ows(v));
    } else if (ieq(n, "User")) {
      if (req.protocol != http::Protocol::kSpamc) env.user = std::string(http::trim_ows(v));
    } else if (ieq(n, "Queue-Id")) {
      env.queue_id = v;
    } else if (ieq(n, "Deliver-To")) {
      env.deliver_to = strip_angles(v);
    } else if (ieq(n, "Settings-ID")) {
      env.settings_id = std::string(http::trim_ows(v));
    } else if (ieq(n, "Settings")) {
      env.settings_json = v;
    } else if (ieq(n, "Pass")) {
      if (ieq(http::trim_ows(v), "all")) env.flags |= scan::kTaskPassAll;
    } else if (ieq(n, "Flags")) {
      env.flags |= parse_flags(v);
    } else if (ieq(n, "Milter")) {
      if (ieq(http::trim_ows(v), "yes")) env.flags |= scan::kTaskMilter;
    } else if (ieq(n, "Log-Tag")) {
      env.log_tag = v;
    } else if (ieq(n, "MTA-Name")) {
      env.mta_name = v;
    } else if (ieq(n, "URL-Format")) {
      if (ieq(http::trim_ows(v), "extended")) env.flags |= scan::kTaskExtUrls;
    }
  }
  // Query parameters act as request headers (settings, settings_id, ...).
  for (const auto& [k, v] : req.query) {
    if (req.headers.has(k)) continue;
    env.request_headers.emplace_back(k, v);
    if (ieq(k, "settings")) env.settings_json = v;
    else if (ieq(k, "settings_id") || ieq(k, "settings-id")) env.settings_id = v;
    else if (ieq(k, "ip")) env.ip = v;
    else if (ieq(k, "from")) {
      env.from = strip_angles(v);
      env.has_from = true;
    } else if (ieq(k, "rcpt")) split_rcpts(v, env.rcpts);
    else if (ieq(k, "user")) env.user = v;
    else if (ieq(k, "helo")) env.helo = v;
    else if (ieq(k, "hostname")) env.hostname = v;
    else if (ieq(k, "flags")) env.flags |= parse_flags(v);
  }
  return env;
}

struct ScanHandler::InFlight {
  std::unique_ptr<scan::Task> task;
  http::ResponderPtr responder;
  http::Protocol protocol = http::Protocol::kHttp;
  ReplyKind kind = ReplyKind::kV2;
  bool compress = false;
  bool keep_alive = false;
};

ScanHandler::ScanHandler(const scan::Engine& engine, scan::Services& services, StatsRecorder* stats)
    : engine_(engine), services_(services), stats_(stats) {}

ScanHandler::~ScanHandler() = default;

bool ScanHandler::is_scan_path(const http::Request& r) {
  for (const char* p : {"checkv2", "check", "symbols", "scan", "process", "report",
                        "report_ifspam", "skip", "ping"}) {
    if (r.path_is(p)) return true;
  }
  return r.legacy();
}

void ScanHandler::handle(http::Request&& req, http::ResponderPtr responder) {
  if (req.path_is("ping")) {
    if (req.legacy()) {
      responder->send(http::legacy_response(http::format_legacy_pong(req.protocol)));
    } else {
      http::Response r = http::Response::text("pong\r\n");
      responder->send(std::move(r));
    }
    return;
  }
  ReplyKind kind;
  if (req.legacy() || req.path_is("check") || req.path_is("symbols") || req.path_is("scan") ||
      req.path_is("process") || req.path_is("report") || req.path_is("report_ifspam")) {
    kind = ReplyKind::kLegacyJson;
  } else if (req.path_is("checkv2") || req.path_is("skip")) {
    kind = ReplyKind::kV2;
  } else {
    if (req.legacy()) {
      responder->send(http::legacy_response(
          http::format_legacy_error(req.protocol, 404, "invalid command")));
    } else {
      responder->send(http::Response::error(404, "invalid command: " + req.path));
    }
    return;
  }
  scan::Envelope env = envelope_from_request(req);
  if (req.path_is("skip")) env.flags |= scan::kTaskSkip;
  uint64_t id = ++next_id_;
  auto inflight = std::make_unique<InFlight>();
  inflight->protocol = req.protocol;
  inflight->kind = kind;
  inflight->compress = req.wants_compressed_reply();
  inflight->responder = std::move(responder);
  inflight->task = std::make_unique<scan::Task>(engine_, services_, std::move(req.body), std::move(env));
  InFlight* f = inflight.get();
  tasks_.emplace(id, std::move(inflight));
  f->responder->set_cancel_callback([this, id] {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return;
    it->second->task->log("http").info("client went away; scan cancelled");
    // The task may be inside one of its own callbacks: destroy it from the loop.
    auto owned = std::move(it->second);
    tasks_.erase(it);
    struct Holder : core::Deletable {
      std::unique_ptr<InFlight> f;
    };
    auto h = std::make_unique<Holder>();
    h->f = std::move(owned);
    services_.dispatcher().deferred_delete(std::move(h));
  });
  f->task->run([this, id](scan::Task&) { finish(id); });
}

void ScanHandler::finish(uint64_t id) {
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return;
  InFlight& f = *it->second;
  scan::Task& t = *f.task;
  if (stats_ != nullptr) stats_->record(t);
  http::Response resp;
  if (t.error()) {
    std::string msg = t.error()->to_string();
    t.log("http").error("scan failed: " + msg);
    if (f.protocol != http::Protocol::kHttp) {
      resp = http::legacy_response(http::format_legacy_error(f.protocol, 500, msg));
    } else {
      resp = http::Response::error(500, msg);
    }
  } else {
    scan::Verdict v = scan::make_verdict(t);
    if (f.protocol == http::Protocol::kRspamc) {
      resp = http::legacy_response(scan::rspamc_reply(v));
    } else if (f.protocol == http::Protocol::kSpamc) {
      resp = http::legacy_response(scan::spamc_reply(v));
    } else {
      json::Value body = f.kind == ReplyKind::kV2 ? scan::checkv2_reply(v) : scan::legacy_reply(v);
      resp = http::Response::json(json::write(body));
      resp.compress = f.compress;
    }
  }
  f.responder->send(std::move(resp));
  // Destroy the task from the loop: we are inside its completion callback.
  auto owned = std::move(it->second);
  tasks_.erase(it);
  struct Holder : core::Deletable {
    std::unique_ptr<InFlight> f;
  };
  auto h = std::make_unique<Holder>();
  h->f = std::move(owned);
  services_.dispatcher().deferred_delete(std::move(h));
}

}  // namespace mw::server
