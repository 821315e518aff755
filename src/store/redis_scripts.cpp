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

// Count tables: one hash, field = the 8-byte big-endian id, value "A:B:CHANGED"; the field
// "\0c" holds "ROWS ROWS_A ROWS_B" and marks the hash as a count table.
constexpr std::string_view kCountsPrelude = R"(
local MAXC = 4294967295
local function counts_meta(k)
  local meta = redis.call('HGET', k, '\0c')
  if meta then
    local x, y, z = string.match(meta, '^(%d+) (%d+) (%d+)$')
    if not x then return nil, 'MWINVAL corrupt count table' end
    return {tonumber(x), tonumber(y), tonumber(z)}
  end
  if redis.call('EXISTS', k) == 1 then
    return nil, 'MWINVAL key holds another kind of data, not a count table'
  end
  return {0, 0, 0}
end
local function counts_save(k, m)
  if m[1] <= 0 then
    redis.call('DEL', k)
  else
    redis.call('HSET', k, '\0c', string.format('%d %d %d', m[1], m[2], m[3]))
  end
end
)";

// KEYS[1]; ARGV: now (whole seconds), da, db, then the ids. Reads every row first, applies
// the deltas in order (an id given twice changes twice), then writes each changed row once.
// Mirrors lmdb::op_counts_add.
constexpr std::string_view kCountsAdd = R"(
local k = KEYS[1]
local m, err = counts_meta(k)
if not m then return redis.error_reply(err) end
local now, da, db = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local rows, order = {}, {}
local i = 4
while i <= #ARGV do
  local j = math.min(i + 999, #ARGV)
  local chunk = {}
  for t = i, j do chunk[#chunk + 1] = ARGV[t] end
  local vals = redis.call('HMGET', k, unpack(chunk))
  for t = 1, #chunk do
    local id = chunk[t]
    if rows[id] == nil then
      local a, b = 0, 0
      if vals[t] then
        local x, y = string.match(vals[t], '^(%d+):(%d+):%d+$')
        if not x then return redis.error_reply('MWINVAL corrupt count-table row') end
        a, b = tonumber(x), tonumber(y)
      end
      rows[id] = {a, b, a, b}
      order[#order + 1] = id
    end
  end
  i = j + 1
end
local function clamp(v)
  if v < 0 then return 0 end
  if v > MAXC then return MAXC end
  return v
end
for t = 4, #ARGV do
  local r = rows[ARGV[t]]
  r[3] = clamp(r[3] + da)
  r[4] = clamp(r[4] + db)
end
for _, id in ipairs(order) do
  local r = rows[id]
  local oa, ob, na, nb = r[1], r[2], r[3], r[4]
  if na ~= oa or nb ~= ob then
    if na > 0 and oa == 0 then m[2] = m[2] + 1 elseif na == 0 and oa > 0 then m[2] = m[2] - 1 end
    if nb > 0 and ob == 0 then m[3] = m[3] + 1 elseif nb == 0 and ob > 0 then m[3] = m[3] - 1 end
    if na == 0 and nb == 0 then
      redis.call('HDEL', k, id)
      m[1] = m[1] - 1
    else
      redis.call('HSET', k, id, string.format('%d:%d:%s', na, nb, now))
      if oa == 0 and ob == 0 then m[1] = m[1] + 1 end
    end
  end
end
counts_save(k, m)
return 'OK'
)";

// KEYS[1]; ARGV: HSCAN cursor, count hint, max_total, older_than.
// Returns {examined, removed, next cursor}. Mirrors lmdb::op_counts_expire.
constexpr std::string_view kCountsExpire = R"(
local k = KEYS[1]
local m, err = counts_meta(k)
if not m then return redis.error_reply(err) end
if m[1] == 0 then return {0, 0, '0'} end
local maxt, older = tonumber(ARGV[3]), tonumber(ARGV[4])
local zero = string.rep('\0', 8)
local r = redis.call('HSCAN', k, ARGV[1], 'COUNT', ARGV[2])
local items = r[2]
local examined, dead = 0, {}
for i = 1, #items, 2 do
  local id, v = items[i], items[i + 1]
  if id ~= '\0c' then
    examined = examined + 1
    local a, b, t = string.match(v, '^(%d+):(%d+):(%d+)$')
    if id ~= zero and a then
      a, b, t = tonumber(a), tonumber(b), tonumber(t)
      if a + b <= maxt and t < older then
        dead[#dead + 1] = id
        if a > 0 then m[2] = m[2] - 1 end
        if b > 0 then m[3] = m[3] - 1 end
      end
    end
  end
end
local i = 1
while i <= #dead do
  local j = math.min(i + 999, #dead)
  redis.call('HDEL', k, unpack(dead, i, j))
  i = j + 1
end
if #dead > 0 then
  m[1] = m[1] - #dead
  counts_save(k, m)
end
return {examined, #dead, r[1]}
)";

// KEYS[1]. Returns {rows, rows_a, rows_b, bytes}.
constexpr std::string_view kCountsInfo = R"(
local k = KEYS[1]
local m, err = counts_meta(k)
if not m then return redis.error_reply(err) end
if m[1] == 0 then return {0, 0, 0, 0} end
return {m[1], m[2], m[3], redis.call('MEMORY', 'USAGE', k) or 0}
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
    case ScriptId::kCountsAdd: return kCountsAdd;
    case ScriptId::kCountsExpire: return kCountsExpire;
    case ScriptId::kCountsInfo: return kCountsInfo;
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
  if (id == ScriptId::kCountsAdd || id == ScriptId::kCountsExpire || id == ScriptId::kCountsInfo) {
    s.body.append(kCountsPrelude);
  }
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
