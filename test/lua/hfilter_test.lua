-- HELO, reverse DNS and sender domain checks (src/scan/hfilter_module.cpp), with DNS from memory.
-- Runs with fixtures/hfilter/hfilter.toml: own_names = ["example.org"].
local body = 'To: b@example.org\r\nSubject: hi\r\nDate: Tue, 03 Sep 2024 10:00:00 +0000\r\n' ..
  'Message-ID: <1@sender.example>\r\n\r\nHello.\r\n'
local function msg(from, received)
  local h = 'From: ' .. (from or 'a@sender.example') .. '\r\n'
  for _, r in ipairs(received or {}) do h = 'Received: ' .. r .. '\r\n' .. h end
  return h .. body
end
local text = msg()

local IP = '203.0.113.5'
local function env(t)
  local e = { ip = IP, helo = 'mail.sender.example', hostname = 'mail.sender.example',
              from = 'a@sender.example', rcpt = { 'b@example.org' } }
  for k, v in pairs(t or {}) do e[k] = v end
  return e
end

local helo_syms = { 'HFILTER_HELO_BAREIP', 'HFILTER_HELO_BADIP', 'HFILTER_HELO_NOT_FQDN',
                    'HFILTER_HELO_OWN', 'HFILTER_HELO_DYNAMIC', 'HFILTER_HELO_NORES_A_OR_MX',
                    'HFILTER_HELO_IP_A' }
local rdns_syms = { 'RDNS_NONE', 'RDNS_DNSFAIL', 'HFILTER_HOSTNAME_UNKNOWN',
                    'HFILTER_HOSTNAME_DYNAMIC' }
