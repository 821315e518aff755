-- MIME and HTML structure: the part inventory (MIME_TRACE), multipart/alternative without one
-- of its two versions, text needlessly in base64, HTML that is mostly images, text hidden from
-- the reader (invisible styles, text in the background colour), and Microsoft-style MIME
-- boundaries with a time no Microsoft program wrote.
--
-- How mail really looks: mail programs send text/plain, or multipart/alternative with a plain
-- and an HTML version of the same text; they encode text in base64 only when it is not plain
-- ASCII. Bulk tools send HTML alone, alternatives with an empty or unrelated plain part, a
-- picture with a line of text, and word salad hidden in white or tiny text for filters to read.
local lua_util = require 'lua_util'

local sym = lua_util.virtual_symbols(mailward_config, 'MIME_STRUCTURE', 'mime')

local IMAGE_ONLY_TEXT = 150     -- bytes of visible text at most for "image only"
local HIDDEN_LONG = 300         -- bytes of hidden text that are never a pre-header
local LOW_CONTRAST_MIN = 30     -- bytes of text in the background colour

mailward_config:register_symbol{
  name = 'MIME_STRUCTURE', type = 'callback', group = 'mime',
  description = 'MIME structure checks',
  callback = function(task)
    local parts = task:get_parts()
    local trace = {}
    -- multipart/alternative: which kinds its direct children are.
    local alt_depth, alt_plain, alt_html, alt_kids = nil, false, false, 0
    local function close_alt()
      if alt_depth then
        if alt_kids == 1 then task:insert_result('MIME_ALT_ONE_PART', 1.0) end
        if not alt_plain and alt_html then task:insert_result('MIME_MA_MISSING_TEXT', 1.0) end
        if alt_plain and not alt_html and alt_kids > 1 then
          task:insert_result('MIME_MA_MISSING_HTML', 1.0)
        end
      end
      alt_depth, alt_plain, alt_html, alt_kids = nil, false, false, 0
    end
    for i, p in ipairs(parts) do
      local t, st = p:get_type()
      local depth = p:get_depth()
      if i <= 16 then trace[#trace + 1] = depth .. ':' .. (t or '?') .. '/' .. (st or '?') end
      if alt_depth and depth <= alt_depth then close_alt() end
      if alt_depth and depth == alt_depth + 1 then
        alt_kids = alt_kids + 1
        if t == 'text' and st == 'plain' then alt_plain = true end
        if t == 'text' and st == 'html' then alt_html = true end
      end
      if t == 'multipart' and st == 'alternative' and not alt_depth then alt_depth = depth end
    end
    close_alt()
    if #parts > 16 then trace[#trace + 1] = '...' end
    task:insert_result('MIME_TRACE', 1.0, trace)

    -- Text parts (lengths and counts only: the text itself is not copied into Lua) -------------
    local tparts = task:get_text_parts()
    local plain_text = 0
    for _, tp in ipairs(tparts) do
      if not tp:is_html() then plain_text = plain_text + tp:get_length() end
      if tp:get_length() > 0 and tp:get_non_ascii_count() == 0 and
          tp:get_mimepart():get_cte() == 'base64' then
        task:insert_result('MIME_BASE64_TEXT_BOGUS', 1.0, tp:is_html() and 'html' or 'plain')
      end
    end
    for _, tp in ipairs(tparts) do
      local h = tp:is_html() and tp:get_html()
      if h then
        local visible = tp:get_length()
        local hidden = h.hidden_len or 0
        local readable = visible - (h.low_contrast_len or 0)   -- what a reader can see
        if hidden >= HIDDEN_LONG or (hidden >= 100 and hidden > visible) then
          task:insert_result('HTML_HIDDEN_TEXT', 1.0, tostring(hidden))
        end
        if (h.low_contrast_len or 0) >= LOW_CONTRAST_MIN then
          task:insert_result('R_WHITE_ON_WHITE', 1.0, tostring(h.low_contrast_len))
        end
        local images = #h.images
        if images > 0 and readable < IMAGE_ONLY_TEXT and plain_text < IMAGE_ONLY_TEXT then
          task:insert_result('HTML_IMAGE_ONLY', 1.0, tostring(readable))
          if #h.links > 0 and readable < 40 then task:insert_result('HTML_SHORT_LINK_IMG', 1.0) end
        end
      end
    end
  end,
}
sym('MIME_TRACE', 'The MIME parts (depth:type/subtype, informational)')
sym('MIME_ALT_ONE_PART', 'multipart/alternative with a single part')
sym('MIME_MA_MISSING_TEXT', 'multipart/alternative without a text/plain part')
sym('MIME_MA_MISSING_HTML', 'multipart/alternative with text/plain parts and no HTML')
sym('MIME_BASE64_TEXT_BOGUS', 'Plain ASCII text sent in base64')
sym('HTML_HIDDEN_TEXT', 'A lot of text the reader does not see (hidden styles, zero-size fonts)', 'html')
sym('R_WHITE_ON_WHITE', 'Text written in the colour of its background', 'html')
sym('HTML_IMAGE_ONLY', 'HTML that is images with little or no text', 'html')
sym('HTML_SHORT_LINK_IMG', 'Short HTML with a linked image', 'html')
