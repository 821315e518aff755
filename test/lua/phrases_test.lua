-- Phrase-count rules and subject tags (rules/phrases.lua): enough phrases of one kind fire,
-- one phrase in ordinary mail does not.
local env = { time = 1795742400 }

local function msg(body, subject)
  return 'From: Taro <taro@example.jp>\r\nTo: Hanako <hanako@example.net>\r\n' ..
    'Subject: ' .. (subject or 'hello') .. '\r\nDate: Fri, 27 Nov 2026 10:15:00 +0900\r\n' ..
    'Message-ID: <abc123@mail.example.jp>\r\nMIME-Version: 1.0\r\n' ..
    'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' .. body .. '\r\n'
end

return {
  cases = {
    { name = 'bill S. 1618', envelope = env,
      text = msg('This message is sent in compliance of the new e-mail bill: SECTION 301. Per Section 301, ' ..
                 'Paragraph (a)(2)(C) of S. 1618.'), expect = { 'BULK_BOILERPLATE' } },
    { name = 'remove instructions', envelope = env,
      text = msg('To be removed from our mailing list, reply with REMOVE in the subject line.'),
      expect = { 'BULK_BOILERPLATE' } },
    { name = 'a list footer explaining how to leave', envelope = env,
      text = msg('To unsubscribe, visit the list page or write to list-request@example.org.'),
      forbid = { 'BULK_BOILERPLATE' } },

    { name = 'hard sell', envelope = env,
      text = msg('CLICK HERE to order yours NOW! 100% satisfaction, no obligation, money-back guarantee. ' ..
                 'Limited time only.'), expect = { 'MARKETING_HYPE' } },
    { name = 'a newsletter with one call to action', envelope = env,
      text = msg('Our autumn catalogue is out. Click here to browse it; free shipping over 50 euros.'),
      forbid = { 'MARKETING_HYPE' } },

    { name = 'mortgage offer', envelope = env,
      text = msg('Refinance now! Lowest rates in years, bad credit is no problem.'), expect = { 'LOAN_DEBT_OFFER' } },
    { name = 'a bank letter about rates', envelope = env,
      text = msg('Our savings rates change on 1 December; the new rates are on our website.'),
      forbid = { 'LOAN_DEBT_OFFER' } },

    { name = 'pharmacy', envelope = env,
      text = msg('Buy Viagra and Xanax online, no prescription needed, discreet shipping.'), expect = { 'PHARMA_OFFER' } },
    { name = 'a discussion quoting one drug name', envelope = env,
      text = msg('Our filter now catches the viagra spam that slipped through last week.'),
      forbid = { 'PHARMA_OFFER' } },

    { name = 'stock promotion', envelope = env,
      text = msg('Investor alert: Nexus Minerals (Symbol: NXMC) is set to soar. Strong buy!'),
      expect = { 'STOCK_PROMO' } },
    { name = 'a company announcing its results', envelope = env,
      text = msg('Our shares trade on the main market; results are published on our investor pages.'),
      forbid = { 'STOCK_PROMO' } },

    { name = 'advance-fee letter', envelope = env,
      text = msg('I need a foreign partner to receive the sum of US$12,500,000 left by a late client ' ..
                 'with no next of kin.'), expect = { 'FRAUD_PHRASES' },
      forbid = { 'FRAUD_PHRASES_MANY' } },
    { name = 'a solicitor\'s ordinary letter', envelope = env,
      text = msg('Please find the signed lease attached; our barrister will be in touch next week.'),
      forbid = { 'FRAUD_PHRASES' } },

    { name = 'mailbox phishing', envelope = env,
      text = msg('Your mailbox quota is full. Validate your mailbox within 24 hours or it will be permanently deleted.'),
      expect = { 'PHISH_PHRASES' } },
    { name = 'a genuine security notice', envelope = env,
      text = msg('We noticed a new sign-in to your account. If this was you, there is nothing to do.'),
      forbid = { 'PHISH_PHRASES' } },

    { name = 'money-mule job', envelope = env,
      text = msg('Work only 2-3 hours a day as a payment processing agent. Receive payments from our clients ' ..
                 'and forward them via Western Union.'), expect = { 'JOB_SCAM' } },
    { name = 'an ordinary job advert', envelope = env,
      text = msg('We are hiring a remote position in our accounting team; please send your CV.'),
      forbid = { 'JOB_SCAM' } },

    { name = 'current product spam', envelope = env,
      text = msg('Doctors are stunned by this one weird trick: keto burn melts fat. Homeowners in your area ' ..
                 'qualify too.'), expect = { 'SCAM_PRODUCT' } },
    { name = 'a recipe newsletter mentioning keto', envelope = env,
      text = msg('This week: three keto-friendly soups and a lemon tart.'), forbid = { 'SCAM_PRODUCT' } },
    { name = 'a long advance-fee letter', envelope = env,
      text = msg('I am a barrister. My late client, deceased in a plane crash, left the sum of $12,000,000 and ' ..
                 'no next of kin. I need a foreign partner as beneficiary; 30% of the total sum is yours. ' ..
                 'This is strictly confidential and risk-free. God bless.'),
      expect = { 'FRAUD_PHRASES', 'FRAUD_PHRASES_MANY' } },
    { name = 'Korean advertising', envelope = env,
      text = msg('저금리 대출 상담 안내입니다. 수신을 원하지 않으시면 수신거부를 눌러주세요.'), expect = { 'FOREIGN_ADS' } },
    { name = 'Korean personal mail', envelope = env,
      text = msg('회의록을 첨부합니다. 확인 부탁드립니다.'), forbid = { 'FOREIGN_ADS' } },

    { name = 'ADV subject tag', envelope = env, text = msg('Hello.', 'ADV: Your new house'),
      expect = { 'SUBJ_ADV_TAG' } },
    { name = 'Korean advertising tag', envelope = env, text = msg('Hello.', '(광고) 최저가 대출 상담'),
      expect = { 'SUBJ_ADV_TAG' } },
    { name = 'a subject that merely mentions an advert', envelope = env,
      text = msg('Hello.', 'Re: the advert for the flat'), forbid = { 'SUBJ_ADV_TAG' } },
    { name = 'subject padded to a tracking token', envelope = env,
      text = msg('Hello.', 'Your Vacation Winning !             35001'), expect = { 'SUBJ_PADDED_TOKEN' } },
    { name = 'a subject with a number', envelope = env,
      text = msg('Hello.', 'Invoice 35001 for October'), forbid = { 'SUBJ_PADDED_TOKEN' } },
  },
}
