#include "store/redis_sentinel.h"

#include <hiredis/hiredis.h>

#include <optional>

namespace mw::store::redis {

namespace {

std::string_view str(const redisReply* r) { return std::string_view(r->str, r->len); }

Result<Endpoint> endpoint_of(std::string_view host, std::string_view port) {
  std::string h(host);
  return parse_endpoint((h.find(':') != std::string::npos ? "[" + h + "]:" : h + ":") +
                        std::string(port));
}

// One entry of SENTINEL replicas (field, value, field, value, ...): the address when the
// sentinel thinks the replica can serve reads.
std::optional<Endpoint> healthy_replica(const redisReply* e) {
  if (e->type != REDIS_REPLY_ARRAY || e->elements % 2 != 0) return std::nullopt;
  std::string_view ip, port, flags, link;
  for (size_t i = 0; i + 1 < e->elements; i += 2) {
    const redisReply* f = e->element[i];
    const redisReply* v = e->element[i + 1];
    if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) return std::nullopt;
    std::string_view name = str(f);
    if (name == "ip") ip = str(v);
    if (name == "port") port = str(v);
    if (name == "flags") flags = str(v);
    if (name == "master-link-status") link = str(v);
  }
  for (std::string_view bad : {"s_down", "o_down", "disconnected"}) {
    if (flags.find(bad) != std::string_view::npos) return std::nullopt;
  }
  if (ip.empty() || link != "ok") return std::nullopt;
  auto ep = endpoint_of(ip, port);
  if (!ep) return std::nullopt;
  return std::move(*ep);
}

}  // namespace

Result<Endpoint> parse_sentinel_master(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      reply->element[1]->type != REDIS_REPLY_STRING) {
    return fail(ErrorCode::kNotFound, "not a master address");
  }
  return endpoint_of(str(reply->element[0]), str(reply->element[1]));
}

SentinelClient::SentinelClient(core::Dispatcher& d, core::Logger& log,
                               std::vector<Endpoint> sentinels, std::string master_name,
                               ConnOptions opts)
    : master_name_(std::move(master_name)) {
  opts.password.clear();
  opts.db = 0;
  for (auto& ep : sentinels) {
    conns_.push_back(std::make_unique<RedisConn>(d, log, std::move(ep), opts));
  }
  for (auto& c : conns_) c->start();
}

SentinelClient::~SentinelClient() {
  *alive_ = false;
  conns_.clear();
}

void SentinelClient::master(MasterFn cb) {
  Reader<Endpoint> read = [this](const redisReply* rr) -> Result<Endpoint> {
    auto ep = parse_sentinel_master(rr);
    if (!ep && ep.error().code == ErrorCode::kNotFound) {
      return fail(ErrorCode::kIo, "does not know master \"" + master_name_ + "\"");
    }
    return ep;
  };
  ask<Endpoint>(0, "get-master-addr-by-name", std::make_shared<Reader<Endpoint>>(std::move(read)),
                std::make_shared<MasterFn>(std::move(cb)), "no sentinel configured");
}

void SentinelClient::replicas(ReplicasFn cb) {
  using T = std::vector<Endpoint>;
  Reader<T> read = [this](const redisReply* rr) -> Result<T> {
    if (rr->type != REDIS_REPLY_ARRAY) {
      return fail(ErrorCode::kIo, "does not know master \"" + master_name_ + "\"");
    }
    T out;
    for (size_t i = 0; i < rr->elements; ++i) {
      if (auto ep = healthy_replica(rr->element[i])) out.push_back(std::move(*ep));
    }
    return out;
  };
  ask<T>(0, "replicas", std::make_shared<Reader<T>>(std::move(read)),
         std::make_shared<ReplicasFn>(std::move(cb)), "no sentinel configured");
}

template <typename T>
void SentinelClient::ask(size_t index, std::string command, std::shared_ptr<Reader<T>> read,
                         std::shared_ptr<std::function<void(Result<T>)>> cb, std::string why) {
  if (index >= conns_.size()) {
    (*cb)(fail(ErrorCode::kIo, "sentinels: " + why));
    return;
  }
  RedisConn* conn = conns_[index].get();
  std::weak_ptr<bool> alive = alive_;
  conn->send({"SENTINEL", command, master_name_},
             [this, alive, index, command, read, cb, conn](Result<const redisReply*> r) {
               auto a = alive.lock();
               if (!a || !*a) return;
               if (!r) {
                 ask<T>(index + 1, command, read, cb, r.error().message);
                 return;
               }
               Result<T> v = (*read)(*r);
               if (!v) {
                 ask<T>(index + 1, command, read, cb,
                        "sentinel " + conn->endpoint().to_string() + ": " + v.error().message);
                 return;
               }
               (*cb)(std::move(v));
             });
}

}  // namespace mw::store::redis
