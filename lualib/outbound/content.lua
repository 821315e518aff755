-- Content signals of credential-test ("reconnaissance") mail: a delimited credential tuple,
-- key/value credential lines, the sender's own login or address, the provider's submission
-- host next to a port, a random-token subject, mailer-toolkit fingerprints, bare headers.
--
-- Pure functions over strings (the rule in rules/outbound.lua feeds them the Subject and the
-- first lines of the visible text), so they are cheap and testable.
local exports = {}

local SMTP_PORTS = { ['25'] = true, ['465'] = true, ['587'] = true, ['2525'] = true,
                     ['2526'] = true, ['26'] = true, ['8025'] = true }
local AUTH_METHODS = { LOGIN = true, PLAIN = true, ['CRAM-MD5'] = true, XOAUTH2 = true,
                       ['DIGEST-MD5'] = true, NTLM = true }
local SEPARATORS = { ';', '|', '\t', ',', ':' }

local function trim(s) return (s:gsub('^%s+', ''):gsub('%s+$', '')) end

local function is_email(f) return f:match('^[%w._%%+-]+@[%w-]+%.[%w.-]*%a$') ~= nil end
local function is_host(f)
  return not f:find('@', 1, true) and f:match('^[%w-]+%.[%w-]+[%w.-]*%.%a%a+$') ~= nil
end
local function is_port(f) return SMTP_PORTS[f] == true end
local function is_auth(f) return AUTH_METHODS[f:upper()] == true end
local function is_count(f) return f:match('^%d%d?$') ~= nil and not is_port(f) end
-- Something a password could be: one token, 4+ characters, at least two character classes,
-- and not just a lower-case login with dots or dashes ("taro.yamada", "iij-taro").
local function is_secret(f)
  if #f < 4 or #f > 64 or f:find('%s') or is_email(f) or is_host(f) then return false end
  if f:match('^[%l][%l._-]*$') then return false end
  local classes = 0
  if f:find('%l') then classes = classes + 1 end
  if f:find('%u') then classes = classes + 1 end
  if f:find('%d') then classes = classes + 1 end
  if f:find('[^%w]') then classes = classes + 1 end
  return classes >= 2
end
local function is_login(f)
  return #f >= 3 and #f <= 40 and f:match('^[%a][%w._-]*$') ~= nil
end

