-- Display-name, recipient and Reply-To relations (rules/addresses.lua).
local env = { time = 1795742400 }

local function msg(opts)
  local h = ''
  if opts.from ~= false then h = h .. 'From: ' .. (opts.from or 'Taro Yamada <taro@example.jp>') .. '\r\n' end
  if opts.to ~= false then h = h .. 'To: ' .. (opts.to or 'Hanako Sato <hanako@example.net>') .. '\r\n' end
  return h .. 'Subject: hello\r\nDate: Fri, 27 Nov 2026 10:15:00 +0900\r\n' ..
    'Message-ID: <abc123@mail.example.jp>\r\nMIME-Version: 1.0\r\n' .. (opts.extra or '') ..
    'Content-Type: text/plain; charset=us-ascii\r\n\r\nHello.\r\n'
end

return {
  cases = {
    { name = 'ordinary names', envelope = env, text = msg{},
      expect = { 'TO_DN_ALL' },
      forbid = { 'FROM_NO_DN', 'FROM_DN_EQ_ADDR', 'FROM_NAME_HAS_TITLE', 'FROM_BRAND_MISMATCH',
                 'TO_DN_NONE', 'TO_DN_LOCALPART', 'TO_DN_EQ_ADDR', 'R_UNDISC_RCPT', 'MAILLIST',
                 'REPLYTO_DOM_NEQ_FROM_DOM', 'REPLYTO_EQ_TO_ADDR', 'TO_SORTED', 'TO_SAME_LOCALPART' } },

    -- From ---------------------------------------------------------------------------------
    { name = 'From without a display name', envelope = env, text = msg{ from = 'taro@example.jp' },
      expect = { 'FROM_NO_DN' } },
    { name = 'From display name is the address', envelope = env,
      text = msg{ from = '"taro@example.jp" <taro@example.jp>' }, expect = { 'FROM_DN_EQ_ADDR' },
      forbid = { 'FROM_NO_DN' } },
    { name = 'titled sender', envelope = env, text = msg{ from = '"Barrister James Okafor" <jo@example.org>' },
      expect = { 'FROM_NAME_HAS_TITLE' }, options = { FROM_NAME_HAS_TITLE = { 'barrister' } } },
    { name = 'a name that starts like a title', envelope = env, text = msg{ from = 'Drew Barrymore <drew@example.org>' },
      forbid = { 'FROM_NAME_HAS_TITLE' } },
    { name = 'brand in the display name, address elsewhere', envelope = env,
      text = msg{ from = '"PayPal Service" <service@secure-login.example>' },
      expect = { 'FROM_BRAND_MISMATCH' } },
    { name = 'brand on its own domain', envelope = env,
      text = msg{ from = '"PayPal" <service@intl.paypal.com>' }, forbid = { 'FROM_BRAND_MISMATCH' } },
    { name = 'a word containing a brand is not the brand', envelope = env,
      text = msg{ from = '"Pineapple Studio" <hi@studio.example>' }, forbid = { 'FROM_BRAND_MISMATCH' } },

    -- Recipients -----------------------------------------------------------------------------
    { name = 'no recipient display names', envelope = env, text = msg{ to = 'hanako@example.net' },
      expect = { 'TO_DN_NONE' }, forbid = { 'TO_DN_ALL' } },
    { name = 'some recipient display names', envelope = env,
      text = msg{ to = 'Hanako Sato <hanako@example.net>, jiro@example.net' }, expect = { 'TO_DN_SOME' } },
    { name = 'display name copied from the local part', envelope = env,
      text = msg{ to = '"hanako" <hanako@example.net>' }, expect = { 'TO_DN_LOCALPART' } },
    { name = 'a first name that is also the local part', envelope = env,
      text = msg{ to = 'Hanako <hanako@example.net>' }, forbid = { 'TO_DN_LOCALPART' } },
    { name = 'a list named after its address', envelope = env,
      text = msg{ to = 'ilug <ilug@linux.example>', extra = 'List-Id: <ilug.linux.example>\r\n' },
      expect = { 'MAILLIST' }, forbid = { 'TO_DN_LOCALPART' } },
    { name = 'display name is the address', envelope = env,
      text = msg{ to = '"hanako@example.net" <hanako@example.net>' }, expect = { 'TO_DN_EQ_ADDR' } },
    { name = 'undisclosed recipients', envelope = env, text = msg{ to = 'undisclosed-recipients:;' },
      expect = { 'R_UNDISC_RCPT' } },
    { name = 'a named group with members is not undisclosed', envelope = env,
      text = msg{ to = 'Team: hanako@example.net, jiro@example.net;' }, forbid = { 'R_UNDISC_RCPT' } },
    { name = 'harvested list in alphabetical order', envelope = env,
      text = msg{ to = 'postmaster@aaa.example, postmaster@bbb.example, postmaster@ccc.example, ' ..
                       'postmaster@ddd.example, postmaster@eee.example' },
      expect = { 'TO_SORTED', 'TO_SAME_LOCALPART' } },
    { name = 'colleagues in the order they were typed', envelope = env,
      text = msg{ to = 'zoe@example.net, adam@example.net, mia@example.net, ben@example.net, lea@example.net' },
      forbid = { 'TO_SORTED', 'TO_SAME_LOCALPART' } },

    -- Reply-To ---------------------------------------------------------------------------------
    { name = 'replies to another organisation', envelope = env,
      text = msg{ extra = 'Reply-To: <claims@other.example>\r\n' }, expect = { 'REPLYTO_DOM_NEQ_FROM_DOM' } },
    { name = 'replies to another host of the same organisation', envelope = env,
      text = msg{ extra = 'Reply-To: <support@help.example.jp>\r\n' }, forbid = { 'REPLYTO_DOM_NEQ_FROM_DOM' } },
    { name = 'replies to the recipient', envelope = env,
      text = msg{ extra = 'Reply-To: hanako@example.net\r\n' }, expect = { 'REPLYTO_EQ_TO_ADDR' } },
    { name = 'a list that takes the replies', envelope = env,
      text = msg{ to = 'ports-jp@jp.example.org',
                  extra = 'Reply-To: ports-jp@jp.example.org\r\nSender: owner-ports-jp@jp.example.org\r\nPrecedence: list\r\n' },
      expect = { 'MAILLIST' }, forbid = { 'REPLYTO_EQ_TO_ADDR', 'REPLYTO_DOM_NEQ_FROM_DOM' } },
  },
}
