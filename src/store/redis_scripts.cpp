#include "store/redis_scripts.h"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <cmath>

#include "core/ascii.h"
#include "store/common.h"

namespace mw::store::redis {

namespace {

// Shared by every script: the expiry of an entry "\1EXP:PAYLOAD" (nil if foreign) and the
// position of its ':'.
constexpr std::string_view kPrelude = R"(
local function exp_of(v)
  if type(v) ~= 'string' or string.byte(v, 1) ~= 1 then return nil end
  local c = string.find(v, ':', 2, true)
  if not c then return nil end
  local e = tonumber(string.sub(v, 2, c - 1))
  if e == nil then return nil end
  return e, c
end
local MAXEXACT = 9007199254740991
)";

// KEYS[1]; ARGV: now, delta, new expiry ('' keeps the current one), its PX.
constexpr std::string_view kIncr = R"(
local now = tonumber(ARGV[1])
local cur = redis.call('GET', KEYS[1])
local n, keep = 0, nil
if cur then
  local e, c = exp_of(cur)
  if e == nil then return redis.error_reply('MWINVAL value is not in the store format') end
  if e == 0 or now < e then
    local p = string.sub(cur, c + 1)
    if not string.match(p, '^%-?%d+$') then
      return redis.error_reply('MWINVAL value is not an integer')
    end
    n = tonumber(p)
    if n > MAXEXACT or n < -MAXEXACT then
      return redis.error_reply('MWINVAL value is not an integer')
    end
    if e ~= 0 then keep = string.sub(cur, 2, c - 1) end
  end
end
local r = n + tonumber(ARGV[2])
if r > MAXEXACT or r < -MAXEXACT then
  return redis.error_reply('MWLIMIT counter out of range (+-2^53)')
end
local text = string.format('%.0f', r)
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[1], '\1' .. ARGV[3] .. ':' .. text, 'PX', ARGV[4])
elseif keep then
  redis.call('SET', KEYS[1], '\1' .. keep .. ':' .. text, 'KEEPTTL')
else
  redis.call('SET', KEYS[1], '\1' .. '0:' .. text)
end
return text
)";

// KEYS[1]; ARGV: now, amount, window, width of a new counter, most buckets, slack ms.
// Mirrors lmdb::op_window_add and common.h's bucket formulas.
constexpr std::string_view kWindow = R"(
local k = KEYS[1]
local now, amount, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local all = redis.call('HGETALL', k)
local w = nil
local buckets = {}
for i = 1, #all, 2 do
  if all[i] == '\0w' then
    w = tonumber(all[i + 1])
  else
    local b, s = tonumber(all[i]), tonumber(all[i + 1])
    if b == nil or s == nil then
      return redis.error_reply('MWINVAL key holds another kind of data, not a windowed counter')
    end
    table.insert(buckets, {b, all[i], s})
  end
end
if #all > 0 and w == nil then
  return redis.error_reply('MWINVAL key holds another kind of data, not a windowed counter')
end
local kept = {}
if w then
  for _, e in ipairs(buckets) do
    if (e[1] + 1) * w > now - window then table.insert(kept, e) end
  end
end
if #kept == 0 then w = tonumber(ARGV[4]) end
if amount ~= 0 then
  local b = math.floor(now / w)
  local found = false
  for _, e in ipairs(kept) do
    if e[1] == b then
      e[3] = e[3] + amount
      found = true
    end
  end
  if not found then table.insert(kept, {b, string.format('%.17g', b), amount}) end
end
table.sort(kept, function(x, y) return x[1] < y[1] end)
local first = 1
local maxb = tonumber(ARGV[5])
if #kept > maxb then first = #kept - maxb + 1 end
local sum = 0
for i = first, #kept do sum = sum + kept[i][3] end
if amount ~= 0 then
  redis.call('DEL', k)
  local args = {'\0w', string.format('%.17g', w)}
  for i = first, #kept do
    table.insert(args, kept[i][2])
    table.insert(args, string.format('%.17g', kept[i][3]))
  end
  redis.call('HSET', k, unpack(args))
  local exp = (kept[#kept][1] + 1) * w + window
  redis.call('PEXPIRE', k, math.ceil((exp - now) * 1000) + tonumber(ARGV[6]))
end
return string.format('%.17g', sum)
)";

// KEYS[1]; ARGV: now, cutoff (now - window), member, cap, PX.
constexpr std::string_view kDistinctAdd = R"(
local k = KEYS[1]
redis.call('ZREMRANGEBYSCORE', k, '-inf', ARGV[2])
local was_new = 1
if redis.call('ZSCORE', k, ARGV[3]) then was_new = 0 end
redis.call('ZADD', k, ARGV[1], ARGV[3])
local n = redis.call('ZCARD', k)
local cap = tonumber(ARGV[4])
if n > cap then
  redis.call('ZREMRANGEBYRANK', k, 0, n - cap - 1)
  n = cap
end
redis.call('PEXPIRE', k, ARGV[5])
return {n, was_new}
)";

// KEYS[1]; ARGV: entry, cap, now, PX ('0': no expiry), cap - 1.
constexpr std::string_view kListPush = R"(
local k = KEYS[1]
local head = redis.call('LINDEX', k, 0)
if head then
  local e = exp_of(head)
  if e == nil then return redis.error_reply('MWINVAL list entry is not in the store format') end
  if e ~= 0 and tonumber(ARGV[3]) >= e then redis.call('DEL', k) end
end
if ARGV[2] == '0' then
  redis.call('DEL', k)
  return 1
end
redis.call('LPUSH', k, ARGV[1])
redis.call('LTRIM', k, 0, ARGV[5])
if ARGV[4] ~= '0' then redis.call('PEXPIRE', k, ARGV[4]) else redis.call('PERSIST', k) end
return 1
)";

