-- Header rules: Message-ID, Date, From/To/Subject presence, uniqueness,
-- display-name tricks, encoded-word abuse, mail-script fingerprints (mail-program fingerprints
-- are in fingerprints.lua, address relations in addresses.lua).
local lua_util = require 'lua_util'

-- The single-result checks run under one callback (HEADER_CHECKS); the callbacks that insert
-- several symbols register themselves.
local add_check = lua_util.check_group(mailward_config, 'HEADER_CHECKS', 'headers', 'Header checks')
local function reg(name, group, description, callback, extra)
  if not extra then return add_check(name, group, description, callback) end
  local def = { name = name, group = group, description = description, callback = callback }
  for k, v in pairs(extra) do def[k] = v end
  mailward_config:register_symbol(def)
end

-- Message-ID ------------------------------------------------------------------------------

reg('MISSING_MID', 'headers', 'Message-ID header is missing', function(task)
  return not task:has_header('Message-ID')
end)

reg('MID_MISSING_BRACKETS', 'headers', 'Message-ID is not enclosed in angle brackets',
  function(task)
    local raw = task:get_header_raw('Message-ID')
    if not raw then return false end
    raw = lua_util.trim(raw)
    return raw ~= '' and not raw:match('^<.*>$')
  end)

reg('MID_RHS_NOT_FQDN', 'headers', 'Message-ID right-hand side is not a domain name',
  function(task)
    local mid = task:get_message_id()
    if not mid then return false end
    local rhs = mid:match('@([^@>]+)$')
    if not rhs then return true end
    rhs = rhs:gsub('^%[', ''):gsub('%]$', '')
    if rhs:match('^%d+%.%d+%.%d+%.%d+$') then return false end
    return not rhs:find('.', 1, true) or rhs:match('%.$') ~= nil or rhs:match('^localhost') ~= nil
  end)

-- Date --------------------------------------------------------------------------------------

reg('MISSING_DATE', 'headers', 'Date header is missing', function(task)
  return not task:has_header('Date')
end)

local DATE_FUTURE_LIMIT = 2 * 3600        -- tolerated clock skew forwards
local DATE_PAST_LIMIT = 7 * 24 * 3600     -- a week old is suspicious

reg('DATE_CHECK', 'headers', 'Date header checks', function(task)
  if not task:has_header('Date') then return end
  local msg, valid = task:get_date{ format = 'message' }
  local now = task:get_date{ format = 'connect' }
  if not valid then
    task:insert_result('INVALID_DATE', 1.0, (task:get_header('Date') or ''):sub(1, 64))
    return
  end
  local diff = msg - now
  if diff > DATE_FUTURE_LIMIT then
    task:insert_result('DATE_IN_FUTURE', 1.0, string.format('%dh', math.floor(diff / 3600)))
  elseif -diff > DATE_PAST_LIMIT then
    task:insert_result('DATE_IN_PAST', 1.0, string.format('%dd', math.floor(-diff / 86400)))
  end
end, { type = 'callback' })
for _, s in ipairs{ { 'INVALID_DATE', 'Date header does not parse' },
                    { 'DATE_IN_FUTURE', 'Date is more than two hours in the future' },
                    { 'DATE_IN_PAST', 'Date is more than a week in the past' } } do
  mailward_config:register_symbol{ name = s[1], type = 'virtual', parent = 'DATE_CHECK',
                                   group = 'headers', description = s[2] }
end

-- From / To / Subject -----------------------------------------------------------------------

reg('MISSING_FROM', 'headers', 'From header is missing', function(task)
  return not task:has_header('From')
end)

reg('MULTIPLE_FROM', 'headers', 'From header names several addresses', function(task)
  local from = task:get_from('mime')
  return from ~= nil and #from > 1, 1.0, #(from or {}) .. ' addresses'
end)

reg('MISSING_TO', 'headers', 'To header is missing', function(task)
  return not task:has_header('To')
end)

reg('MISSING_SUBJECT', 'headers', 'Subject header is missing', function(task)
  return not task:has_header('Subject')
end)

reg('EMPTY_SUBJECT', 'headers', 'Subject header is empty', function(task)
  local s = task:get_subject()
  return s ~= nil and lua_util.trim(s) == ''
end)

local UNIQUE = { 'From', 'To', 'Cc', 'Subject', 'Date', 'Message-ID', 'Reply-To', 'Sender',
                 'In-Reply-To', 'References' }
