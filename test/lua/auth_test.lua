-- Sender authentication symbols (rules/auth.lua over the auth module) with DNS served from
-- memory: keys of the RFC 8463 example, SPF and DMARC records for football.example.com.
local rsa_key = 'v=DKIM1; g=*; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB'
local ed_key = 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='

local good_env = { ip = '192.0.2.10', helo = 'mx.football.example.com',
                   from = 'joe@football.example.com', rcpt = { 'suzie@shopping.example.net' },
                   time = 1700000000 }
local bad_ip_env = { ip = '203.0.113.99', helo = 'evil.example', from = 'joe@football.example.com',
                     rcpt = { 'suzie@shopping.example.net' }, time = 1700000000 }

return {
  dns = {
    { 'test._domainkey.football.example.com', 'TXT', rsa_key },
    { 'brisbane._domainkey.football.example.com', 'TXT', ed_key },
    { 'football.example.com', 'TXT', 'v=spf1 ip4:192.0.2.0/24 -all' },
    { '_dmarc.football.example.com', 'TXT', 'v=DMARC1; p=reject; rua=mailto:d@football.example.com' },
    { 'football.example.com', 'A', '192.0.2.10' },
    { 'nospf.example.org', 'A', '192.0.2.20' },
    { 'lists.example.org', 'TXT', 'v=spf1 ip4:198.51.100.0/24 -all' },
  },
  cases = {
    { name = 'signed, SPF pass, DMARC pass', message = 'fixtures/auth/rfc8463-signed.eml',
      envelope = good_env,
      expect = { 'R_DKIM_ALLOW', 'R_SPF_ALLOW', 'DMARC_POLICY_ALLOW', 'ARC_NA' },
      forbid = { 'R_DKIM_REJECT', 'R_SPF_FAIL', 'DMARC_POLICY_REJECT' },
      options = { R_DKIM_ALLOW = { 'football.example.com:s=brisbane', 'football.example.com:s=test' },
                  R_SPF_ALLOW = { 'football.example.com' } } },
    { name = 'tampered body: DKIM fails, DMARC still passes on aligned SPF',
      message = 'fixtures/auth/rfc8463-tampered-body.eml', envelope = good_env,
      expect = { 'R_DKIM_REJECT', 'R_SPF_ALLOW', 'DMARC_POLICY_ALLOW' }, forbid = { 'R_DKIM_ALLOW' } },
    { name = 'tampered header: DKIM fails', message = 'fixtures/auth/rfc8463-tampered-header.eml',
      envelope = good_env, expect = { 'R_DKIM_REJECT' }, forbid = { 'R_DKIM_ALLOW' } },
    { name = 'wrong client and tampered body: SPF fail, DMARC reject',
      message = 'fixtures/auth/rfc8463-tampered-body.eml', envelope = bad_ip_env,
      expect = { 'R_SPF_FAIL', 'R_DKIM_REJECT', 'DMARC_POLICY_REJECT' } },
    { name = 'signed mail from a foreign IP still passes DMARC through DKIM',
      message = 'fixtures/auth/rfc8463-signed.eml', envelope = bad_ip_env,
      expect = { 'R_SPF_FAIL', 'R_DKIM_ALLOW', 'DMARC_POLICY_ALLOW' } },
    { name = 'unsigned message', message = 'fixtures/auth/unsigned.eml', envelope = good_env,
      expect = { 'R_DKIM_NA', 'R_SPF_ALLOW', 'DMARC_POLICY_ALLOW' } },
    { name = 'sender domain without SPF and DMARC', text =
        'From: a@nospf.example.org\r\nTo: b@example.net\r\nSubject: x\r\n\r\nbody\r\n',
      envelope = { ip = '192.0.2.55', from = 'a@nospf.example.org', helo = 'h.example.org' },
      expect = { 'R_SPF_NA', 'DMARC_NA', 'R_DKIM_NA' } },
    { name = 'authenticated senders skip SPF and DMARC', message = 'fixtures/auth/unsigned.eml',
      envelope = { ip = '203.0.113.5', from = 'joe@football.example.com', user = 'joe' },
      forbid = { 'R_SPF_FAIL', 'R_SPF_ALLOW', 'DMARC_POLICY_REJECT', 'DMARC_POLICY_ALLOW' },
      expect = { 'R_DKIM_NA' } },
  },
}
