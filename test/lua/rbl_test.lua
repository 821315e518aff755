-- DNS lists (src/scan/rbl_module.cpp) with DNS from memory: answer codes and bits, refusal
-- codes, failures, whitelists, caps, IPv6, received relays, domains, URLs (registrable
-- domain, exceptions, numeric hosts), hashed addresses, and two shipped lists. Runs with
-- fixtures/rbl/rbl.toml. The end-to-end test against a real DNS server is
-- test/functional/test_rbl.py.
local function msg(t)
  t = t or {}
  local h = ''
  for _, r in ipairs(t.received or {}) do h = h .. 'Received: ' .. r .. '\r\n' end
  h = h .. 'From: ' .. (t.from or 'a@sender.example') .. '\r\nTo: b@example.org\r\n' ..
    'Subject: hi\r\nDate: Tue, 03 Sep 2024 10:00:00 +0000\r\nMessage-ID: <1@sender.example>\r\n'
  if t.replyto then h = h .. 'Reply-To: ' .. t.replyto .. '\r\n' end
  return h .. '\r\n' .. (t.body or 'Hello.') .. '\r\n'
end
local function env(t)
  local e = { ip = '192.0.2.1', helo = 'mail.sender.example', hostname = 'mail.sender.example',
              from = 'a@sender.example', rcpt = { 'b@example.org' } }
  for k, v in pairs(t or {}) do e[k] = v end
  return e
end
local ip_syms = { 'TEST_IP', 'TEST_IP_SPAM', 'TEST_IP_RANGE' }
local dom_syms = { 'TEST_DOM', 'TEST_DOM_PHISH', 'TEST_DOM_MALWARE' }

