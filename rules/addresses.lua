-- Relations between the addresses of a message: display names of From and the recipients,
-- titles and brands in display names, undisclosed recipients, and where replies go.
--
-- How mail really looks: people's clients write the person's name (or nothing) as display
-- name; mass-mailing tools fill the recipient's display name with the local part of the
-- address ("john" <john@example.com>) or leave the To line to "undisclosed-recipients:;";
-- advance-fee mail signs with titles (Dr., Barrister, Mrs.); phishing borrows a brand name for
-- the display name while the address is elsewhere; and fraud wants replies at another
-- (often free-mail) address. Mailing lists legitimately set Reply-To to the list, so the
-- Reply-To relations are not checked on list mail.
local lua_util = require 'lua_util'
local rspamd_util = require 'rspamd_util'
local lists = require 'mail_lists'

local sym = lua_util.virtual_symbols(mailward_config, 'ADDR_CHECK', 'addresses')

local TITLES = {
  'mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'barrister', 'barr', 'prince', 'princess', 'col',
  'gen', 'engr', 'engineer', 'rev', 'chief', 'hon', 'sir', 'dame', 'lady', 'lord', 'sgt',
  'capt', 'captain', 'major', 'sheikh', 'mme', 'madam', 'madame', 'attorney', 'agent',
}
local title_set = lua_util.list_to_set(TITLES)
local SORTED_MIN = 5   -- recipients in alphabetical order from this many on

-- Brands whose names phishing puts in the display name, and the tokens their own domains
-- contain (a display name with the brand and a From domain without any token is a mismatch).
local brand_list = lists.brands
-- Brands by the first word of their pattern: a display name is looked up word by word.
local brand_by_word = {}
for _, b in ipairs(brand_list) do
  local first = b.pattern:match('^ (%w+)')
  brand_by_word[first] = brand_by_word[first] or {}
  table.insert(brand_by_word[first], b)
end
local function brand_of(name)
  local lower
  for word in name:gmatch('%w+') do
    local cands = brand_by_word[word:lower()]
    if cands then
      lower = lower or (' ' .. name:lower():gsub('[^%w]+', ' ') .. ' ')
      for _, b in ipairs(cands) do
        if lower:find(b.pattern) then return b end
      end
    end
  end
  return nil
end

local function registrable(domain)
  if not domain or domain == '' then return nil end
  return rspamd_util.get_tld(domain:lower())
end

