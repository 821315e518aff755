-- Content regexp rules (rules/content.lua): one Hyperscan class scan per message.
local function text(body)
  return 'From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\n' ..
    'Message-ID: <c1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' .. body .. '\r\n'
end

return {
  cases = {
    { name = 'pharmacy spam', text = text('Buy VIAGRA and Cialis online, no prescription'),
      expect = { 'DRUGS_ERECTILE' } },
    { name = 'words inside other words do not count', text = text('the viagrafalls hotel'),
      forbid = { 'DRUGS_ERECTILE' } },
    { name = 'advance fee', text = text('I am the next of kin of a deceased client who left ' ..
        'an inheritance of 10 million US dollars.'), expect = { 'ADVANCE_FEE' } },
    { name = 'one fee phrase alone is not enough', text = text('My inheritance from grandma.'),
      forbid = { 'ADVANCE_FEE' } },
    { name = 'bitcoin address', text = text('pay to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 today'),
      expect = { 'BITCOIN_ADDR' } },
    { name = 'extortion', text = text('I have access to your device and recorded you. ' ..
        'Send 0.1 BTC to my wallet.'), expect = { 'EXTORTION_PHRASES' } },
    { name = 'lottery', text = text('Congratulations, you have won the grand prize!'),
      expect = { 'LOTTO_WINNER' } },
    { name = 'verification lure', text = text('Please verify your account now or it will be ' ..
        'suspended within 24 hours.'), expect = { 'ACCOUNT_VERIFY_LURE' } },
    { name = 'a normal note matches nothing', text = text('Lunch at noon? The usual place.'),
      forbid = { 'DRUGS_ERECTILE', 'ADVANCE_FEE', 'BITCOIN_ADDR', 'EXTORTION_PHRASES',
                 'LOTTO_WINNER', 'ACCOUNT_VERIFY_LURE' } },
  },
}
