// Controller routes that change the configuration (writes), as Rspamd's WebUI uses them:
//
//   POST /savesymbols   body [{"name": "SYMBOL", "value": 2.5}, ...]: symbol scores
//   POST /saveactions   body [{"action": "reject", "value": 15}, ...] (value null: disabled),
//                       or Rspamd's array of four numbers/nulls: reject, rewrite subject,
//                       add header, greylist
//
// The values are merged into [controller] save_file (default $CONFDIR/local.d/
// zz-controller.toml: the last local.d file, so it wins over the others but not over
// override.d), written to a temporary file beside it and renamed over it. It is read at
// every start and reload like any local.d file. After a successful save the controller asks
// the master process for a reload (SIGHUP) so that the scanners use the new values at once.
//
// Symbols must be registered (unknown: 400); scores and thresholds must be finite and within
// +-10000; at most 1000 entries in one request.
#include <signal.h>
#include <unistd.h>

#include <cmath>

#include "core/toml_file.h"
#include "server/controller_routes.h"

namespace mw::server {

namespace http = proto::http;

namespace {

constexpr size_t kMaxEntries = 1000;
constexpr double kMaxValue = 10000;

constexpr std::string_view kSaveHeader =
    "# Written by the mailward controller (/savesymbols, /saveactions): edits made\n"
    "# here are kept, but the dashboard rewrites the file on every save.\n";

// The file's tables as JSON (an empty object when it does not exist yet).
Result<json::Value> read_saved(const std::string& path) {
  auto saved = core::read_toml_file(path);
  if (!saved && saved.error().code == ErrorCode::kNotFound) return json::Value::object();
  return saved;
}

// `parent[key]` as an object (replacing anything else there).
json::Value& table_at(json::Value& parent, const std::string& key) {
  json::Value& t = parent[key];
  if (!t.is_object()) t = json::Value::object();
  return t;
}

std::optional<double> finite_value(const json::Value& v) {
  if (!v.is_number()) return std::nullopt;
  double d = v.as_double();
  if (!std::isfinite(d) || std::fabs(d) > kMaxValue) return std::nullopt;
  return d;
}

// Apply the entries of `body` to `t`; an error message on bad input.
using Merge = std::function<std::string(const json::Value& body, json::Value& t)>;

std::string merge_symbols(const scan::Engine& engine, const json::Value& body, json::Value& t) {
  if (!body.is_array() || body.size() == 0 || body.size() > kMaxEntries) {
    return "the body must be an array of 1 to 1000 {name, value}";
  }
  for (const auto& e : body.items()) {
    const json::Value* name = e.find("name");
    const json::Value* value = e.find("value");
    if (name == nullptr || value == nullptr) return "every entry needs a name and a value";
    auto v = finite_value(*value);
    if (!v) return "the score of " + name->as_string() + " must be a number within +-10000";
    if (engine.registry.find(name->as_string()) == scan::kNoSymbol) {
      return "unknown symbol: " + name->as_string();
    }
    table_at(table_at(t, "symbols"), name->as_string()).set("score", *v);
  }
  return {};
}

std::string merge_actions(const json::Value& body, json::Value& t) {
  static constexpr scan::Action kRspamdOrder[] = {scan::Action::kReject,
                                                  scan::Action::kRewriteSubject,
                                                  scan::Action::kAddHeader, scan::Action::kGreylist};
  if (!body.is_array() || body.size() == 0 || body.size() > kMaxEntries) {
    return "the body must be an array of {action, value} (or Rspamd's four values)";
  }
  json::Value& acts = table_at(t, "actions");
  for (size_t i = 0; i < body.size(); ++i) {
    const json::Value& e = body.items()[i];
    scan::Action action;
    const json::Value* value = &e;
    if (e.is_object()) {
      const json::Value* name = e.find("action");
      auto a = scan::parse_action(name != nullptr ? name->as_string() : "");
      if (!a) return "unknown action: " + (name != nullptr ? name->as_string() : "");
      action = *a;
      value = e.find("value");
      if (value == nullptr) return "every entry needs a value (null disables the action)";
    } else if (i < std::size(kRspamdOrder)) {
      action = kRspamdOrder[i];
    } else {
      return "Rspamd's form has four values: reject, rewrite subject, add header, greylist";
    }
    if (action == scan::Action::kNoAction || action == scan::Action::kDiscard ||
        action == scan::Action::kQuarantine) {
      return "no threshold can be set for " + std::string(scan::action_name(action));
    }
    std::string key(scan::action_config_key(action));
    if (value->is_null()) {
      acts.set(key, false);
      continue;
    }
    auto v = finite_value(*value);
    if (!v) return "the threshold of " + key + " must be a number within +-10000 or null";
    acts.set(key, *v);
  }
  return {};
}

Route save_route(Controller& c, const char* path, Merge merge) {
  const ControllerOptions* o = &c.options();
  return {path, {}, Access::kWrite, false,
          [o, merge](http::Request&& req, http::ResponderPtr r, Access) {
            if (o->save_file.empty()) {
              r->send(http::Response::error(503, "[controller] save_file is not set"));
              return;
            }
            auto body = json::parse(req.body);
            if (!body) {
              r->send(http::Response::error(400, "the body must be JSON"));
              return;
            }
            auto saved = read_saved(o->save_file);
            if (!saved) {
              r->send(http::Response::error(500, saved.error().message));
              return;
            }
            std::string bad = merge(*body, *saved);
            if (!bad.empty()) {
              r->send(http::Response::error(400, bad));
              return;
            }
            if (auto st = core::write_toml_file(o->save_file, *saved, kSaveHeader); !st) {
              r->send(http::Response::error(500, st.error().message));
              return;
            }
            bool reload = o->master_pid > 1 && ::kill(o->master_pid, SIGHUP) == 0;
            json::Value v = json::Value::object();
            v.set("success", true);
            v.set("reloading", reload);
            r->send(controller_json(v));
          }};
}

}  // namespace

void add_config_routes(Controller& c, const scan::Engine& engine) {
  const scan::Engine* e = &engine;
  c.add_route(save_route(c, "savesymbols", [e](const json::Value& body, json::Value& t) {
    return merge_symbols(*e, body, t);
  }));
  c.add_route(save_route(c, "saveactions", merge_actions));
}

}  // namespace mw::server
