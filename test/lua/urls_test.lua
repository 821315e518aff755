-- URL rules (rules/urls.lua).
local H = 'From: a@example.org\r\nTo: b@example.net\r\nSubject: t\r\nMessage-ID: <u1@example.org>\r\n'

local function text(body) return H .. 'Content-Type: text/plain\r\n\r\n' .. body .. '\r\n' end
local function html(body) return H .. 'Content-Type: text/html\r\n\r\n' .. body .. '\r\n' end

local many = {}
for i = 1, 12 do many[#many + 1] = 'http://site' .. i .. '-example.com/page' end

return {
  cases = {
    { name = 'ordinary link', text = text('Our menu: https://www.example.com/menu'),
      forbid = { 'HTTP_TO_IP', 'PHISHING', 'URL_SHORTENER', 'R_SUSPICIOUS_URL', 'URL_HAS_USER',
                 'URL_MANY_DOMAINS', 'URL_PUNYCODE' } },
    { name = 'numeric host', text = text('login at http://192.0.2.15/secure'),
      expect = { 'HTTP_TO_IP' }, options = { HTTP_TO_IP = { '192.0.2.15' } } },
    { name = 'decimal IP host is obfuscated', text = text('go http://3232235777/x'),
      expect = { 'HTTP_TO_IP', 'R_SUSPICIOUS_URL' } },
    { name = 'anchor shows another domain', text = html(
        '<a href="http://paypa1-secure.example.net/login">https://www.paypal.com/</a>'),
      expect = { 'PHISHING' } },
    { name = 'anchor shows the same domain', text = html(
        '<a href="https://www.example.com/a">www.example.com</a>'), forbid = { 'PHISHING' } },
    { name = 'anchor text that is not a URL', text = html(
        '<a href="https://tracking.example.net/c?id=1">Click here</a>'), forbid = { 'PHISHING' } },
    -- PHISHING compares organisations, not hosts (issue 12).
    { name = 'anchor shows another host of the same organisation', text = html(
        '<a href="http://click.news.example.co.uk/r?x=1">www.example.co.uk</a>'), forbid = { 'PHISHING' } },
    { name = 'the same name under another suffix', text = html(
        '<a href="https://www.amazon.co.uk/gp/x">amazon.com</a>'), forbid = { 'PHISHING' } },
    { name = 'a redirector is followed to its target', text = html(
        '<a href="http://rd.yahoo.com/M=1/*http://www.foo-shop.com/">http://www.foo-shop.com</a>'),
      forbid = { 'PHISHING' } },
    { name = 'a redirector to somewhere else', text = html(
        '<a href="https://www.google.com/url?q=http%3A%2F%2Fevil-login.example.net%2Fp">https://www.paypal.com/</a>'),
      expect = { 'PHISHING' }, options = { PHISHING = { 'www.paypal.com->www.google.com' } } },
    { name = 'a redirector with no target is not judged', text = html(
        '<a href="https://example.us3.list-manage.com/track/click?u=1&id=2">www.partner-shop.com</a>'),
      forbid = { 'PHISHING' } },
    { name = 'a click tracker carrying many links', text = html(
        '<a href="https://t.sender-mail.example/c/1">www.alpha-store.com</a>' ..
        '<a href="https://t.sender-mail.example/c/2">www.beta-store.com</a>' ..
        '<a href="https://t.sender-mail.example/c/3">www.gamma-store.com</a>' ..
        '<a href="https://t.sender-mail.example/c/4">Read more</a>'), forbid = { 'PHISHING' } },
    { name = 'a newsletter linking through its own domain', text = 'From: News <news@shop.example.org>\r\n' ..
        'To: b@example.net\r\nSubject: t\r\nMessage-ID: <u2@example.org>\r\n' ..
        'List-Unsubscribe: <mailto:u@example.org>\r\nContent-Type: text/html\r\n\r\n' ..
        '<a href="https://click.example.org/partner">www.partner-brand.com</a>\r\n', forbid = { 'PHISHING' } },
    { name = 'anchor text with a dotted word that is no domain', text = html(
        '<a href="https://www.example.com/a">Section.Intro</a>'), forbid = { 'PHISHING' } },
    { name = 'shortener', text = text('see https://bit.ly/3xYz12'), expect = { 'URL_SHORTENER' } },
    { name = 'user info before the host', text = text('http://www.bank.example@evil.example/'),
      expect = { 'URL_HAS_USER' } },
    { name = 'many domains', text = text(table.concat(many, '\r\n')), expect = { 'URL_MANY_DOMAINS' } },
    { name = 'punycode host', text = text('http://xn--e1afmkfd.xn--p1ai/'), expect = { 'URL_PUNYCODE' } },
    { name = 'onion host', text = text('http://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/'),
      expect = { 'HAS_ONION_URI' } },
    { name = 'data URI image', text = html('<img src="data:image/png;base64,iVBORw0KGgo=">'),
      expect = { 'HAS_DATA_URI' } },
  },
}
