// SwitchWatch: hears a Sentinel failover the moment it happens (private to src/store;
// RedisStore uses it next to its periodic SENTINEL get-master-addr-by-name check, which
// stays as the fallback).
//
// One Pub/Sub connection per sentinel (hiredis asynchronous, on the worker's libevent
// loop), subscribed to the sentinels' `+switch-master` channel. A message
// "<name> <old-ip> <old-port> <new-ip> <new-port>" for our master name calls `on_switch`
// with the new master and the sentinel that said it; messages for other names, or that do
// not parse, are ignored. Several sentinels publish the same switch: each one calls
// `on_switch` (the caller compares with the master it uses).
//
// Each connection reconnects by itself: a refused or lost connection, or a subscription
// not confirmed within `timeout` seconds, waits (backoff from reconnect_min doubling to
// reconnect_max) and connects again. A sentinel that vanishes without closing the
// connection is not noticed here (no keep-alive): the periodic check covers it.
//
// Ownership: owns its connections; borrows the Dispatcher and Logger. Destroying it drops
// every connection without calling `on_switch`. Loop affinity: the Dispatcher's thread.
// REQUIRES: SIGPIPE is ignored in the process.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "store/redis_conn.h"

namespace mw::store::redis {

// The new master in a +switch-master message for `master_name` (nullopt: another name,
// or not such a message).
std::optional<Endpoint> parse_switch_master(std::string_view message,
                                            std::string_view master_name);

class SwitchWatch {
 public:
  using SwitchFn = std::function<void(Endpoint master, const Endpoint& sentinel)>;

  SwitchWatch(core::Dispatcher& d, core::Logger& log, std::vector<Endpoint> sentinels,
              std::string master_name, const ConnOptions& opts, SwitchFn on_switch);
  ~SwitchWatch();
  SwitchWatch(const SwitchWatch&) = delete;
  SwitchWatch& operator=(const SwitchWatch&) = delete;

  // Sentinels whose subscription is confirmed (tests, /stat).
  size_t subscribed() const;

 private:
  class Sub;
  std::string master_name_;
  SwitchFn on_switch_;
  std::vector<std::unique_ptr<Sub>> subs_;  // borrow master_name_ and on_switch_
};

}  // namespace mw::store::redis
