-- Subject rules: shouting, punctuation, length, money, URLs.
local lua_util = require 'lua_util'

local add_check = lua_util.check_group(mailward_config, 'SUBJECT_CHECKS', 'subject', 'Subject checks')
local function reg(name, description, callback)
  add_check(name, 'subject', description, callback)
end

local function letters(s)
  local upper = lua_util.count(s, '%u')
  local lower = lua_util.count(s, '%l')
  return upper, lower
end

reg('SUBJ_ALL_CAPS', 'Subject is written in capitals', function(task)
  local s = task:get_subject()
  if not s then return false end
  local upper, lower = letters(s)
  return upper >= 10 and lower == 0
end)

reg('SUBJ_EXCESS_PUNCT', 'Subject has runs of ! or ?', function(task)
  local s = task:get_subject()
  if not s then return false end
  return s:find('[!?][!?][!?]') ~= nil or lua_util.count(s, '!') >= 4
end)

reg('SUBJECT_ENDS_EXCLAIM', 'Subject ends with an exclamation mark', function(task)
  local s = task:get_subject()
  return s ~= nil and s:match('!%s*$') ~= nil
end)

reg('LONG_SUBJ', 'Subject is very long (over 200 bytes)', function(task)
  local s = task:get_subject()
  return s ~= nil and #s > 200, 1.0, s and tostring(#s) or nil
end)

reg('SUBJ_HAS_CURRENCY', 'Subject mentions money amounts', function(task)
  local s = task:get_subject()
  if not s then return false end
  return s:find('[%$]%s*%d') ~= nil or s:find('%d%s*[%$]') ~= nil or
         s:find('\226\130\172') ~= nil or s:find('\194\163%s*%d') ~= nil or
         s:find('\194\165%s*%d') ~= nil
end)

reg('SUBJ_HAS_URL', 'Subject contains a URL', function(task)
  local s = task:get_subject()
  if not s then return false end
  return s:lower():find('https?://') ~= nil or s:lower():find('www%.[%w-]+%.%a%a') ~= nil
end)
