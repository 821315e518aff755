#include "scan/reply_additions.h"

#include <algorithm>

namespace mw::scan {

namespace {

// A string or an array of strings (other items are ignored).
std::vector<std::string> strings_of(const json::Value& v) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.as_string());
    return out;
  }
  for (const auto& item : v.items()) {
    if (item.is_string()) out.push_back(item.as_string());
  }
  return out;
}

void add_one(const std::string& name, const json::Value& v, std::vector<HeaderAdd>& out) {
  if (v.is_array()) {
    for (const auto& item : v.items()) add_one(name, item, out);
    return;
  }
  if (v.is_string()) {  // legacy form: Name: "value"
    out.push_back({name, v.as_string(), std::nullopt});
    return;
  }
  const json::Value* value = v.find("value");
  if (value == nullptr || !value->is_string()) return;
  const json::Value* order = v.find("order");
  std::optional<int64_t> o;
  if (order != nullptr && order->is_number()) o = order->as_int();
  out.push_back({name, value->as_string(), o});
}

void parse_adds(const json::Value& ah, std::vector<HeaderAdd>& out) {
  if (ah.is_array()) {
    for (const auto& item : ah.items()) parse_adds(item, out);
    return;
  }
  for (const auto& [name, v] : ah.members()) add_one(name, v, out);
}

void parse_removes(const json::Value& rh, std::vector<HeaderRemove>& out) {
  if (rh.is_array()) {
    for (const auto& item : rh.items()) parse_removes(item, out);
    return;
  }
  for (const auto& [name, v] : rh.members()) {
    if (v.is_array()) {
      for (const auto& item : v.items()) {
        if (item.is_number()) out.push_back({name, item.as_int()});
      }
    } else if (v.is_number()) {
      out.push_back({name, v.as_int()});
    }
  }
}

// Replace the entries of every name in `incoming` (where the first of them stood), append
// names not present yet.
template <typename T>
void replace_by_name(std::vector<T>& list, std::vector<T> incoming) {
  std::vector<std::string> names;
  for (const auto& e : incoming) {
    if (std::find(names.begin(), names.end(), e.name) == names.end()) names.push_back(e.name);
  }
  for (const auto& name : names) {
    auto first = std::find_if(list.begin(), list.end(), [&](const T& e) { return e.name == name; });
    size_t at = static_cast<size_t>(first - list.begin());
    list.erase(std::remove_if(list.begin(), list.end(), [&](const T& e) { return e.name == name; }),
               list.end());
    at = std::min(at, list.size());
    for (auto& e : incoming) {
      if (e.name != name) continue;
      list.insert(list.begin() + static_cast<std::ptrdiff_t>(at++), std::move(e));
    }
  }
}

// Entries grouped by name, names in first-appearance order.
template <typename T, typename F>
json::Value grouped(const std::vector<T>& list, F to_json) {
  json::Value out = json::Value::object();
  std::vector<std::string> names;
  for (const auto& e : list) {
    if (std::find(names.begin(), names.end(), e.name) == names.end()) names.push_back(e.name);
  }
  for (const auto& name : names) {
    json::Value items = json::Value::array();
    for (const auto& e : list) {
      if (e.name == name) items.push(to_json(e));
    }
    out.set(name, items.size() == 1 ? json::Value(items.items()[0]) : std::move(items));
  }
  return out;
}

json::Value string_array(const std::vector<std::string>& v) {
  json::Value out = json::Value::array();
  for (const auto& s : v) out.push(s);
  return out;
}

}  // namespace

bool MilterBlock::empty() const {
  return add_headers.empty() && remove_headers.empty() && !change_from && add_rcpt.empty() &&
         del_rcpt.empty() && reject.empty() && !no_action && spam_header.empty() &&
         other.size() == 0;
}

void MilterBlock::put_header(HeaderAdd add) {
  std::vector<HeaderAdd> one;
  one.push_back(std::move(add));
  replace_by_name(add_headers, std::move(one));
}

