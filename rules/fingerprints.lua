-- Sender-software fingerprints: what a mail program says it is (X-Mailer, User-Agent,
-- X-MimeOLE) against what that program really writes (its Message-ID, its other headers),
-- Message-IDs of bulk tools, old and mass-mailing programs, priority headers.
--
-- What the real programs write (from their messages):
--  * Outlook Express 5/6: X-Mailer "Microsoft Outlook Express V.VV.BBBB.RRRR", X-MimeOLE
--    "Produced By Microsoft MimeOLE V<the same version>", X-Priority as a bare digit with
--    X-MSMail-Priority, Message-ID <CCCCHHHHHHHH$LLLLLLLL$XXXXXXXX@host> where HHHHHHHH and
--    LLLLLLLL are the high and low halves of the sending time as a Windows FILETIME.
--  * Outlook 97-2007 (builds 8-12): X-MimeOLE, "X-Priority: 3 (Normal)", the same
--    FILETIME Message-ID; 2010 and later (14.0-16.0): no X-MimeOLE, Thread-Index, and a
--    Message-ID with a third "$" before the '@'; through Exchange or Microsoft 365 the
--    Message-ID is the server's (<...@...prod.outlook.com>, <HEX@exchange-host>).
--  * Thunderbird: User-Agent (not X-Mailer), Message-ID <uuid@domain> since version 31,
--    <8HEX.7DIGITS@domain> before (as Mozilla and Netscape 6/7); Netscape 4: X-Mailer
--    "Mozilla 4.x [xx] (...)" and <8HEX.8HEX@domain>.
--  * Apple Mail and iOS Mail: X-Mailer "Apple Mail (2.x)" / "iPhone Mail (xxx)", Message-ID
--    <UPPER-CASE-UUID@domain>.
--  * The Bat!: Message-ID <digits.YYYYMMDDhhmmss@domain>.
--  * Web mail: Gmail <...@mail.gmail.com> plus X-Gm-Message-State; Yahoo
--    <...@mail.yahoo.com> / <...qmail@web*.mail.yahoo.com>; Hotmail and Outlook.com
--    <...@hotmail.com>, <...@phx.gbl>, <...outlook.com>; AOL <...@aol.com>, <...@mail.aol.com>.
local lua_util = require 'lua_util'

local sym = lua_util.virtual_symbols(mailward_config, 'MUA_FINGERPRINT', 'fingerprint')

-- Release years of Microsoft mailers by major version (for OLD_X_MAILER).
local OE_YEAR = { ['4'] = 1997, ['5'] = 1999, ['6'] = 2001 }
-- (16.0 is what every current Outlook writes: never old.)
local OUTLOOK_YEAR = { ['8'] = 1997, ['9'] = 1999, ['10'] = 2001, ['11'] = 2003, ['12'] = 2007,
                       ['14'] = 2010, ['15'] = 2013 }
local OLD_AFTER_YEARS = 9   -- a mailer this many years older than the message is a copied string

-- Outlook and Exchange Message-ID shapes.
local function ms_hash(mid)
  return mid:match('^(%x%x%x%x)(%x%x%x%x%x%x%x%x)%$(%x%x%x%x%x%x%x%x)%$%x%x%x%x%x%x%x%x%$?@')
end
local function outlook_mid(mid)
  if ms_hash(mid) then return true end
  local rhs = (mid:match('@([^@]+)$') or ''):lower()
  if rhs:find('prod%.outlook%.com$') or rhs:find('exchangelabs%.com$') or rhs:find('%.outlook%.com$') then
    return true
  end
  -- Exchange: a long hexadecimal or base64-ish left side.
  local lhs = mid:match('^([^@]+)@') or ''
  return #lhs >= 20 and (lhs:match('^%x+$') ~= nil or lhs:match('^[%u%d]+$') ~= nil)
end

