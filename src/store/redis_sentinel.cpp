#include "store/redis_sentinel.h"

#include <hiredis/hiredis.h>

namespace mw::store::redis {

Result<Endpoint> parse_sentinel_master(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      reply->element[1]->type != REDIS_REPLY_STRING) {
    return fail(ErrorCode::kNotFound, "not a master address");
  }
  std::string host(reply->element[0]->str, reply->element[0]->len);
  std::string port(reply->element[1]->str, reply->element[1]->len);
  return parse_endpoint(host.find(':') != std::string::npos ? "[" + host + "]:" + port
                                                            : host + ":" + port);
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
  ask(0, std::make_shared<MasterFn>(std::move(cb)), "no sentinel configured");
}

void SentinelClient::ask(size_t index, std::shared_ptr<MasterFn> cb, std::string why) {
  if (index >= conns_.size()) {
    (*cb)(fail(ErrorCode::kIo, "sentinels: " + why));
    return;
  }
  RedisConn* conn = conns_[index].get();
  std::weak_ptr<bool> alive = alive_;
  conn->send({"SENTINEL", "get-master-addr-by-name", master_name_},
             [this, alive, index, cb, conn](Result<const redisReply*> r) {
               auto a = alive.lock();
               if (!a || !*a) return;
               std::string who = "sentinel " + conn->endpoint().to_string();
               if (!r) {
                 ask(index + 1, cb, r.error().message);
                 return;
               }
               auto ep = parse_sentinel_master(*r);
               if (!ep && ep.error().code == ErrorCode::kNotFound) {
                 ask(index + 1, cb, who + " does not know master \"" + master_name_ + "\"");
                 return;
               }
               if (!ep) {
                 ask(index + 1, cb, who + ": " + ep.error().message);
                 return;
               }
               (*cb)(std::move(*ep));
             });
}

}  // namespace mw::store::redis
