-- URL rules: numeric hosts, phishing (anchor text showing another organisation), shorteners,
-- many domains, obfuscation, user-info tricks, data URIs, onion and IDN hosts.
local lua_util = require 'lua_util'
local lists = require 'mail_lists'
local rspamd_util = require 'rspamd_util'

local shorteners = lua_util.list_to_set(lists.shorteners)

local sym = lua_util.virtual_symbols(mailward_config, 'URL_CHECK', 'url')

-- The domain an anchor text displays, if it looks like a URL or host name whose last label
-- is a real top-level domain ("Read.More" or "file.title" are not host names).
local function displayed_domain(text)
  if not text then return nil end
  local t = lua_util.trim(text):lower()
  local host = t:match('^%a[%w+.-]*://([^/%s:?#]+)') or t:match('^(www%.[%w.-]+%.%a%a+)')
  if not host then
    host = t:match('^([%w-]+%.[%w.-]*%a%a)[/%s]?')
    if host and not host:find('.', 1, true) then host = nil end
  end
  if not host or host:find(' ') then return nil end
  host = host:gsub('%.$', '')
  if not rspamd_util.is_public_suffix(host:match('([^.]+)$') or '') then return nil end
  return host
end

local redirectors = lua_util.list_to_set(lists.redirectors)
local TRACKER_LINKS = 4   -- links of one message through one domain: a click tracker

-- The host a redirect sends to: the first http(s) URL in its query or path, percent-decoded.
local function redirect_target(u)
  local s = (u:get_query() or '') .. ' ' .. (u:get_path() or '')
  s = s:gsub('%%(%x%x)', function(h) return string.char(tonumber(h, 16)) end)
  local host = s:match('[Hh][Tt][Tt][Pp][Ss]?://([%w.-]+)')
  return host and host:lower() or nil
end

local function first_label(domain)
  return domain:match('^([^.]+)') or domain
end

-- PHISHING: the anchor text shows one organisation and the link goes to another. Compared
-- by registrable domain (public suffix list), not by host; the same name under another
-- suffix (amazon.com, amazon.co.uk) counts as the same organisation; redirectors and click
-- trackers are followed to the target they name, or not judged; a domain that carries many
-- of the message's links is the sender's tracker, and a newsletter linking through its own
-- domain to another site of the organisation is not phishing either.
local function phishing(task, urls)
  local per_domain = {}
  for _, u in ipairs(urls) do
    if u:get_origin() == 'html_href' then
      local reg = u:get_tld() or ''
      per_domain[reg] = (per_domain[reg] or 0) + 1
    end
  end
  local from = task:get_from('mime')
  local from_reg = from and from[1] and from[1].domain ~= '' and rspamd_util.get_tld(from[1].domain)
  local newsletter = task:has_header('List-Unsubscribe')
  for _, u in ipairs(urls) do
    if u:get_origin() == 'html_href' then
      local shown = displayed_domain(u:get_display())
      local host = u:get_host() or ''
      if shown and host ~= '' then
        local shown_reg = rspamd_util.get_tld(shown)
        local href_reg = u:get_tld() or host
        if redirectors[href_reg] or shorteners[host] or shorteners[href_reg] then
          local target = redirect_target(u)
          href_reg = target and rspamd_util.get_tld(target) or shown_reg
        end
        if shown_reg ~= href_reg and first_label(shown_reg) ~= first_label(href_reg) and
            (per_domain[href_reg] or 0) < TRACKER_LINKS and
            not (newsletter and href_reg == from_reg) then
          task:insert_result('PHISHING', 1.0, shown .. '->' .. host)
        end
      end
    end
  end
end

mailward_config:register_symbol{
  name = 'URL_CHECK', type = 'callback', group = 'url', description = 'URL checks',
  callback = function(task)
    local domains, ndomains = {}, 0
    local urls = task:get_urls()
    for _, u in ipairs(urls) do
      local host = u:get_host() or ''
      local tld = u:get_tld() or host
      if u:is_numeric() then task:insert_result('HTTP_TO_IP', 1.0, host) end
      if u:is_obfuscated() then task:insert_result('R_SUSPICIOUS_URL', 1.0, host) end
      if u:has_user() then task:insert_result('URL_HAS_USER', 1.0, host) end
      if shorteners[host] or shorteners[tld] then task:insert_result('URL_SHORTENER', 1.0, host) end
      if host:match('%.onion$') then task:insert_result('HAS_ONION_URI', 1.0, host) end
      if host:find('xn--', 1, true) then task:insert_result('URL_PUNYCODE', 1.0, host) end
      if tld ~= '' and not domains[tld] then
        domains[tld] = true
        ndomains = ndomains + 1
      end
    end
    phishing(task, urls)
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