-- Seconds since 1970 encoded in an Outlook Message-ID (the FILETIME's high and low words).
local function ms_hash_time(hi, lo)
  local ft = tonumber(hi, 16) * 4294967296 + tonumber(lo, 16)
  return ft / 1e7 - 11644473600
end

local function is_uuid(s, upper)
  local p = upper and '^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x@'
    or '^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x@'
  if not s:match(p) then return false end
  if upper then return s:sub(1, 36):upper() == s:sub(1, 36) end
  return true
end

-- The mailer a message claims, as one of a few families, with its version string.
local function claimed(xm, ua)
  local s = xm or ua
  if not s then return nil end
  local v = s:match('^Microsoft Outlook Express ([%d.]+)')
  if v then return 'oe', v end
  v = s:match('^Microsoft Windows Live Mail ([%d.]+)') or s:match('^Microsoft Windows Mail ([%d.]+)')
  if v then return 'wlm', v end
  if s:match('^Microsoft Office Outlook') or s:match('^Microsoft Outlook') then return 'outlook', s end
  if s:find('Thunderbird', 1, true) then return 'thunderbird', s end
  if s:match('^Apple Mail %(') or s:match('^iPhone Mail %(') or s:match('^iPad Mail %(') then
    return 'apple', s
  end
  if s:match('^The Bat! %(') then return 'thebat', s end
  if s:match('^Mozilla 4%.%d') then return 'netscape4', s end
  return nil
end

-- The major version of an Outlook X-Mailer string, when it is written as Outlook writes it.
local function outlook_major(s)
  return s:match('^Microsoft Outlook (%d+)%.0$') or s:match('^Microsoft Office Outlook (%d+)%.0$')
    or s:match('^Microsoft Outlook, Build (%d+)%.0%.%d+$')
    or s:match('^Microsoft Office Outlook, Build (%d+)%.0%.%d+$')
    or s:match('^Microsoft Outlook %u%u%u, Build (%d+)%.0%.%d+')
    or s:match('^Microsoft Outlook 8%.5, Build (4)%.71%.%d+%.%d+$') and '8'
end

-- Free-mail providers whose own Message-IDs are known, and the right-hand sides they use.
local WEBMAIL = {
  ['gmail.com'] = { 'gmail%.com$', 'googlemail%.com$' },
  ['googlemail.com'] = { 'gmail%.com$', 'googlemail%.com$' },
  ['yahoo.com'] = { 'yahoo%.com$', 'yahoo%.co%.%a+$', 'ymail%.com$' },
  ['hotmail.com'] = { 'hotmail%.com$', 'phx%.gbl$', 'outlook%.com$', 'live%.com$' },
  ['outlook.com'] = { 'outlook%.com$', 'hotmail%.com$', 'phx%.gbl$', 'live%.com$' },
  ['msn.com'] = { 'msn%.com$', 'hotmail%.com$', 'phx%.gbl$', 'outlook%.com$' },
  ['live.com'] = { 'live%.com$', 'hotmail%.com$', 'phx%.gbl$', 'outlook%.com$' },
  ['aol.com'] = { 'aol%.com$', 'aim%.com$' },
}
-- The right-hand side of the provider's own web-mail Message-IDs (mail without any mailer
-- header claims to come from the web mail).
local MS_WEB = { 'hotmail%.com$', 'outlook%.com$', 'phx%.gbl$' }
local WEBMAIL_OWN = {
  ['gmail.com'] = { 'mail%.gmail%.com$' }, ['googlemail.com'] = { 'mail%.gmail%.com$' },
  ['yahoo.com'] = { 'mail%.yahoo%.com$' }, ['aol.com'] = { 'aol%.com$' },
  ['hotmail.com'] = MS_WEB, ['msn.com'] = MS_WEB, ['outlook.com'] = MS_WEB, ['live.com'] = MS_WEB,
}
-- Headers only the provider's own web mail or relays add.
local WEBMAIL_MARK = { ['gmail.com'] = 'X-Gm-Message-State', ['googlemail.com'] = 'X-Gm-Message-State',
                       ['yahoo.com'] = 'X-YMail-OSG', ['hotmail.com'] = 'X-OriginalArrivalTime',
                       ['msn.com'] = 'X-OriginalArrivalTime' }

