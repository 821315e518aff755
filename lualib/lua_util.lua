-- Small helpers shared by the shipped rules (Rspamd users know the module name).
local exports = {}

-- Trim ASCII whitespace at both ends (two anchored matches, no copies of the middle).
function exports.trim(s)
  local from = s:match('^%s*()')
  return from > #s and '' or s:match('.*%S', from)
end

-- A set (table value -> true) from a list.
function exports.list_to_set(list)
  local set = {}
  for _, v in ipairs(list or {}) do set[v] = true end
  return set
end

-- Lower-cased domain part of an address, or nil.
function exports.addr_domain(addr)
  if not addr then return nil end
  local d = addr:match('@([^@]+)$')
  return d and d:lower() or nil
end

-- Count the characters of `s` in the Lua pattern class `class` (e.g. '%u').
function exports.count(s, class)
  local _, n = s:gsub(class, '')
  return n
end

-- Split `s` on a single plain separator character, keeping empty fields.
function exports.split_plain(s, sep)
  local out = {}
  local start = 1
  while true do
    local i = s:find(sep, start, true)
    if not i then
      out[#out + 1] = s:sub(start)
      return out
    end
    out[#out + 1] = s:sub(start, i - 1)
    start = i + 1
  end
end

-- True when the string only holds ASCII bytes.
function exports.is_ascii(s)
  return not s:find('[\128-\255]')
end

-- Many small checks under one callback symbol: one Lua call per message instead of one per
-- check (every call of a symbol costs a coroutine). check_group(cfg, parent, group,
-- description[, flags]) registers the callback `parent` and returns
-- add(name, group, description, fn): fn(task) returns what a symbol callback returns
-- (true[, weight][, options...], or a weight); the check becomes a virtual symbol under
-- `parent`. A check that raises is logged and the others still run.
local function insert_returns(task, name, first, ...)
  if first == true then
    local second = ...
    if type(second) == 'number' then
      task:insert_result(name, second, select(2, ...))
    else
      task:insert_result(name, 1.0, ...)
    end
  elseif type(first) == 'number' and first ~= 0 then
    task:insert_result(name, first, ...)
  end
end

function exports.check_group(cfg, parent, group, description, flags)
  local checks = {}
  local logger = require 'rspamd_logger'
  local function run(task, name, ok, ...)
    if ok then
      insert_returns(task, name, ...)
    else
      logger.errx(task, 'check %s failed: %s', name, (...))
    end
  end
  cfg:register_symbol{ name = parent, type = 'callback', group = group, description = description,
    flags = flags, callback = function(task)
      for i = 1, #checks do
        local c = checks[i]
        run(task, c[1], pcall(c[2], task))
      end
    end }
  return function(name, grp, desc, fn)
    checks[#checks + 1] = { name, fn }
    cfg:register_symbol{ name = name, type = 'virtual', parent = parent, group = grp,
                         description = desc }
  end
end

-- For a callback symbol whose checks share work (one pass over the URLs, the parts...) and
-- insert their symbols themselves: virtual_symbols(cfg, parent, group) returns
-- sym(name, description[, grp]), which registers a virtual symbol of `parent` in `grp`, else
-- `group`. (check_group is the simpler form for checks that are independent.)
function exports.virtual_symbols(cfg, parent, group)
  return function(name, description, grp)
    cfg:register_symbol{ name = name, type = 'virtual', parent = parent, group = grp or group,
                         description = description }
  end
end

-- True when the message came through a mailing list (the MAILLIST regexp rule of
-- rules/addresses.lua). A rule that asks must run after it: dependencies = { 'MAILLIST' }.
function exports.is_mailing_list(task)
  return task:has_symbol('MAILLIST')
end

return exports
