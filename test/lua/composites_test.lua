-- The shipped composites (conf/mailward.toml [composites.*]): each fires when its parts meet
-- and stays off when one part is missing; parts keep their own scores (policy "leave").
local env = { time = 1795742400 }
local DATE = 'Date: Fri, 27 Nov 2026 10:15:00 +0900\r\n'
local OE6 = 'X-Mailer: Microsoft Outlook Express 6.00.2900.2180\r\n' ..
  'X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.2180\r\n'

local function msg(h, body, ctype)
  return h .. DATE .. 'MIME-Version: 1.0\r\n' ..
    (ctype or 'Content-Type: text/plain; charset=utf-8\r\n') .. '\r\n' .. (body or 'Hello.') .. '\r\n'
end

local FRAUD = 'I need a foreign partner to receive the sum of US$12,500,000 left by a deceased client ' ..
  'with no next of kin. Treat this as strictly confidential.'
local LURE = 'Your account has been suspended. Confirm your identity within 24 hours.'

return {
  cases = {
    { name = 'forged mailer to undisclosed recipients', envelope = env,
      text = msg('From: Sales <sales@example.org>\r\nTo: undisclosed-recipients:;\r\nSubject: offer\r\n' ..
                 'Message-ID: <20261127.x@example.org>\r\n' .. OE6),
      expect = { 'RATWARE_MASS_ADDRESSED', 'FORGED_MUA_OUTLOOK', 'R_UNDISC_RCPT' } },
    { name = 'a real mailer to undisclosed recipients', envelope = env,
      text = msg('From: Sales <sales@example.org>\r\nTo: undisclosed-recipients:;\r\nSubject: offer\r\n' ..
                 'Message-ID: <000801dd7e0c$b9080200$0200a8c0@homepc>\r\n' .. OE6),
      expect = { 'R_UNDISC_RCPT' }, forbid = { 'RATWARE_MASS_ADDRESSED' } },

    { name = 'fraud text with a free-mail reply address', envelope = env,
      text = msg('From: "Dr. Ibrahim Musa" <ib.musa@gmail.com>\r\nTo: you@example.net\r\nSubject: Assist\r\n' ..
                 'Message-ID: <a1@mail.gmail.com>\r\nReply-To: musa.private@yahoo.com\r\n', FRAUD),
      expect = { 'FREEMAIL_REPLYTO_FRAUD', 'FRAUD_TITLE_FREEMAIL', 'FRAUD_PHRASES' } },
    { name = 'fraud text without the free-mail reply or the title', envelope = env,
      text = msg('From: Ibrahim Musa <ib@lawfirm.example>\r\nTo: you@example.net\r\nSubject: Assist\r\n' ..
                 'Message-ID: <a1@lawfirm.example>\r\n', FRAUD),
      expect = { 'FRAUD_PHRASES' }, forbid = { 'FREEMAIL_REPLYTO_FRAUD', 'FRAUD_TITLE_FREEMAIL' } },

    { name = 'brand display name with a lure', envelope = env,
      text = msg('From: "PayPal" <alert@secure-pay.example>\r\nTo: you@example.net\r\nSubject: limited\r\n' ..
                 'Message-ID: <a2@secure-pay.example>\r\n', LURE),
      expect = { 'PHISH_BRAND_SPOOF', 'FROM_BRAND_MISMATCH', 'PHISH_PHRASES' } },
    { name = 'brand display name with ordinary text', envelope = env,
      text = msg('From: "PayPal" <alert@secure-pay.example>\r\nTo: you@example.net\r\nSubject: hi\r\n' ..
                 'Message-ID: <a2@secure-pay.example>\r\n', 'Thanks for your order.'),
      expect = { 'FROM_BRAND_MISMATCH' }, forbid = { 'PHISH_BRAND_SPOOF' } },

    { name = 'a brand name on a free-mail address', envelope = env,
      text = msg('From: "DHL Express" <dhl.alerts77@hotmail.com>\r\nTo: you@example.net\r\nSubject: parcel\r\n' ..
                 'Message-ID: <a2b@hotmail.com>\r\n', 'Your parcel is waiting.'),
      expect = { 'BRAND_ON_FREEMAIL', 'FROM_BRAND_MISMATCH', 'FREEMAIL_FROM' } },
    { name = 'a person on a free-mail address', envelope = env,
      text = msg('From: "Dana Hill" <dana.hill@hotmail.com>\r\nTo: you@example.net\r\nSubject: parcel\r\n' ..
                 'Message-ID: <a2b@hotmail.com>\r\n', 'Your parcel is waiting.'),
      expect = { 'FREEMAIL_FROM' }, forbid = { 'BRAND_ON_FREEMAIL' } },
    { name = 'hidden link destination with a lure, sent by a script', envelope = env,
      text = msg('From: Support <support@bank.example>\r\nTo: you@example.net\r\nSubject: notice\r\n' ..
                 'Message-ID: <a3@host.example>\r\nX-PHP-Originating-Script: 33:mail.php\r\n',
                 '<p>' .. LURE .. '</p><a href="http://evil-host.net/x">https://www.mybank.com/login</a>',
                 'Content-Type: text/html; charset=utf-8\r\n'),
      expect = { 'PHISH_LINK_LURE', 'PHISH_SCRIPT_SENDER', 'PHISHING' } },
    { name = 'a script sending an ordinary notice', envelope = env,
      text = msg('From: Shop <orders@shop.example>\r\nTo: you@example.net\r\nSubject: order\r\n' ..
                 'Message-ID: <a3@shop.example>\r\nX-PHP-Originating-Script: 33:mail.php\r\n', 'Your order shipped.'),
      expect = { 'HAS_X_PHP_SCRIPT' }, forbid = { 'PHISH_SCRIPT_SENDER', 'PHISH_LINK_LURE' } },

    { name = 'executable from an anonymous sender', envelope = env,
      text = 'From: accounts@billing.example\r\nTo: you@example.net\r\nSubject: Invoice\r\n' ..
        'Message-ID: <a4@billing.example>\r\n' .. DATE .. 'MIME-Version: 1.0\r\n' ..
        'Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n' ..
        '--m\r\nContent-Type: application/octet-stream; name="Invoice.pdf.exe"\r\n' ..
        'Content-Disposition: attachment; filename="Invoice.pdf.exe"\r\nContent-Transfer-Encoding: base64\r\n\r\n' ..
        'TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n--m--\r\n',
      expect = { 'MALWARE_LURE', 'FROM_NO_DN' } },
    { name = 'a harmless attachment from the same sender', envelope = env,
      text = 'From: accounts@billing.example\r\nTo: you@example.net\r\nSubject: Invoice\r\n' ..
        'Message-ID: <a4@billing.example>\r\n' .. DATE .. 'MIME-Version: 1.0\r\n' ..
        'Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n' ..
        '--m\r\nContent-Type: application/pdf; name="Invoice.pdf"\r\n' ..
        'Content-Disposition: attachment; filename="Invoice.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n' ..
        'JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZSAvQ2F0YWxvZz4+CmVuZG9iago=\r\n--m--\r\n',
      forbid = { 'MALWARE_LURE' } },

    { name = 'bitcoin address sent to oneself', envelope = env,
      text = msg('From: you@example.net\r\nTo: you@example.net\r\nSubject: pay\r\nMessage-ID: <a5@example.net>\r\n',
                 'Send the money to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq today.'),
      expect = { 'SEXTORTION', 'BITCOIN_ADDR', 'TO_EQ_FROM' } },
    { name = 'a bitcoin address in a normal message', envelope = env,
      text = msg('From: Bob <bob@example.org>\r\nTo: you@example.net\r\nSubject: pay\r\nMessage-ID: <a5@example.org>\r\n',
                 'My donation address is bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq if you want one.'),
      expect = { 'BITCOIN_ADDR' }, forbid = { 'SEXTORTION' } },

    { name = 'hidden text in HTML-only mail, pictures, no newsletter marks', envelope = env,
      text = msg('From: Deals <d@deals.example>\r\nTo: you@example.net\r\nSubject: hi\r\nMessage-ID: <a6@deals.example>\r\n',
                 '<a href="http://deals.example/x"><img src="http://deals.example/i.png"></a>' ..
                 '<font color="#ffffff">' .. string.rep('garden ocean wisdom ', 10) .. '</font>',
                 'Content-Type: text/html; charset=utf-8\r\n'),
      expect = { 'HIDDEN_TEXT_HTML_ONLY', 'IMAGE_SPAM', 'R_WHITE_ON_WHITE', 'HTML_IMAGE_ONLY' } },
    { name = 'a picture newsletter with an unsubscribe link', envelope = env,
      text = msg('From: Deals <d@deals.example>\r\nTo: you@example.net\r\nSubject: hi\r\nMessage-ID: <a6@deals.example>\r\n' ..
                 'List-Unsubscribe: <mailto:u@deals.example>\r\n',
                 '<a href="http://deals.example/x"><img src="http://deals.example/i.png"></a>',
                 'Content-Type: text/html; charset=utf-8\r\n'),
      expect = { 'HTML_IMAGE_ONLY' }, forbid = { 'IMAGE_SPAM', 'HIDDEN_TEXT_HTML_ONLY' } },

    { name = 'advertising from a bulk mailer', envelope = env,
      text = msg('From: Offers <o@offers.example>\r\nTo: you@example.net\r\nSubject: ADV: new house\r\n' ..
                 'Message-ID: <a7@offers.example>\r\nX-Mailer: Group Mail [version 4.0.3]\r\n'),
      expect = { 'BULK_AD_RATWARE', 'SUBJ_ADV_TAG', 'RATWARE_MAILER' } },
    { name = 'an advertising tag from an ordinary mailer', envelope = env,
      text = msg('From: Offers <o@offers.example>\r\nTo: you@example.net\r\nSubject: ADV: new house\r\n' ..
                 'Message-ID: <a7@offers.example>\r\n'),
      expect = { 'SUBJ_ADV_TAG' }, forbid = { 'BULK_AD_RATWARE' } },

    { name = 'replies elsewhere, recipients hidden', envelope = env,
      text = msg('From: Claims <claims@lotto.example>\r\nTo: undisclosed-recipients:;\r\nSubject: win\r\n' ..
                 'Message-ID: <a8@lotto.example>\r\nReply-To: agent@other.example\r\n'),
      expect = { 'REPLYTO_ELSEWHERE_UNDISC' } },
    { name = 'replies elsewhere to a named recipient', envelope = env,
      text = msg('From: Claims <claims@lotto.example>\r\nTo: Hanako <hanako@example.net>\r\nSubject: win\r\n' ..
                 'Message-ID: <a8@lotto.example>\r\nReply-To: agent@other.example\r\n'),
      expect = { 'REPLYTO_DOM_NEQ_FROM_DOM' }, forbid = { 'REPLYTO_ELSEWHERE_UNDISC' } },

    { name = 'a fake reply from a forged mailer', envelope = env,
      text = msg('From: Sales <sales@example.org>\r\nTo: you@example.net\r\nSubject: Re: your order\r\n' ..
                 'Message-ID: <20261127.x@example.org>\r\n' .. OE6),
      expect = { 'FAKE_REPLY_RATWARE', 'FAKE_REPLY' } },
    { name = 'a hand-typed Re: from a real mailer', envelope = env,
      text = msg('From: Sales <sales@example.org>\r\nTo: you@example.net\r\nSubject: Re: your order\r\n' ..
                 'Message-ID: <000001dd7e0c$b9080200$6a1b2c3d$@example.org>\r\n' ..
                 'X-Mailer: Microsoft Outlook 16.0\r\nThread-Index: AQHZwaIbLD1A==\r\n'),
      expect = { 'FAKE_REPLY' }, forbid = { 'FAKE_REPLY_RATWARE' } },

    { name = 'mailing-list traffic from an ordinary mailer', envelope = env,
      text = msg('From: Bob <bob@example.org>\r\nTo: users@lists.example.org\r\nSubject: build\r\n' ..
                 'Message-ID: <a9@example.org>\r\nList-Id: <users.lists.example.org>\r\n'),
      expect = { 'LIST_CLEAN', 'MAILLIST' } },
    { name = 'list headers on forged mail do not help', envelope = env,
      text = msg('From: Bob <bob@example.org>\r\nTo: users@lists.example.org\r\nSubject: build\r\n' ..
                 'Message-ID: <20261127.x@example.org>\r\nList-Id: <users.lists.example.org>\r\n' .. OE6),
      expect = { 'MAILLIST' }, forbid = { 'LIST_CLEAN' } },
  },
}