local all = {}
for _, s in ipairs(helo_syms) do all[#all + 1] = s end
for _, s in ipairs(rdns_syms) do all[#all + 1] = s end
for _, s in ipairs({ 'HFILTER_FROMHOST_NOT_FQDN', 'HFILTER_FROMHOST_NORES_A_OR_MX',
                     'HFILTER_FROM_NORES_A_OR_MX' }) do all[#all + 1] = s end

return {
  dns = {
    { 'sender.example', 'MX', '10 mail.sender.example' },
    { 'mail.sender.example', 'A', IP },
    { 'elsewhere.example', 'A', '192.0.2.99' },
    { 'v6only.example', 'AAAA', '2001:db8::5' },
    { 'slow.example', 'TIMEOUT' },
    { 'pool-7.dyn.isp.example', 'A', IP },
    { 'dsl-203-0-113-5.isp.example', 'A', IP },
    -- reverse DNS
    { '5.113.0.203.in-addr.arpa', 'PTR', 'mail.sender.example' },
    { '6.113.0.203.in-addr.arpa', 'PTR', 'elsewhere.example' },
    { '8.113.0.203.in-addr.arpa', 'TIMEOUT' },
    { '9.113.0.203.in-addr.arpa', 'PTR', 'c-203-0-113-9.hsd1.isp.example' },
    { 'c-203-0-113-9.hsd1.isp.example', 'A', '203.0.113.9' },
  },
  cases = {
    { name = 'a well-configured sender has no findings', text = text, envelope = env(),
      forbid = all },
    { name = 'bare IP as HELO', text = text, envelope = env({ helo = IP }),
      expect = { 'HFILTER_HELO_BAREIP' }, forbid = { 'HFILTER_HELO_BADIP', 'HFILTER_HELO_NOT_FQDN' } },
    { name = 'the client address as a literal is fine', text = text,
      envelope = env({ helo = '[' .. IP .. ']' }), forbid = helo_syms },
    { name = 'another address as HELO literal', text = text,
      envelope = env({ helo = '[192.168.1.5]' }), expect = { 'HFILTER_HELO_BADIP' },
      forbid = { 'HFILTER_HELO_BAREIP' } },
    { name = 'HELO without a domain', text = text, envelope = env({ helo = 'WIN-7QXAMPLE' }),
      expect = { 'HFILTER_HELO_NOT_FQDN' }, forbid = { 'HFILTER_HELO_NORES_A_OR_MX' } },
    { name = 'HELO localhost.localdomain', text = text,
      envelope = env({ helo = 'localhost.localdomain' }), expect = { 'HFILTER_HELO_NOT_FQDN' } },
    { name = 'HELO claims our own domain', text = text, envelope = env({ helo = 'mx.example.org' }),
      expect = { 'HFILTER_HELO_OWN' } },
    { name = 'a name merely ending like ours is not ours', text = text,
      envelope = env({ helo = 'mx.notexample.org' }), forbid = { 'HFILTER_HELO_OWN' } },
    { name = 'HELO with the client address in it', text = text,
      envelope = env({ helo = 'dsl-203-0-113-5.isp.example' }), expect = { 'HFILTER_HELO_DYNAMIC' },
      options = { HFILTER_HELO_DYNAMIC = { 'ip-in-name' } } },
    { name = 'HELO of a dynamic pool', text = text, envelope = env({ helo = 'pool-7.dyn.isp.example' }),
      expect = { 'HFILTER_HELO_DYNAMIC' }, options = { HFILTER_HELO_DYNAMIC = { 'keyword:pool' } } },
    { name = 'a domain called pool is not a dynamic range', text = text,
      envelope = env({ helo = 'mail2.pool.example' }), forbid = { 'HFILTER_HELO_DYNAMIC' } },
    { name = 'an e-mail service provider\'s sending host is not dynamic', text = text,
      envelope = env({ helo = 'o1.ptr8984.sender.example' }), forbid = { 'HFILTER_HELO_DYNAMIC' } },
    { name = 'HELO that does not resolve', text = text, envelope = env({ helo = 'ghost.example.net' }),
      expect = { 'HFILTER_HELO_NORES_A_OR_MX' }, forbid = { 'HFILTER_HELO_IP_A' } },
    { name = 'HELO lookup timing out counts for nothing', text = text,
      envelope = env({ helo = 'slow.example' }),
      forbid = { 'HFILTER_HELO_NORES_A_OR_MX', 'HFILTER_HELO_IP_A' } },
    { name = 'HELO resolving to another address', text = text,
      envelope = env({ helo = 'elsewhere.example' }), expect = { 'HFILTER_HELO_IP_A' },
      forbid = { 'HFILTER_HELO_NORES_A_OR_MX' } },

    { name = 'no reverse DNS (the MTA says unknown)', text = text,
      envelope = env({ hostname = 'unknown' }), expect = { 'RDNS_NONE' } },
    { name = 'no reverse DNS (our PTR lookup)', text = text,
      envelope = env({ ip = '203.0.113.7', hostname = '', helo = '[203.0.113.7]' }),
      expect = { 'RDNS_NONE' }, forbid = { 'RDNS_DNSFAIL' } },
    { name = 'PTR lookup confirmed forwards', text = text, envelope = env({ hostname = '' }),
      forbid = rdns_syms },
    { name = 'PTR name pointing elsewhere', text = text,
      envelope = env({ ip = '203.0.113.6', hostname = '', helo = '[203.0.113.6]' }),
      expect = { 'HFILTER_HOSTNAME_UNKNOWN' }, forbid = { 'RDNS_NONE' } },
    { name = 'PTR lookup timing out', text = text,
      envelope = env({ ip = '203.0.113.8', hostname = '', helo = '[203.0.113.8]' }),
      expect = { 'RDNS_DNSFAIL' }, forbid = { 'RDNS_NONE', 'HFILTER_HOSTNAME_UNKNOWN' } },
    { name = 'dynamic reverse DNS from our PTR lookup', text = text,
      envelope = env({ ip = '203.0.113.9', hostname = '', helo = '[203.0.113.9]' }),
      expect = { 'HFILTER_HOSTNAME_DYNAMIC' }, forbid = { 'HFILTER_HOSTNAME_UNKNOWN' } },
    { name = 'dynamic reverse DNS from the request', text = text,
      envelope = env({ hostname = 'c-203-0-113-5.hsd1.isp.example' }),
      expect = { 'HFILTER_HOSTNAME_DYNAMIC' } },

    { name = 'envelope sender domain without a dot', text = text,
      envelope = env({ from = 'root@intranet' }), expect = { 'HFILTER_FROMHOST_NOT_FQDN' } },
    { name = 'envelope sender domain that does not exist', text = text,
      envelope = env({ from = 'a@nowhere.example' }),
      expect = { 'HFILTER_FROMHOST_NORES_A_OR_MX' } },
    { name = 'a domain with only an AAAA record exists', text = msg('a@v6only.example'),
      envelope = env({ from = 'a@v6only.example' }),
      forbid = { 'HFILTER_FROMHOST_NORES_A_OR_MX', 'HFILTER_FROM_NORES_A_OR_MX' } },
    { name = 'a sender domain lookup timing out counts for nothing', text = msg('a@slow.example'),
      envelope = env({ from = 'a@slow.example' }),
      forbid = { 'HFILTER_FROMHOST_NORES_A_OR_MX', 'HFILTER_FROM_NORES_A_OR_MX' } },
    { name = 'From header domain that does not exist', text = msg('x@ghost.example'),
      envelope = env(), expect = { 'HFILTER_FROM_NORES_A_OR_MX' },
      forbid = { 'HFILTER_FROMHOST_NORES_A_OR_MX' } },

    { name = 'authenticated senders skip the client checks', text = text,
      envelope = env({ helo = 'WIN-PC', hostname = 'unknown', user = 'alice' }),
      forbid = { 'HFILTER_HELO_NOT_FQDN', 'RDNS_NONE' } },
    { name = 'clients in our networks are not examined', text = text,
      envelope = env({ ip = '10.0.0.5', helo = 'WIN-PC', hostname = 'unknown' }),
      forbid = { 'HFILTER_HELO_NOT_FQDN', 'RDNS_NONE' } },
    { name = 'no client IP in the request: our Received field tells',
      text = msg(nil, { 'from WIN-PC (unknown [203.0.113.77]) by mx.example.org (Postfix) ' ..
                        'with ESMTP id 1; Tue, 3 Sep 2024 10:00:00 +0000' }),
      envelope = { from = 'a@sender.example' },
      expect = { 'HFILTER_HELO_NOT_FQDN', 'RDNS_NONE' } },
    { name = 'behind our own relay: the hop it recorded is examined',
      text = msg(nil, { 'from relay.example.org (relay.example.org [10.0.0.5]) by ' ..
                        'mx.example.org (Postfix) with ESMTP id 2; Tue, 3 Sep 2024 10:00:01 +0000',
                        'from WIN-PC (unknown [203.0.113.77]) by relay.example.org (Postfix) ' ..
                        'with ESMTP id 1; Tue, 3 Sep 2024 10:00:00 +0000' }),
      envelope = { ip = '10.0.0.5', helo = 'relay.example.org', hostname = 'relay.example.org',
                   from = 'a@sender.example' },
      expect = { 'HFILTER_HELO_NOT_FQDN', 'RDNS_NONE' } },
  },
}
