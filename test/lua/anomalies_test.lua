-- Parser anomalies turned into symbols (scan/anomalies_module.cpp).
local H = 'From: a@example.org\r\nTo: b@example.net\r\nSubject: t\r\nMessage-ID: <a1@example.org>\r\n'

local deep = H .. 'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n'
for i = 1, 40 do
  deep = deep .. '--b' .. (i - 1) .. '\r\nContent-Type: multipart/mixed; boundary="b' .. i .. '"\r\n\r\n'
end
deep = deep .. '--b40\r\nContent-Type: text/plain\r\n\r\nbottom\r\n'

local many_headers = 'From: a@example.org\r\nSubject: t\r\n'
for i = 1, 1100 do many_headers = many_headers .. 'X-Filler-' .. i .. ': v\r\n' end
many_headers = many_headers .. '\r\nbody\r\n'

return {
  cases = {
    { name = 'too deep MIME nesting', text = deep, expect = { 'MIME_TOO_DEEP' } },
    { name = 'too many headers', text = many_headers, expect = { 'HEADERS_TRUNCATED' } },
    { name = 'multipart without a boundary', text = H ..
        'Content-Type: multipart/mixed\r\n\r\nno boundary here\r\n', expect = { 'MISSING_BOUNDARY' } },
    { name = 'multipart never closed', text = H ..
        'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n',
      expect = { 'UNCLOSED_MULTIPART' } },
    { name = 'bad base64', text = H ..
        'Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8*&^%$#@!\r\n',
      expect = { 'BAD_BASE64' } },
    { name = 'unknown charset', text = H ..
        'Content-Type: text/plain; charset=x-no-such-charset\r\n\r\ncaf\233\r\n',
      expect = { 'BAD_CHARSET' } },
    { name = 'a well-formed message has no anomalies', text = H ..
        'Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n',
      forbid = { 'MIME_TOO_DEEP', 'HEADERS_TRUNCATED', 'MISSING_BOUNDARY', 'UNCLOSED_MULTIPART',
                 'BAD_BASE64', 'BAD_CHARSET', 'NO_HEADERS' } },
  },
}
