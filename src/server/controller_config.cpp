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
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "server/controller_routes.h"

namespace mw::server {

namespace http = proto::http;
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxEntries = 1000;
constexpr double kMaxValue = 10000;

// The file as a TOML table (empty when it does not exist yet).
Result<toml::table> read_saved(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return toml::table{};
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kInvalidInput,
                path + " is not valid TOML: " + std::string(e.description()));
  }
}

Status write_saved(const std::string& path, const toml::table& t) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# Written by the mailward controller (/savesymbols, /saveactions): edits made\n"
           "# here are kept, but the dashboard rewrites the file on every save.\n"
        << toml::toml_formatter(t) << "\n";
    if (!out.good()) return fail(ErrorCode::kIo, "cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(ErrorCode::kIo, "cannot rename " + tmp + " to " + path);
  }
  return {};
}

std::optional<double> finite_value(const json::Value& v) {
  if (!v.is_number()) return std::nullopt;
  double d = v.as_double();
  if (!std::isfinite(d) || std::fabs(d) > kMaxValue) return std::nullopt;
  return d;
}

// Apply the entries of `body` to `t`; an error message on bad input.
using Merge = std::function<std::string(const json::Value& body, toml::table& t)>;

std::string merge_symbols(const scan::Engine& engine, const json::Value& body, toml::table& t) {
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
    if (!t["symbols"].is_table()) t.insert_or_assign("symbols", toml::table{});
    toml::table& syms = *t["symbols"].as_table();
    if (!syms[name->as_string()].is_table()) {
      syms.insert_or_assign(name->as_string(), toml::table{});
    }
    syms[name->as_string()].as_table()->insert_or_assign("score", *v);
  }
  return {};
}

std::string merge_actions(const json::Value& body, toml::table& t) {
  static constexpr scan::Action kRspamdOrder[] = {scan::Action::kReject,
                                                  scan::Action::kRewriteSubject,
                                                  scan::Action::kAddHeader, scan::Action::kGreylist};
  if (!body.is_array() || body.size() == 0 || body.size() > kMaxEntries) {
    return "the body must be an array of {action, value} (or Rspamd's four values)";
  }
  if (!t["actions"].is_table()) t.insert_or_assign("actions", toml::table{});
  toml::table& acts = *t["actions"].as_table();
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
      acts.insert_or_assign(key, false);
      continue;
    }
    auto v = finite_value(*value);
    if (!v) return "the threshold of " + key + " must be a number within +-10000 or null";
    acts.insert_or_assign(key, *v);
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
            if (auto st = write_saved(o->save_file, *saved); !st) {
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
  c.add_route(save_route(c, "savesymbols", [e](const json::Value& body, toml::table& t) {
    return merge_symbols(*e, body, t);
  }));
  c.add_route(save_route(c, "saveactions", merge_actions));
}

}  // namespace mw::server
