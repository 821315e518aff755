-- Data lists used by the shipped rules. Operators extend them through configuration
-- ([lists] in local.d), see rules that read `mailward_config:get_all_opt('lists')`.
local exports = {}

-- Free-mail providers (sender domains anyone can register an address at).
exports.freemail = {
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.jp', 'yahoo.co.uk', 'ymail.com',
  'hotmail.com', 'hotmail.co.uk', 'outlook.com', 'outlook.jp', 'live.com', 'msn.com',
  'aol.com', 'icloud.com', 'me.com', 'mac.com', 'mail.ru', 'yandex.ru', 'yandex.com',
  'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'protonmail.com', 'proton.me', 'zoho.com',
  'mail.com', 'inbox.ru', 'bk.ru', 'list.ru', 'rambler.ru', 'qq.com', '163.com', '126.com',
  'sina.com', 'naver.com', 'daum.net', 'hanmail.net', 'rediffmail.com', 'tutanota.com',
  'fastmail.com', 'laposte.net', 'orange.fr', 'free.fr', 'libero.it', 'seznam.cz',
  'wp.pl', 'o2.pl', 'interia.pl', 'ezweb.ne.jp', 'docomo.ne.jp', 'softbank.ne.jp',
}

-- URL shorteners and redirectors that hide the destination.
exports.shorteners = {
  'bit.ly', 'bitly.com', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'buff.ly',
  'rebrand.ly', 'cutt.ly', 'shorturl.at', 'rb.gy', 't.ly', 'tiny.cc', 'v.gd', 'x.co',
  'lnkd.in', 'bl.ink', 'short.io', 'soo.gd', 's.id', 'urlz.fr', 'qr.ae', 'adf.ly', 'tr.im',
  'shorte.st', 'clck.ru', 'u.to', 'tiny.one', 'bit.do',
}

-- Redirectors and click-tracking services (registrable domains): a link through one of them
-- says nothing about where it ends, so PHISHING follows the target in its query when there
-- is one and otherwise does not judge the link.
exports.redirectors = {
  -- search engines, social networks and mail-security link rewriting
  'google.com', 'youtube.com', 'facebook.com', 'linkedin.com', 'twitter.com', 'x.com',
  'outlook.com', 'proofpoint.com', 'urldefense.com', 'cudasvc.com', 'mimecast.com',
  'barracudanetworks.com', 'trendmicro.com', 'sophos.com', 'fireeye.com', 'safelinks.email',
  -- e-mail service providers' click tracking
  'list-manage.com', 'mcsv.net', 'mailchi.mp', 'sendgrid.net', 'awstrack.me', 'rs6.net',
  'hubspotlinks.com', 'hs-sites.com', 'klclick.com', 'klclick1.com', 'klclick2.com',
  'klclick3.com', 'mandrillapp.com', 'mailgun.org', 'sparkpostmail.com', 'spgo.io',
  'pstmrk.it', 'exacttarget.com', 'eloqua.com', 'mjt.lu', 'sendibt2.com', 'sendibt3.com',
  'sendibm1.com', 'aweber.com', 'icptrack.com', 'cmail19.com', 'cmail20.com',
  'createsend.com', 'createsend1.com', 'createsend2.com', 'createsend3.com',
  'createsend4.com', 'createsend5.com', 'convertkit-mail.com', 'convertkit-mail2.com',
  'emltrk.com', 'mktoweb.com', 'mkt.com', 'salesforce.com', 'substack.com', 'beehiiv.com',
  'customeriomail.com', 'intercom-clicks.com', 'zendesk.com', 'msgfocus.com', 'returnpath.net',
  -- advertising and affiliate networks (also in older newsletters)
  'doubleclick.net', 'linksynergy.com', 'qksrv.net', 'anrdoezrs.net', 'tkqlhce.com',
  'jdoqocy.com', 'dpbolvw.net', 'kqzyfj.com', 'awin1.com', 'cj.com', 'yahoo.com',
  'atdmt.com', 'bfast.com', 'cc-dt.com', 'e-dialog.com', 'digitalimpact.com',
  'constantcontact.com', 'lyris.net', 'topica.com', 'bmsend.com', 'rsys2.com', 'rsys3.com',
  'rsys4.com', 'rsys5.com', 'en25.com', 'bronto.com', 'ct.sendgrid.net',
}

