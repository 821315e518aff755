-- The outbound verdict: a test mail from a new network of an established account is
-- OUTBOUND_RECON, soft-rejected, and the account is held; its next mail gets the hold action.
-- Normal mail of the same account is not touched. (Lab overlay, shipped model.)
local function normal(i, ip)
  return 'From: taro.yamada@example.jp\r\nTo: hanako@example.co.jp\r\nSubject: meeting ' .. i ..
    '\r\nDate: Sun, 1 Nov 2026 09:00:00 +0900\r\n' ..
    'Message-ID: <6a1b2c3d-1111-2222-3333-' .. string.format('%012d', i) .. '@example.jp>\r\n' ..
    'MIME-Version: 1.0\r\nUser-Agent: Mozilla Thunderbird 128\r\nContent-Type: text/plain\r\n\r\n' ..
    'Hello Hanako, about the meeting on Friday: the room is booked from ten to twelve.\r\n'
end
local t0 = 1793491200
local function office(i)
  return { user = 'taro.yamada', from = 'taro.yamada@example.jp', ip = '192.0.2.44',
           helo = 'office-pc', rcpt = { 'hanako@example.co.jp' }, time = t0 + i * 3600 }
end
local cases = {}
for i = 1, 8 do
  cases[#cases + 1] = { name = 'normal mail ' .. i, text = normal(i), envelope = office(i),
                        forbid = { 'OUTBOUND_RECON', 'OUTBOUND_HELD' }, action = 'no action' }
end
cases[#cases + 1] = {
  name = 'credential test mail from a new network', message = 'fixtures/outbound/tuple-semicolon.eml',
  envelope = { user = 'taro.yamada', from = 'taro.yamada@example.jp', ip = '203.0.113.9',
               helo = 'WIN-4F2K', rcpt = { 'resultbox77@freemail.example' }, time = t0 + 10 * 3600 },
  expect = { 'OUTBOUND_RECON', 'OUTBOUND_CRED_TUPLE', 'OUTBOUND_NEW_NET' }, action = 'soft reject' }
cases[#cases + 1] = {
  name = 'the held account\'s next mail gets the hold action', text = normal(99),
  envelope = office(12), expect = { 'OUTBOUND_HELD' }, forbid = { 'OUTBOUND_RECON' },
  action = 'soft reject' }
return { cases = cases }
