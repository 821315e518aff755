-- Weak content hints of credential-test ("reconnaissance") mail: a random-token subject, the
-- provider's submission host next to a port, mailer-toolkit fingerprints. Credential records
-- themselves (tuples, key/value lines, URLs, JSON) are found by the C++ verifier
-- (src/outbound/credential.h, ob.credentials in rules/outbound.lua).
--
-- Pure functions over strings, so they are cheap and testable.
local exports = {}

local function trim(s) return (s:gsub('^%s+', ''):gsub('%s+$', '')) end

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
