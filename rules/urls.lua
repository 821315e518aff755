-- URL rules: numeric hosts, phishing (anchor text showing another domain), shorteners,
-- many domains, obfuscation, user-info tricks, data URIs, onion and IDN hosts.
local lua_util = require 'lua_util'
local lists = require 'mail_lists'
local rspamd_util = require 'rspamd_util'

local shorteners = lua_util.list_to_set(lists.shorteners)

local function sym(name, description)
  mailward_config:register_symbol{ name = name, type = 'virtual', parent = 'URL_CHECK',
                                   group = 'url', description = description }
end

-- The domain an anchor text displays, if it looks like a URL or host name.
local function displayed_domain(text)
  if not text then return nil end
  local t = lua_util.trim(text):lower()
  local host = t:match('^%a[%w+.-]*://([^/%s:?#]+)') or t:match('^(www%.[%w.-]+%.%a%a+)')
  if not host then
    host = t:match('^([%w-]+%.[%w.-]*%a%a)[/%s]?') 
    if host and not host:find('.', 1, true) then host = nil end
  end
  if not host or host:find(' ') then return nil end
  return host
end

mailward_config:register_symbol{
  name = 'URL_CHECK', type = 'callback', group = 'url', description = 'URL checks',
  callback = function(task)
    local domains, ndomains = {}, 0
    for _, u in ipairs(task:get_urls()) do
      local host = u:get_host() or ''
      local tld = u:get_tld() or host
      if u:is_numeric() then task:insert_result('HTTP_TO_IP', 1.0, host) end
      if u:is_obfuscated() then task:insert_result('R_SUSPICIOUS_URL', 1.0, host) end
      if u:has_user() then task:insert_result('URL_HAS_USER', 1.0, host) end
      if shorteners[host] or shorteners[tld] then task:insert_result('URL_SHORTENER', 1.0, host) end
      if host:match('%.onion$') then task:insert_result('HAS_ONION_URI', 1.0, host) end
      if host:find('xn--', 1, true) then task:insert_result('URL_PUNYCODE', 1.0, host) end
      if u:get_origin() == 'html_href' then
        local shown = displayed_domain(u:get_display())
        if shown and host ~= '' then
          local shown_tld = rspamd_util.get_tld(shown)
          if shown_tld ~= tld and shown_tld:find('.', 1, true) then
            task:insert_result('PHISHING', 1.0, shown .. '->' .. host)
          end
        end
      end
      if tld ~= '' and not domains[tld] then
        domains[tld] = true
        ndomains = ndomains + 1
      end
    end
    for _, p in ipairs(task:get_text_parts()) do
      local h = p:get_html()
      for _, src in ipairs(h and h.images or {}) do
        if src:sub(1, 5):lower() == 'data:' then
          task:insert_result('HAS_DATA_URI', 1.0, src:match('^data:([^;,]*)') or 'data')
        end
      end
    end
    if ndomains >= 10 then task:insert_result('URL_MANY_DOMAINS', 1.0, tostring(ndomains)) end
  end,
}
sym('HTTP_TO_IP', 'URL with a numeric IP address as host')
sym('R_SUSPICIOUS_URL', 'Obfuscated URL (encoded host, odd IP form)')
sym('URL_HAS_USER', 'URL with user info before the host (http://bank.example@evil.example)')
sym('URL_SHORTENER', 'URL through a shortener that hides the destination')
sym('HAS_ONION_URI', 'URL of a Tor hidden service')
sym('URL_PUNYCODE', 'URL with an internationalised (punycode) host name')
sym('HAS_DATA_URI', 'data: URI in the message')
sym('PHISHING', 'Link text shows a different domain than the link goes to')
sym('URL_MANY_DOMAINS', 'URLs to ten or more different domains')