void MilterBlock::merge_json(const json::Value& block) {
  for (const auto& [key, v] : block.members()) {
    if (key == "add_headers") {
      std::vector<HeaderAdd> adds;
      parse_adds(v, adds);
      replace_by_name(add_headers, std::move(adds));
    } else if (key == "remove_headers") {
      std::vector<HeaderRemove> removes;
      parse_removes(v, removes);
      replace_by_name(remove_headers, std::move(removes));
    } else if (key == "change_from") {
      change_from = v.is_string() ? std::optional<std::string>(v.as_string()) : std::nullopt;
    } else if (key == "add_rcpt") {
      add_rcpt = strings_of(v);
    } else if (key == "del_rcpt") {
      del_rcpt = strings_of(v);
    } else if (key == "reject") {
      reject = v.is_string() ? v.as_string() : std::string();
    } else if (key == "no_action") {
      no_action = v.as_bool();
    } else if (key == "spam_header") {
      spam_header.clear();
      spam_header_value.clear();
      if (v.is_string()) {
        spam_header = v.as_string();
      } else if (v.is_object() && v.size() > 0) {
        spam_header = v.members().front().first;
        spam_header_value = v.members().front().second.as_string();
      }
    } else {
      json::Value* existing = other.find_mut(key);
      if (existing != nullptr && existing->is_object() && v.is_object()) {
        for (const auto& [k2, v2] : v.members()) existing->set(k2, v2);
      } else {
        other.set(key, v);
      }
    }
  }
}

void ReplyAdditions::set_field(std::string_view name, json::Value value) {
  if (name == "dkim-signature") {
    dkim_signatures = strings_of(value);
    return;
  }
  fields.set(name, std::move(value));
}

json::Value milter_block_json(const MilterBlock& b) {
  json::Value out = json::Value::object();
  if (!b.add_headers.empty()) {
    out.set("add_headers", grouped(b.add_headers, [](const HeaderAdd& a) {
              json::Value o = json::Value::object();
              o.set("value", a.value);
              if (a.order) o.set("order", *a.order);
              return o;
            }));
  }
  if (!b.remove_headers.empty()) {
    out.set("remove_headers",
            grouped(b.remove_headers, [](const HeaderRemove& r) { return json::Value(r.index); }));
  }
  if (b.change_from) out.set("change_from", *b.change_from);
  if (!b.add_rcpt.empty()) out.set("add_rcpt", string_array(b.add_rcpt));
  if (!b.del_rcpt.empty()) out.set("del_rcpt", string_array(b.del_rcpt));
  if (!b.reject.empty()) out.set("reject", b.reject);
  if (b.no_action) out.set("no_action", true);
  if (!b.spam_header.empty()) {
    if (b.spam_header_value.empty()) {
      out.set("spam_header", b.spam_header);
    } else {
      json::Value sh = json::Value::object();
      sh.set(b.spam_header, b.spam_header_value);
      out.set("spam_header", std::move(sh));
    }
  }
  for (const auto& [k, v] : b.other.members()) out.set(k, v);
  return out;
}

json::Value signing_report_json(const SigningReport& r) {
  json::Value out = json::Value::object();
  out.set("status", r.status);
  if (!r.reason.empty()) out.set("reason", r.reason);
  if (!r.signatures.empty()) {
    json::Value sigs = json::Value::array();
    for (const auto& s : r.signatures) {
      json::Value o = json::Value::object();
      o.set("domain", s.domain);
      o.set("selector", s.selector);
      o.set("algorithm", s.algorithm);
      sigs.push(std::move(o));
    }
    out.set("signatures", std::move(sigs));
  }
  if (r.instance > 0) out.set("instance", r.instance);
  if (!r.cv.empty()) out.set("cv", r.cv);
  if (!r.domain.empty()) out.set("domain", r.domain);
  return out;
}

SigningReport signing_report_from_json(const json::Value& v) {
  SigningReport r;
  auto str = [&](const char* key) {
    const json::Value* f = v.find(key);
    return f != nullptr ? f->as_string() : std::string();
  };
  r.status = str("status");
  r.reason = str("reason");
  if (const json::Value* sigs = v.find("signatures")) {
    for (const auto& s : sigs->items()) {
      SigningReport::Signature sig;
      if (const json::Value* f = s.find("domain")) sig.domain = f->as_string();
      if (const json::Value* f = s.find("selector")) sig.selector = f->as_string();
      if (const json::Value* f = s.find("algorithm")) sig.algorithm = f->as_string();
      r.signatures.push_back(std::move(sig));
    }
  }
  if (const json::Value* i = v.find("instance")) r.instance = i->as_int();
  r.cv = str("cv");
  r.domain = str("domain");
  return r;
}

}  // namespace mw::scan