// KEYS[1]; ARGV: now, start, stop.
constexpr std::string_view kListRange = R"(
local k = KEYS[1]
local head = redis.call('LINDEX', k, 0)
if not head then return {} end
local e = exp_of(head)
if e == nil then return redis.error_reply('MWINVAL list entry is not in the store format') end
if e ~= 0 and tonumber(ARGV[1]) >= e then
  redis.call('DEL', k)
  return {}
end
return redis.call('LRANGE', k, ARGV[2], ARGV[3])
)";

// KEYS[1]; ARGV: field, entry, now, PX ('0': the field has no expiry), sample size.
// Removes expired fields among all (<= 64) or a random sample, then sets the field and
// keeps the key's TTL at least as long as its longest-lived field.
constexpr std::string_view kMapSet = R"(
local k = KEYS[1]
local now = tonumber(ARGV[3])
local n = redis.call('HLEN', k)
local pttl = redis.call('PTTL', k)
local sample = {}
if n > 0 and n <= 64 then
  sample = redis.call('HGETALL', k)
elseif n > 64 then
  sample = redis.call('HRANDFIELD', k, ARGV[5], 'WITHVALUES')
end
for i = 2, #sample, 2 do
  if exp_of(sample[i]) == nil then
    return redis.error_reply('MWINVAL key holds another kind of data, not a map')
  end
end
for i = 1, #sample, 2 do
  local e = exp_of(sample[i + 1])
  if e ~= 0 and now >= e and sample[i] ~= ARGV[1] then
    redis.call('HDEL', k, sample[i])
    n = n - 1
  end
end
local others = n - redis.call('HEXISTS', k, ARGV[1])
redis.call('HSET', k, ARGV[1], ARGV[2])
local px = tonumber(ARGV[4])
if px == 0 then
  redis.call('PERSIST', k)
elseif others <= 0 or (pttl >= 0 and pttl < px) then
  redis.call('PEXPIRE', k, px)
end
return 1
)";

// KEYS[1]; ARGV: now, slack ms. Live fields as [field, entry, ...]; removes expired ones
// and sets the key's TTL from what is left.
constexpr std::string_view kMapAll = R"(
local k = KEYS[1]
local now = tonumber(ARGV[1])
local all = redis.call('HGETALL', k)
for i = 2, #all, 2 do
  if exp_of(all[i]) == nil then
    return redis.error_reply('MWINVAL key holds another kind of data, not a map')
  end
end
local out = {}
local persistent, maxexp = false, 0
for i = 1, #all, 2 do
  local e = exp_of(all[i + 1])
  if e ~= 0 and now >= e then
    redis.call('HDEL', k, all[i])
  else
    table.insert(out, all[i])
    table.insert(out, all[i + 1])
    if e == 0 then persistent = true elseif e > maxexp then maxexp = e end
  end
end
if #out > 0 then
  if persistent then
    redis.call('PERSIST', k)
  else
    redis.call('PEXPIRE', k, math.ceil((maxexp - now) * 1000) + tonumber(ARGV[2]))
  end
end
return out
)";

std::string_view body_of(ScriptId id) {
  switch (id) {
    case ScriptId::kIncr: return kIncr;
    case ScriptId::kWindow: return kWindow;
    case ScriptId::kDistinctAdd: return kDistinctAdd;
    case ScriptId::kListPush: return kListPush;
    case ScriptId::kListRange: return kListRange;
    case ScriptId::kMapSet: return kMapSet;
    case ScriptId::kMapAll: return kMapAll;
  }
  return {};
}

std::string sha1_hex(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha1(), nullptr);
  return core::hex_encode({reinterpret_cast<const char*>(md), len});
}

}  // namespace

Script make_script(ScriptId id) {
  Script s;
  s.body.append(kPrelude);
  s.body.append(body_of(id));
  s.sha = sha1_hex(s.body);
  return s;
}

int64_t ttl_ms(double seconds) {
  return static_cast<int64_t>(std::ceil(seconds * 1000)) + kSlackMs;
}

std::string encode_entry(double expiry, std::string_view payload) {
  std::string e = detail::format_double(expiry);
  std::string out;
  out.reserve(2 + e.size() + payload.size());
  out.push_back('\x01');
  out.append(e);
  out.push_back(':');
  out.append(payload);
  return out;
}

std::optional<Entry> decode_entry(std::string_view s) {
  if (s.empty() || s.front() != '\x01') return std::nullopt;
  size_t colon = s.find(':', 1);
  if (colon == std::string_view::npos) return std::nullopt;
  auto e = detail::parse_double(s.substr(1, colon - 1));
  if (!e) return std::nullopt;
  return Entry{*e, s.substr(colon + 1)};
}

Error reply_error(const redisReply* r) {
  std::string msg(r->str != nullptr ? r->str : "", r->len);
  // Our own errors; Redis may append " script: ..." to errors raised by scripts.
  auto ours = [&](size_t p) {
    std::string m = msg.substr(p + 8);
    if (size_t s = m.find(" script:"); s != std::string::npos) m.resize(s);
    return m;
  };
  if (size_t p = msg.find("MWINVAL "); p != std::string::npos) {
    return Error{ErrorCode::kInvalidInput, ours(p)};
  }
  if (size_t p = msg.find("MWLIMIT "); p != std::string::npos) {
    return Error{ErrorCode::kLimit, ours(p)};
  }
  if (msg.find("WRONGTYPE") != std::string::npos) {
    return Error{ErrorCode::kInvalidInput, "key holds another kind of data"};
  }
  if (msg.rfind("OOM", 0) == 0) return Error{ErrorCode::kLimit, "redis: " + msg};
  return Error{ErrorCode::kIo, "redis: " + msg};
}

}  // namespace mw::store::redis
