-- What host names look like: IP literals, fully qualified names, and names of dynamic
-- (residential, dial-up, DHCP) address space. Used by rules/hfilter.lua (HELO and reverse
-- DNS) and rules/received.lua (once-received mail).
--
--   shape.ip_of(s)             the IPv4/IPv6 text inside s ("[192.0.2.1]", "[IPv6:::1]",
--                              "192.0.2.1"), or nil
--   shape.is_literal(s)        s is a bracketed address literal
--   shape.is_fqdn(s)           a dotted name whose last label is a top-level domain shape
--   shape.embeds_ip(name, ip)  the name spells the IPv4 address ip (3 or 4 octets, either
--                              order, zero-padded or not, or as 8 hex digits)
--   shape.dynamic(name, ip)    nil, or why the name looks dynamic ("ip-in-name",
--                              "keyword:dsl")
--   shape.is_bogus_ip(ip_obj)  an address that cannot be an SMTP client (0/8, multicast,
--                              240/4, broadcast, ::, ff00::/8)
--   shape.is_nonpublic(ip_obj) private, loopback, link-local, CGN, ULA
local exports = {}

function exports.ip_of(s)
  if not s then return nil end
  local inner = s:match('^%[(.*)%]$') or s
  inner = inner:gsub('^[Ii][Pp][Vv]6:', '')
  if inner:match('^%d+%.%d+%.%d+%.%d+$') then
    for octet in inner:gmatch('%d+') do
      if tonumber(octet) > 255 then return nil end
    end
    return inner
  end
  if inner:find(':', 1, true) and inner:match('^[%x:.]+$') then return inner end
  return nil
end

function exports.is_literal(s)
  return s ~= nil and s:sub(1, 1) == '[' and s:sub(-1) == ']'
end

function exports.is_fqdn(s)
  if not s or #s > 253 or exports.ip_of(s) then return false end
  local name = s:gsub('%.$', '')
  if not name:find('.', 1, true) or name:find('..', 1, true) or name:sub(1, 1) == '.' then
    return false
  end
  for label in name:gmatch('[^.]+') do
    if #label > 63 or label:find('[^%w_-]') then return false end
  end
  local tld = name:match('([^.]+)$')
  return tld:match('^%a%a+$') ~= nil or tld:match('^xn%-%-[%w-]+$') ~= nil
end

-- The numbers written in a name, in order ("dsl092-072-213" -> 92, 72, 213).
local function numbers(name)
  local out = {}
  for d in name:gmatch('%d+') do
    if #d <= 3 then out[#out + 1] = tonumber(d) else out[#out + 1] = -1 end
  end
  return out
end

-- True when `run` (a list of octets) appears as consecutive numbers of `nums`.
local function contains_run(nums, run)
  for start = 1, #nums - #run + 1 do
    local ok = true
    for k = 1, #run do
      if nums[start + k - 1] ~= run[k] then
        ok = false
        break
      end
    end
    if ok then return true end
  end
  return false
end

function exports.embeds_ip(name, ip)
  if not name or not ip then return false end
  local a, b, c, d = ip:match('^(%d+)%.(%d+)%.(%d+)%.(%d+)$')
  if not a then return false end
  a, b, c, d = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
  local lname = name:lower()
  if lname:find(string.format('%02x%02x%02x%02x', a, b, c, d), 1, true) then return true end
  local nums = numbers(lname)
  for _, run in ipairs({ { a, b, c, d }, { d, c, b, a }, { b, c, d }, { d, c, b }, { c, b, a },
                         { a, b, c } }) do
    if contains_run(nums, run) then return true end
  end
  return false
end

-- Words that name dynamic or residential address space in provider host names.
local DYNAMIC_WORDS = {}
for _, w in ipairs({ 'dsl', 'adsl', 'vdsl', 'xdsl', 'sdsl', 'dyn', 'dynamic', 'dynip', 'dial',
                     'dialup', 'dialin', 'ppp', 'pppoe', 'pppoa', 'pool', 'pools', 'dhcp',
                     'cable', 'cpe', 'client', 'clients', 'customer', 'cust', 'broadband',
                     'residential', 'resident', 'home', 'user', 'users', 'subscriber', 'nat',
                     'catv', 'fios', 'ftth', 'fttx', 'wireless', 'wlan', 'mobile', 'gprs',
                     'unassigned', 'noname', 'unknown', 'static', 'adsl2', 'hsd', 'ipv4',
                     'dslam', 'rev', 'reverse', 'in-addr' }) do
  -- ("ptr" is not one: o1.ptr1234.example.com is how SendGrid names its senders' addresses.)
  DYNAMIC_WORDS[w] = true
end

function exports.dynamic(name, ip)
  if not name or name == '' or exports.ip_of(name) then return nil end
  if exports.embeds_ip(name, ip) then return 'ip-in-name' end
  local lname = name:lower()
  if not lname:find('%d') then return nil end
  -- Only the labels left of the registrable part count: "pool.example.com" as a domain is
  -- someone's name, "pool-12.dsl.example.net" is a provider's range.
  local labels = {}
  for label in lname:gmatch('[^.]+') do labels[#labels + 1] = label end
  for i = 1, #labels - 2 do
    for word in labels[i]:gmatch('%a+') do
      if DYNAMIC_WORDS[word] then return 'keyword:' .. word end
    end
  end
  return nil
end

local function octets(ip)
  if not ip or not ip:is_valid() then return nil end
  return ip:to_table()
end

function exports.is_bogus_ip(ip)
  local t = octets(ip)
  if not t then return false end
  if #t == 4 then
    return t[1] == 0 or t[1] >= 224
  end
  local zero = true
  for i = 1, 16 do zero = zero and t[i] == 0 end
  return zero or t[1] == 0xff
end

function exports.is_nonpublic(ip)
  local t = octets(ip)
  if not t then return false end
  if ip:is_local() then return true end
  if #t == 4 then
    return t[1] == 100 and t[2] >= 64 and t[2] < 128  -- carrier-grade NAT (RFC 6598)
  end
  return false
end

return exports
