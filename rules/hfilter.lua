-- HELO and host name checks (the ideas of Rspamd's hfilter, our own code), on the relay that
-- handed the message to us: the first hop outside our trusted networks
-- (task:get_received_headers(), flags.first_untrusted), with the request's HELO and
-- Hostname when that relay is the client of this request.
--
--   HFILTER_HELO_BAREIP         the HELO is an IP address without brackets (RFC 5321 wants
--                               an address literal "[192.0.2.1]")
--   HFILTER_HELO_BADIP          the HELO is an address other than the client's
--   HFILTER_HELO_NOT_FQDN       the HELO is not a fully qualified name (nor a literal)
--   HFILTER_HELO_OWN            the HELO claims one of our own names ([hfilter] own_names)
--   HFILTER_HELO_DYNAMIC        the HELO looks like a dynamic / residential name
--   HFILTER_HELO_NORES_A_OR_MX  the HELO name has no A, AAAA nor MX record (DNS)
--   HFILTER_HELO_IP_A           the HELO name resolves, but not to the client's address (DNS)
--   RDNS_NONE                   the client has no reverse DNS (Hostname "unknown", our
--                               Received field says so, or our own PTR lookup)
--   RDNS_DNSFAIL                the PTR lookup failed (timeout, SERVFAIL): informational
--   HFILTER_HOSTNAME_UNKNOWN    the PTR name does not resolve back to the client (DNS)
--   HFILTER_HOSTNAME_DYNAMIC    the reverse-DNS name looks dynamic / residential
--   HFILTER_FROMHOST_NOT_FQDN   the envelope sender domain is not a fully qualified name
--   HFILTER_FROMHOST_NORES_A_OR_MX  the envelope sender domain has no MX, A nor AAAA (DNS)
--   HFILTER_FROM_NORES_A_OR_MX  the From header domain has no MX, A nor AAAA (DNS)
--
-- DNS: lookups go through the task's resolver within its lookup budget, all in parallel.
-- Only NXDOMAIN and "no records" count; timeouts, SERVFAIL, refusals and an exhausted
-- budget never make a symbol (a DNS outage is not spam). Options: [hfilter].
local rspamd_dns = require 'rspamd_dns'
local rspamd_ip = require 'rspamd_ip'
local shape = require 'hostname_shape'

local cfg = mailward_config:get_all_opt('hfilter') or {}
if cfg.enabled == false then return end

local GROUP = 'hfilter'
local own = {}
for _, n in ipairs(cfg.own_names or {}) do own[#own + 1] = n:lower():gsub('%.$', '') end

local function is_own(name)
  for _, o in ipairs(own) do
    if name == o or name:sub(-#o - 1) == '.' .. o then return true end
  end
  return false
end

local function negative(err) return err == 'nxdomain' or err == 'no records' end

-- The relay to examine, or nil (mail from our own networks, or nothing known).
local function client_of(task)
  local fu
  for _, h in ipairs(task:get_received_headers()) do
    if h.flags.first_untrusted then
      fu = h
      break
    end
  end
  if not fu then return nil end
  local c = { ip = fu.real_ip, ip_s = fu.from_ip, helo = fu.from_hostname,
              rdns = fu.real_hostname, rdns_absent = fu.flags.rdns_absent,
              authenticated = fu.flags.authenticated }
  local env_ip = task:get_from_ip()
  if env_ip and env_ip:is_valid() and env_ip:to_string() == fu.from_ip then
    c.helo = task:get_helo() or c.helo
    local state = task:get_rdns_state()
    if state == 'present' then
      c.rdns, c.rdns_absent = task:get_hostname(), false
    elseif state == 'absent' then
      c.rdns, c.rdns_absent = nil, true
    end
  end
  return c
end

local function arpa_name(ip)
  local suffix = ip:get_version() == 4 and '.in-addr.arpa' or '.ip6.arpa'
  return ip:inversed_str_octets() .. suffix
end

local function domain_of(addr)
  return addr and addr.domain and addr.domain ~= '' and addr.domain:lower() or nil
end

mailward_config:register_symbol{
  name = 'HFILTER_CHECK', type = 'callback', group = GROUP,
  description = 'HELO, reverse DNS and sender domain checks',
  callback = function(task)
    -- Parallel DNS lookups, each name/type once; `done` runs when the last one answered.
    local answers, waiting = {}, {}
    local function lookup(name, rtype, done)
      local key = name .. '/' .. rtype
      if answers[key] then return done(answers[key][1], answers[key][2]) end
      if waiting[key] then
        table.insert(waiting[key], done)
        return
      end
      waiting[key] = { done }
      rspamd_dns.request{ task = task, type = rtype, name = name,
        callback = function(results, err)
          answers[key] = { results, err }
          local list = waiting[key]
          waiting[key] = nil
          for _, f in ipairs(list) do f(results, err) end
        end }
    end
    -- Has the domain an MX, A or AAAA record? cb(true | false | nil (unknown)). MX and A
    -- first; AAAA only when both are negative.
    local function resolvable(domain, cb)
      local pending, found, failed = 2, false, false
      local function one(results, err)
        if results and #results > 0 then found = true
        elseif err and not negative(err) then failed = true end
        pending = pending - 1
        if pending > 0 then return end
        if found then return cb(true) end
        if failed then return cb(nil) end
        lookup(domain, 'aaaa', function(r6, e6)
          if r6 and #r6 > 0 then cb(true) elseif negative(e6) then cb(false) else cb(nil) end
        end)
      end
      lookup(domain, 'mx', one)
      lookup(domain, 'a', one)
    end

    local c = client_of(task)
    local check_client = c ~= nil and not (cfg.skip_authenticated ~= false and
                                           (task:get_user() or c.authenticated))
    if check_client then
      local ip_s = c.ip_s
      local helo = c.helo and c.helo:lower() or nil
      if helo and helo ~= '' then
        local literal = shape.ip_of(helo)
        if literal then
          if not shape.is_literal(helo) then task:insert_result('HFILTER_HELO_BAREIP', 1.0, helo) end
          local hip = rspamd_ip.from_string(literal)
          if c.ip and hip:is_valid() and not (hip == c.ip) then
            task:insert_result('HFILTER_HELO_BADIP', 1.0, helo)
          end
        else
          helo = helo:gsub('%.$', '')
          if is_own(helo) then task:insert_result('HFILTER_HELO_OWN', 1.0, helo) end
          if not shape.is_fqdn(helo) or helo == 'localhost.localdomain' then
            task:insert_result('HFILTER_HELO_NOT_FQDN', 1.0, helo)
          else
            local why = shape.dynamic(helo, ip_s)
            if why then task:insert_result('HFILTER_HELO_DYNAMIC', 1.0, why) end
            if cfg.check_dns ~= false then
              resolvable(helo, function(ok)
                if ok == false then task:insert_result('HFILTER_HELO_NORES_A_OR_MX', 1.0, helo) end
              end)
              if c.ip then
                local rtype = c.ip:get_version() == 6 and 'aaaa' or 'a'
                lookup(helo, rtype, function(results)
                  if not results or #results == 0 then return end
                  for _, a in ipairs(results) do
                    if a == c.ip then return end
                  end
                  task:insert_result('HFILTER_HELO_IP_A', 1.0, helo)
                end)
              end
            end
          end
        end
      end
      -- Reverse DNS of the client.
      if c.rdns_absent then
        task:insert_result('RDNS_NONE', 1.0)
      elseif c.rdns then
        local why = shape.dynamic(c.rdns:lower(), ip_s)
        if why then task:insert_result('HFILTER_HOSTNAME_DYNAMIC', 1.0, why) end
      elseif c.ip and c.ip:is_valid() and cfg.ptr_lookup ~= false then
        lookup(arpa_name(c.ip), 'ptr', function(results, err)
          if not results or #results == 0 then
            if negative(err) then
              task:insert_result('RDNS_NONE', 1.0)
            else
              task:insert_result('RDNS_DNSFAIL', 1.0, err or 'error')
            end
            return
          end
          local name = results[1]:lower():gsub('%.$', '')
          local why = shape.dynamic(name, ip_s)
          if why then task:insert_result('HFILTER_HOSTNAME_DYNAMIC', 1.0, why) end
          local rtype = c.ip:get_version() == 6 and 'aaaa' or 'a'
          lookup(name, rtype, function(addrs, aerr)
            if addrs and #addrs > 0 then
              for _, a in ipairs(addrs) do
                if a == c.ip then return end
              end
              task:insert_result('HFILTER_HOSTNAME_UNKNOWN', 1.0, name)
            elseif negative(aerr) then
              task:insert_result('HFILTER_HOSTNAME_UNKNOWN', 1.0, name)
            end
          end)
        end)
      end
    end

    -- Sender domains: envelope, then the From header when it differs.
    local smtp = task:get_from('smtp')
    local env_dom = domain_of(smtp and smtp[1])
    local mime = task:get_from('mime')
    local hdr_dom = domain_of(mime and mime[1])
    if env_dom then
      if not shape.is_fqdn(env_dom) then
        task:insert_result('HFILTER_FROMHOST_NOT_FQDN', 1.0, env_dom)
      elseif cfg.check_dns ~= false then
        resolvable(env_dom, function(ok)
          if ok == false then task:insert_result('HFILTER_FROMHOST_NORES_A_OR_MX', 1.0, env_dom) end
        end)
      end
    end
    if hdr_dom and hdr_dom ~= env_dom and shape.is_fqdn(hdr_dom) and cfg.check_dns ~= false then
      resolvable(hdr_dom, function(ok)
        if ok == false then task:insert_result('HFILTER_FROM_NORES_A_OR_MX', 1.0, hdr_dom) end
      end)
    end
  end,
}

local function virtual(name, score, description)
  mailward_config:register_symbol{ name = name, type = 'virtual', parent = 'HFILTER_CHECK',
                                   group = GROUP, score = score, description = description }
end

virtual('HFILTER_HELO_BAREIP', 3.0, 'HELO is a bare IP address (no brackets)')
virtual('HFILTER_HELO_BADIP', 4.0, 'HELO is an address other than the client\'s')
virtual('HFILTER_HELO_NOT_FQDN', 2.0, 'HELO is not a fully qualified domain name')
virtual('HFILTER_HELO_OWN', 4.0, 'HELO claims one of our own names')
virtual('HFILTER_HELO_DYNAMIC', 1.5, 'HELO looks like a dynamic or residential host name')
virtual('HFILTER_HELO_NORES_A_OR_MX', 1.5, 'HELO name has no A, AAAA or MX record')
virtual('HFILTER_HELO_IP_A', 1.0, 'HELO name does not resolve to the client address')
virtual('RDNS_NONE', 1.5, 'The client has no reverse DNS')
virtual('RDNS_DNSFAIL', 0.0, 'Reverse DNS lookup of the client failed')
virtual('HFILTER_HOSTNAME_UNKNOWN', 2.0, 'Reverse DNS name does not resolve back to the client')
virtual('HFILTER_HOSTNAME_DYNAMIC', 2.0, 'Reverse DNS name looks dynamic or residential')
virtual('HFILTER_FROMHOST_NOT_FQDN', 3.0, 'Envelope sender domain is not a fully qualified name')
virtual('HFILTER_FROMHOST_NORES_A_OR_MX', 2.0, 'Envelope sender domain has no MX, A or AAAA record')
virtual('HFILTER_FROM_NORES_A_OR_MX', 2.0, 'From header domain has no MX, A or AAAA record')
