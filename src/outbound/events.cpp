#include "outbound/events.h"

#include <fcntl.h>
#include <unistd.h>

#include "outbound/hold_list.h"
#include "scan/task.h"
#include "store/store.h"

namespace mw::outbound {

namespace {

constexpr scan::ExtensionKey kEventSinkKey{"outbound events"};  // Services slot
constexpr size_t kMaxWebhookReply = 64 * 1024;  // the reply is only checked for its status
constexpr uint16_t kHttpPort = 80;

struct HeldOp final : scan::Cancelable {
  explicit HeldOp(store::OpPtr o) : op(std::move(o)) {}
  store::OpPtr op;
};

// `v` with every secret the task registered masked, in every string of it.
json::Value redacted(const scan::Task& task, const json::Value& v) {
  if (v.is_string()) return json::Value(task.redact(v.as_string()));
  if (v.is_array()) {
    json::Value out = json::Value::array();
    for (const auto& item : v.items()) out.push(redacted(task, item));
    return out;
  }
  if (v.is_object()) {
    json::Value out = json::Value::object();
    for (const auto& [k, item] : v.members()) out.set(k, redacted(task, item));
    return out;
  }
  return v;
}

}  // namespace

EventSink::EventSink(EventOptions options, core::Dispatcher& dispatcher, core::Logger& logger)
    : options_(std::move(options)), dispatcher_(dispatcher), log_(logger, "outbound") {}

EventSink::~EventSink() = default;

void EventSink::emit(scan::Task& task, const json::Value& event) {
  std::string line = json::write(task.has_secrets() ? redacted(task, event) : event);
  if (!options_.file.empty()) write_file(line);
  if (store::Store* st = task.services().store()) {
    task.hold(std::make_unique<HeldOp>(
        st->list_push(kEventList, line, options_.rows, 0, [](Status) {})));
  }
  if (!options_.webhook.empty()) post(line);
  task.log("outbound").warn("detection: " + line);
}

void EventSink::write_file(const std::string& line) {
  if (!fd_.valid() && !fd_failed_) {
    fd_.reset(::open(options_.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
    fd_failed_ = !fd_.valid();
    if (fd_failed_) log_.error("cannot open events file " + options_.file);
  }
  if (!fd_.valid()) return;
  std::string out = line + "\n";
  if (::write(fd_.get(), out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
    log_.error("cannot write events file " + options_.file);
  }
}

void EventSink::post(const std::string& body) {
  if (!url_) {
    auto u = proto::http::parse_http_url(options_.webhook);
    if (!u) {
      log_.warn("bad webhook URL " + options_.webhook);
      return;
    }
    url_ = std::move(*u);
  }
  if (!address_) {
    auto a = proto::http::resolve_upstream(url_->authority, kHttpPort);
    if (!a) {
      log_.warn("event webhook failed (" + a.error().message + ")");
      return;
    }
    address_ = std::move(*a);
  }
  std::string head = proto::http::build_request_head(
      "POST", url_->target, address_->host, {{"Content-Type", "application/json"}}, body.size());
  proto::http::ExchangeOptions eo;
  eo.timeout = options_.webhook_timeout;
  eo.max_reply_size = kMaxWebhookReply;
  auto shared_body = std::make_shared<const std::string>(body);
  // The callback never runs from start(): `raw` is set by then.
  auto raw = std::make_shared<proto::http::HttpExchange*>(nullptr);
  exchanges_.push_back(proto::http::HttpExchange::start(
      dispatcher_, *address_, std::move(head), std::move(shared_body), eo,
      [this, raw](Result<proto::http::HttpReply> r) { finished(*raw, std::move(r)); }));
  *raw = exchanges_.back().get();
}

void EventSink::finished(proto::http::HttpExchange* exchange,
                         Result<proto::http::HttpReply> reply) {
  if (!reply) {
    log_.warn("event webhook failed (" + reply.error().message + ")");
  } else if (reply->status < 200 || reply->status >= 300) {
    log_.warn("event webhook failed (HTTP " + std::to_string(reply->status) + ")");
  }
  // Destroying the exchange from its own callback is allowed (client.h).
  for (auto it = exchanges_.begin(); it != exchanges_.end(); ++it) {
    if (it->get() == exchange) {
      exchanges_.erase(it);
      break;
    }
  }
}

EventSink& event_sink(scan::Task& task, const Settings& settings) {
  scan::Services& services = task.services();
  auto* sink = static_cast<EventSink*>(services.extension(kEventSinkKey));
  if (sink == nullptr) {
    auto made = std::make_unique<EventSink>(settings.events, services.dispatcher(),
                                            services.logger());
    sink = made.get();
    services.set_extension(kEventSinkKey, std::move(made));
  }
  return *sink;
}

}  // namespace mw::outbound
