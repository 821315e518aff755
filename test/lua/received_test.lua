-- Received chain rules (src/scan/received_module.cpp) and the client IP taken from the chain
-- (scan/received_chain.h) when the request has none.
local body = 'From: a@sender.example\r\nTo: b@example.org\r\nSubject: hi\r\n' ..
  'Date: Tue, 03 Sep 2024 10:00:00 +0000\r\nMessage-ID: <1@sender.example>\r\n\r\nHello.\r\n'

local function msg(received)
  local h = ''
  for _, r in ipairs(received) do h = h .. 'Received: ' .. r .. '\r\n' end
  return h .. body
end

local function hop(helo, rdns, ip, with, by)
  return string.format('from %s (%s [%s]) by %s (Postfix) with %s id 4Wz1; ' ..
                       'Tue, 3 Sep 2024 10:00:00 +0000', helo, rdns, ip, by or 'mx.example.org',
                       with or 'ESMTP')
end

local outside = hop('mail.sender.example', 'mail.sender.example', '192.0.2.25', 'ESMTPS')
local inside = 'from mail.sender.example (mail.sender.example [10.0.0.7]) by ' ..
  'out.sender.example (Postfix) with ESMTPS id 1; Tue, 3 Sep 2024 09:59:59 +0000'

local function many(n)
  local list = {}
  for i = 1, n do list[i] = hop('h' .. i .. '.example.net', 'h' .. i .. '.example.net',
                                '192.0.2.' .. i, 'ESMTPS', 'r' .. i .. '.example.net') end
  return list
end

local counts = { 'RCVD_COUNT_ONE', 'RCVD_COUNT_TWO', 'RCVD_COUNT_THREE', 'RCVD_COUNT_FIVE',
                 'RCVD_COUNT_SEVEN', 'RCVD_COUNT_TWELVE' }
