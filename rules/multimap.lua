-- Multimap: [multimap.NAME] rules over the maps of src/maps (lookups in C++, Hyperscan for
-- regexp and glob maps, reload on change). Each rule looks one part of the message up in
-- its map and inserts its symbol on a hit (options: what matched). doc/maps.md has the
-- reference and examples; `mailward configdump` lists every option.
--
--   type = ip | from | rcpt | helo | hostname | header | url | filename | content_type |
--          authenticated_domain
--   map = file(s), data = inline entries, map_type / regexp / glob, filter, header, source
--   symbol, score, description, group; symbols (values choose among them)
--   prefilter + action (+ message): decide the action before the other rules run
--
-- authenticated_domain: the From header domain and the envelope sender domain are looked up,
-- and a hit counts only when that domain is authenticated: SPF pass for it, a valid DKIM
-- signature aligned with it (same registrable domain) or DMARC pass. A whitelist for
-- senders that cannot be forged.
local rspamd_util = require 'rspamd_util'

local rules = mailward_config:get_all_opt('multimap')
if not rules then return end

local MAX_VALUES = 64  -- values looked up per rule and message (recipients, URLs, parts)

local function lower(s) return s and s:lower() or nil end

-- Addresses: filter email:addr (default), email:domain, email:user, email:domain:tld.
local function address_key(addr, filter)
  if not addr or not addr.addr or addr.addr == '' then return nil end
  if filter == 'email:domain' then return lower(addr.domain) end
  if filter == 'email:domain:tld' then
    return addr.domain and addr.domain ~= '' and rspamd_util.get_tld(addr.domain:lower()) or nil
  end
  if filter == 'email:user' then return lower(addr.user) end
  return lower(addr.addr)
end

local function default_map_type(rule)
  if rule.regexp then return 'regexp' end
  if rule.glob then return 'glob' end
  if rule.map_type and rule.map_type ~= '' then return rule.map_type end
  local t, f = rule.type, rule.filter or ''
  if t == 'ip' then return 'ip' end
  if t == 'helo' or t == 'hostname' or t == 'authenticated_domain' then return 'domain' end
  if t == 'url' then return f == 'full' and 'hash' or 'domain' end
  if t == 'from' or t == 'rcpt' or (t == 'header' and f:sub(1, 6) == 'email:') then
    if f == 'email:domain' or f == 'email:domain:tld' then return 'domain' end
    if f == 'email:user' then return 'hash' end
    return 'email'
  end
  return 'hash'
end