-- Attachment extensions that run code on the recipient's machine.
exports.bad_extensions = {
  'exe', 'scr', 'com', 'pif', 'bat', 'cmd', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'hta',
  'jar', 'msi', 'msp', 'cpl', 'lnk', 'reg', 'ps1', 'psm1', 'scf', 'inf', 'gadget', 'application',
  'iso', 'img', 'vhd', 'vhdx', 'appx', 'msix', 'dll', 'sys', 'chm', 'url', 'xll', 'one',
}

-- Office formats that carry macros.
exports.macro_extensions = { 'docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'pptm', 'potm', 'ppam', 'sldm' }

-- Document extensions a double extension likes to pretend to be.
exports.decoy_extensions = {
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'rtf', 'jpg', 'jpeg', 'png',
  'gif', 'zip', 'htm', 'html', 'csv', 'odt',
}

-- Brands phishing names in From display names, with the tokens of their own domains
-- (rules/addresses.lua, FROM_BRAND_MISMATCH). `pattern` matches the lower-cased display name
-- with punctuation turned into spaces and a space at both ends.
exports.brands = {
  { name = 'PayPal', pattern = ' paypal ', domains = { 'paypal' } },
  { name = 'Apple', pattern = ' apple ', domains = { 'apple', 'icloud', 'itunes' } },
  { name = 'iCloud', pattern = ' icloud ', domains = { 'apple', 'icloud' } },
  { name = 'Microsoft', pattern = ' microsoft ', domains = { 'microsoft', 'office', 'outlook', 'live', 'msn', 'hotmail', 'skype', 'xbox', 'bing', 'linkedin', 'github' } },
  { name = 'Office 365', pattern = ' office ?365 ', domains = { 'microsoft', 'office', 'outlook' } },
  { name = 'Outlook', pattern = ' outlook ', domains = { 'microsoft', 'office', 'outlook', 'live', 'hotmail' } },
  { name = 'OneDrive', pattern = ' onedrive ', domains = { 'microsoft', 'onedrive', 'live', 'sharepoint' } },
  { name = 'SharePoint', pattern = ' sharepoint ', domains = { 'microsoft', 'sharepoint' } },
  { name = 'Amazon', pattern = ' amazon ', domains = { 'amazon', 'aws', 'audible', 'primevideo' } },
  { name = 'Netflix', pattern = ' netflix ', domains = { 'netflix' } },
  { name = 'DHL', pattern = ' dhl ', domains = { 'dhl', 'deutschepost' } },
  { name = 'FedEx', pattern = ' fedex ', domains = { 'fedex' } },
  { name = 'UPS', pattern = ' ups ', domains = { 'ups' } },
  { name = 'USPS', pattern = ' usps ', domains = { 'usps' } },
  { name = 'DocuSign', pattern = ' docusign ', domains = { 'docusign' } },
  { name = 'Dropbox', pattern = ' dropbox ', domains = { 'dropbox' } },
  { name = 'Google', pattern = ' google ', domains = { 'google', 'gmail', 'youtube' } },
  { name = 'Facebook', pattern = ' facebook ', domains = { 'facebook', 'fb', 'meta', 'instagram' } },
  { name = 'Instagram', pattern = ' instagram ', domains = { 'instagram', 'facebook', 'meta' } },
  { name = 'WhatsApp', pattern = ' whatsapp ', domains = { 'whatsapp', 'facebook', 'meta' } },
  { name = 'LinkedIn', pattern = ' linkedin ', domains = { 'linkedin' } },
  { name = 'eBay', pattern = ' ebay ', domains = { 'ebay' } },
  { name = 'Adobe', pattern = ' adobe ', domains = { 'adobe' } },
  { name = 'Wells Fargo', pattern = ' wells fargo ', domains = { 'wellsfargo', 'wf' } },
  { name = 'Bank of America', pattern = ' bank of america ', domains = { 'bankofamerica', 'bofa' } },
  { name = 'Chase', pattern = ' chase ', domains = { 'chase', 'jpmorgan' } },
  { name = 'Citibank', pattern = ' citi ?bank ', domains = { 'citi' } },
  { name = 'HSBC', pattern = ' hsbc ', domains = { 'hsbc' } },
  { name = 'Barclays', pattern = ' barclays ', domains = { 'barclays' } },
  { name = 'Sparkasse', pattern = ' sparkasse ', domains = { 'sparkasse', 's-', 'spk' } },
  { name = 'Coinbase', pattern = ' coinbase ', domains = { 'coinbase' } },
  { name = 'Binance', pattern = ' binance ', domains = { 'binance' } },
  { name = 'IRS', pattern = ' irs ', domains = { 'irs.gov', 'treasury.gov' } },
  { name = 'Zoom', pattern = ' zoom ', domains = { 'zoom' } },
}

return exports
