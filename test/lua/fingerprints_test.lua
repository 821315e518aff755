-- Mail-program fingerprints (rules/fingerprints.lua): each symbol fires on the forgery and
-- stays quiet on what the real program writes.
local env = { time = 1795742400 }  -- 2026-11-27T01:20:00Z, five minutes after the Date below
local DATE = 'Date: Fri, 27 Nov 2026 10:15:00 +0900\r\n'
-- The FILETIME of 2026-11-27T01:15:00Z is 0x01dd7e0c:b9080200.
local OE_MID = '<000801dd7e0c$b9080200$0200a8c0@homepc>'
local OL_MID = '<000001dd7e0c$b9080200$6a1b2c3d$@example.jp>'
local OE6 = 'X-Mailer: Microsoft Outlook Express 6.00.2900.2180\r\n' ..
  'X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.2180\r\n'

local function msg(headers, opts)
  opts = opts or {}
  local h = 'From: ' .. (opts.from or 'Taro Yamada <taro@example.jp>') .. '\r\n' ..
    'To: ' .. (opts.to or 'Hanako <hanako@example.net>') .. '\r\n' ..
    'Subject: ' .. (opts.subject or 'hello') .. '\r\n' .. (opts.date or DATE)
  if opts.mid ~= false then h = h .. 'Message-ID: ' .. (opts.mid or '<abc123@mail.example.jp>') .. '\r\n' end
  h = h .. 'MIME-Version: 1.0\r\n' .. (headers or '')
  local ctype = opts.ctype or 'Content-Type: text/plain; charset="us-ascii"\r\n'
  return h .. ctype .. '\r\n' .. (opts.body or 'Hello there.\r\n')
end

local ALT = 'Content-Type: multipart/alternative;\r\n\tboundary="----=_NextPart_000_0004_01DD7E0C.B9080200"\r\n'
local ALT_BODY = '------=_NextPart_000_0004_01DD7E0C.B9080200\r\nContent-Type: text/plain; charset="us-ascii"\r\n\r\nHi\r\n' ..
  '------=_NextPart_000_0004_01DD7E0C.B9080200\r\nContent-Type: text/html; charset="us-ascii"\r\n\r\n<p>Hi</p>\r\n' ..
  '------=_NextPart_000_0004_01DD7E0C.B9080200--\r\n'

