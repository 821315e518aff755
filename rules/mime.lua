-- MIME structure rules: HTML-only mail, text/HTML mismatch, empty parts, dangerous
-- attachments, bogus multiparts, bad transfer encodings, HTML forms and scripts.
local lua_util = require 'lua_util'
local lists = require 'mail_lists'

local bad_ext = lua_util.list_to_set(lists.bad_extensions)
local decoy_ext = lua_util.list_to_set(lists.decoy_extensions)
local macro_ext = lua_util.list_to_set(lists.macro_extensions)

-- The single-result checks run under one callback (MIME_CHECKS, which also runs on empty
-- messages: EMPTY_MESSAGE is about them); the callbacks that insert several symbols register
-- themselves.
local add_check = lua_util.check_group(mailward_config, 'MIME_CHECKS', 'mime', 'MIME checks', 'empty')
local function reg(name, group, description, callback, extra)
  if not extra or not extra.type then return add_check(name, group, description, callback) end
  local def = { name = name, group = group, description = description, callback = callback }
  for k, v in pairs(extra) do def[k] = v end
  mailward_config:register_symbol(def)
end

local function text_parts(task)
  local plain, html = {}, {}
  for _, p in ipairs(task:get_text_parts()) do
    if p:is_html() then html[#html + 1] = p else plain[#plain + 1] = p end
  end
  return plain, html
end

reg('MIME_HTML_ONLY', 'mime', 'The message has an HTML part and no plain text part',
  function(task)
    local plain, html = text_parts(task)
    return #html > 0 and #plain == 0
  end)

-- Words of a text (lower-cased, letters only, 3+ characters).
local function words(text)
  local set, n = {}, 0
  for w in text:lower():gmatch('[%a\128-\255][%w\128-\255]+[%w\128-\255]') do
    if not set[w] then
      set[w] = true
      n = n + 1
    end
  end
  return set, n
end

-- multipart/alternative whose plain and HTML versions say different things.
reg('R_PARTS_DIFFER', 'mime', 'Plain text and HTML alternatives differ a lot', function(task)
  local plain, html = text_parts(task)
  if #plain ~= 1 or #html ~= 1 then return false end
  local a, na = words(plain[1]:get_content())
  local b, nb = words(html[1]:get_content())
  if na + nb < 20 then return false end
  local common = 0
  for w in pairs(a) do if b[w] then common = common + 1 end end
  local similarity = 2 * common / (na + nb)
  if similarity < 0.5 then
    return true, 1.0, string.format('%.0f%%', 100 * (1 - similarity))
  end
  return false
end)

reg('EMPTY_TEXT_PART', 'mime', 'A text part has no visible text', function(task)
  for _, p in ipairs(task:get_text_parts()) do
    if p:is_empty() then return true end
  end
  return false
end)

reg('EMPTY_MESSAGE', 'mime', 'No text and no attachment', function(task)
  for _, p in ipairs(task:get_text_parts()) do
    if not p:is_empty() then return false end
  end
  for _, p in ipairs(task:get_parts()) do
    if p:is_attachment() then return false end
  end
  return true
end, { flags = 'empty' })

-- Names of the files a ZIP archive holds, from its local file headers (at most `max`).
local ZIP_MAX_NAMES = 32
local function zip_names(data, max)
  local names, pos = {}, 1
  while #names < max do
    local at = data:find('PK\3\4', pos, true)
    if not at or at + 30 > #data then break end
    local n_lo, n_hi, x_lo, x_hi = data:byte(at + 26, at + 29)
    local nlen, xlen = n_lo + 256 * n_hi, x_lo + 256 * x_hi
    names[#names + 1] = data:sub(at + 30, at + 29 + nlen)
    pos = at + 30 + nlen + xlen
  end
  return names
end

local function check_name(task, fname, shown)
  local lower = fname:lower():gsub('%s+$', '')
  local ext = lower:match('%.([%w]+)$')
  local prev = lower:match('%.([%w]+)%.[%w]+$')
  if ext and bad_ext[ext] then
    if prev and decoy_ext[prev] then
      task:insert_result('MIME_DOUBLE_BAD_EXTENSION', 1.0, shown)
    else
      task:insert_result('MIME_BAD_EXTENSION', 1.0, shown)
    end
  elseif ext and macro_ext[ext] then
    task:insert_result('MIME_OFFICE_MACRO', 1.0, shown)
  elseif ext == 'htm' or ext == 'html' or ext == 'shtml' or ext == 'svg' then
    task:insert_result('MIME_HTML_ATTACHMENT', 1.0, shown)
  end
  return ext
end

reg('ATTACHMENT_CHECK', 'attachments', 'Attachment checks', function(task)
  for _, p in ipairs(task:get_parts()) do
    local fname = p:get_filename()
    local ext = fname and check_name(task, fname, fname)
    -- What a ZIP archive holds counts as if attached (executables are mailed zipped).
    local detected = p:get_detected_type()
    if ext == 'zip' or (detected and detected:find('zip', 1, true)) then
      for _, inner in ipairs(zip_names(p:get_content() or '', ZIP_MAX_NAMES)) do
        check_name(task, inner, (fname or 'zip') .. '/' .. inner)
      end
    end
    if detected and (detected:match('executable') or detected:match('x%-dosexec') or
                     detected:match('x%-msdownload') or detected:match('x%-elf')) then
      task:insert_result('MIME_EXE_ATTACHMENT', 1.0, fname or detected)
      local ctype, csub = p:get_type()
      if ctype ~= 'application' or not (csub or ''):match('octet') then
        -- An executable that declares itself as something harmless.
        task:insert_result('MIME_BAD_ATTACHMENT', 1.0, (ctype or '?') .. '/' .. (csub or '?'))
      end
    end
  end
end, { type = 'callback' })
for _, s in ipairs{
  { 'MIME_BAD_EXTENSION', 'Attachment with an extension that runs code' },
  { 'MIME_DOUBLE_BAD_EXTENSION', 'Attachment with a decoy extension before an executable one' },
  { 'MIME_EXE_ATTACHMENT', 'Attachment whose content is an executable program' },
  { 'MIME_BAD_ATTACHMENT', 'Executable attachment declared as a harmless type' },
  { 'MIME_OFFICE_MACRO', 'Office document with macros (docm, xlsm ...)' },
  { 'MIME_HTML_ATTACHMENT', 'HTML or SVG file attached (a page that opens locally)' } } do
  mailward_config:register_symbol{ name = s[1], type = 'virtual', parent = 'ATTACHMENT_CHECK',
                                   group = 'attachments', description = s[2] }
end

reg('CTYPE_MIXED_BOGUS', 'mime', 'multipart/mixed that holds a single text part', function(task)
  local parts = task:get_parts()
  local top = parts[1]
  if not top then return false end
  local t, st = top:get_type()
  if t ~= 'multipart' or st ~= 'mixed' then return false end
  local leaves = 0
  for i = 2, #parts do
    if not parts[i]:is_multipart() then leaves = leaves + 1 end
  end
  return leaves == 1 and parts[#parts]:is_text()
end)

reg('BROKEN_CONTENT_TYPE', 'mime', 'Content-Type header that does not parse', function(task)
  local ct = task:get_header('Content-Type')
  if not ct then return false end
  ct = lua_util.trim(ct)
  return not ct:match('^[%w!#$&^_.+-]+/[%w!#$&^_.+-]+')
end)

-- A 7bit text part with 8-bit bytes is one whose text came out non-ASCII, unless its charset
-- writes non-ASCII text in 7-bit bytes (ISO-2022, UTF-7, HZ). Counted by the parser: the
-- raw body is not copied into Lua.
local SEVEN_BIT_CHARSETS = { 'iso%-2022', 'utf%-7', '^hz' }
local function seven_bit_charset(cs)
  cs = (cs or ''):lower()
  for _, p in ipairs(SEVEN_BIT_CHARSETS) do
    if cs:find(p) then return true end
  end
  return false
end
reg('R_BAD_CTE_7BIT', 'mime', '8-bit bytes in a part declared 7bit', function(task)
  for _, tp in ipairs(task:get_text_parts()) do
    if tp:get_non_ascii_count() > 0 and tp:get_mimepart():get_cte() == '7bit' and
        not seven_bit_charset(tp:get_declared_charset()) and not seven_bit_charset(tp:get_charset()) then
      return true
    end
  end
  return false
end)

-- HTML ----------------------------------------------------------------------------------------

reg('HTML_CHECK', 'html', 'HTML checks', function(task)
  for _, p in ipairs(task:get_text_parts()) do
    local h = p:get_html()
    if h then
      for _, f in ipairs(h.forms) do
        if f.has_password then
          task:insert_result('HTML_FORM_PASSWORD', 1.0, f.action ~= '' and f.action or 'form')
        end
      end
      if h.has_script then task:insert_result('HTML_HAS_SCRIPT', 1.0) end
      if h.has_iframe then task:insert_result('HTML_HAS_IFRAME', 1.0) end
    end
  end
end, { type = 'callback' })
for _, s in ipairs{ { 'HTML_FORM_PASSWORD', 'HTML form asking for a password (phishing)' },
                    { 'HTML_HAS_SCRIPT', 'HTML with scripts' },
                    { 'HTML_HAS_IFRAME', 'HTML with an iframe' } } do
  mailward_config:register_symbol{ name = s[1], type = 'virtual', parent = 'HTML_CHECK',
                                   group = 'html', description = s[2] }
end
