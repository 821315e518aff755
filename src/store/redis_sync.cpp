#include "store/redis_sync.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <cerrno>
#include <cmath>
#include <memory>
#include <vector>

#include "core/c_ptr.h"
#include "store/common.h"
#include "store/redis_scripts.h"
#include "store/redis_sentinel.h"

namespace mw::store::redis {

namespace {

using ContextPtr = core::CPtr<redisContext, redisFree>;
using ReplyPtr = core::CPtr<redisReply, freeReplyObject>;

timeval to_timeval(double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - std::floor(seconds)) * 1e6);
  return tv;
}

Result<ContextPtr> connect(const Endpoint& ep, double timeout) {
  timeval tv = to_timeval(timeout);
  ContextPtr c(ep.unix_path.empty() ? redisConnectWithTimeout(ep.host.c_str(), ep.port, tv)
                                    : redisConnectUnixWithTimeout(ep.unix_path.c_str(), tv));
  if (!c || c->err != 0) {
    return fail(ErrorCode::kIo, "redis " + ep.to_string() + ": " +
                                    (c ? std::string(c->errstr) : std::string("out of memory")));
  }
  if (redisSetTimeout(c.get(), tv) != REDIS_OK) {
    return fail(ErrorCode::kIo, "redis " + ep.to_string() + ": cannot set the timeout");
  }
  return c;
}

Result<ReplyPtr> command(redisContext* c, const Endpoint& ep,
                         const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  ReplyPtr r(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lens.data())));
  if (!r) {
    return fail(c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)
                    ? ErrorCode::kTimeout
                    : ErrorCode::kIo,
                "redis " + ep.to_string() + ": " + std::string(c->errstr));
  }
  if (r->type == REDIS_REPLY_ERROR) {
    // The command name only: arguments may be secrets (AUTH, values).
    return fail(ErrorCode::kIo, "redis " + ep.to_string() + ": " + argv[0] + ": " +
                                    std::string(r->str, r->len));
  }
  return r;
}

// A ready connection to the server holding `key`: AUTH and SELECT done.
Result<std::pair<ContextPtr, Endpoint>> open_for(const RedisOptions& opts, std::string_view key) {
  Endpoint ep;
  if (!opts.sentinels.empty()) {
    auto m = sentinel_master(opts);
    if (!m) return fail(m.error());
    ep = *m;
  } else {
    if (opts.servers.empty()) return fail(ErrorCode::kInvalidInput, "no redis servers");
    auto p = parse_endpoint(opts.servers[RedisStore::shard_for(key, opts.servers.size())]);
    if (!p) return fail(p.error());
    ep = *p;
  }
  auto c = connect(ep, opts.timeout);
  if (!c) return fail(c.error());
  if (!opts.password.empty()) {
    if (auto r = command(c->get(), ep, {"AUTH", opts.password}); !r) return fail(r.error());
  }
  if (opts.db != 0) {
    if (auto r = command(c->get(), ep, {"SELECT", std::to_string(opts.db)}); !r) {
      return fail(r.error());
    }
  }
  return std::make_pair(std::move(*c), std::move(ep));
}

Result<std::optional<std::string>> decode(const redisReply* r) {
  if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  if (r->type != REDIS_REPLY_STRING) {
    return fail(ErrorCode::kIo, "redis: unexpected reply type " + std::to_string(r->type));
  }
  auto e = decode_entry(std::string_view(r->str, r->len));
  if (!e) return fail(ErrorCode::kInvalidInput, "value is not in the store format");
  return std::optional<std::string>(std::string(e->payload));
}

}  // namespace

Result<Endpoint> sentinel_master(const RedisOptions& opts) {
  std::string why = "no sentinel configured";
  for (const auto& s : opts.sentinels) {
    auto ep = parse_endpoint(s);
    if (!ep) return fail(ep.error());
    auto c = connect(*ep, opts.timeout);
    if (!c) {
      why = c.error().message;
      continue;
    }
    auto r = command(c->get(), *ep, {"SENTINEL", "get-master-addr-by-name", opts.master_name});
    if (!r) {
      why = r.error().message;
      continue;
    }
    auto m = parse_sentinel_master(r->get());
    if (m) return m;
    why = m.error().code == ErrorCode::kNotFound
              ? "sentinel " + ep->to_string() + " does not know master \"" + opts.master_name + "\""
              : m.error().message;
  }
  return fail(ErrorCode::kIo, "sentinels: " + why);
}

Result<std::string> set_once(const RedisOptions& opts, std::string_view key,
                             std::string_view value) {
  auto c = open_for(opts, key);
  if (!c) return fail(c.error());
  std::string full = opts.prefix + std::string(key);
  auto& [ctx, ep] = *c;
  if (auto r = command(ctx.get(), ep, {"SET", full, encode_entry(0, value), "NX"}); !r) {
    return fail(r.error());
  }
  auto r = command(ctx.get(), ep, {"GET", full});
  if (!r) return fail(r.error());
  auto v = decode(r->get());
  if (!v) return fail(v.error());
  if (!*v) return fail(ErrorCode::kIo, "redis " + ep.to_string() + ": the value vanished");
  return std::move(**v);
}

Result<std::optional<std::string>> get_value(const RedisOptions& opts, std::string_view key) {
  auto c = open_for(opts, key);
  if (!c) return fail(c.error());
  auto& [ctx, ep] = *c;
  auto r = command(ctx.get(), ep, {"GET", opts.prefix + std::string(key)});
  if (!r) return fail(r.error());
  return decode(r->get());
}

}  // namespace mw::store::redis