mailward_config:register_symbol{
  name = 'MUA_FINGERPRINT', type = 'callback', group = 'fingerprint',
  description = 'Mail-program fingerprint checks', dependencies = { 'MAILLIST' },
  callback = function(task)
    -- Each finding is inserted once, with its reasons as options.
    local found, order = {}, {}
    local function hit(name, why)
      if not found[name] then
        found[name] = {}
        order[#order + 1] = name
      end
      if why then table.insert(found[name], why) end
    end
    local xm = task:get_header('X-Mailer')
    local ua = task:get_header('User-Agent')
    local mimeole = task:get_header('X-MimeOLE')
    local mid = task:get_message_id()
    local msg_time, date_valid = task:get_date{ format = 'message' }
    local date = date_valid and msg_time or nil
    local now = task:get_date{ format = 'connect' }
    local family, ver = claimed(xm, ua)

    -- Outlook Express ------------------------------------------------------------------
    if family == 'oe' then
      if not ver:match('^%d%.%d%d%.%d%d%d%d%.%d%d?%d?%d?$') then
        hit('XM_MS_MALFORMED', xm)
      end
      -- OE 5 and 6 write their own version into X-MimeOLE; OE 4 wrote the MimeOLE library's.
      if not mimeole then
        hit('MISSING_MIMEOLE', 'Outlook Express')
      elseif ver:sub(1, 1) ~= '4' and not mimeole:find(ver, 1, true) then
        hit('FORGED_MUA_OUTLOOK', 'MimeOLE version')
      end
      if not mid or not ms_hash(mid) then
        hit('FORGED_MUA_OUTLOOK', 'Message-ID')
      end
      local year = OE_YEAR[ver:sub(1, 1)]
      if year and date and os.date('!*t', date).year - year >= OLD_AFTER_YEARS then
        hit('OLD_X_MAILER', xm)
      end
    elseif family == 'outlook' then
      local major = outlook_major(ver)
      if not major then
        hit('XM_MS_MALFORMED', xm)
      else
        local n = tonumber(major)
        if n >= 8 and n <= 12 and not mimeole then
          hit('MISSING_MIMEOLE', 'Outlook ' .. major)
        end
        if n >= 14 and mimeole and mimeole:find('MimeOLE', 1, true) then
          hit('FORGED_MUA_OUTLOOK', 'MimeOLE on Outlook ' .. major)
        end
        if n >= 11 and not task:has_header('Thread-Index') then
          hit('FORGED_OUTLOOK_THREAD', 'no Thread-Index')
        end
        local year = OUTLOOK_YEAR[major]
        if year and date and os.date('!*t', date).year - year >= OLD_AFTER_YEARS then
          hit('OLD_X_MAILER', xm)
        end
      end
      if not mid or not outlook_mid(mid) then
        hit('FORGED_MUA_OUTLOOK', 'Message-ID')
      end
    elseif family == 'wlm' then
      if not mid or not ms_hash(mid) then
        hit('FORGED_MUA_OUTLOOK', 'Message-ID')
      end
    elseif family == 'thunderbird' then
      if xm and not ua then
        hit('FORGED_MUA_THUNDERBIRD', 'X-Mailer')
      elseif mid and not is_uuid(mid) and not mid:match('^%x%x%x%x%x%x%x%x%.%d%d?%d?%d?%d?%d?%d?@') then
        hit('FORGED_MUA_THUNDERBIRD', 'Message-ID')
      end
    elseif family == 'apple' then
      if mid and not is_uuid(mid, true) then
        hit('FORGED_MUA_APPLEMAIL', 'Message-ID')
      end
    elseif family == 'thebat' then
      if mid and not mid:match('^%d+%.%d%d%d%d%d%d%d%d%d%d%d%d%d%d@') then
        hit('FORGED_MUA_THEBAT', 'Message-ID')
      end
    elseif family == 'netscape4' then
      if mid and not mid:match('^%x%x%x%x%x%x%x%x%.%x+@') then
        hit('FORGED_MUA_MOZILLA', 'Message-ID')
      end
    end

    -- Outlook and Outlook Express always send HTML as multipart/alternative with a plain part.
    if family == 'oe' or family == 'outlook' then
      local ctype = (task:get_header('Content-Type') or ''):lower()
      if ctype:match('^%s*text/html') then hit('FORGED_OUTLOOK_HTML', 'text/html alone') end
    end

    -- Outlook-shaped Message-IDs: who wrote them and when -------------------------------
    if mid then
      local _, hi, lo = ms_hash(mid)
      if hi then
        local ms_mailer = (xm and (xm:find('Microsoft', 1, true) or xm:find('Outlook', 1, true)
          or xm:find('Windows', 1, true))) or mimeole
        if not ms_mailer then hit('RATWARE_MS_HASH') end
        local t = ms_hash_time(hi, lo)
        if t < 852076800 or t > now + 366 * 86400 then  -- before 1997 or in the future
          hit('MID_MS_TIME_FORGED', 'impossible time')
        elseif date and math.abs(t - date) > 3 * 86400 then
          hit('MID_MS_TIME_FORGED', string.format('%dd from Date', math.floor(math.abs(t - date) / 86400)))
        end
      end
    end

    -- Message-IDs that name the recipient: bulk tools build them from the address they send to
    -- (newsletter services do too, so not on mail with List-Unsubscribe).
    local from = task:get_from('mime')
    local fdom = from and from[1] and from[1].domain or nil
    if mid and not task:has_header('List-Unsubscribe') then
      local lmid = mid:lower()
      local rhs = lmid:match('@([^@]+)$')
      for _, r in ipairs(task:get_recipients('mime') or {}) do
        local addr, dom = r.addr:lower(), (r.domain or ''):lower()
        if addr ~= '' and lmid:find(addr, 1, true) and (not fdom or addr ~= from[1].addr:lower()) then
          hit('MID_CONTAINS_TO', addr)
          break
        end
        if rhs and dom ~= '' and rhs == dom and fdom and fdom ~= dom then
          hit('MID_RHS_MATCH_TO', dom)
          break
        end
      end
      if rhs and (rhs:match('^%[?%d+%.%d+%.%d+%.%d+%]?$')) then hit('MID_RHS_IP', rhs) end
    end

    -- Microsoft MIME boundaries carry the same FILETIME: ----=_NextPart_000_0012_01C4A1B2.4F3E2A80
    local ct = task:get_header('Content-Type')
    local bhi, blo
    if ct then bhi, blo = ct:match('_NextPart_%d%d%d_%x%x%x%x_(%x%x%x%x%x%x%x%x)%.(%x%x%x%x%x%x%x%x)') end
    if bhi then
      local t = ms_hash_time(bhi, blo)
      if t < 852076800 or t > now + 366 * 86400 or (date and math.abs(t - date) > 3 * 86400) then
        hit('MS_BOUNDARY_FORGED', bhi .. '.' .. blo)
      end
    end

    -- Free-mail senders without the provider's Message-ID or marks ----------------------
    local shapes = fdom and WEBMAIL[fdom]
    -- (List servers and their web interfaces post for free-mail users: not on list mail.)
    if shapes and mid and not family and not ua and not lua_util.is_mailing_list(task) then
      local rhs = (mid:match('@([^@]+)$') or ''):lower()
      local ok = false
      if xm then   -- some other mail program: it names the message after the account's domain
        for _, p in ipairs(shapes) do
          if rhs:find(p) then ok = true break end
        end
      else         -- no mail program at all: the provider's web mail wrote it, or nobody did
        for _, p in ipairs(WEBMAIL_OWN[fdom] or {}) do
          if rhs:find(p) then ok = true break end
        end
      end
      local mark = WEBMAIL_MARK[fdom]
      if not ok and not (mark and task:has_header(mark)) then hit('FREEMAIL_FORGED_MID', fdom) end
    end

    -- Priority headers ----------------------------------------------------------------------
    local xp = task:get_header('X-Priority')
    local msp = task:get_header('X-MSMail-Priority')
    if xp then
      local digit = xp:match('^%s*(%d)')
      if digit == '1' or digit == '2' or digit == '3' or digit == '5' then
        hit('HAS_X_PRIO_' .. ({ ['1'] = 'ONE', ['2'] = 'TWO', ['3'] = 'THREE', ['5'] = 'FIVE' })[digit],
            digit)
      end
      if msp and digit then
        local want = ({ ['1'] = 'high', ['2'] = 'high', ['3'] = 'normal', ['4'] = 'low',
                        ['5'] = 'low' })[digit]
        if want and lua_util.trim(msp):lower() ~= want then
          hit('X_PRIO_MISMATCH', xp .. '/' .. msp)
        end
      end
      if family == 'oe' and xp:find('(', 1, true) then
        hit('X_PRIO_MISMATCH', 'Outlook Express with ' .. xp)
      end
    elseif msp and (family == 'oe' or family == 'outlook') then
      hit('X_PRIO_MISMATCH', 'X-MSMail-Priority alone')
    end
    for _, name in ipairs(order) do task:insert_result(name, 1.0, found[name]) end
  end,
}
sym('FORGED_MUA_OUTLOOK', 'Claims to be Outlook or Outlook Express but lacks what they always write')
sym('MISSING_MIMEOLE', 'Claims an Outlook version that always adds X-MimeOLE, has none')
sym('FORGED_OUTLOOK_THREAD', 'Claims Outlook 2003 or later but has no Thread-Index')
sym('FORGED_OUTLOOK_HTML', 'Claims to be Outlook but sends HTML without a plain-text version')
sym('XM_MS_MALFORMED', 'Microsoft mailer name in a form no Microsoft program writes')
sym('OLD_X_MAILER', 'Mailer many years older than the message (a copied X-Mailer)')
sym('FORGED_MUA_THUNDERBIRD', 'Claims to be Thunderbird but its headers are not Thunderbird\'s')
sym('FORGED_MUA_APPLEMAIL', 'Claims to be Apple Mail but the Message-ID is not Apple\'s')
sym('FORGED_MUA_THEBAT', 'Claims to be The Bat! but the Message-ID is not The Bat!\'s')
sym('FORGED_MUA_MOZILLA', 'Claims to be Netscape but the Message-ID is not Netscape\'s')
sym('RATWARE_MS_HASH', 'Outlook-shaped Message-ID without any Microsoft mailer')
sym('MID_MS_TIME_FORGED', 'Outlook-shaped Message-ID whose time does not match the Date')
sym('MID_CONTAINS_TO', 'Message-ID contains a recipient\'s address')
sym('MID_RHS_MATCH_TO', 'Message-ID names the recipient\'s domain, the sender is elsewhere')
sym('MID_RHS_IP', 'Message-ID right-hand side is an IP address')
sym('MS_BOUNDARY_FORGED', 'Microsoft-style MIME boundary whose time does not match the Date')
sym('FREEMAIL_FORGED_MID', 'From a web-mail provider but not written by its web mail or a mail program')
sym('HAS_X_PRIO_ONE', 'X-Priority 1 (highest)')
sym('HAS_X_PRIO_TWO', 'X-Priority 2 (high)')
sym('HAS_X_PRIO_THREE', 'X-Priority 3 (normal)')
sym('HAS_X_PRIO_FIVE', 'X-Priority 5 (lowest)')
sym('X_PRIO_MISMATCH', 'Priority headers that contradict each other or the claimed mailer')

-- Mass-mailing programs (one Hyperscan database for the X-Mailer header) --------------------
local reconfig = config['regexp']
reconfig['RATWARE_MAILER'] = {
  re = 'X-Mailer=/(?:(?:mass|bulk)\\s*(?:e-?)?(?:mail|sender)|group\\s*mail|atomic\\s*mail|' ..
       'send-?safe|dark\\s*mailer|floodgate|mailking|mach5\\s*mailer|emarksofts|' ..
       'express\\s*mail\\s*server|mail\\s*bomber|jixing|aureate|worldmerge|avalanche|' ..
       'stealth\\s*mail|e-?merge|direct\\s*e-?mail\\s*(?:blaster|sender)|easy\\s*mass|' ..
       'automail\\s*sender|super\\s*mass)/i{header}',
  description = 'X-Mailer of a mass-mailing program', group = 'fingerprint',
}
reconfig['XM_SCRIPT_CDO'] = {
  re = 'X-Mailer=/^Microsoft CDO for Windows 2000$/{header}',
  description = 'Sent by a Windows script (CDO) rather than a mail program', group = 'fingerprint',
}