-- Mailing lists: list headers (RFC 2369/2919), the marks of Mailman, ezmlm, Google and Yahoo
-- Groups, fml, Ecartis, Listar, LISTSERV, or a Sender that is a list owner or bounce address
-- (Majordomo, LISTSERV, old Mailman). One regexp rule: checked in C++, no Lua call.
local list_marks = {}
for _, h in ipairs{ 'List-Id', 'List-Post', 'List-Help', 'Mailing-List', 'X-Mailman-Version',
                    'X-BeenThere', 'X-Loop', 'X-Google-Group-Id', 'X-eGroups-Return',
                    'X-Mailing-List', 'X-ML-Name', 'X-Listprocessor-Version', 'X-Ecartis-Version',
                    'X-Listar-Version', 'List-Software', 'X-List-Administrivia' } do
  list_marks[#list_marks + 1] = 'header_exists(' .. h .. ')'
end
list_marks[#list_marks + 1] =
  'Sender=/(?:owner-|-owner@|-admin@|-bounces|-request@|listserv)/i{header}'
config['regexp']['MAILLIST'] = {
  re = table.concat(list_marks, ' | '),
  description = 'Came through a mailing list (list-server headers)', group = 'addresses',
}

mailward_config:register_symbol{
  name = 'ADDR_CHECK', type = 'callback', group = 'addresses',
  description = 'Display-name and Reply-To relations', dependencies = { 'MAILLIST' },
  callback = function(task)
    local from = task:get_from('mime')
    local f = from and from[1]
    local fname = f and f.name and lua_util.trim(f.name) or ''
    if f and f.addr ~= '' then
      if fname == '' then
        task:insert_result('FROM_NO_DN', 1.0)
      else
        if fname:lower():gsub('^[\'"]+', ''):gsub('[\'"]+$', '') == f.addr:lower() then
          task:insert_result('FROM_DN_EQ_ADDR', 1.0)
        end
        local first = fname:lower():match('^([%a]+)[%.%s]')
        if first and title_set[first] then
          task:insert_result('FROM_NAME_HAS_TITLE', 1.0, first)
        end
        local b = brand_of(fname)
        if b then
          local reg = (registrable(f.domain) or ''):lower()
          local owned = false
          for _, tok in ipairs(b.domains) do
            if reg:find(tok, 1, true) then owned = true break end
          end
          if not owned then task:insert_result('FROM_BRAND_MISMATCH', 1.0, b.name .. '/' .. reg) end
        end
      end
    end

    -- Recipients -------------------------------------------------------------------------
    local list = lua_util.is_mailing_list(task)
    local rcpts = task:get_recipients('mime')
    if rcpts and #rcpts > 0 then
      local named, localpart, eqaddr = 0, 0, 0
      for _, r in ipairs(rcpts) do
        local n = r.name
        if n and n:find('%S') then
          named = named + 1
          local bare = n:match('^[%s\'"]*(.-)[%s\'"]*$')
          -- Tools copy the local part as it is; people write names ("Hanako", not "hanako").
          if bare == r.user and not bare:find('%u') then localpart = localpart + 1 end
          if #bare == #r.addr and bare:lower() == r.addr:lower() then eqaddr = eqaddr + 1 end
        end
      end
      if named == 0 then
        task:insert_result('TO_DN_NONE', 1.0)
      elseif named == #rcpts then
        task:insert_result('TO_DN_ALL', 1.0)
      else
        task:insert_result('TO_DN_SOME', 1.0)
      end
      -- (Lists are named after their address; newsletters fill in what they know.)
      if localpart > 0 and not list and not task:has_header('List-Unsubscribe') then
        task:insert_result('TO_DN_LOCALPART', 1.0, tostring(localpart))
      end
      if eqaddr > 0 then task:insert_result('TO_DN_EQ_ADDR', 1.0, tostring(eqaddr)) end
      -- Lists of harvested addresses: sorted, or one local part at many domains.
      if #rcpts >= SORTED_MIN and not list then
        local sorted, locals, domains = true, {}, {}
        for i, r in ipairs(rcpts) do
          local a = r.addr:lower()
          if i > 1 and a < rcpts[i - 1].addr:lower() then sorted = false end
          locals[(r.user or ''):lower()] = (locals[(r.user or ''):lower()] or 0) + 1
          domains[r.domain] = true
        end
        if sorted then task:insert_result('TO_SORTED', 1.0, tostring(#rcpts)) end
        local ndom = 0
        for _ in pairs(domains) do ndom = ndom + 1 end
        for lp, n in pairs(locals) do
          if n >= 3 and ndom >= 3 then
            task:insert_result('TO_SAME_LOCALPART', 1.0, lp)
            break
          end
        end
      end
    end
    local to_raw = task:get_header_raw('To')
    if to_raw and (to_raw:lower():find('undisclosed', 1, true) or to_raw:match('^%s*[^<@]*:%s*;')) then
      task:insert_result('R_UNDISC_RCPT', 1.0)
    end

    -- Reply-To ---------------------------------------------------------------------------
    local rt = task:get_reply_sender()
    if rt and f and f.addr ~= '' and not list then
      rt = rt:lower()
      local rt_dom = lua_util.addr_domain(rt)
      if rt ~= f.addr:lower() and rt_dom and f.domain ~= '' then
        if registrable(rt_dom) ~= registrable(f.domain) then
          task:insert_result('REPLYTO_DOM_NEQ_FROM_DOM', 1.0, rt_dom)
        end
      end
      for _, r in ipairs(rcpts or {}) do
        if r.addr:lower() == rt and rt ~= f.addr:lower() then
          task:insert_result('REPLYTO_EQ_TO_ADDR', 1.0)
          break
        end
      end
    end
  end,
}
sym('FROM_NO_DN', 'From has no display name')
sym('FROM_DN_EQ_ADDR', 'From display name is the address itself')
sym('FROM_NAME_HAS_TITLE', 'From display name starts with a title (Mr, Mrs, Dr, Barrister ...)')
sym('FROM_BRAND_MISMATCH', 'From display name names a brand whose domain is not the sender\'s')
sym('TO_DN_NONE', 'No recipient has a display name')
sym('TO_DN_ALL', 'Every recipient has a display name')
sym('TO_DN_SOME', 'Some recipients have a display name')
sym('TO_DN_LOCALPART', 'A recipient\'s display name is its address\'s local part, verbatim')
sym('TO_DN_EQ_ADDR', 'A recipient\'s display name is its address')
sym('TO_SORTED', 'Five or more recipients in alphabetical order (a harvested list)')
sym('TO_SAME_LOCALPART', 'One local part at several domains (postmaster@, info@ ...)')
sym('R_UNDISC_RCPT', 'Recipients undisclosed (empty group in To)')
sym('REPLYTO_DOM_NEQ_FROM_DOM', 'Reply-To registrable domain differs from the From domain')
sym('REPLYTO_EQ_TO_ADDR', 'Reply-To is the recipient\'s own address')