reg('MULTIPLE_UNIQUE_HEADERS', 'headers', 'A header that must be unique appears several times',
  function(task)
    local dups = {}
    for _, h in ipairs(UNIQUE) do
      if task:get_header_count(h) > 1 then dups[#dups + 1] = h end
    end
    if #dups > 0 then return true, 1.0, dups end
    return false
  end)

reg('TO_EQ_FROM', 'headers', 'To is the same address as From', function(task)
  local from, to = task:get_from('mime'), task:get_recipients('mime')
  if not from or not to or #to ~= 1 then return false end
  return from[1].addr:lower() == to[1].addr:lower()
end)

-- A display name that carries an address different from the real one ("PayPal
-- <service@paypal.com>" <x@evil.example>).
reg('FROM_NEQ_DISPLAY_NAME', 'headers', 'From display name shows a different address',
  function(task)
    local from = task:get_from('mime')
    if not from or not from[1] or not from[1].name then return false end
    local shown = from[1].name:match('[%w._%%+-]+@[%w.-]+%.%a%a+')
    if shown and shown:lower() ~= from[1].addr:lower() then
      return true, 1.0, shown:lower()
    end
    return false
  end)

reg('FAKE_REPLY', 'headers', 'Subject says reply but there is nothing it replies to',
  function(task)
    local s = task:get_subject()
    if not s or not s:match('^%s*[Rr][Ee]%s*:') then return false end
    return not task:has_header('In-Reply-To') and not task:has_header('References')
  end)

reg('RCVD_COUNT_ZERO', 'headers', 'No Received headers', function(task)
  return task:get_header_count('Received') == 0
end)

reg('MISSING_MIME_VERSION', 'headers', 'MIME content without a MIME-Version header',
  function(task)
    if task:has_header('MIME-Version') then return false end
    local ct = task:get_header('Content-Type')
    return ct ~= nil and not ct:lower():match('^%s*text/plain')
  end)

reg('HAS_LIST_UNSUB', 'headers', 'Has a List-Unsubscribe header (a mailing list)', function(task)
  return task:has_header('List-Unsubscribe')
end)

reg('PRECEDENCE_BULK', 'headers', 'Precedence: bulk or list', function(task)
  local p = task:get_header('Precedence')
  return p ~= nil and (p:lower():match('bulk') ~= nil or p:lower():match('list') ~= nil)
end)

-- Mail sent by scripts on (often compromised) web hosts.
reg('HAS_X_PHP_SCRIPT', 'compromised', 'Sent by a PHP script (X-PHP-Originating-Script)',
  function(task)
    local v = task:get_header('X-PHP-Originating-Script') or task:get_header('X-PHP-Script')
    return v ~= nil, 1.0, v and v:sub(1, 80) or nil
  end)

reg('HAS_PHPMAILER_SIG', 'compromised', 'Sent by PHPMailer', function(task)
  local xm = task:get_header('X-Mailer')
  return xm ~= nil and xm:match('PHPMailer') ~= nil
end)

-- Encoded words where plain ASCII would do: a way to hide words from filters. -----------------
local function excess_encoding(raw, decoded)
  if not raw or not decoded then return nil end
  if not lua_util.is_ascii(decoded) then return nil end
  if raw:match('=%?[^?]+%?[Bb]%?') then return 'base64' end
  if raw:match('=%?[^?]+%?[Qq]%?') then return 'qp' end
  return nil
end

reg('ENCODED_WORD_CHECK', 'headers', 'Encoded-word checks', function(task)
  local checks = {
    { hdr = 'Subject', b64 = 'SUBJ_EXCESS_BASE64', qp = 'SUBJ_EXCESS_QP' },
    { hdr = 'From', b64 = 'FROM_EXCESS_BASE64', qp = 'FROM_EXCESS_QP' },
    { hdr = 'To', b64 = 'TO_EXCESS_BASE64', qp = 'TO_EXCESS_QP' },
  }
  for _, c in ipairs(checks) do
    local kind = excess_encoding(task:get_header_raw(c.hdr), task:get_header(c.hdr))
    if kind == 'base64' then task:insert_result(c.b64, 1.0) end
    if kind == 'qp' then task:insert_result(c.qp, 1.0) end
  end
end, { type = 'callback' })
for _, s in ipairs{ 'SUBJ_EXCESS_BASE64', 'SUBJ_EXCESS_QP', 'FROM_EXCESS_BASE64',
                    'FROM_EXCESS_QP', 'TO_EXCESS_BASE64', 'TO_EXCESS_QP' } do
  local hdr, enc = s:match('^(%a+)_EXCESS_(%w+)$')
  mailward_config:register_symbol{ name = s, type = 'virtual', parent = 'ENCODED_WORD_CHECK',
    group = 'headers',
    description = hdr:sub(1, 1) .. hdr:sub(2):lower() .. ' is ' ..
      (enc == 'QP' and 'quoted-printable' or 'base64') .. ' encoded although it is plain ASCII' }
end
