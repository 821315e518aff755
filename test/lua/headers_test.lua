-- Header rules (rules/headers.lua).
local base_headers = 'From: Taro <taro@example.jp>\r\nTo: hanako@example.net\r\n' ..
  'Subject: hello\r\nDate: Fri, 27 Nov 2026 10:15:00 +0900\r\n' ..
  'Message-ID: <abc123@mail.example.jp>\r\nMIME-Version: 1.0\r\n' ..
  'Received: from pc1 by mail.example.jp; Fri, 27 Nov 2026 10:15:01 +0900\r\n'
local body = '\r\nHello.\r\n'
local env = { time = 1795741200 }  -- 2026-11-27T01:00:00Z, just after the Date above

local function msg(extra_headers, drop)
  local h = base_headers
  for _, d in ipairs(drop or {}) do
    h = h:gsub(d .. ':[^\r]*\r\n', '')
  end
  return h .. (extra_headers or '') .. body
end

return {
  cases = {
    { name = 'a clean message has no header findings', text = msg(), envelope = env,
      forbid = { 'MISSING_MID', 'MISSING_DATE', 'DATE_IN_FUTURE', 'DATE_IN_PAST',
                 'INVALID_DATE', 'MISSING_FROM', 'MISSING_TO', 'MISSING_SUBJECT',
                 'MULTIPLE_UNIQUE_HEADERS', 'FROM_NEQ_DISPLAY_NAME', 'FAKE_REPLY',
                 'RCVD_COUNT_ZERO', 'MID_RHS_NOT_FQDN', 'MID_MISSING_BRACKETS' } },
    { name = 'missing Message-ID', text = msg(nil, { 'Message%-ID' }), envelope = env,
      expect = { 'MISSING_MID' } },
    { name = 'Message-ID without brackets', text = msg('', { 'Message%-ID' }) ..
        '', envelope = env, forbid = { 'MID_MISSING_BRACKETS' } },
    { name = 'Message-ID without brackets is flagged',
      text = msg('Message-ID: abc@mail.example.jp\r\n', { 'Message%-ID' }), envelope = env,
      expect = { 'MID_MISSING_BRACKETS' } },
    { name = 'Message-ID right side not a domain',
      text = msg('Message-ID: <12345@localhost>\r\n', { 'Message%-ID' }), envelope = env,
      expect = { 'MID_RHS_NOT_FQDN' } },
    { name = 'missing Date', text = msg(nil, { 'Date' }), envelope = env,
      expect = { 'MISSING_DATE' } },
    { name = 'Date in the future', text = msg('Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n',
        { 'Date' }), envelope = env, expect = { 'DATE_IN_FUTURE' } },
    { name = 'Date far in the past', text = msg('Date: Mon, 02 Jan 2023 10:00:00 +0000\r\n',
        { 'Date' }), envelope = env, expect = { 'DATE_IN_PAST' } },
    { name = 'Date that does not parse', text = msg('Date: sometime last week\r\n', { 'Date' }),
      envelope = env, expect = { 'INVALID_DATE' }, forbid = { 'DATE_IN_PAST' } },
    { name = 'missing From', text = msg(nil, { 'From' }), envelope = env,
      expect = { 'MISSING_FROM' } },
    { name = 'From with two addresses',
      text = msg('From: a@example.org, b@example.org\r\n', { 'From' }), envelope = env,
      expect = { 'MULTIPLE_FROM' } },
    { name = 'missing To', text = msg(nil, { 'To' }), envelope = env, expect = { 'MISSING_TO' } },
    { name = 'missing Subject', text = msg(nil, { 'Subject' }), envelope = env,
      expect = { 'MISSING_SUBJECT' } },
    { name = 'empty Subject', text = msg('Subject: \r\n', { 'Subject' }), envelope = env,
      expect = { 'EMPTY_SUBJECT' }, forbid = { 'MISSING_SUBJECT' } },
    { name = 'duplicate Subject and Message-ID',
      text = msg('Subject: again\r\nMessage-ID: <x@example.jp>\r\n'), envelope = env,
      expect = { 'MULTIPLE_UNIQUE_HEADERS' },
      options = { MULTIPLE_UNIQUE_HEADERS = { 'Subject', 'Message-ID' } } },
    { name = 'To equals From', text = msg('To: taro@example.jp\r\n', { 'To' }), envelope = env,
      expect = { 'TO_EQ_FROM' } },
    { name = 'display name showing another address',
      text = msg('From: "service@paypal.com" <x9@evil.example>\r\n', { 'From' }), envelope = env,
      expect = { 'FROM_NEQ_DISPLAY_NAME' }, options = { FROM_NEQ_DISPLAY_NAME = { 'service@paypal.com' } } },
    { name = 'display name with the same address is fine',
      text = msg('From: "taro@example.jp" <taro@example.jp>\r\n', { 'From' }), envelope = env,
      forbid = { 'FROM_NEQ_DISPLAY_NAME' } },
    { name = 'Reply-To elsewhere', text = msg('Reply-To: <back@other.example>\r\n'), envelope = env,
      expect = { 'REPLYTO_DOM_NEQ_FROM_DOM' } },
    { name = 'fake reply', text = msg('Subject: Re: your invoice\r\n', { 'Subject' }), envelope = env,
      expect = { 'FAKE_REPLY' } },
    { name = 'real reply', text = msg('Subject: Re: lunch\r\nIn-Reply-To: <p@example.net>\r\n',
        { 'Subject' }), envelope = env, forbid = { 'FAKE_REPLY' } },
    { name = 'no Received header', text = msg(nil, { 'Received' }), envelope = env,
      expect = { 'RCVD_COUNT_ZERO' } },
    { name = 'MIME without MIME-Version',
      text = msg('Content-Type: text/html; charset=utf-8\r\n', { 'MIME%-Version' }), envelope = env,
      expect = { 'MISSING_MIME_VERSION' } },
    { name = 'list mail', text = msg('List-Unsubscribe: <mailto:u@example.net>\r\nPrecedence: bulk\r\n'),
      envelope = env, expect = { 'HAS_LIST_UNSUB', 'PRECEDENCE_BULK' } },
    { name = 'forged Outlook', text = msg('X-Mailer: Microsoft Outlook 16.0\r\n'), envelope = env,
      expect = { 'FORGED_MUA_OUTLOOK' } },
    { name = 'genuine Outlook Message-ID',
      text = msg('X-Mailer: Microsoft Outlook 16.0\r\n' ..
        'Message-ID: <000001d9c1a2$5b8e4a10$12aade30$@example.jp>\r\n', { 'Message%-ID' }),
      envelope = env, forbid = { 'FORGED_MUA_OUTLOOK' } },
    { name = 'forged Thunderbird', text = msg('User-Agent: Mozilla Thunderbird 115\r\n'),
      envelope = env, expect = { 'FORGED_MUA_THUNDERBIRD' } },
    { name = 'genuine Thunderbird',
      text = msg('User-Agent: Mozilla Thunderbird 115\r\n' ..
        'Message-ID: <6a1b2c3d-1111-2222-3333-444455556666@example.jp>\r\n', { 'Message%-ID' }),
      envelope = env, forbid = { 'FORGED_MUA_THUNDERBIRD' } },
    { name = 'PHP script headers',
      text = msg('X-PHP-Originating-Script: 33:wp-mail.php\r\nX-Mailer: PHPMailer 6.8.0\r\n'),
      envelope = env, expect = { 'HAS_X_PHP_SCRIPT', 'HAS_PHPMAILER_SIG' } },
    { name = 'subject base64 although ASCII',
      text = msg('Subject: =?utf-8?B?V2luIGEgcHJpemU=?=\r\n', { 'Subject' }), envelope = env,
      expect = { 'SUBJ_EXCESS_BASE64' } },
    { name = 'subject QP although ASCII',
      text = msg('Subject: =?utf-8?Q?Win_a_prize?=\r\n', { 'Subject' }), envelope = env,
      expect = { 'SUBJ_EXCESS_QP' } },
    { name = 'subject encoded because it needs to be',
      text = msg('Subject: =?utf-8?B?44GT44KT44Gr44Gh44Gv?=\r\n', { 'Subject' }), envelope = env,
      forbid = { 'SUBJ_EXCESS_BASE64', 'SUBJ_EXCESS_QP' } },
    { name = 'From display name base64 although ASCII',
      text = msg('From: =?utf-8?B?UGF5UGFs?= <x@example.org>\r\n', { 'From' }), envelope = env,
      expect = { 'FROM_EXCESS_BASE64' } },
    { name = 'From display name QP although ASCII',
      text = msg('From: =?iso-8859-1?Q?Bank?= <x@example.org>\r\n', { 'From' }), envelope = env,
      expect = { 'FROM_EXCESS_QP' } },
    { name = 'To display name base64 although ASCII',
      text = msg('To: =?utf-8?B?RnJpZW5k?= <h@example.net>\r\n', { 'To' }), envelope = env,
      expect = { 'TO_EXCESS_BASE64' } },
    { name = 'To display name QP although ASCII',
      text = msg('To: =?utf-8?Q?Friend?= <h@example.net>\r\n', { 'To' }), envelope = env,
      expect = { 'TO_EXCESS_QP' } },
  },
}
