#include "dns/fake_resolver.h"

#include <algorithm>
#include <memory>

#include "core/ascii.h"
#include "core/ip_address.h"
#include "dns/name.h"

namespace mw::dns {

std::string normalize_name(std::string_view name) {
  return core::to_lower(without_root_dot(name));
}

void FakeResolver::add(Record rec) {
  rec.name = normalize_name(rec.name);
  std::string key = rec.name;
  records_.emplace(std::move(key), std::move(rec));
}

void FakeResolver::add_a(std::string_view name, std::string_view ip) {
  Record r;
  r.name = std::string(name);
  r.ttl = 300;
  auto addr = core::IpAddress::parse(ip);
  if (!addr) return;
  r.addr = addr->bytes;
  r.family = addr->family;
  r.type = r.family == 4 ? RrType::kA : RrType::kAaaa;
  r.text = std::string(ip);
  add(std::move(r));
}

void FakeResolver::add_txt(std::string_view name, std::vector<std::string> strings) {
  Record r;
  r.name = std::string(name);
  r.type = RrType::kTxt;
  r.ttl = 300;
  for (const auto& s : strings) r.text += s;
  r.strings = std::move(strings);
  add(std::move(r));
}

void FakeResolver::add_target(std::string_view name, RrType type, std::string_view target,
                              uint16_t preference) {
  Record r;
  r.name = std::string(name);
  r.type = type;
  r.ttl = 300;
  r.preference = preference;
  r.text = normalize_name(target);
  add(std::move(r));
}

void FakeResolver::set_rcode(std::string_view name, RrType type, Rcode rcode) {
  forced_[{normalize_name(name), type}] = rcode;
}

void FakeResolver::add_empty_name(std::string_view name) {
  empty_names_.push_back(normalize_name(name));
}

Reply FakeResolver::answer(const std::string& name, RrType type, int depth) const {
  Reply reply;
  auto forced = forced_.find({name, type});
  if (forced != forced_.end()) {
    reply.rcode = forced->second;
    return reply;
  }
  auto [lo, hi] = records_.equal_range(name);
  bool name_exists = lo != hi ||
                     std::find(empty_names_.begin(), empty_names_.end(), name) != empty_names_.end();
  for (auto it = lo; it != hi; ++it) {
    if (it->second.type == type) reply.answers.push_back(it->second);
  }
  if (reply.answers.empty() && type != RrType::kCname && depth < 8) {
    for (auto it = lo; it != hi; ++it) {
      if (it->second.type == RrType::kCname) {
        Reply chained = answer(it->second.text, type, depth + 1);
        return chained;
      }
    }
  }
  if (!name_exists) {
    // A name is also "existing" when some longer name lives below it (empty non-terminal).
    std::string suffix = "." + name;
    for (const auto& [owner, rec] : records_) {
      if (owner.size() > suffix.size() &&
          owner.compare(owner.size() - suffix.size(), suffix.size(), suffix) == 0) {
        name_exists = true;
        break;
      }
    }
  }
  if (reply.answers.empty() && !name_exists) reply.rcode = Rcode::kNxDomain;
  return reply;
}

namespace {
struct FakeRequest final : Request {
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  ~FakeRequest() override { *alive = false; }
  void cancel() override { *alive = false; }
};
}  // namespace

RequestPtr FakeResolver::resolve(std::string_view name, RrType type, Callback cb) {
  std::string n = normalize_name(name);
  queries_.push_back(n + "/" + std::string(rr_type_name(type)));
  auto req = std::make_unique<FakeRequest>();
  Reply reply;
  if (n.empty() || n.size() > 253) {
    reply.rcode = Rcode::kBadName;
  } else {
    reply = answer(n, type, 0);
  }
  std::weak_ptr<bool> alive = req->alive;
  dispatcher_.post([alive, cb = std::move(cb), reply = std::move(reply)] {
    auto a = alive.lock();
    if (a && *a) {
      *a = false;
      cb(reply);
    }
  });
  return req;
}

}  // namespace mw::dns
