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

-- True when the message came through a mailing list: list headers (RFC 2369/2919), the marks
-- of Mailman, ezmlm, Google and Yahoo Groups, fml, Ecartis, Listar, LISTSERV, or a Sender
-- that is a list owner or bounce address (Majordomo, LISTSERV, old Mailman).
local LIST_HEADERS = { 'List-Id', 'List-Post', 'Mailing-List', 'X-Mailman-Version', 'X-BeenThere',
                       'X-Loop', 'List-Help', 'X-Google-Group-Id', 'X-eGroups-Return',
                       'X-Mailing-List', 'X-ML-Name', 'X-Listprocessor-Version', 'X-Ecartis-Version',
                       'X-Listar-Version', 'List-Software', 'X-List-Administrivia' }
function exports.is_mailing_list(task)
  for _, h in ipairs(LIST_HEADERS) do
    if task:has_header(h) then return true end
  end
  local sender = task:get_header('Sender')
  if sender then
    local s = sender:lower()
    if s:find('owner%-') or s:find('%-owner@') or s:find('%-admin@') or s:find('%-bounces') or
        s:find('%-request@') or s:find('listserv', 1, true) then
      return true
    end
  end
  return false
end

return exports
