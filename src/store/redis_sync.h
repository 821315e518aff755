// Blocking Redis calls for configuration time (private to src/store and its callers at
// start-up: never on a worker's loop). Used to agree on fleet-wide values before workers
// fork, e.g. the outbound keyed-hash secret.
//
// They reach the server the store would use for the key: the master named by the
// sentinels when `sentinels` is set, else the shard of `servers` that holds the key; each
// connect and command waits at most opts.timeout.
//
// Ownership: plain values. Loop affinity: none (blocking).
// Failure modes: kIo (no server / sentinel answers, error reply), kTimeout.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/redis_conn.h"
#include "store/redis_store.h"

namespace mw::store::redis {

// The master of opts.master_name as the first sentinel that knows it says.
Result<Endpoint> sentinel_master(const RedisOptions& opts);

// Store `value` under the store key `key` (prefix added, no expiry) unless the key already
// holds something; either way return what it holds afterwards (the first writer wins).
Result<std::string> set_once(const RedisOptions& opts, std::string_view key,
                             std::string_view value);

// What the store key `key` holds (nullopt: nothing).
Result<std::optional<std::string>> get_value(const RedisOptions& opts, std::string_view key);

}  // namespace mw::store::redis