-- The keys of a rule for one message (a list of strings).
local function keys_of(task, rule)
  local t, f, out = rule.type, rule.filter or '', {}
  local function add(k)
    if k and k ~= '' and #out < MAX_VALUES then out[#out + 1] = k end
  end
  if t == 'ip' then
    local ip = task:get_from_ip()
    if ip and ip:is_valid() then add(ip:to_string()) end
  elseif t == 'from' or t == 'rcpt' then
    local src = rule.source ~= 'any' and rule.source or nil
    local list = t == 'from' and task:get_from(src) or task:get_recipients(src)
    for _, a in ipairs(list or {}) do add(address_key(a, f)) end
  elseif t == 'helo' then
    add(lower(task:get_helo()))
  elseif t == 'hostname' then
    add(lower(task:get_hostname()))
  elseif t == 'header' then
    if f:sub(1, 6) == 'email:' then
      local hdr = (rule.header or ''):lower()
      local list = (hdr == 'from' and task:get_from('mime')) or
                   ((hdr == 'to' or hdr == 'cc') and task:get_recipients('mime')) or {}
      if hdr ~= 'from' and hdr ~= 'to' and hdr ~= 'cc' then
        for _, h in ipairs(task:get_header_full(rule.header) or {}) do
          for addr in (h.decoded or h.value or ''):gmatch('[%w._%%+=-]+@[%w.-]+') do
            local user, domain = addr:match('^(.*)@(.*)$')
            list[#list + 1] = { addr = addr, user = user, domain = domain }
          end
        end
      end
      for _, a in ipairs(list) do add(address_key(a, f)) end
    else
      for _, h in ipairs(task:get_header_full(rule.header) or {}) do
        add(f == 'raw' and h.raw or (h.decoded or h.value))
      end
    end
  elseif t == 'url' then
    for _, u in ipairs(task:get_urls() or {}) do
      if f == 'full' then add(u:get_text()) elseif f == 'tld' then add(u:get_tld())
      else add(u:get_host()) end
    end
  elseif t == 'filename' then
    for _, p in ipairs(task:get_parts() or {}) do add(p:get_filename()) end
  elseif t == 'content_type' then
    for _, p in ipairs(task:get_parts() or {}) do
      local ct, sub = p:get_type()
      if ct then add((ct .. '/' .. (sub or '')):lower()) end
    end
  end
  return out
end

-- Is `domain` authenticated for this message (SPF, aligned DKIM, DMARC)?
local function authenticated(task, domain)
  local org = rspamd_util.get_tld(domain)
  local function aligned(d) return d and d ~= '' and rspamd_util.get_tld(d:lower()) == org end
  local dmarc = task:get_dmarc_result()
  if dmarc and dmarc.result == 'pass' and aligned(dmarc.from_domain) then return 'dmarc' end
  local spf = task:get_spf_result()
  if spf and spf.result == 'pass' and aligned(spf.domain) then return 'spf' end
  for _, sig in ipairs(task:get_dkim_results() or {}) do
    if sig.result == 'pass' and aligned(sig.domain) then return 'dkim' end
  end
  return nil
end

-- What a map value asks for: symbol, multiplier, options.
local function parse_value(rule, value, key)
  if value == true or value == '' then return rule.symbol, 1.0, { key } end
  local p1, p2, p3 = value:match('^([^:]*):?([^:]*):?(.*)$')
  if rule.allowed[p1] then
    local opts = {}
    for o in (p3 or ''):gmatch('[^,]+') do opts[#opts + 1] = o end
    if #opts == 0 then opts = { key } end
    return p1, tonumber(p2) or 1.0, opts
  end
  local n = tonumber(p1)
  if n and p2 == '' then return rule.symbol, n, { key } end
  return rule.symbol, 1.0, { value }
end

local function make_rule(name, rule)
  if rule.enabled == false then return end
  if not rule.type or rule.type == '' then
    error(string.format('multimap.%s: type is required', name))
  end
  rule.symbol = (rule.symbol and rule.symbol ~= '') and rule.symbol or name
  rule.allowed = { [rule.symbol] = true }
  for _, s in ipairs(rule.symbols or {}) do rule.allowed[s] = true end
  if #(rule.map or {}) == 0 and #(rule.data or {}) == 0 then
    error(string.format('multimap.%s: map or data is required', name))
  end
  if rule.prefilter and rule.type == 'authenticated_domain' then
    error(string.format('multimap.%s: authenticated_domain needs the auth checks and cannot ' ..
                        'be a prefilter', name))
  end
  if rule.prefilter and (not rule.action or rule.action == '') then
    error(string.format('multimap.%s: a prefilter needs an action', name))
  end
  local map = mailward_config:add_map{ type = default_map_type(rule), urls = rule.map,
                                       data = rule.data, name = 'multimap.' .. name,
                                       description = rule.description }

  local function check(task)
    local keys
    if rule.type == 'authenticated_domain' then
      keys = {}
      local mime, smtp = task:get_from('mime'), task:get_from('smtp')
      for _, a in ipairs({ mime and mime[1], smtp and smtp[1] }) do
        if a and a.domain and a.domain ~= '' then
          local d = a.domain:lower()
          if keys[#keys] ~= d then keys[#keys + 1] = d end
        end
      end
    else
      keys = keys_of(task, rule)
    end
    local hit = false
    for _, key in ipairs(keys) do
      local value = map:get_key(key)
      local how = value ~= nil and (rule.type ~= 'authenticated_domain' or authenticated(task, key))
      if how then
        local sym, mult, opts = parse_value(rule, value, key)
        if rule.type == 'authenticated_domain' then opts = { key .. ':' .. how } end
        task:insert_result(sym, mult, opts)
        hit = true
      end
    end
    if hit and rule.prefilter then
      task:set_pre_result{ action = rule.action, message = rule.message ~= '' and rule.message or nil,
                           module = 'multimap.' .. name }
    end
  end

  local def = { name = rule.symbol, type = rule.prefilter and 'prefilter' or 'callback',
                group = rule.group, score = rule.score, callback = check,
                description = rule.description ~= '' and rule.description or
                  ('Multimap ' .. name .. ' (' .. rule.type .. ')') }
  if rule.prefilter then def.priority = rule.priority end
  if rule.type == 'authenticated_domain' then def.dependencies = { 'AUTH_CHECKS' } end
  local id = mailward_config:register_symbol(def)
  for s in pairs(rule.allowed) do
    if s ~= rule.symbol then
      mailward_config:register_symbol{ name = s, type = 'virtual', parent = id,
                                       group = rule.group, score = rule.score,
                                       description = 'Multimap ' .. name .. ' (' .. rule.type .. ')' }
    end
  end
end

local names = {}
for name in pairs(rules) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do
  if type(rules[name]) == 'table' then make_rule(name, rules[name]) end
end
