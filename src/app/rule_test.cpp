#include "app/rule_test.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "lua/convert.h"
#include "lua/state.h"

namespace mw::app {

Result<json::Value> read_rule_test(core::Logger& logger, const std::string& path) {
  lua::LuaState state(logger, {});
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read " + path);
  std::string code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  lua_State* L = state.L();
  if (luaL_loadbuffer(L, code.data(), code.size(), ("@" + path).c_str()) != 0) {
    return fail(ErrorCode::kInvalidInput, lua_tostring(L, -1));
  }
  auto st = state.pcall(0, 1);
  if (!st) return fail(st.error());
  json::Value v = lua::to_json(L, -1);
  lua_pop(L, 1);
  return v;
}

void add_dns_zone(dns::FakeResolver& r, const json::Value& dns) {
  for (const auto& e : dns.items()) {
    const auto& it = e.items();
    if (it.size() < 2) continue;
    std::string name = it[0].as_string();
    std::string type = it[1].as_string();
    std::string value = it.size() > 2 ? it[2].as_string() : "";
    if (type == "A" || type == "AAAA") {
      r.add_a(name, value);
    } else if (type == "TXT") {
      r.add_txt(name, value);
    } else if (type == "MX") {
      auto sp = value.find(' ');
      r.add_mx(name, static_cast<uint16_t>(std::atoi(value.substr(0, sp).c_str())),
               sp == std::string::npos ? value : value.substr(sp + 1));
    } else if (type == "PTR") {
      r.add_ptr(name, value);
    } else if (type == "CNAME") {
      r.add_cname(name, value);
    } else if (type == "TIMEOUT" || type == "SERVFAIL" || type == "NXDOMAIN") {
      dns::Rcode rc = type == "TIMEOUT" ? dns::Rcode::kTimeout
                      : type == "SERVFAIL" ? dns::Rcode::kServFail : dns::Rcode::kNxDomain;
      for (auto t : {dns::RrType::kA, dns::RrType::kAaaa, dns::RrType::kTxt, dns::RrType::kMx,
                     dns::RrType::kPtr}) {
        r.set_rcode(name, t, rc);
      }
    }
  }
}


std::vector<std::string> check_case(const json::Value& spec, const scan::Task& task) {
  std::vector<std::string> problems;
  if (task.error()) problems.push_back("scan error: " + task.error()->to_string());
  if (const json::Value* e = spec.find("expect")) {
    for (const auto& s : e->items()) {
      if (!task.outcome().has_symbol(s.as_string())) problems.push_back("missing " + s.as_string());
    }
  }
  if (const json::Value* f = spec.find("forbid")) {
    for (const auto& s : f->items()) {
      if (task.outcome().has_symbol(s.as_string())) problems.push_back("unexpected " + s.as_string());
    }
  }
  if (const json::Value* o = spec.find("options")) {
    for (const auto& [sym, want] : o->members()) {
      const scan::SymbolResult* r = task.outcome().find_result(sym);
      for (const auto& w : want.items()) {
        bool found = false;
        if (r != nullptr) {
          for (auto opt : r->options) found = found || opt == w.as_string();
        }
        if (!found) problems.push_back(sym + " lacks option '" + w.as_string() + "'");
      }
    }
  }
  if (const json::Value* h = spec.find("hidden")) {
    for (const auto& text : h->items()) {
      for (const auto* r : task.outcome().results()) {
        for (auto opt : r->options) {
          if (opt.find(text.as_string()) != std::string_view::npos) {
            problems.push_back(std::string(r->name) + " shows '" + text.as_string() + "'");
          }
        }
      }
    }
  }
  if (const json::Value* a = spec.find("action")) {
    if (scan::action_name(task.outcome().action()) != a->as_string()) {
      problems.push_back("action is '" + std::string(scan::action_name(task.outcome().action())) +
                         "', want '" + a->as_string() + "'");
    }
  }
  if (const json::Value* lo = spec.find("score_min"); lo && task.outcome().score() < lo->as_double()) {
    problems.push_back("score " + std::to_string(task.outcome().score()) + " below " +
                       std::to_string(lo->as_double()));
  }
  if (const json::Value* hi = spec.find("score_max"); hi && task.outcome().score() > hi->as_double()) {
    problems.push_back("score " + std::to_string(task.outcome().score()) + " above " +
                       std::to_string(hi->as_double()));
  }
  return problems;
}

}  // namespace mw::app