local urls = {}
for i = 1, 9 do urls[#urls + 1] = 'http://filler' .. i .. '.example/' end
urls[#urls + 1] = 'http://www.phish-site.example/'

return {
  dns = {
    { '10.2.0.192.ip.bl.test', 'A', '127.0.0.2' },
    { '11.2.0.192.ip.bl.test', 'A', '127.0.1.5' },
    { '12.2.0.192.ip.bl.test', 'A', '127.0.0.99' },
    { '13.2.0.192.ip.bl.test', 'A', '127.255.255.254' },
    { '14.2.0.192.ip.bl.test', 'TIMEOUT' },
    { '200.2.0.192.ip.bl.test', 'A', '127.0.0.2' },
    { '77.100.51.198.ip.bl.test', 'A', '127.0.0.2' },
    { '40.113.0.203.ip.bl.test', 'A', '127.0.0.2' },
    { '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip.bl.test', 'A', '127.0.0.2' },
    { 'bad-helo.example.dom.bl.test', 'A', '127.0.0.8' },
    { 'bad-rdns.example.dom.bl.test', 'A', '127.0.0.16' },
    { 'bad-sender.example.dom.bl.test', 'A', '127.0.0.8' },
    { 'bad-from.example.dom.bl.test', 'A', '127.0.0.8' },
    { 'bad-reply.example.dom.bl.test', 'A', '127.0.0.8' },
    { 'phish-site.example.dom.bl.test', 'A', '127.0.0.24' },
    { 'freehost.example.dom.bl.test', 'A', '127.0.0.8' },
    { 'victim.freehost.example.dom.bl.test', 'A', '127.0.0.16' },
    { 'strict.example.dom.bl.test', 'A', '127.0.0.2' },
    { '50.2.0.192.dom.bl.test', 'A', '127.0.0.8' },
    { 'trusted-link.example.dom.bl.test', 'A', '127.0.0.8' },
    { 'a2c1f0a6391359bfaf2ebdb0445ecd49eb819bbb.email.bl.test', 'A', '127.0.0.2' },
    { 'e1e8d3e4a336d4f9dc63b70a534ff10834471556.email.bl.test', 'A', '127.0.0.2' },
    -- shipped lists
    { '99.113.0.203.zen.spamhaus.org', 'A', '127.0.0.4' },
    { '98.113.0.203.zen.spamhaus.org', 'A', '127.255.255.254' },
    { 'uribl-black.example.multi.uribl.com', 'A', '127.0.0.2' },
    { 'refused.example.multi.uribl.com', 'A', '127.0.0.1' },
    { 'both.example.multi.surbl.org', 'A', '127.0.0.24' },
  },
  cases = {
    { name = 'an unlisted client', text = msg(), envelope = env(), forbid = ip_syms },
    { name = 'a return code names the symbol', text = msg(), envelope = env({ ip = '192.0.2.10' }),
      expect = { 'TEST_IP_SPAM' }, forbid = { 'TEST_IP', 'TEST_IP_RANGE' },
      options = { TEST_IP_SPAM = { '192.0.2.10:from' } } },
    { name = 'a return network', text = msg(), envelope = env({ ip = '192.0.2.11' }),
      expect = { 'TEST_IP_RANGE' } },
    { name = 'an unknown code gives the list symbol', text = msg(), envelope = env({ ip = '192.0.2.12' }),
      expect = { 'TEST_IP' } },
    { name = 'a refusal code is never a hit', text = msg(), envelope = env({ ip = '192.0.2.13' }),
      forbid = ip_syms },
    { name = 'a timeout is never a hit', text = msg(), envelope = env({ ip = '192.0.2.14' }),
      forbid = ip_syms },
    { name = 'whitelisted everywhere: not queried', text = msg(), envelope = env({ ip = '192.0.2.200' }),
      forbid = ip_syms },
    { name = 'whitelisted on the list', text = msg(), envelope = env({ ip = '198.51.100.77' }),
      forbid = ip_syms },
    { name = 'authenticated senders are skipped', text = msg(),
      envelope = env({ ip = '192.0.2.10', user = 'alice' }), forbid = ip_syms },
    { name = 'IPv6 nibbles', text = msg(), envelope = env({ ip = '2001:db8::25' }),
      expect = { 'TEST_IP_SPAM' } },
    { name = 'a relay below ours in the Received chain',
      text = msg({ received = {
        'from relay.example.net (relay.example.net [192.0.2.30]) by mx.example.org (Postfix) ' ..
          'with ESMTP id 1; Tue, 3 Sep 2024 10:00:01 +0000',
        'from bot (bot.example [203.0.113.40]) by relay.example.net (Postfix) with SMTP id 2; ' ..
          'Tue, 3 Sep 2024 10:00:00 +0000' } }),
      envelope = env({ ip = '192.0.2.30' }), expect = { 'TEST_IP_SPAM' },
      options = { TEST_IP_SPAM = { '203.0.113.40:received' } } },
    { name = 'no client IP: the first relay outside our networks',
      text = msg({ received = {
        'from filter (localhost [127.0.0.1]) by mx.example.org (Postfix) with ESMTP id 1; ' ..
          'Tue, 3 Sep 2024 10:00:01 +0000',
        'from pc (unknown [192.0.2.10]) by mx.example.org (Postfix) with ESMTP id 2; ' ..
          'Tue, 3 Sep 2024 10:00:00 +0000' } }),
      envelope = { from = 'a@sender.example' }, expect = { 'TEST_IP_SPAM' },
      options = { TEST_IP_SPAM = { '192.0.2.10:from' } } },

    { name = 'HELO domain', text = msg(), envelope = env({ helo = 'mx1.bad-helo.example' }),
      expect = { 'TEST_DOM_PHISH' }, options = { TEST_DOM_PHISH = { 'bad-helo.example:helo' } } },
    { name = 'reverse DNS domain', text = msg(), envelope = env({ hostname = 'h1.bad-rdns.example' }),
      expect = { 'TEST_DOM_MALWARE' } },
    { name = 'envelope sender domain', text = msg(), envelope = env({ from = 'x@bad-sender.example' }),
      expect = { 'TEST_DOM_PHISH' }, options = { TEST_DOM_PHISH = { 'bad-sender.example:mail_from' } } },
    { name = 'From header domain', text = msg({ from = 'x@news.bad-from.example' }), envelope = env(),
      expect = { 'TEST_DOM_PHISH' }, options = { TEST_DOM_PHISH = { 'bad-from.example:header_from' } } },
    { name = 'Reply-To domain', text = msg({ replyto = 'x@bad-reply.example' }), envelope = env(),
      expect = { 'TEST_DOM_PHISH' }, options = { TEST_DOM_PHISH = { 'bad-reply.example:replyto' } } },
    { name = 'URL registrable domain with two bits', text = msg({ body = 'See http://www.phish-site.example/x' }),
      envelope = env(), expect = { 'TEST_DOM_PHISH', 'TEST_DOM_MALWARE' },
      options = { TEST_DOM_PHISH = { 'phish-site.example:url' } } },
    { name = 'URL under a two-level registration', text = msg({ body = 'http://a.victim.freehost.example/' }),
      envelope = env(), expect = { 'TEST_DOM_MALWARE' }, forbid = { 'TEST_DOM_PHISH' } },
    { name = 'numeric URL host', text = msg({ body = 'http://192.0.2.50/login' }), envelope = env(),
      expect = { 'TEST_DOM_PHISH' }, options = { TEST_DOM_PHISH = { '192.0.2.50:url' } } },
    { name = 'strict return codes: an unnamed answer is ignored', text = msg({ body = 'http://strict.example/' }),
      envelope = env(), forbid = dom_syms },
    { name = 'a whitelisted URL domain is not queried', text = msg({ body = 'http://trusted-link.example/' }),
      envelope = env(), forbid = dom_syms },
    { name = 'URL domains past the cap are not queried', text = msg({ body = table.concat(urls, ' ') }),
      envelope = env(), forbid = dom_syms },

    { name = 'hashed address in the body', text = msg({ body = 'Write to spammer@evil-sender.net today' }),
      envelope = env(), expect = { 'TEST_EMAIL' }, options = { TEST_EMAIL = { 'spammer@evil-sender.net:email' } } },
    { name = 'hashed address after canonicalisation (Gmail)',
      text = msg({ replyto = 'John.Doe+promo@googlemail.com' }), envelope = env(),
      expect = { 'TEST_EMAIL' } },
    { name = 'another address is not listed', text = msg({ body = 'Write to friend@evil-sender.net' }),
      envelope = env(), forbid = { 'TEST_EMAIL' } },

    { name = 'shipped Spamhaus ZEN: XBL', text = msg(), envelope = env({ ip = '203.0.113.99' }),
      expect = { 'RBL_SPAMHAUS_XBL' }, forbid = { 'RBL_SPAMHAUS' } },
    { name = 'shipped Spamhaus ZEN: open-resolver answer ignored', text = msg(),
      envelope = env({ ip = '203.0.113.98' }),
      forbid = { 'RBL_SPAMHAUS', 'RBL_SPAMHAUS_SBL', 'RBL_SPAMHAUS_XBL', 'RBL_SPAMHAUS_PBL' } },
    { name = 'shipped URIBL black and the refusal code',
      text = msg({ body = 'http://uribl-black.example/ http://refused.example/' }), envelope = env(),
      expect = { 'URIBL_BLACK' }, forbid = { 'URIBL_MULTI', 'URIBL_GREY', 'URIBL_RED' },
      options = { URIBL_BLACK = { 'uribl-black.example:url' } } },
    { name = 'shipped SURBL bits', text = msg({ body = 'http://both.example/' }), envelope = env(),
      expect = { 'PH_SURBL_MULTI', 'MW_SURBL_MULTI' }, forbid = { 'ABUSE_SURBL' } },
  },
}
