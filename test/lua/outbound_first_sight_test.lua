-- Issue 11: a credential-test mail is caught on first sight, in any format, with an empty
-- store and no history (every case is a new account), and the mail that only looks like one
-- stays clean. Fixtures: fixtures/outbound/first-sight/ (the sender is hanako.ito@example.jp,
-- the password Kx7#mQ2v; look-alikes "la-*"). Run with the lab overlay, shipped model.
local F = 'fixtures/outbound/first-sight/'
local n = 0
-- Test mails go to one collector, so that later cases also see it as a known one.
local function account(user, from, rcpt)
  n = n + 1
  return { user = user or ('fs' .. n .. '.hanako.ito'), from = from or 'hanako.ito@example.jp',
           ip = '203.0.113.' .. (10 + n), helo = 'pc' .. n,
           rcpt = { rcpt or 'drop.box55@freemail.example' }, time = 1793491200 + n }
end
-- The office: the sender's usual network, writing to a colleague.
local function office(user)
  n = n + 1
  return { user = user or ('fs' .. n .. '.staff'), from = 'hanako.ito@example.jp',
           ip = '192.0.2.44', helo = 'office-pc', rcpt = { 'ken.sato@example.jp' },
           time = 1793491200 + n }
end

local cases = {}
local function fires(file, symbol, extra)
  local c = { name = file .. ': OUTBOUND_RECON on first sight', message = F .. file,
              envelope = account(), expect = { 'OUTBOUND_RECON', symbol },
              action = 'soft reject', hidden = { 'Kx7#mQ2v', 'Kx7%23mQ2v' } }
  for k, v in pairs(extra or {}) do c[k] = v end
  cases[#cases + 1] = c
end
local function clean(file, envelope)
  cases[#cases + 1] = { name = file .. ': stays clean', message = F .. file,
                        envelope = envelope or office(), action = 'no action',
                        forbid = { 'OUTBOUND_RECON', 'OUTBOUND_HELD' },
                        hidden = { 'Kx7#mQ2v', 'Hq4!zT8pW', 'Zr8!kLm2q' } }
end

-- The shipped sample, exactly as the provider reported it.
cases[#cases + 1] = {
  name = 'samples/credential-test.eml: decisive on its own', message = '../../samples/credential-test.eml',
  envelope = { user = 'iij-taro@example.jp', from = 'iij-taro@example.jp', ip = '203.0.113.9',
               rcpt = { 'collector@example.com' }, time = 1793491200 },
  expect = { 'OUTBOUND_RECON', 'OUTBOUND_CRED_TUPLE' }, action = 'soft reject',
  hidden = { 'Passw0rd' },
  options = { OUTBOUND_RECON = { 'credential record: record in subject' },
              OUTBOUND_CRED_TUPLE = { 'delimited in subject',
                'iij-taro@example.jp;iij-taro;Pa******;mail.example.jp;465;2;LOGIN' } } }

-- Delimiters, orders, with and without count and method.
fires('tuple-semicolon-7.eml', 'OUTBOUND_CRED_TUPLE', { options = { OUTBOUND_CRED_TUPLE = {
  'hanako.ito@example.jp;hanako.ito;Kx******;mail.example.jp;587;1;PLAIN' } } })
fires('tuple-pipe.eml', 'OUTBOUND_CRED_TUPLE')
fires('tuple-comma.eml', 'OUTBOUND_CRED_TUPLE')
fires('tuple-colon.eml', 'OUTBOUND_CRED_TUPLE')
fires('tuple-slash.eml', 'OUTBOUND_CRED_TUPLE')
fires('tuple-tab.eml', 'OUTBOUND_CRED_TUPLE')
fires('tuple-space.eml', 'OUTBOUND_CRED_TUPLE')
fires('tuple-reordered.eml', 'OUTBOUND_CRED_TUPLE')
fires('bracket.eml', 'OUTBOUND_CRED_TUPLE')
fires('url.eml', 'OUTBOUND_CRED_TUPLE', { options = { OUTBOUND_CRED_TUPLE = {
  'url in text', 'smtp://hanako.ito%40example.jp:Kx********@smtp.example.jp:587' } } })
fires('other-account.eml', 'OUTBOUND_CRED_TUPLE')
fires('combo-list.eml', 'OUTBOUND_CRED_TUPLE')
-- Labelled lines in eight languages, JSON, a few words around them.
fires('kv-en.eml', 'OUTBOUND_KV_CREDENTIALS', { options = { OUTBOUND_KV_CREDENTIALS = { 'kv in text' } } })
for _, lang in ipairs{ 'ja', 'de', 'fr', 'es', 'pt', 'ru', 'zh' } do
  fires('kv-' .. lang .. '.eml', 'OUTBOUND_KV_CREDENTIALS')
end
fires('json.eml', 'OUTBOUND_KV_CREDENTIALS', { options = { OUTBOUND_KV_CREDENTIALS = { 'json in text' } } })
fires('fluff-kv.eml', 'OUTBOUND_KV_CREDENTIALS')
fires('kv-spaced-subject.eml', 'OUTBOUND_KV_CREDENTIALS')
-- Encodings and places: RFC 2047 Subject, base64 and quoted-printable bodies, HTML, a small
-- text attachment.
fires('rfc2047-subject.eml', 'OUTBOUND_CRED_TUPLE')
fires('base64-body.eml', 'OUTBOUND_CRED_TUPLE')
fires('qp-body.eml', 'OUTBOUND_KV_CREDENTIALS')
fires('html-table.eml', 'OUTBOUND_KV_CREDENTIALS', { options = { OUTBOUND_KV_CREDENTIALS = { 'kv in html' } } })
fires('attachment-txt.eml', 'OUTBOUND_CRED_TUPLE', { options = { OUTBOUND_CRED_TUPLE = { 'delimited in attachment' } } })
fires('csv-header-attachment.eml', 'OUTBOUND_CRED_TUPLE', { options = { OUTBOUND_CRED_TUPLE = { 'delimited in attachment' } } })
fires('html-div-ja.eml', 'OUTBOUND_KV_CREDENTIALS', { options = { OUTBOUND_KV_CREDENTIALS = { 'kv in html' } } })

-- Look-alikes: first sight too (new accounts), from the office to a colleague, and the
-- strongest of them (help desk, onboarding, a support request with the user's own password)
-- also from a new network to a free-mail address.
for _, f in ipairs{ 'la-helpdesk-en.eml', 'la-helpdesk-ja.eml', 'la-password-reset.eml',
                    'la-dev-properties.eml', 'la-dev-env.eml', 'la-csv-inline.eml',
                    'la-csv-attachment.eml', 'la-signature.eml', 'la-calendar.eml',
                    'la-short-test.eml', 'la-newsletter.eml', 'la-onboarding-en.eml',
                    'la-onboarding-ja.eml', 'la-support-request.eml', 'la-ftp-credentials.eml',
                    'la-wifi-guest.eml', 'la-monitoring.eml', 'la-template-doc.eml' } do
  clean(f)
end
for _, f in ipairs{ 'la-helpdesk-en.eml', 'la-onboarding-en.eml', 'la-onboarding-ja.eml',
                    'la-support-request.eml', 'la-ftp-credentials.eml', 'la-dev-properties.eml' } do
  clean(f, account(nil, nil, 'ken.sato.home@freemail.example'))
end

-- A short mail to that collector, now confirmed by the detections above, from another new
-- account: caught without credentials in it (collector correlation).
cases[#cases + 1] = {
  name = 'a token-only mail to a confirmed collector', text =
    'From: ichiro@example.jp\r\nTo: drop.box55@freemail.example\r\nSubject: ok 417\r\n' ..
    'Message-ID: <t417@example.jp>\r\n\r\n1\r\n',
  envelope = account('fs.ichiro', 'ichiro@example.jp'), expect = { 'OUTBOUND_RECON', 'OUTBOUND_TO_COLLECTOR' },
  options = { OUTBOUND_RECON = { 'known collector' } }, action = 'soft reject' }

-- The secret never shows: the onboarding mail's password is masked in the symbol options
-- even though the mail is not flagged.
cases[#cases + 1] = {
  name = 'a password found in a clean mail is masked in options', message = F .. 'la-onboarding-en.eml',
  envelope = office(), expect = { 'OUTBOUND_KV_CREDENTIALS' }, forbid = { 'OUTBOUND_RECON' },
  options = { OUTBOUND_KV_CREDENTIALS = { 'kv in text' } }, hidden = { 'Hq4!zT8pW' } }

return { cases = cases }
