#include "app/outbound.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <fcntl.h>
#include <lua.hpp>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <toml++/toml.h>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "app/paths.h"
#include "core/config_toml.h"
#include "lua/bind.h"
#include "lua/convert.h"
#include "lua/state.h"
#include "scan/engine.h"
#include "scan/model.h"
#include "scan/task.h"
#include "store/options.h"

namespace mw::app {

namespace http = proto::http;

struct OutboundShared {
  bool configured = false;
  std::string secret;
  std::optional<scan::LogisticModel> model;
  std::string model_path;
  std::string events_file;
  std::string webhook;  // http://host:port/path
  double webhook_timeout = 5;
  size_t event_rows = 1000;
  json::Value config = json::Value::object();  // [outbound] for Lua, secret removed
  // Per process (after fork): the events file.
  int events_fd = -1;
  pid_t events_pid = 0;
};

namespace {

class SharedResource final : public scan::EngineResource {
 public:
  explicit SharedResource(std::shared_ptr<OutboundShared> s) : shared(std::move(s)) {}
  std::shared_ptr<OutboundShared> shared;
};

json::Value toml_to_json(const toml::node& n) {
  if (const auto* t = n.as_table()) {
    json::Value o = json::Value::object();
    for (const auto& [k, v] : *t) o.set(k.str(), toml_to_json(v));
    return o;
  }
  if (const auto* a = n.as_array()) {
    json::Value arr = json::Value::array();
    for (const auto& v : *a) arr.push(toml_to_json(v));
    return arr;
  }
  if (auto s = n.value_exact<std::string>()) return json::Value(*s);
  if (auto b = n.value_exact<bool>()) return json::Value(*b);
  if (auto i = n.value_exact<int64_t>()) return json::Value(*i);
  if (auto d = n.value_exact<double>()) return json::Value(*d);
  return json::Value();
}

Result<std::string> load_or_create_secret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.size() >= 32) return s;
  }
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return fail(ErrorCode::kInternal, "no random bytes");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    // Another process created it meanwhile: use theirs.
    std::ifstream again(path, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.size() >= 32) return s;
    return fail(ErrorCode::kIo, "cannot create " + path);
  }
  std::string line = hex + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return fail(ErrorCode::kIo, "cannot write " + path);
  return hex;
}

std::string hmac_hex(const std::string& key, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), buf, &n);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 16 && i < n; ++i) {  // 128 bits are plenty for keys
    out += kHex[buf[i] >> 4];
    out += kHex[buf[i] & 15];
  }
  return out;
}

// Fire-and-forget POST of an event (libevent's HTTP client on the worker's loop).
void post_webhook(event_base* base, const std::string& url, const std::string& body,
                  double timeout, core::Logger& logger) {
  evhttp_uri* uri = evhttp_uri_parse(url.c_str());
  if (uri == nullptr || evhttp_uri_get_host(uri) == nullptr) {
    logger.warn("outbound", "bad webhook URL " + url);
    if (uri != nullptr) evhttp_uri_free(uri);
    return;
  }
  int port = evhttp_uri_get_port(uri);
  std::string path = evhttp_uri_get_path(uri) != nullptr && *evhttp_uri_get_path(uri) != '\0'
                         ? evhttp_uri_get_path(uri)
                         : "/";
  if (evhttp_uri_get_query(uri) != nullptr) path += std::string("?") + evhttp_uri_get_query(uri);
  std::string host = evhttp_uri_get_host(uri);
  evhttp_uri_free(uri);
  evhttp_connection* conn = evhttp_connection_base_new(base, nullptr, host.c_str(),
                                                       static_cast<uint16_t>(port > 0 ? port : 80));
  if (conn == nullptr) return;
  evhttp_connection_set_timeout(conn, static_cast<int>(timeout < 1 ? 1 : timeout));
  evhttp_connection_free_on_completion(conn);
  auto* log = &logger;
  evhttp_request* req = evhttp_request_new(
      [](evhttp_request* r, void* arg) {
        auto* lg = static_cast<core::Logger*>(arg);
        if (r == nullptr || evhttp_request_get_response_code(r) < 200 ||
            evhttp_request_get_response_code(r) >= 300) {
          lg->warn("outbound", "event webhook failed (" +
                                   std::to_string(r ? evhttp_request_get_response_code(r) : 0) + ")");
        }
      },
      log);
  evkeyvalq* headers = evhttp_request_get_output_headers(req);
  evhttp_add_header(headers, "Host", host.c_str());
  evhttp_add_header(headers, "Content-Type", "application/json");
  evbuffer_add(evhttp_request_get_output_buffer(req), body.data(), body.size());
  evhttp_make_request(conn, req, EVHTTP_REQ_POST, path.c_str());
}