local function all_but(name)
  local out = {}
  for _, c in ipairs(counts) do if c ~= name then out[#out + 1] = c end end
  return out
end

local env = { ip = '192.0.2.25', helo = 'mail.sender.example', hostname = 'mail.sender.example',
              from = 'a@sender.example', rcpt = { 'b@example.org' } }

return {
  dns = {
    { 'sender.example', 'TXT', 'v=spf1 ip4:198.51.100.9 -all' },
  },
  cases = {
    { name = 'seven Received fields (rspamd rcvd7.eml)',
      message = '../data/corpus/rspamd/messages/rcvd7.eml', expect = { 'RCVD_COUNT_SEVEN' },
      forbid = all_but('RCVD_COUNT_SEVEN'), options = { RCVD_COUNT_SEVEN = { '7' } } },
    { name = 'one field', text = msg(many(1)), envelope = env, expect = { 'RCVD_COUNT_ONE' },
      forbid = all_but('RCVD_COUNT_ONE') },
    { name = 'two fields', text = msg(many(2)), envelope = env, expect = { 'RCVD_COUNT_TWO' },
      forbid = all_but('RCVD_COUNT_TWO') },
    { name = 'four fields count as three', text = msg(many(4)), envelope = env,
      expect = { 'RCVD_COUNT_THREE' }, forbid = all_but('RCVD_COUNT_THREE') },
    { name = 'six fields count as five', text = msg(many(6)), envelope = env,
      expect = { 'RCVD_COUNT_FIVE' }, forbid = all_but('RCVD_COUNT_FIVE') },
    { name = 'eleven fields count as seven', text = msg(many(11)), envelope = env,
      expect = { 'RCVD_COUNT_SEVEN' }, forbid = all_but('RCVD_COUNT_SEVEN') },
    { name = 'fourteen fields count as twelve', text = msg(many(14)), envelope = env,
      expect = { 'RCVD_COUNT_TWELVE' }, forbid = all_but('RCVD_COUNT_TWELVE') },

    { name = 'TLS on the hop that brought it, and on every hop',
      text = msg({ outside, inside }), envelope = env,
      expect = { 'RCVD_TLS_LAST', 'RCVD_TLS_ALL' }, forbid = { 'RCVD_NO_TLS_LAST' } },
    { name = 'no TLS on the last hop',
      text = msg({ hop('mail.sender.example', 'mail.sender.example', '192.0.2.25', 'ESMTP'),
                   inside }), envelope = env,
      expect = { 'RCVD_NO_TLS_LAST' }, forbid = { 'RCVD_TLS_LAST', 'RCVD_TLS_ALL' } },
    { name = 'TLS last but not on an earlier hop',
      text = msg({ outside, 'from pc (pc.sender.example [10.0.0.8]) by mail.sender.example ' ..
                   '(Postfix) with ESMTP id 2; Tue, 3 Sep 2024 09:59:58 +0000' }),
      envelope = env, expect = { 'RCVD_TLS_LAST' }, forbid = { 'RCVD_TLS_ALL' } },
    { name = 'envelope hop (MTA field not added yet): TLS from the request',
      text = msg({ inside }),
      envelope = { ip = '192.0.2.25', helo = 'mail.sender.example', hostname = 'mail.sender.example',
                   headers = { ['TLS-Version'] = 'TLSv1.3' } },
      expect = { 'RCVD_TLS_LAST' }, forbid = { 'RCVD_NO_TLS_LAST' } },
    { name = 'envelope hop without TLS in the request',
      text = msg({ inside }),
      envelope = { ip = '192.0.2.25', helo = 'mail.sender.example', hostname = 'mail.sender.example' },
      expect = { 'RCVD_NO_TLS_LAST' }, forbid = { 'RCVD_TLS_LAST' } },

    { name = 'authenticated submission on the way',
      text = msg({ outside, 'from pc ([10.0.0.8]) by out.sender.example (Postfix) with ' ..
                   'ESMTPSA id 3; Tue, 3 Sep 2024 09:59:58 +0000' }), envelope = env,
      expect = { 'RCVD_VIA_SMTP_AUTH' } },
    { name = 'ESMTPS is not authentication', text = msg({ outside, inside }), envelope = env,
      forbid = { 'RCVD_VIA_SMTP_AUTH' } },

    { name = 'received once from a host with reverse DNS', text = msg({ outside }),
      envelope = env, expect = { 'ONCE_RECEIVED' }, forbid = { 'ONCE_RECEIVED_STRICT' } },
    { name = 'received once from a host without reverse DNS',
      text = msg({ hop('pc', 'unknown', '203.0.113.50') }),
      envelope = { ip = '203.0.113.50', helo = 'pc', hostname = 'unknown' },
      expect = { 'ONCE_RECEIVED', 'ONCE_RECEIVED_STRICT' },
      options = { ONCE_RECEIVED_STRICT = { 'no rDNS' } } },
    { name = 'received once from a dynamic-looking host',
      text = msg({ hop('pc', 'dsl-203-0-113-7.pool.isp.example', '203.0.113.7') }),
      envelope = { ip = '203.0.113.7', helo = 'pc', hostname = 'dsl-203-0-113-7.pool.isp.example' },
      expect = { 'ONCE_RECEIVED_STRICT' }, options = { ONCE_RECEIVED_STRICT = { 'ip-in-name' } } },
    { name = 'only the envelope hop (no Received field yet)', text = body,
      envelope = { ip = '203.0.113.50', helo = 'pc', hostname = 'unknown' },
      expect = { 'ONCE_RECEIVED', 'ONCE_RECEIVED_STRICT' }, forbid = { 'RCVD_COUNT_ONE' } },
    { name = 'two hops are not once received', text = msg({ outside, inside }), envelope = env,
      forbid = { 'ONCE_RECEIVED', 'ONCE_RECEIVED_STRICT' } },
    { name = 'one hop from our own network is not once received',
      text = msg({ hop('pc', 'unknown', '10.1.2.3') }),
      envelope = { ip = '10.1.2.3', helo = 'pc', hostname = 'unknown' },
      forbid = { 'ONCE_RECEIVED', 'ONCE_RECEIVED_STRICT' } },
    { name = 'one authenticated hop is not once received',
      text = msg({ hop('pc', 'unknown', '203.0.113.50', 'ESMTPSA') }),
      envelope = { ip = '203.0.113.50', helo = 'pc', hostname = 'unknown' },
      forbid = { 'ONCE_RECEIVED' } },

    { name = 'impossible client address in a hop',
      text = msg({ outside, 'from x ([0.12.13.14]) by mail.sender.example with SMTP; ' ..
                   'Tue, 3 Sep 2024 09:00:00 +0000' }), envelope = env,
      expect = { 'RCVD_ILLEGAL_IP' }, options = { RCVD_ILLEGAL_IP = { '0.12.13.14' } } },
    { name = 'documentation addresses are not illegal', text = msg({ outside, inside }),
      envelope = env, forbid = { 'RCVD_ILLEGAL_IP' } },
    { name = 'the relay outside our networks has a carrier-grade NAT address',
      text = msg({ hop('gw', 'gw.example', '100.64.3.4') }),
      expect = { 'RCVD_UNTRUSTED_PRIVATE' }, options = { RCVD_UNTRUSTED_PRIVATE = { '100.64.3.4' } } },
    { name = 'private hops inside our networks are fine',
      text = msg({ hop('filter', 'localhost', '127.0.0.1'), hop('mx', 'mx.example.org', '10.0.0.2'),
                   outside }),
      forbid = { 'RCVD_UNTRUSTED_PRIVATE' } },

    -- No client IP in the request: the first relay outside our networks gives it. SPF then
    -- runs for that address (the record only allows 198.51.100.9).
    { name = 'client IP from the Received chain (past our own hops)',
      text = msg({ hop('filter', 'localhost', '127.0.0.1'),
                   hop('mail.sender.example', 'mail.sender.example', '198.51.100.9') }),
      envelope = { from = 'a@sender.example' }, expect = { 'R_SPF_ALLOW' } },
    { name = 'client IP from the Received chain fails SPF for another address',
      text = msg({ hop('mail.sender.example', 'mail.sender.example', '192.0.2.99') }),
      envelope = { from = 'a@sender.example' }, expect = { 'R_SPF_FAIL' } },
    { name = 'the request IP wins over the chain',
      text = msg({ hop('mail.sender.example', 'mail.sender.example', '192.0.2.99') }),
      envelope = { ip = '198.51.100.9', from = 'a@sender.example' }, expect = { 'R_SPF_ALLOW' } },
  },
}
