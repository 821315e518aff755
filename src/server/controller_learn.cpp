#include "server/controller_learn.h"

#include "server/envelope.h"
#include "classify/learn.h"
#include "classify/statistics.h"

namespace mw::server {

namespace http = proto::http;

namespace {

constexpr char kLog[] = "bayes";
// Users whose statistics are added up for /stat (all of them are counted).
constexpr size_t kStatUsers = 64;

http::Response json_error(int status, const std::string& message) {
  json::Value v = json::Value::object();
  v.set("error", message);
  http::Response r = http::Response::json(json::write(v), status);
  r.headers.add("Cache-Control", "no-store");
  return r;
}

http::Response reply_for(const classify::Report& rep) {
  using classify::Outcome;
  switch (rep.outcome) {
    case Outcome::kLearned:
    case Outcome::kRelearned:
    case Outcome::kForgotten: {
      json::Value v = json::Value::object();
      v.set("success", true);
      http::Response r = http::Response::json(json::write(v));
      r.headers.add("Cache-Control", "no-store");
      return r;
    }
    case Outcome::kAlreadyLearned: {
      http::Response r = json_error(208, rep.text());
      r.reason = rep.text();
      return r;
    }
    case Outcome::kTooFewTokens:
    case Outcome::kNotLearned: {
      http::Response r = json_error(204, rep.text());
      r.reason = rep.text();
      r.body_with_204 = true;  // as Rspamd: rspamc shows the error from the body
      r.close = true;
      return r;
    }
  }
  return json_error(500, "unexpected outcome");
}

json::Value statfile(const char* symbol, const classify::ClassInfo& c, uint64_t users,
                     std::string_view backend) {
  json::Value v = json::Value::object();
  v.set("revision", static_cast<int64_t>(c.learns));
  v.set("used", static_cast<int64_t>(c.tokens));
  v.set("total", static_cast<int64_t>(c.tokens));
  v.set("size", static_cast<int64_t>(c.bytes));
  v.set("symbol", symbol);
  v.set("type", backend);
  v.set("languages", int64_t{0});
  v.set("users", static_cast<int64_t>(users));
  return v;
}

}  // namespace

LearnService::LearnService(const scan::Engine& engine, scan::Services& services,
                           store::Store* store)
    : engine_(engine), services_(services), store_(store) {
  auto o = classify::options_from(*engine.config);
  if (!o) {
    services.logger().error(kLog, "learning is off: " + o.error().message);
    return;
  }
  options_ = *o;
  enabled_ = options_.enabled;
  if (enabled_ && store_ != nullptr) {
    expirer_ = std::make_unique<classify::Expirer>(*store_, services.dispatcher(),
                                                   services.logger(), options_.expire,
                                                   [this] { return services_.now(); });
  }
}

LearnService::~LearnService() = default;

void LearnService::attach(Controller& controller) {
  using classify::Class;
  dispatcher_ = &controller.dispatcher();
  auto route = [this](const char* path, bool by_header, Class cls) {
    return Route{path, {}, Access::kWrite, false,
                 [this, by_header, cls](http::Request&& req, http::ResponderPtr r, Access) {
                   learn(std::move(req), std::move(r), by_header, cls);
                 }};
  };
  controller.add_route(route("learnspam", false, Class::kSpam));
  controller.add_route(route("learnham", false, Class::kHam));
  controller.add_route(route("learnclass", true, Class::kSpam));
  controller.add_stat_source([this](std::function<void(json::Value)> done) { stat(done); });
  if (expirer_) expirer_->start();
}

void LearnService::learn(http::Request&& req, http::ResponderPtr r, bool by_header,
                         classify::Class cls) {
  if (req.method != "POST") {
    r->send(json_error(405, "learning needs POST"));
    return;
  }
  if (!enabled_) {
    r->send(json_error(503, "the Bayes classifier is disabled (classifier.bayes.enabled)"));
    return;
  }
  if (store_ == nullptr) {
    r->send(json_error(503, "statistics store is not available"));
    return;
  }
  if (by_header) {
    const std::string* name = req.param("Class");
    auto parsed = name != nullptr ? classify::parse_class(*name) : std::nullopt;
    if (!parsed) {
      r->send(json_error(400, "unknown class (the Class header must be spam or ham)"));
      return;
    }
    cls = *parsed;
  }
  if (req.body.empty()) {
    r->send(json_error(400, "Empty body is not permitted"));
    return;
  }
  scan::Envelope env = envelope_from_request(req);
  auto responder = std::shared_ptr<http::Responder>(std::move(r));
  core::Logger* logger = &services_.logger();
  RequestWork work(*dispatcher_);
  work.keep(classify::learn_message(
      services_.dispatcher(), *store_, services_.parser(), splitter_, options_,
      engine_.options.limits, engine_.options.max_task_memory, req.body, env, cls,
      [work, responder, logger](Result<classify::Report> rep) {
        if (!rep) {
          logger->warn(kLog, "learning failed: " + rep.error().message);
          responder->send(json_error(500, rep.error().message));
        } else {
          if (rep->changed()) {
            logger->info(kLog, "<" + rep->message_id + "> learned as " +
                                   std::string(classify::class_name(*rep->cls)) + " (" +
                                   std::to_string(rep->tokens) + " tokens)" +
                                   (rep->outcome == classify::Outcome::kRelearned
                                        ? ", moved from the other class"
                                        : ""));
          }
          responder->send(reply_for(*rep));
        }
        work.done();
      }));
}

void LearnService::stat(std::function<void(json::Value)> done) {
  if (!enabled_ || store_ == nullptr) {
    done(json::Value::object());
    return;
  }
  std::string backend(store_->backend());
  RequestWork work(*dispatcher_);
  work.keep(classify::info(*store_, kStatUsers,
                            [work, done, backend](Result<classify::Info> info) {
                              json::Value v = json::Value::object();
                              if (info) {
                                v.set("learned", static_cast<int64_t>(info->learned));
                                v.set("total_learns",
                                      static_cast<int64_t>(info->spam.learns + info->ham.learns));
                                json::Value files = json::Value::array();
                                files.push(statfile("BAYES_SPAM", info->spam, info->users, backend));
                                files.push(statfile("BAYES_HAM", info->ham, info->users, backend));
                                v.set("statfiles", std::move(files));
                              }
                              done(std::move(v));
                              work.done();
                            }));
}

}  // namespace mw::server
