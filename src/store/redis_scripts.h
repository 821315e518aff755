// The Redis backend's data layout and Lua scripts (private to src/store).
//
// Layout (every key is [store.redis] prefix + the store key; Redis >= 6.2):
//   value, counter   string  "\x01" EXP ":" PAYLOAD (counters: decimal text)
//   windowed counter hash    "\0w" -> bucket width, "<bucket index>" -> sum
//   distinct set     zset    member scored by the time it was last seen
//   list             list    entries "\x01" EXP ":" PAYLOAD, newest first; the head's EXP
//                            is the list's expiry
//   map              hash    field -> "\x01" EXP ":" VALUE
//   count table      hash    8-byte big-endian id -> "A:B:CHANGED" (decimal; CHANGED in
//                            whole seconds), "\0c" -> "ROWS ROWS_A ROWS_B"
// EXP is the absolute expiry on the store's clock (0: none), written as "%.17g" so that
// scripts read back the exact double the C++ side computed. Expiry and windows are decided
// with these stored times, never with Redis's clock, so an injected clock (tests, replay)
// works; Redis's own key TTLs are set as well, a little later than the stored expiry (1 s
// of slack), only to reclaim memory. Replaying with a clock slower than real time can
// therefore lose data early.
//
// The scripts run with EVALSHA (falling back to EVAL once when the server answers
// NOSCRIPT) so that each operation is atomic. They check before they write, and signal the
// store's errors with error replies starting "MWINVAL " (kInvalidInput) or "MWLIMIT "
// (kLimit); Redis's WRONGTYPE maps to kInvalidInput.
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

struct redisReply;

namespace mw::store::redis {

enum class ScriptId {
  kIncr, kWindow, kDistinctAdd, kListPush, kListRange, kMapSet, kMapAll,
  kCountsAdd, kCountsExpire, kCountsInfo
};
inline constexpr int kScriptCount = 10;

struct Script {
  std::string body;
  std::string sha;  // hex SHA-1 of body, for EVALSHA
};
// The script's source and digest.
Script make_script(ScriptId id);

// Milliseconds Redis keeps a key beyond its stored expiry.
inline constexpr int64_t kSlackMs = 1000;
// Redis TTL (ms) for something that expires `seconds` from now.
int64_t ttl_ms(double seconds);

// "\x01" EXP ":" PAYLOAD
std::string encode_entry(double expiry, std::string_view payload);
struct Entry {
  double expiry = 0;
  std::string_view payload;
};
std::optional<Entry> decode_entry(std::string_view s);

// The store error for an error reply.
Error reply_error(const redisReply* r);

}  // namespace mw::store::redis
