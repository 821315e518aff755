-- Free-mail rules (rules/freemail.lua).
local function msg(from, reply_to)
  return 'From: ' .. from .. '\r\nTo: b@example.net\r\nSubject: hi\r\n' ..
    (reply_to and ('Reply-To: ' .. reply_to .. '\r\n') or '') ..
    'Message-ID: <f1@example.org>\r\n\r\nbody\r\n'
end

return {
  cases = {
    { name = 'company sender', text = msg('a@example.org'),
      forbid = { 'FREEMAIL_FROM', 'FREEMAIL_REPLYTO', 'FREEMAIL_REPLYTO_NEQ_FROM_DOM' } },
    { name = 'free-mail sender', text = msg('someone@gmail.com'), expect = { 'FREEMAIL_FROM' } },
    { name = 'replies to another free-mail domain',
      text = msg('ceo@example.org', '<ceo.private@outlook.com>'),
      expect = { 'FREEMAIL_REPLYTO', 'FREEMAIL_REPLYTO_NEQ_FROM_DOM' } },
    { name = 'replies to the same free-mail domain',
      text = msg('me@gmail.com', 'me2@gmail.com'),
      expect = { 'FREEMAIL_FROM', 'FREEMAIL_REPLYTO' }, forbid = { 'FREEMAIL_REPLYTO_NEQ_FROM_DOM' } },
  },
}
