-- Multimap rules (rules/multimap.lua): one rule per type in fixtures/multimap/multimap.toml,
-- each with a hit and a look-alike that must not hit. Map paths in that file are relative
-- to test/lua (ctest runs the rule tests there; by hand: cd test/lua first).
local function msg(t)
  t = t or {}
  local h = 'From: ' .. (t.from or 'Alice <alice@sender.example>') .. '\r\n' ..
            'To: ' .. (t.to or 'bob@example.org') .. '\r\n' ..
            'Subject: ' .. (t.subject or 'Quarterly report') .. '\r\n' ..
            'Date: Tue, 03 Sep 2024 10:00:00 +0000\r\nMessage-ID: <1@sender.example>\r\n'
  for k, v in pairs(t.headers or {}) do h = h .. k .. ': ' .. v .. '\r\n' end
  if t.attachment then
    return h .. 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' ..
      '--b\r\nContent-Type: text/plain\r\n\r\n' .. (t.body or 'See attached.') .. '\r\n' ..
      '--b\r\nContent-Type: ' .. t.attachment[2] .. '\r\nContent-Disposition: attachment; ' ..
      'filename="' .. t.attachment[1] .. '"\r\nContent-Transfer-Encoding: base64\r\n\r\n' ..
      'TVqQAAMAAAAEAAAA\r\n--b--\r\n'
  end
  return h .. '\r\n' .. (t.body or 'Hello.') .. '\r\n'
end

local function env(t)
  local e = { ip = '203.0.113.10', helo = 'mail.sender.example', hostname = 'mail.sender.example',
              from = 'alice@sender.example', rcpt = { 'bob@example.org' } }
  for k, v in pairs(t or {}) do e[k] = v end
  return e
end

local rsa_key = 'v=DKIM1; g=*; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB'
local ed_key = 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='

