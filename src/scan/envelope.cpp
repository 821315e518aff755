#include "scan/envelope.h"

namespace mw::scan {

Envelope envelope_from_json(const json::Value& e) {
  Envelope env;
  auto str = [&](const char* key) {
    const json::Value* f = e.find(key);
    return f != nullptr ? f->as_string() : std::string();
  };
  env.ip = str("ip");
  env.helo = str("helo");
  env.hostname = str("hostname");
  if (const json::Value* f = e.find("from")) {
    env.from = f->as_string();
    env.has_from = true;
  }
  if (const json::Value* r = e.find("rcpt")) {
    if (r->is_string()) env.rcpts.push_back(r->as_string());
    for (const auto& x : r->items()) env.rcpts.push_back(x.as_string());
  }
  env.user = str("user");
  env.settings_id = str("settings_id");
  env.settings_json = str("settings");
  if (const json::Value* t = e.find("time")) env.time = t->as_double();
  if (const json::Value* h = e.find("headers")) {
    for (const auto& [k, v] : h->members()) env.request_headers.emplace_back(k, v.as_string());
  }
  if (const json::Value* p = e.find("pass_all"); p != nullptr && p->as_bool()) {
    env.flags |= kTaskPassAll;
  }
  return env;
}

}  // namespace mw::scan