// ---- the mailward_outbound Lua module ----------------------------------------------------------

const char kSharedKey = 0;  // registry: OutboundShared* (light userdata)

OutboundShared& shared_of(lua_State* L) {
  lua_pushlightuserdata(L, const_cast<char*>(&kSharedKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* s = static_cast<OutboundShared*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  if (s == nullptr || !s->configured) luaL_error(L, "outbound protection is not configured");
  return *s;
}

int l_config(lua_State* L) {
  lua::push_json(L, shared_of(L).config);
  return 1;
}

int l_hash(lua_State* L) {
  lua::push(L, hmac_hex(shared_of(L).secret, lua::check_sv(L, 1)));
  return 1;
}

int l_has_model(lua_State* L) {
  lua_pushboolean(L, shared_of(L).model.has_value());
  return 1;
}

// predict({feature = value, ...}) -> probability, {{name=, value=}, ...} (largest first)
int l_predict(lua_State* L) {
  OutboundShared& s = shared_of(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  if (!s.model) {
    lua_pushnil(L);
    return 1;
  }
  std::map<std::string, double> f;
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      double v = lua_type(L, -1) == LUA_TBOOLEAN ? (lua_toboolean(L, -1) ? 1 : 0) : lua_tonumber(L, -1);
      f[lua_tostring(L, -2)] = v;
    }
    lua_pop(L, 1);
  }
  scan::Prediction p = s.model->predict(f);
  lua_pushnumber(L, p.probability);
  lua_createtable(L, static_cast<int>(p.contributions.size()), 0);
  int i = 1;
  for (const auto& [name, c] : p.contributions) {
    lua_createtable(L, 0, 2);
    lua::set_field(L, "name", name);
    lua::set_field(L, "value", c);
    lua_rawseti(L, -2, i++);
  }
  return 2;
}

// emit_event(task, event): JSON line to the events file, the store list for the dashboard,
// and the webhook.
int l_emit_event(lua_State* L) {
  OutboundShared& s = shared_of(L);
  scan::Task& task = lua::check_task(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  json::Value ev = lua::to_json(L, 2);
  std::string line = json::write(ev);
  core::Logger& logger = task.services().logger();
  if (!s.events_file.empty()) {
    if (s.events_pid != ::getpid()) {
      s.events_fd = ::open(s.events_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
      s.events_pid = ::getpid();
      if (s.events_fd < 0) logger.error("outbound", "cannot open events file " + s.events_file);
    }
    if (s.events_fd >= 0) {
      std::string out = line + "\n";
      if (::write(s.events_fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
        logger.error("outbound", "cannot write events file " + s.events_file);
      }
    }
  }
  if (store::Store* st = task.services().store()) {
    struct Held final : scan::Cancelable {
      store::OpPtr op;
    };
    auto held = std::make_unique<Held>();
    held->op = st->list_push("ob:events", line, s.event_rows, 0, [](Status) {});
    task.hold(std::move(held));
  }
  if (!s.webhook.empty()) {
    post_webhook(task.services().dispatcher().base(), s.webhook, line, s.webhook_timeout, logger);
  }
  logger.log(core::LogLevel::kWarn, "outbound", task.id(), "detection: " + line);
  return 0;
}

int open_module(lua_State* L) {
  static const luaL_Reg kFuncs[] = {{"config", l_config},       {"hash", l_hash},
                                    {"has_model", l_has_model}, {"predict", l_predict},
                                    {"emit_event", l_emit_event}, {nullptr, nullptr}};
  lua_newtable(L);
  luaL_register(L, nullptr, kFuncs);
  return 1;
}

// ---- the module --------------------------------------------------------------------------------

class OutboundModule final : public scan::Module {
 public:
  explicit OutboundModule(std::shared_ptr<OutboundShared> s) : shared_(std::move(s)) {}
  std::string_view name() const override { return "outbound"; }

  void declare_options(core::Schema& s) const override {
    using core::OptType;
    s.section("outbound", "Outbound protection: stolen-account reconnaissance and abuse");
    s.add({"outbound.enabled", OptType::kBool, "true", "Check mail of authenticated senders"});
    s.add({"outbound.secret", OptType::kString, "\"\"",
           "Key for hashing recipients, IPs and users in profiles (empty: a random key kept in "
           "$DBDIR/outbound.secret)"});
    s.add({"outbound.model", OptType::kString, "\"$CONFDIR/outbound_model.json\"",
           "Classifier model (mailward train); missing: no OUTBOUND_RECON verdicts"});
    s.add({"outbound.threshold", OptType::kFloat, "0.3", "Probability from which a submission is "
           "reconnaissance (OUTBOUND_RECON)", 0, 1});
    s.add({"outbound.action", OptType::kString, "\"soft reject\"",
           "What a detection does: soft reject, reject, or alert (accept, only report)", {}, {},
           {"soft reject", "reject", "alert"}});
    s.add({"outbound.message", OptType::kString,
           "\"Your account is on hold because it looks compromised; please contact support\"",
           "SMTP reply text of a detection"});
    s.add({"outbound.hold", OptType::kBool, "true", "Put the account on the hold list"});
    s.add({"outbound.hold_ttl", OptType::kDuration, "\"30d\"", "How long a hold lasts unless released"});
    s.add({"outbound.hold_action", OptType::kString, "\"soft reject\"",
           "Action for mail of held accounts", {}, {}, {"soft reject", "reject", "alert"}});
    s.add({"outbound.hold_message", OptType::kString,
           "\"Your account is on hold; please contact support\"", "SMTP reply text for held accounts"});
    s.add({"outbound.provider_hosts", OptType::kStringList, "[]",
           "The provider's own submission host names (found next to a port: a strong signal)"});
    s.add({"outbound.local_domains", OptType::kStringList, "[]",
           "The provider's own mail domains (recipients elsewhere are external)"});
    s.add({"outbound.profile_ttl", OptType::kDuration, "\"90d\"", "Retention of per-user profiles"});
    s.add({"outbound.collector_ttl", OptType::kDuration, "\"60d\"", "Retention of collector data"});
    s.add({"outbound.collector_min_accounts", OptType::kInt, "2",
           "Accounts that must send suspected test mail to an address before it is a collector", 1, 1000});
    s.add({"outbound.ratelimit_messages", OptType::kInt, "300",
           "Messages per user per window before rate limiting (0: off)", 0, 10000000});
    s.add({"outbound.ratelimit_recipients", OptType::kInt, "1000",
           "Recipients per user per window before rate limiting (0: off)", 0, 10000000});
    s.add({"outbound.ratelimit_window", OptType::kDuration, "\"1h\"", "Rate limit window"});
    s.add({"outbound.ratelimit_message", OptType::kString, "\"Rate limit exceeded, try again later\"",
           "SMTP reply text when rate limited"});
    s.add({"outbound.events_file", OptType::kString, "\"$DBDIR/outbound-events.jsonl\"",
           "Detections as JSON lines (empty: none)"});
    s.add({"outbound.webhook", OptType::kString, "\"\"", "HTTP URL each detection is POSTed to"});
    s.add({"outbound.webhook_timeout", OptType::kDuration, "\"5s\"", "Webhook timeout"});
    s.add({"outbound.event_rows", OptType::kInt, "1000", "Detections kept for the dashboard", 0, 1000000});
  }

  Status configure(scan::Engine& engine, core::Logger& logger) override {
    const core::Config& c = *engine.config;
    OutboundShared& s = *shared_;
    s.configured = true;
    s.secret = c.get_string("outbound.secret");
    if (s.secret.empty()) {
      auto sec = load_or_create_secret(db_dir(c) + "/outbound.secret");
      if (!sec) return fail(sec.error());
      s.secret = *sec;
    }
    s.model_path = expand_path(c.get_string("outbound.model"), c);
    s.model.reset();
    std::error_code ec;
    if (!s.model_path.empty() && std::filesystem::exists(s.model_path, ec)) {
      auto m = scan::LogisticModel::load(s.model_path);
      if (!m) return fail(m.error());
      s.model = std::move(*m);
    } else if (!s.model_path.empty()) {
      logger.warn("outbound", "no classifier model at " + s.model_path +
                                  ": reconnaissance verdicts are off until one is trained");
    }
    s.events_file = expand_path(c.get_string("outbound.events_file"), c);
    s.webhook = c.get_string("outbound.webhook");
    s.webhook_timeout = c.get_duration("outbound.webhook_timeout");
    s.event_rows = static_cast<size_t>(c.get_int("outbound.event_rows"));
    // Everything rules need, with defaults filled in, except the secret.
    json::Value cfg = json::Value::object();
    for (const auto& d : c.schema().options()) {
      if (d.path.rfind("outbound.", 0) != 0 || d.path == "outbound.secret") continue;
      std::string key = d.path.substr(9);
      const toml::node* n = core::toml_node(c, d.path);
      if (n == nullptr) n = core::toml_default(c.schema(), d);
      if (n == nullptr) continue;
      json::Value v = toml_to_json(*n);
      if (d.type == core::OptType::kDuration) {
        v = json::Value(c.get_duration(d.path));
      }
      cfg.set(key, std::move(v));
    }
    s.config = std::move(cfg);
    engine.resources.push_back(std::make_unique<SharedResource>(shared_));
    return {};
  }

 private:
  std::shared_ptr<OutboundShared> shared_;
};

}  // namespace

OutboundParts make_outbound() {
  auto shared = std::make_shared<OutboundShared>();
  OutboundParts parts;
  parts.module = std::make_unique<OutboundModule>(shared);
  parts.lua_hook = [shared](lua_State* L) {
    lua_pushlightuserdata(L, const_cast<char*>(&kSharedKey));
    lua_pushlightuserdata(L, shared.get());
    lua_rawset(L, LUA_REGISTRYINDEX);
    lua::state_of(L).preload("mailward_outbound", open_module);
  };
  return parts;
}

// ---- hold list: controller routes and CLI --------------------------------------------------------

namespace {

json::Value hold_rows(const std::vector<std::pair<std::string, std::string>>& fields) {
  json::Value arr = json::Value::array();
  for (const auto& [user, val] : fields) {
    auto v = json::parse(val);
    json::Value row = v && v->is_object() ? *v : json::Value::object();
    row.set("user", user);
    arr.push(std::move(row));
  }
  return arr;
}

std::string user_param(const http::Request& req) {
  if (const std::string* u = req.param("User")) return *u;
  return {};
}

}  // namespace

std::vector<ControllerRoute> outbound_routes(store::Store* store, core::Dispatcher& dispatcher) {
  core::Dispatcher* loop = &dispatcher;
  std::vector<ControllerRoute> routes;
  // Each request keeps its store operations alive in `keep` until its last callback ran;
  // the loop then drops them (a handle must not be destroyed inside its own callback).
  routes.push_back({"outbound/holds", false, [store, loop](http::Request&&, http::ResponderPtr r) {
    if (store == nullptr) {
      r->send(http::Response::error(503, "no store"));
      return;
    }
    auto shared = std::shared_ptr<http::Responder>(std::move(r));
    auto out = std::make_shared<json::Value>(json::Value::object());
    auto keep = std::make_shared<std::vector<store::OpPtr>>();
    keep->push_back(store->map_all("ob:hold", [store, loop, shared, out, keep](
        Result<std::vector<std::pair<std::string, std::string>>> holds) {
      if (!holds) {
        shared->send(http::Response::error(500, holds.error().to_string()));
        loop->post([keep] { keep->clear(); });
        return;
      }
      out->set("holds", hold_rows(*holds));
      keep->push_back(store->list_range("ob:events", 0, 200,
                                        [loop, shared, out, keep](Result<std::vector<std::string>> evs) {
        json::Value events = json::Value::array();
        if (evs) {
          for (const auto& e : *evs) {
            if (auto v = json::parse(e)) events.push(std::move(*v));
          }
        }
        out->set("events", std::move(events));
        shared->send(http::Response::json(json::write(*out)));
        loop->post([keep] { keep->clear(); });
      }));
    }));
  }});
  routes.push_back({"outbound/release", true, [store, loop](http::Request&& req, http::ResponderPtr r) {
    std::string user = user_param(req);
    if (user.empty() || store == nullptr) {
      r->send(http::Response::error(400, "give the account in a User header or ?user="));
      return;
    }
    auto shared = std::shared_ptr<http::Responder>(std::move(r));
    auto keep = std::make_shared<store::OpPtr>();
    *keep = store->map_del("ob:hold", user, [loop, shared, user, keep](Status st) {
      json::Value v = json::Value::object();
      v.set("success", st.has_value());
      v.set("user", user);
      shared->send(st ? http::Response::json(json::write(v))
                      : http::Response::error(500, st.error().to_string()));
      loop->post([keep] { keep->reset(); });
    });
  }});
  routes.push_back({"outbound/hold", true, [store, loop](http::Request&& req, http::ResponderPtr r) {
    std::string user = user_param(req);
    if (user.empty() || store == nullptr) {
      r->send(http::Response::error(400, "give the account in a User header or ?user="));
      return;
    }
    std::string reason = req.param("Reason") ? *req.param("Reason") : "operator";
    json::Value row = json::Value::object();
    row.set("since", static_cast<double>(::time(nullptr)));
    row.set("reasons", json::Value(json::Array{json::Value(reason)}));
    row.set("by", "operator");
    auto shared = std::shared_ptr<http::Responder>(std::move(r));
    auto keep = std::make_shared<store::OpPtr>();
    *keep = store->map_set("ob:hold", user, json::write(row), 0, [loop, shared, keep](Status st) {
      json::Value v = json::Value::object();
      v.set("success", st.has_value());
      shared->send(http::Response::json(json::write(v)));
      loop->post([keep] { keep->reset(); });
    });
  }});
  return routes;
}

int cmd_hold(int argc, char** argv) {
  static const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'}, {"help", false, false, 'h'},
                                             {"json", false}};
  constexpr const char* kUsage =
      "usage: mailward hold [--conf DIR] list [--json]\n"
      "       mailward hold [--conf DIR] release USER\n"
      "       mailward hold [--conf DIR] add USER [REASON]\n";
  auto args = Args::parse(kSpec, argc, argv, 2);
  if (!args || args->has("help") || args->positional().empty()) {
    std::fputs(kUsage, args && args->has("help") ? stdout : stderr);
    return args && args->has("help") ? 0 : 2;
  }
  const auto& pos = args->positional();
  std::string verb = pos[0];
  if ((verb == "release" || verb == "add") && pos.size() < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  core::Logger logger(core::LogLevel::kError);
  auto modules = make_modules();
  core::Schema schema = make_schema(modules);
  std::vector<core::ConfigIssue> issues;
  auto cfg = load_config(schema, args->get("conf", default_conf_dir()), issues);
  if (!cfg) {
    for (const auto& i : issues) std::fprintf(stderr, "%s\n", i.to_string().c_str());
    return 2;
  }
  core::Dispatcher dispatcher;
  auto sc = store::config_from(**cfg, db_dir(**cfg));
  if (!sc) {
    std::fprintf(stderr, "mailward hold: %s\n", sc.error().message.c_str());
    return 1;
  }
  auto st = store::open_store(*sc, dispatcher, logger, [] { return static_cast<double>(::time(nullptr)); });
  if (!st) {
    std::fprintf(stderr, "mailward hold: store: %s\n", st.error().message.c_str());
    return 1;
  }
  int status = 0;
  store::OpPtr op;
  if (verb == "list") {
    op = (*st)->map_all("ob:hold", [&](Result<std::vector<std::pair<std::string, std::string>>> r) {
      if (!r) {
        std::fprintf(stderr, "mailward hold: %s\n", r.error().message.c_str());
        status = 1;
      } else if (args->has("json")) {
        std::printf("%s\n", json::write(hold_rows(*r)).c_str());
      } else {
        json::Value rows = hold_rows(*r);
        for (const auto& row : rows.items()) {
          std::string reasons;
          if (const json::Value* rs = row.find("reasons")) {
            for (const auto& x : rs->items()) reasons += (reasons.empty() ? "" : ", ") + x.as_string();
          }
          std::printf("%s\tsince %.0f\t%s\n", row.find("user")->as_string().c_str(),
                      row.find("since") ? row.find("since")->as_double() : 0.0, reasons.c_str());
        }
      }
      dispatcher.exit();
    });
  } else if (verb == "release") {
    op = (*st)->map_del("ob:hold", pos[1], [&](Status s) {
      if (!s) {
        std::fprintf(stderr, "mailward hold: %s\n", s.error().message.c_str());
        status = 1;
      } else {
        std::printf("released %s\n", pos[1].c_str());
      }
      dispatcher.exit();
    });
  } else if (verb == "add") {
    json::Value row = json::Value::object();
    row.set("since", static_cast<double>(::time(nullptr)));
    row.set("reasons", json::Value(json::Array{json::Value(pos.size() > 2 ? pos[2] : "operator")}));
    row.set("by", "operator");
    op = (*st)->map_set("ob:hold", pos[1], json::write(row), 0, [&](Status s) {
      if (!s) {
        std::fprintf(stderr, "mailward hold: %s\n", s.error().message.c_str());
        status = 1;
      } else {
        std::printf("holding %s\n", pos[1].c_str());
      }
      dispatcher.exit();
    });
  } else {
    std::fputs(kUsage, stderr);
    return 2;
  }
  dispatcher.run();
  return status;
}

}  // namespace mw::app
