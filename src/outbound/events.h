// Detection events: where a detection is reported besides the log.
//
//   events file  one JSON line per detection, appended ([outbound] events_file)
//   store        the capped list "ob:events" for the dashboard (hold_list.h)
//   webhook      an HTTP POST of the JSON to [outbound] webhook (proto/http/client.h),
//                fire and forget: a failure is logged, never retried
//
// One EventSink per process, kept in that process's scan::Services (created on first use):
// it owns the open events file and the webhook requests in flight, so the shared Settings
// stay read-only. The webhook's host is resolved on first use in each process (a blocking
// lookup, once) and again after a failed resolution.
//
// Ownership: the sink owns its file descriptor and exchanges; destroying it (with the
// Services) cancels the exchanges. Loop affinity: the Services' Dispatcher.
// Failure modes: none reach the caller; an unwritable events file, a store error or a failed
// POST is logged (the detection itself still stands).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "outbound/outbound.h"
#include "proto/http/client.h"
#include "proto/net.h"
#include "scan/engine.h"

namespace mw::scan {
class Task;
}

namespace mw::outbound {

class EventSink final : public scan::ServiceExtension {
 public:
  EventSink(EventOptions options, core::Dispatcher& dispatcher, core::Logger& logger);
  ~EventSink() override;

  // Report a detection of `task` everywhere configured. The store write is held by the task.
  // Secrets the task registered (Task::add_secret) are masked in every string of `event`
  // before it goes anywhere.
  void emit(scan::Task& task, const json::Value& event);

  size_t webhooks_in_flight() const { return exchanges_.size(); }

 private:
  void write_file(const std::string& line);
  void post(const std::string& body);
  void finished(proto::http::HttpExchange* exchange, Result<proto::http::HttpReply> reply);

  EventOptions options_;
  core::Dispatcher& dispatcher_;
  core::ModuleLog log_;
  proto::UniqueFd fd_;
  bool fd_failed_ = false;
  std::optional<proto::http::HttpUrl> url_;
  std::optional<proto::http::UpstreamAddress> address_;
  std::vector<proto::http::HttpExchangePtr> exchanges_;
};

// The process's sink for `task` (made on first use with `settings.events`).
EventSink& event_sink(scan::Task& task, const Settings& settings);

}  // namespace mw::outbound