return {
  dns = {
    { 'test._domainkey.football.example.com', 'TXT', rsa_key },
    { 'brisbane._domainkey.football.example.com', 'TXT', ed_key },
    { 'football.example.com', 'TXT', 'v=spf1 ip4:192.0.2.0/24 -all' },
  },
  cases = {
    -- ip
    { name = 'ip: a listed network', text = msg(), envelope = env({ ip = '192.0.2.77' }),
      expect = { 'IP_MAP' } },
    { name = 'ip: an IPv6 range with a value', text = msg(),
      envelope = env({ ip = '2001:db8:bad:1::5' }), expect = { 'IP_MAP' },
      options = { IP_MAP = { 'ipv6-range' } } },
    { name = 'ip: a neighbour network is not listed', text = msg(),
      envelope = env({ ip = '192.0.3.77' }), forbid = { 'IP_MAP' } },
    -- from (envelope), addresses and whole domains
    { name = 'from: a listed address', text = msg(), envelope = env({ from = 'Boss@Example.com' }),
      expect = { 'FROM_MAP' } },
    { name = 'from: a listed domain', text = msg(), envelope = env({ from = 'x@spammer.example' }),
      expect = { 'FROM_MAP' } },
    { name = 'from: a bare domain entry', text = msg(), envelope = env({ from = 'y@spammer2.example' }),
      expect = { 'FROM_MAP' } },
    { name = 'from: another address of that domain', text = msg(),
      envelope = env({ from = 'clerk@example.com' }), forbid = { 'FROM_MAP' } },
    { name = 'from: the header does not count for source=smtp', text = msg({ from = 'boss@example.com' }),
      envelope = env(), forbid = { 'FROM_MAP' } },
    -- from (header) by domain, with subdomains
    { name = 'from header domain and its subdomains',
      text = msg({ from = 'news@mail.listed.example' }), envelope = env(),
      expect = { 'FROM_HDR_DOMAIN' } },
    { name = 'from header domain look-alike', text = msg({ from = 'news@notlisted.example' }),
      envelope = env(), forbid = { 'FROM_HDR_DOMAIN' } },
    { name = 'from: registrable domain filter', text = msg(),
      envelope = env({ from = 'a@deep.sub.registrable.co.uk' }), expect = { 'FROM_TLD' } },
    -- regexp and glob
    { name = 'regexp: numbered users', text = msg(), envelope = env({ from = 'user123@test.com' }),
      expect = { 'REGEXP_MAP' } },
    { name = 'regexp: value becomes the option', text = msg(),
      envelope = env({ from = 'somebody@re.example' }), expect = { 'REGEXP_MAP' },
      options = { REGEXP_MAP = { 'matched-domain' } } },
    { name = 'regexp: miss', text = msg(), envelope = env({ from = 'user@other.org' }),
      forbid = { 'REGEXP_MAP' } },
    { name = 'glob: exact', text = msg(), envelope = env({ from = 'user@t.co' }),
      expect = { 'GLOB_MAP' } },
    { name = 'glob: wildcard', text = msg(), envelope = env({ from = 'user@foo.bit.ly' }),
      expect = { 'GLOB_MAP' } },
    { name = 'glob: superstring misses', text = msg(),
      envelope = env({ from = 'user@foo.bit.ly.evil.com' }), forbid = { 'GLOB_MAP' } },
    { name = 'glob: substring misses', text = msg(), envelope = env({ from = 'user@walmart.com' }),
      forbid = { 'GLOB_MAP' } },
    -- rcpt with values choosing symbols and scores
    { name = 'rcpt: plain entry', text = msg(), envelope = env({ rcpt = { 'user1@example.com' } }),
      expect = { 'RCPT_MAP' }, score_min = 0.99 },
    { name = 'rcpt: a number scales the score', text = msg(),
      envelope = env({ rcpt = { 'user2@example.com' } }), expect = { 'RCPT_MAP' }, score_min = 9.9 },
    { name = 'rcpt: value names another symbol', text = msg(),
      envelope = env({ rcpt = { 'user3@example.com' } }), expect = { 'SYM1' }, forbid = { 'RCPT_MAP' } },
    { name = 'rcpt: symbol, score and options', text = msg(),
      envelope = env({ rcpt = { 'user6@example.com' } }), expect = { 'SYM1' },
      options = { SYM1 = { 'opt1', 'opt2' } }, score_max = -3 },
    { name = 'rcpt: a symbol name starting with digits', text = msg(),
      envelope = env({ rcpt = { 'user7@example.com' } }), expect = { '2000POINTS' } },
    { name = 'rcpt: free text becomes the option', text = msg(),
      envelope = env({ rcpt = { 'user8@example.com' } }), expect = { 'RCPT_MAP' },
      options = { RCPT_MAP = { 'no worry' } } },
    { name = 'rcpt: unlisted', text = msg(), envelope = env({ rcpt = { 'user4@example.com' } }),
      forbid = { 'RCPT_MAP', 'SYM1' } },
    { name = 'rcpt: by domain', text = msg(), envelope = env({ rcpt = { 'x@rcpt-domain.example' } }),
      expect = { 'RCPT_DOMAIN' } },
    { name = 'rcpt: domain look-alike', text = msg(),
      envelope = env({ rcpt = { 'rcpt-domain.example@user.example' } }), forbid = { 'RCPT_DOMAIN' } },
    { name = 'rcpt: by user', text = msg(), envelope = env({ rcpt = { 'postmaster@anywhere.example' } }),
      expect = { 'RCPT_USER' } },
    -- helo, hostname
    { name = 'helo', text = msg(), envelope = env({ helo = 'BAD-HELO.example' }), expect = { 'HELO_MAP' } },
    { name = 'helo look-alike', text = msg(), envelope = env({ helo = 'bad-helo.example.net' }),
      forbid = { 'HELO_MAP' } },
    { name = 'hostname and its subdomains', text = msg(),
      envelope = env({ hostname = 'mx1.hostile.example' }), expect = { 'HOSTNAME_MAP' } },
    { name = 'hostname look-alike', text = msg(), envelope = env({ hostname = 'nothostile.example' }),
      forbid = { 'HOSTNAME_MAP' } },
    -- headers
    { name = 'header: exact value, any case', text = msg({ headers = { ['X-Mailer'] = 'BULK mailer 3.1' } }),
      envelope = env(), expect = { 'HEADER_MAP' }, options = { HEADER_MAP = { 'bulk' } } },
    { name = 'header: another value', text = msg({ headers = { ['X-Mailer'] = 'Bulk Mailer 3.2' } }),
      envelope = env(), forbid = { 'HEADER_MAP' } },
    { name = 'header: regexp on the decoded value',
      text = msg({ subject = '=?UTF-8?B?R2V0IEZSRUUgbW9uZXkgbm93?=' }), envelope = env(),
      expect = { 'SUBJECT_RE' } },
    { name = 'header: regexp miss', text = msg({ subject = 'freedom money' }), envelope = env(),
      forbid = { 'SUBJECT_RE' } },
    { name = 'header: address domain filter',
      text = msg({ headers = { ['Reply-To'] = 'Pay <pay@desk.collector.example>' } }), envelope = env(),
      expect = { 'REPLYTO_DOMAIN' } },
    -- urls
    { name = 'url host', text = msg({ body = 'Go to http://www.bad-link.example/x now' }),
      envelope = env(), expect = { 'URL_HOST' } },
    { name = 'url host look-alike', text = msg({ body = 'Go to http://bad-link.example.org/x now' }),
      envelope = env(), forbid = { 'URL_HOST' } },
    { name = 'url registrable domain', text = msg({ body = 'http://a.b.evil.co.uk/' }), envelope = env(),
      expect = { 'URL_TLD' } },
    { name = 'url full regexp', text = msg({ body = 'https://blog.example.net/wp-login.php?x=1' }),
      envelope = env(), expect = { 'URL_FULL' } },
    { name = 'url full regexp miss', text = msg({ body = 'https://blog.example.net/wp-login.html' }),
      envelope = env(), forbid = { 'URL_FULL' } },
    -- attachments
    { name = 'filename glob', text = msg({ attachment = { 'invoice.pdf.EXE', 'application/octet-stream' } }),
      envelope = env(), expect = { 'FILENAME_MAP' } },
    { name = 'filename look-alike', text = msg({ attachment = { 'exe-manual.pdf', 'application/pdf' } }),
      envelope = env(), forbid = { 'FILENAME_MAP', 'CONTENT_TYPE_MAP' } },
    { name = 'content type', text = msg({ attachment = { 'setup.bin', 'application/x-msdownload' } }),
      envelope = env(), expect = { 'CONTENT_TYPE_MAP' } },
    -- whitelist that needs authentication
    { name = 'authenticated domain: DKIM alone (SPF fails)', message = 'fixtures/auth/rfc8463-signed.eml',
      envelope = env({ ip = '203.0.113.99', from = 'joe@football.example.com' }),
      expect = { 'TRUSTED_SENDER' }, options = { TRUSTED_SENDER = { 'football.example.com:dkim' } } },
    { name = 'authenticated domain: SPF alone', message = 'fixtures/auth/unsigned.eml',
      envelope = env({ ip = '192.0.2.10', from = 'joe@football.example.com' }),
      expect = { 'TRUSTED_SENDER' }, options = { TRUSTED_SENDER = { 'football.example.com:spf' } } },
    { name = 'authenticated domain: forged (no signature, SPF fails)',
      message = 'fixtures/auth/unsigned.eml',
      envelope = env({ ip = '203.0.113.99', from = 'joe@football.example.com' }),
      forbid = { 'TRUSTED_SENDER' } },
    { name = 'authenticated domain: tampered signature, foreign IP',
      message = 'fixtures/auth/rfc8463-tampered-body.eml',
      envelope = env({ ip = '203.0.113.99', from = 'joe@football.example.com' }),
      forbid = { 'TRUSTED_SENDER' } },
    -- prefilter
    { name = 'prefilter: blocked client is rejected at once', text = msg(),
      envelope = env({ ip = '198.51.100.66' }), expect = { 'BLOCKED_CLIENT' }, action = 'reject' },
    { name = 'prefilter: other clients go on', text = msg(), envelope = env(),
      forbid = { 'BLOCKED_CLIENT' } },
  },
}
