#include "server/scan_handler.h"

#include "core/json.h"
#include "proto/http/legacy.h"
#include "scan/reply.h"
#include "server/envelope.h"
#include "scan/task.h"
#include "scan/verdict.h"

namespace mw::server {

namespace http = proto::http;

namespace {

enum class ReplyKind { kV2, kLegacyJson };

}  // namespace

struct ScanHandler::InFlight {
  std::unique_ptr<scan::Task> task;
  http::ResponderPtr responder;
  http::Protocol protocol = http::Protocol::kHttp;
  scan::SpamdCommand spamd_command = scan::SpamdCommand::kCheck;  // protocol kSpamc
  int version_minor = 0;
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
  scan::SpamdCommand spamd_command = scan::SpamdCommand::kCheck;
  if (req.protocol == http::Protocol::kSpamc) {
    if (req.method == "SKIP") {  // spamd closes without a reply
      responder->send(http::legacy_response(std::string()));
      return;
    }
    if (req.headers.has("Compress")) {  // spamc -z: zlib, which we do not speak
      responder->send(http::legacy_response(
          http::format_legacy_error(req.protocol, 400, "compressed requests are not supported")));
      return;
    }
    auto cmd = scan::parse_spamd_command(req.method);
    if (!cmd) {
      responder->send(http::legacy_response(
          http::format_legacy_error(req.protocol, 404, "unsupported command " + req.method)));
      return;
    }
    spamd_command = *cmd;
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
  inflight->spamd_command = spamd_command;
  inflight->version_minor = req.version_minor;
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
    services_.dispatcher().deferred_delete(std::move(owned));
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
      resp = http::legacy_response(scan::spamd_reply(v, f.spamd_command, f.version_minor, t.raw()));
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
  services_.dispatcher().deferred_delete(std::move(owned));
}

}  // namespace mw::server
