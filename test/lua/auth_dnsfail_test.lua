-- Authentication when DNS fails: temporary-error verdicts, never a stalled task.
return {
  dns = {
    { 'test._domainkey.football.example.com', 'TIMEOUT' },
    { 'brisbane._domainkey.football.example.com', 'SERVFAIL' },
    { 'football.example.com', 'TIMEOUT' },
    { '_dmarc.football.example.com', 'TIMEOUT' },
  },
  cases = {
    { name = 'every lookup times out', message = 'fixtures/auth/rfc8463-signed.eml',
      envelope = { ip = '192.0.2.10', from = 'joe@football.example.com', helo = 'mx.example.com' },
      expect = { 'R_DKIM_TEMPFAIL', 'R_SPF_DNSFAIL', 'DMARC_DNSFAIL' },
      forbid = { 'R_DKIM_ALLOW', 'R_DKIM_REJECT', 'R_SPF_FAIL' } },
  },
}
