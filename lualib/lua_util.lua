-- Small helpers shared by the shipped rules (Rspamd users know the module name).
local exports = {}

-- Trim ASCII whitespace at both ends.
function exports.trim(s)
  return (s:gsub('^%s+', ''):gsub('%s+$', ''))
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

-- True when the message came through a mailing list (the MAILLIST regexp rule of
-- rules/addresses.lua). A rule that asks must run after it: dependencies = { 'MAILLIST' }.
function exports.is_mailing_list(task)
  return task:has_symbol('MAILLIST')
end

return exports
