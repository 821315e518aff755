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

-- Attachment extensions that run code on the recipient's machine.
exports.bad_extensions = {
  'exe', 'scr', 'com', 'pif', 'bat', 'cmd', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'hta',
  'jar', 'msi', 'msp', 'cpl', 'lnk', 'reg', 'ps1', 'psm1', 'scf', 'inf', 'gadget', 'application',
  'iso', 'img', 'vhd', 'vhdx', 'appx', 'msix', 'dll', 'sys', 'chm', 'url', 'xll', 'one',
}

-- Document extensions a double extension likes to pretend to be.
exports.decoy_extensions = {
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'rtf', 'jpg', 'jpeg', 'png',
  'gif', 'zip', 'htm', 'html', 'csv', 'odt',
}

return exports
