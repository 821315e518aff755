-- MIME and HTML structure (rules/mime_structure.lua).
local env = { time = 1795742400 }
local HEAD = 'From: Taro <taro@example.jp>\r\nTo: Hanako <hanako@example.net>\r\nSubject: news\r\n' ..
  'Date: Fri, 27 Nov 2026 10:15:00 +0900\r\nMessage-ID: <abc123@mail.example.jp>\r\nMIME-Version: 1.0\r\n'

local function alt(parts)
  local body = ''
  for _, p in ipairs(parts) do
    body = body .. '--b1\r\nContent-Type: ' .. p[1] .. '\r\n' .. (p[3] or '') .. '\r\n' .. p[2] .. '\r\n'
  end
  return HEAD .. 'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n' .. body .. '--b1--\r\n'
end

local function html(markup)
  return HEAD .. 'Content-Type: text/html; charset=utf-8\r\n\r\n' .. markup .. '\r\n'
end

local SALAD = string.rep('garden ocean wisdom history letter ', 12)
local TEXT = 'Our garden club meets on Thursday evening at the library. Bring seeds to swap, ' ..
  'cuttings in water, and any questions about the spring planting calendar. Tea is provided.'

return {
  cases = {
    { name = 'plain and HTML versions', envelope = env,
      text = alt{ { 'text/plain; charset=us-ascii', TEXT }, { 'text/html; charset=us-ascii', '<p>' .. TEXT .. '</p>' } },
      expect = { 'MIME_TRACE' },
      options = { MIME_TRACE = { '0:multipart/alternative', '1:text/plain', '1:text/html' } },
      forbid = { 'MIME_ALT_ONE_PART', 'MIME_MA_MISSING_TEXT', 'MIME_MA_MISSING_HTML',
                 'MIME_BASE64_TEXT_BOGUS', 'HTML_HIDDEN_TEXT', 'R_WHITE_ON_WHITE', 'HTML_IMAGE_ONLY',
                 'HTML_SHORT_LINK_IMG' } },
    { name = 'alternative with one part', envelope = env,
      text = alt{ { 'text/html; charset=us-ascii', '<p>' .. TEXT .. '</p>' } },
      expect = { 'MIME_ALT_ONE_PART', 'MIME_MA_MISSING_TEXT' } },
    { name = 'alternative with two HTML parts and no plain text', envelope = env,
      text = alt{ { 'text/html; charset=us-ascii', '<p>a</p>' }, { 'text/html; charset=us-ascii', '<p>' .. TEXT .. '</p>' } },
      expect = { 'MIME_MA_MISSING_TEXT' }, forbid = { 'MIME_ALT_ONE_PART' } },
    { name = 'alternative of plain text and a calendar', envelope = env,
      text = alt{ { 'text/plain; charset=us-ascii', TEXT }, { 'text/calendar; method=REQUEST', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR' } },
      expect = { 'MIME_MA_MISSING_HTML' }, forbid = { 'MIME_MA_MISSING_TEXT' } },
    { name = 'ASCII text in base64', envelope = env,
      text = HEAD .. 'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: base64\r\n\r\n' ..
        'SGVsbG8sIHRoaXMgaXMgcGxhaW4gQVNDSUkgdGV4dC4=\r\n',
      expect = { 'MIME_BASE64_TEXT_BOGUS' } },
    { name = 'UTF-8 text in base64 is fine', envelope = env,
      text = HEAD .. 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n' ..
        '44GT44KT44Gr44Gh44Gv44CB5LiW55WM\r\n',
      forbid = { 'MIME_BASE64_TEXT_BOGUS' } },

    -- HTML -----------------------------------------------------------------------------------
    { name = 'word salad in white on white', envelope = env,
      text = html('<p>' .. TEXT .. '</p><font color="#ffffff" size="2">' .. SALAD .. '</font>'),
      expect = { 'R_WHITE_ON_WHITE' } },
    { name = 'white text on a dark footer', envelope = env,
      text = html('<p>' .. TEXT .. '</p><table><tr><td bgcolor="#1f2933"><font color="#ffffff">' .. SALAD ..
                  '</font></td></tr></table>'),
      forbid = { 'R_WHITE_ON_WHITE' } },
    { name = 'a lot of hidden text', envelope = env,
      text = html('<p>Click below</p><div style="display:none">' .. SALAD .. SALAD .. '</div>'),
      expect = { 'HTML_HIDDEN_TEXT' } },
    { name = 'a newsletter pre-header is not a lot', envelope = env,
      text = html('<div style="display:none;max-height:0;overflow:hidden">Spring planting starts now - ' ..
                  'our calendar inside</div><p>' .. TEXT .. '</p>'),
      forbid = { 'HTML_HIDDEN_TEXT' } },
    { name = 'a picture with a link and no text', envelope = env,
      text = html('<a href="http://shop.example.com/x"><img src="http://img.example.com/offer.png"></a>'),
      expect = { 'HTML_IMAGE_ONLY', 'HTML_SHORT_LINK_IMG' } },
    { name = 'pictures beside real text', envelope = env,
      text = html('<img src="http://img.example.com/logo.png"><p>' .. TEXT .. '</p><a href="http://example.com">more</a>'),
      forbid = { 'HTML_IMAGE_ONLY', 'HTML_SHORT_LINK_IMG' } },
    { name = 'a picture in HTML whose plain version has the text', envelope = env,
      text = alt{ { 'text/plain; charset=us-ascii', TEXT }, { 'text/html; charset=us-ascii', '<img src="http://img.example.com/card.png">' } },
      forbid = { 'HTML_IMAGE_ONLY' } },
  },
}
