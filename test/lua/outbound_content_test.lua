-- Outbound content signals (rules/outbound.lua, lualib/outbound/content.lua) on the fixtures
-- of tools/outbound/README.md. Run with the lab overlay (tools/outbound/lab/local.d), whose
-- provider hosts and local domains match the fixtures.
local colleague = { user = 'hanako.suzuki', from = 'hanako.suzuki@example.co.jp',
                    ip = '192.0.2.44', helo = 'office', rcpt = { 'ichiro.sato@example.co.jp' },
                    time = 1793491200 }
local F = 'fixtures/outbound/'
local CONTENT = { 'OUTBOUND_CRED_TUPLE', 'OUTBOUND_KV_CREDENTIALS' }

-- Each case is its own account: a detection holds the account, and a held account's mail is
-- not examined any more.
local n = 0
local function account(user, from)
  n = n + 1
  user = user or ('tester' .. n)
  return { user = user, from = from or (user .. '@example.jp'), ip = '203.0.113.9', helo = 'pc1',
           rcpt = { 'resultbox77@freemail.example' }, time = 1793491200 }
end

local function fires(file, sym, more)
  local c = { name = file .. ' fires ' .. sym, message = F .. file, envelope = account(),
              expect = { sym } }
  for k, v in pairs(more or {}) do c[k] = v end
  return c
end
local function quiet(file, envelope, extra_forbid)
  local forbid = { 'OUTBOUND_CRED_TUPLE', 'OUTBOUND_KV_CREDENTIALS', 'OUTBOUND_TOOLKIT',
                   'OUTBOUND_TOKEN_SUBJECT' }
  for _, s in ipairs(extra_forbid or {}) do forbid[#forbid + 1] = s end
  return { name = file .. ' stays quiet', message = F .. file, envelope = envelope or colleague,
           forbid = forbid }
end

return {
  cases = {
    fires('tuple-semicolon.eml', 'OUTBOUND_CRED_TUPLE', { expect = { 'OUTBOUND_CRED_TUPLE',
      'OUTBOUND_SMTP_PORT', 'OUTBOUND_AUTH_METHOD', 'OUTBOUND_TOOLKIT' } }),
    fires('tuple-semicolon-reordered.eml', 'OUTBOUND_CRED_TUPLE'),
    fires('tuple-pipe.eml', 'OUTBOUND_CRED_TUPLE'),
    fires('tuple-comma.eml', 'OUTBOUND_CRED_TUPLE'),
    fires('tuple-tab.eml', 'OUTBOUND_CRED_TUPLE'),
    fires('tuple-colon-hostport.eml', 'OUTBOUND_CRED_TUPLE', { expect = { 'OUTBOUND_CRED_TUPLE',
      'OUTBOUND_HOST_PORT' } }),
    fires('kv-body.eml', 'OUTBOUND_KV_CREDENTIALS', { expect = { 'OUTBOUND_KV_CREDENTIALS',
      'OUTBOUND_TOOLKIT' } }),
    fires('kv-body-equals.eml', 'OUTBOUND_KV_CREDENTIALS'),
    fires('token-subject-tuple-body.eml', 'OUTBOUND_CRED_TUPLE', { expect = { 'OUTBOUND_CRED_TUPLE',
      'OUTBOUND_TOKEN_SUBJECT' } }),
    fires('token-subject-colon-body.eml', 'OUTBOUND_CRED_TUPLE'),
    fires('ja-subject-tuple-body.eml', 'OUTBOUND_CRED_TUPLE'),
    fires('ja-subject-own-address.eml', 'OUTBOUND_OWN_LOGIN',
          { envelope = account('tyamada1', 'taro.yamada@example.jp') }),
    fires('own-login-subject.eml', 'OUTBOUND_OWN_LOGIN', { envelope = account('taro.yamada') }),
    fires('own-address-subject.eml', 'OUTBOUND_OWN_LOGIN',
          { envelope = account('tyamada2', 'taro.yamada@example.jp') }),
    fires('provider-host-port.eml', 'OUTBOUND_PROVIDER_HOST'),
    fires('toolkit-oe6-fingerprint.eml', 'OUTBOUND_TOOLKIT'),
    fires('toolkit-masssender-fingerprint.eml', 'OUTBOUND_TOOLKIT'),
    { name = 'token-only: a token subject, no credential content', message = F .. 'token-only.eml',
      envelope = account(), expect = { 'OUTBOUND_TOKEN_SUBJECT' }, forbid = CONTENT },
    quiet('lookalike-helpdesk-settings.eml'),
    quiet('lookalike-helpdesk-settings-en.eml'),
    quiet('lookalike-it-new-account-test.eml'),
    quiet('lookalike-csv-inline.eml'),
    quiet('lookalike-csv-attachment.eml'),
    quiet('lookalike-newsletter-addresses.eml'),
    quiet('lookalike-short-test-colleague.eml'),
    quiet('lookalike-short-test-self.eml', { user = 'taro.yamada', from = 'taro.yamada@example.jp',
      ip = '192.0.2.44', rcpt = { 'taro.yamada@example.jp' }, time = 1793491200 }),
    quiet('lookalike-port-prose.eml'),
    quiet('lookalike-calendar-invite.eml'),
    quiet('lookalike-signature-semicolons.eml'),
    { name = 'unauthenticated (inbound) mail is not examined', message = F .. 'tuple-semicolon.eml',
      envelope = { ip = '203.0.113.9', from = 'x@example.org' },
      forbid = { 'OUTBOUND_CRED_TUPLE', 'OUTBOUND_RECON' } },
  },
}
