-- A signature whose key is not published is a permanent error; a revoked key too.
return {
  dns = {
    { 'brisbane._domainkey.football.example.com', 'TXT', 'v=DKIM1; k=ed25519; p=' },
    { 'football.example.com', 'TXT', 'v=spf1 -all' },
    { '_dmarc.football.example.com', 'TXT', 'v=DMARC1; p=quarantine' },
  },
  cases = {
    { name = 'missing and revoked keys', message = 'fixtures/auth/rfc8463-signed.eml',
      envelope = { ip = '192.0.2.10', from = 'joe@football.example.com', helo = 'mx.example.com' },
      expect = { 'R_DKIM_PERMFAIL', 'R_SPF_FAIL', 'DMARC_POLICY_QUARANTINE' },
      options = { R_DKIM_PERMFAIL = { 'football.example.com:s=test:key_not_found',
                                      'football.example.com:s=brisbane:key_revoked' } },
      forbid = { 'R_DKIM_ALLOW' } },
  },
}