-- Classify the fields of one line split by `sep`; nil when it is not a tuple candidate.
local function tuple_in_line(line, sep)
  local fields = {}
  local start = 1
  while true do
    local i = line:find(sep, start, true)
    local f = trim(line:sub(start, i and i - 1 or nil))
    fields[#fields + 1] = f
    if not i then break end
    start = i + 1
  end
  if #fields < 4 or #fields > 12 then return nil end
  local kinds = {}
  local prose, logins = 0, 0
  local masked = {}
  for i, f in ipairs(fields) do
    if f:find('%s%S+%s') then prose = prose + 1 end  -- two or more spaces inside: prose
    if is_email(f) then
      kinds.identity = true
      masked[i] = f:sub(1, 1) .. '***' .. f:match('@.*$')
    elseif is_port(f) then kinds.port = true
    elseif is_auth(f) then kinds.auth = true
    elseif is_host(f) then kinds.host = true
    elseif is_count(f) then kinds.count = true
    elseif is_secret(f) then
      kinds.secret = true
      masked[i] = '********'
    elseif is_login(f) then
      kinds.login = true
      logins = logins + 1
      masked[i] = f:sub(1, 1) .. '***'
    end
    -- Whatever is not a host, port, method or count may be a secret: never shown as it is.
    if not masked[i] and not (is_port(f) or is_auth(f) or is_host(f) or is_count(f)) then
      masked[i] = f == '' and '' or '***'
    end
    masked[i] = masked[i] or f
  end
  if prose > 1 then return nil end
  local n = 0
  for _ in pairs(kinds) do n = n + 1 end
  -- A credential tuple: where to connect (host or port), what to authenticate with (a secret
  -- next to an address or login), and at least four kinds in all.
  local where = kinds.host or kinds.port
  -- The secret may look like a plain word ("password"): then two identity-like fields.
  local cred = (kinds.secret and (kinds.identity or kinds.login)) or
               (kinds.identity and logins >= 2) or logins >= 3
  if not where or not cred or n < 4 then return nil end
  if sep == ':' and not (kinds.port and kinds.host) then return nil end  -- times, URLs
  local names = {}
  for k in pairs(kinds) do names[#names + 1] = k end
  table.sort(names)
  -- `masked`: the tuple for operators, with identities, logins and secrets masked.
  return { strength = math.min(1, n / 6), kinds = names, separator = sep,
           masked = table.concat(masked, sep == '\t' and ' ' or sep) }
end

-- The strongest credential tuple among `lines`, or nil.
function exports.find_tuple(lines)
  local best
  for _, line in ipairs(lines) do
    if #line <= 400 then
      for _, sep in ipairs(SEPARATORS) do
        local _, count = line:gsub(sep == '|' and '%|' or (sep == '\t' and '\t' or sep), '')
        if count >= 3 then
          local t = tuple_in_line(line, sep)
          if t and (not best or t.strength > best.strength) then best = t end
        end
      end
    end
  end
  return best
end

local KV_KEYS = {
  identity = { 'user', 'username', 'login', 'email', 'mail', 'account', 'id' },
  secret = { 'pass', 'password', 'passwd', 'pwd', 'pw', 'pword' },
  host = { 'host', 'server', 'smtp', 'smtp server', 'smtphost', 'relay' },
  port = { 'port', 'smtp port' },
}
local KV_INDEX = {}
for kind, keys in pairs(KV_KEYS) do
  for _, k in ipairs(keys) do KV_INDEX[k] = kind end
end

-- "Key: value" / "key=value" credential lines with a real secret; nil when absent.
function exports.find_kv(lines)
  local kinds, secret_ok, n = {}, false, 0
  for _, line in ipairs(lines) do
    local k, v = line:match('^%s*([%a][%a ]-)%s*[:=]%s*(.-)%s*$')
    if k then
      local kind = KV_INDEX[k:lower()]
      if kind and v ~= '' then
        if not kinds[kind] then n = n + 1 end
        kinds[kind] = true
        if kind == 'secret' and is_secret(v) then secret_ok = true end
      end
    end
  end
  if secret_ok and n >= 3 and (kinds.host or kinds.port) then
    return { keys = n }
  end
  return nil
end

-- A short Subject made of a word and a random-looking token ("Test 8f3k2j", "ok 417").
function exports.token_subject(subject)
  if not subject then return false end
  local s = trim(subject)
  if #s > 24 then return false end
  local word, token = s:match('^(%a+)%s+(%w+)$')
  if not word then return false end
  return token:find('%d') ~= nil and #token >= 3 and #token <= 10
end

-- The provider's submission host (or a generic smtp./mail. host of a local domain) next to a
-- port: "mail.example.jp:465", "smtp.example.jp 587".
function exports.provider_host_port(text, hosts, local_domains)
  for _, h in ipairs(hosts) do
    local esc = h:lower():gsub('%p', '%%%0')
    if text:lower():find(esc .. '%s*[: /]%s*%d%d%d?%d?') then return h end
  end
  for _, d in ipairs(local_domains) do
    local esc = d:lower():gsub('%p', '%%%0')
    local host = text:lower():match('((smtp[%w-]*%.' .. esc .. '))%s*[: /]%s*%d%d%d?%d?')
      or text:lower():match('((mail[%w-]*%.' .. esc .. '))%s*[: /]%s*%d%d%d?%d?')
    if host then return host end
  end
  return nil
end

-- Mailer toolkits seen in credential checking and bulk abuse (and mailers nobody legitimate
-- has used for a decade).
local TOOLKITS = { 'smtpchk', 'smtp checker', 'mass sender', 'mass mailer', 'bulk mailer',
  'atomic mail sender', 'sendblaster', 'gammadyne', 'epochta', 'turbo%-mailer', 'super mailer',
  'outlook express 6', 'the bat! %(v1', 'swiftmailer', 'phpmailer' }

function exports.toolkit(mailer)
  if not mailer then return nil end
  local m = mailer:lower()
  for _, t in ipairs(TOOLKITS) do
    if m:find(t) then return mailer end
  end
  return nil
end

return exports