return {
  cases = {
    -- Outlook Express ------------------------------------------------------------------
    { name = 'genuine Outlook Express 6', envelope = env,
      text = msg(OE6 .. 'X-Priority: 3\r\nX-MSMail-Priority: Normal\r\n', { mid = OE_MID, ctype = ALT, body = ALT_BODY }),
      expect = { 'HAS_X_PRIO_THREE' },
      forbid = { 'FORGED_MUA_OUTLOOK', 'MISSING_MIMEOLE', 'XM_MS_MALFORMED', 'RATWARE_MS_HASH',
                 'MID_MS_TIME_FORGED', 'MS_BOUNDARY_FORGED', 'X_PRIO_MISMATCH',
                 'FORGED_OUTLOOK_HTML' } },
    { name = 'Outlook Express headers with a Message-ID of another shape', envelope = env,
      text = msg(OE6, { mid = '<20261127011500.ABCDE@example.jp>' }),
      expect = { 'FORGED_MUA_OUTLOOK' }, options = { FORGED_MUA_OUTLOOK = { 'Message-ID' } } },
    { name = 'Outlook Express without X-MimeOLE', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook Express 6.00.2900.2180\r\n', { mid = OE_MID }),
      expect = { 'MISSING_MIMEOLE' }, forbid = { 'FORGED_MUA_OUTLOOK' } },
    { name = 'Outlook Express with the MimeOLE of another version', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook Express 6.00.2600.0000\r\n' ..
                 'X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.2180\r\n', { mid = OE_MID }),
      expect = { 'FORGED_MUA_OUTLOOK' }, options = { FORGED_MUA_OUTLOOK = { 'MimeOLE version' } } },
    { name = 'Outlook Express 4 wrote the MimeOLE library version', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook Express 4.72.3110.5\r\n' ..
                 'X-MimeOLE: Produced By Microsoft MimeOLE V4.72.3110.3\r\n',
                 { mid = OE_MID, date = 'Date: Mon, 10 Jun 2002 00:52:45 +0200\r\n' }),
      forbid = { 'FORGED_MUA_OUTLOOK', 'XM_MS_MALFORMED' } },
    { name = 'Outlook Express version in a form Microsoft never wrote', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook Express 6.0\r\nX-MimeOLE: Produced By Microsoft MimeOLE V6.0\r\n',
                 { mid = OE_MID }),
      expect = { 'XM_MS_MALFORMED' } },
    { name = 'Outlook Express in 2026 is a copied string', envelope = env,
      text = msg(OE6, { mid = OE_MID }), expect = { 'OLD_X_MAILER' } },
    { name = 'Outlook Express in 2002 is not old',
      envelope = { time = 1034080800 },
      text = msg('X-Mailer: Microsoft Outlook Express 6.00.2600.0000\r\n' ..
                 'X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2600.0000\r\n',
                 { mid = '<000801c26ec7$1b939800$0200a8c0@homepc>',
                   date = 'Date: Tue, 8 Oct 2002 14:34:56 +0200\r\n' }),
      forbid = { 'OLD_X_MAILER', 'MID_MS_TIME_FORGED', 'FORGED_MUA_OUTLOOK' } },
    { name = 'Outlook Express sending HTML alone', envelope = env,
      text = msg(OE6, { mid = OE_MID, ctype = 'Content-Type: text/html; charset="iso-8859-1"\r\n',
                        body = '<html><body>Hi</body></html>\r\n' }),
      expect = { 'FORGED_OUTLOOK_HTML' } },

    -- Outlook ------------------------------------------------------------------------------
    { name = 'genuine Outlook 16', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook 16.0\r\nThread-Index: AQHZwaIbLD1A2b3c4d5e6f7g8h9i0j==\r\n',
                 { mid = OL_MID }),
      forbid = { 'FORGED_MUA_OUTLOOK', 'FORGED_OUTLOOK_THREAD', 'MISSING_MIMEOLE', 'OLD_X_MAILER',
                 'XM_MS_MALFORMED', 'RATWARE_MS_HASH' } },
    { name = 'Outlook through Microsoft 365 keeps the server\'s Message-ID', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook 16.0\r\nThread-Index: AQHZwaIbLD1A2b3c4d5e6f7g8h9i0j==\r\n',
                 { mid = '<AM9PR01MB1234ABCDEF0123456789ABCD@AM9PR01MB1234.eurprd01.prod.outlook.com>' }),
      forbid = { 'FORGED_MUA_OUTLOOK' } },
    { name = 'Outlook 16 without Thread-Index', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook 16.0\r\n', { mid = OL_MID }),
      expect = { 'FORGED_OUTLOOK_THREAD' }, forbid = { 'FORGED_MUA_OUTLOOK' } },
    { name = 'Outlook 2010 and later write no X-MimeOLE', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook 16.0\r\nThread-Index: AQHZ==\r\n' ..
                 'X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.2180\r\n', { mid = OL_MID }),
      expect = { 'FORGED_MUA_OUTLOOK' } },
    { name = 'Outlook 2003 without X-MimeOLE', envelope = env,
      text = msg('X-Mailer: Microsoft Office Outlook, Build 11.0.5510\r\nThread-Index: AcJHk==\r\n',
                 { mid = OL_MID }),
      expect = { 'MISSING_MIMEOLE' } },
    { name = 'Outlook name without the comma Outlook writes', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook Build 10.0.2627\r\n', { mid = OL_MID }),
      expect = { 'XM_MS_MALFORMED' } },
    { name = 'Outlook 16.0 is never old', envelope = env,
      text = msg('X-Mailer: Microsoft Outlook 16.0\r\nThread-Index: AQHZ==\r\n', { mid = OL_MID }),
      forbid = { 'OLD_X_MAILER' } },

    -- Outlook-shaped Message-IDs ------------------------------------------------------------
    { name = 'Outlook Message-ID without any Microsoft mailer', envelope = env,
      text = msg(nil, { mid = OE_MID }), expect = { 'RATWARE_MS_HASH' }, forbid = { 'MID_MS_TIME_FORGED' } },
    { name = 'Outlook Message-ID with a Windows Live Mail X-Mailer', envelope = env,
      text = msg('X-Mailer: Microsoft Windows Live Mail 16.4.3528.331\r\n', { mid = OE_MID }),
      forbid = { 'RATWARE_MS_HASH', 'FORGED_MUA_OUTLOOK' } },
    { name = 'Outlook Message-ID with an impossible time', envelope = env,
      text = msg(OE6, { mid = '<000042a071ee$00001aa9$00003e50@mx14.example.com>' }),
      expect = { 'MID_MS_TIME_FORGED' }, options = { MID_MS_TIME_FORGED = { 'impossible time' } } },
    { name = 'Outlook Message-ID from another year', envelope = env,
      text = msg(OE6, { mid = '<000801c26ec7$1b939800$0200a8c0@homepc>' }),
      expect = { 'MID_MS_TIME_FORGED' } },
    { name = 'Microsoft boundary with a time that is not the Date\'s', envelope = env,
      text = msg(OE6, { mid = OE_MID, body = ALT_BODY:gsub('01DD7E0C%.B9080200', '01C26EC7.1B939800'),
                        ctype = ALT:gsub('01DD7E0C%.B9080200', '01C26EC7.1B939800') }),
      expect = { 'MS_BOUNDARY_FORGED' } },

    -- Other programs -----------------------------------------------------------------------
    { name = 'Thunderbird as X-Mailer (it writes User-Agent)', envelope = env,
      text = msg('X-Mailer: Mozilla Thunderbird 115.6.0\r\n', { mid = '<6a1b2c3d-1111-2222-3333-444455556666@example.jp>' }),
      expect = { 'FORGED_MUA_THUNDERBIRD' } },
    { name = 'genuine old Thunderbird Message-ID', envelope = env,
      text = msg('User-Agent: Mozilla Thunderbird 1.0.2 (Windows/20050317)\r\n', { mid = '<424A5B6C.1234567@example.jp>' }),
      forbid = { 'FORGED_MUA_THUNDERBIRD' } },
    { name = 'Apple Mail with a lower-case Message-ID', envelope = env,
      text = msg('X-Mailer: Apple Mail (2.3774.300.61.1.2)\r\n', { mid = '<x1y2z3@example.jp>' }),
      expect = { 'FORGED_MUA_APPLEMAIL' } },
    { name = 'genuine Apple Mail', envelope = env,
      text = msg('X-Mailer: Apple Mail (2.3774.300.61.1.2)\r\n', { mid = '<8C7B6A5D-1234-4F56-9A8B-ABCDEF012345@example.jp>' }),
      forbid = { 'FORGED_MUA_APPLEMAIL' } },
    { name = 'The Bat! with a foreign Message-ID', envelope = env,
      text = msg('X-Mailer: The Bat! (v3.99.3) Professional\r\n', { mid = '<abc@example.jp>' }),
      expect = { 'FORGED_MUA_THEBAT' } },
    { name = 'genuine The Bat!', envelope = env,
      text = msg('X-Mailer: The Bat! (v3.99.3) Professional\r\n', { mid = '<1234567890.20261127101500@example.jp>' }),
      forbid = { 'FORGED_MUA_THEBAT' } },
    { name = 'Netscape 4 with a foreign Message-ID', envelope = env,
      text = msg('X-Mailer: Mozilla 4.76 [en] (Win98; U)\r\n', { mid = '<abc@example.jp>' }),
      expect = { 'FORGED_MUA_MOZILLA' } },
    { name = 'genuine Netscape 4', envelope = env,
      text = msg('X-Mailer: Mozilla 4.76 [en] (Win98; U)\r\n', { mid = '<3C8F2A5B.E6E5C4D3@example.jp>' }),
      forbid = { 'FORGED_MUA_MOZILLA' } },

    -- Free-mail Message-IDs --------------------------------------------------------------
    { name = 'Gmail address, no mail program, not Gmail\'s Message-ID', envelope = env,
      text = msg(nil, { from = 'Bob <bob.smith@gmail.com>', mid = '<20261127.ab12@gmail.com>' }),
      expect = { 'FREEMAIL_FORGED_MID' } },
    { name = 'Gmail web mail', envelope = env,
      text = msg('X-Gm-Message-State: AOJu0YwAbCdEf==\r\n',
                 { from = 'Bob <bob.smith@gmail.com>', mid = '<CAHx8Rg2b3c4D5e6F7g8h9i0J+kLmN@mail.gmail.com>' }),
      forbid = { 'FREEMAIL_FORGED_MID' } },
    { name = 'Gmail account in Thunderbird', envelope = env,
      text = msg('User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0\r\n',
                 { from = 'Bob <bob.smith@gmail.com>', mid = '<6a1b2c3d-1111-2222-3333-444455556666@gmail.com>' }),
      forbid = { 'FREEMAIL_FORGED_MID' } },
    { name = 'Yahoo address, no mail program, a bare yahoo.com Message-ID', envelope = env,
      text = msg(nil, { from = 'bangura803@yahoo.com', mid = '<3XTG6.H2NL8M5O589G.bangura803@yahoo.com>' }),
      expect = { 'FREEMAIL_FORGED_MID' } },
    { name = 'a Yahoo user posting through the Yahoo Groups web site', envelope = env,
      text = msg('Mailing-List: list forteana@yahoogroups.com; contact forteana-owner@yahoogroups.com\r\n',
                 { from = 'jo@yahoo.com', mid = '<ajtnfo+8o1v@eGroups.com>' }),
      forbid = { 'FREEMAIL_FORGED_MID' } },
    { name = 'a Hotmail address through Outlook.com', envelope = env,
      text = msg(nil, { from = 'kim@hotmail.com',
                        mid = '<DB9PR08MB2012E8FCC8730F91932534@DB9PR08MB2012.namprd14.prod.outlook.com>' }),
      forbid = { 'FREEMAIL_FORGED_MID' } },
    { name = 'Yahoo web mail of 2002', envelope = env,
      text = msg(nil, { from = 'jo@yahoo.com', mid = '<20021114014510.12345.qmail@web12345.mail.yahoo.com>' }),
      forbid = { 'FREEMAIL_FORGED_MID' } },

    -- Message-IDs naming the recipient --------------------------------------------------------
    { name = 'Message-ID with the recipient\'s domain', envelope = env,
      text = msg(nil, { mid = '<XJ2K4L5M6N@example.net>' }), expect = { 'MID_RHS_MATCH_TO' } },
    { name = 'Message-ID with the recipient\'s address', envelope = env,
      text = msg(nil, { mid = '<1234.hanako@example.net.x9@bulk.example.org>' }), expect = { 'MID_CONTAINS_TO' } },
    { name = 'newsletters may name the recipient', envelope = env,
      text = msg('List-Unsubscribe: <mailto:u@example.jp>\r\n', { mid = '<XJ2K4L5M6N@example.net>' }),
      forbid = { 'MID_RHS_MATCH_TO', 'MID_CONTAINS_TO' } },
    { name = 'Message-ID on an IP address', envelope = env,
      text = msg(nil, { mid = '<200210192141953.SM01220@217.125.101.38>' }), expect = { 'MID_RHS_IP' } },

    -- Priority headers -----------------------------------------------------------------------
    { name = 'highest priority', envelope = env,
      text = msg('X-Priority: 1 (Highest)\r\n'), expect = { 'HAS_X_PRIO_ONE' }, forbid = { 'X_PRIO_MISMATCH' } },
    { name = 'priorities that disagree', envelope = env,
      text = msg('X-Priority: 1\r\nX-MSMail-Priority: Normal\r\n'), expect = { 'X_PRIO_MISMATCH', 'HAS_X_PRIO_ONE' } },
    { name = 'Outlook Express writes a bare digit', envelope = env,
      text = msg(OE6 .. 'X-Priority: 3 (Normal)\r\nX-MSMail-Priority: Normal\r\n', { mid = OE_MID }),
      expect = { 'X_PRIO_MISMATCH' } },
    { name = 'Outlook writes "3 (Normal)"', envelope = env,
      text = msg('X-Mailer: Microsoft Office Outlook, Build 11.0.5510\r\nThread-Index: AcJ==\r\n' ..
                 'X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.2180\r\n' ..
                 'X-Priority: 3 (Normal)\r\nX-MSMail-Priority: Normal\r\n', { mid = OL_MID }),
      forbid = { 'X_PRIO_MISMATCH', 'MISSING_MIMEOLE' } },
    { name = 'lowest and high priorities', envelope = env,
      text = msg('X-Priority: 5\r\n'), expect = { 'HAS_X_PRIO_FIVE' } },
    { name = 'priority two', envelope = env,
      text = msg('X-Priority: 2 (High)\r\n'), expect = { 'HAS_X_PRIO_TWO' } },

    -- Declarative mailer rules -------------------------------------------------------------------
    { name = 'mass-mailing program', envelope = env,
      text = msg('X-Mailer: Advanced Mass Sender v 4.2\r\n'), expect = { 'RATWARE_MAILER' } },
    { name = 'an ordinary mailer is no mass mailer', envelope = env,
      text = msg('X-Mailer: Novell GroupWise Internet Agent 8.0.3 (bulk printing plug-in)\r\n'),
      forbid = { 'RATWARE_MAILER' } },
    { name = 'Windows CDO script', envelope = env,
      text = msg('X-Mailer: Microsoft CDO for Windows 2000\r\n'), expect = { 'XM_SCRIPT_CDO' } },
    { name = 'CDO named inside another mailer string', envelope = env,
      text = msg('X-Mailer: Produced with Microsoft CDO for Windows 2000 by Acme\r\n'),
      forbid = { 'XM_SCRIPT_CDO' } },
  },
}
