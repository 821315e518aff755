-- Received chain rules over task:get_received_headers() (scan/received_chain.h): how many
-- hops, TLS on the hop that brought the message to us and on every hop, authenticated
-- submission, mail that was received only once (straight from the sender's machine), and
-- hops that cannot be genuine.
--
--   RCVD_COUNT_ONE .. RCVD_COUNT_TWELVE  number of Received fields (1, 2, 3-4, 5-6, 7-11,
--                                        12 and more; none is RCVD_COUNT_ZERO in headers.lua)
--   RCVD_TLS_LAST / RCVD_NO_TLS_LAST     the last hop (the envelope hop when the MTA gave
--                                        one, else the topmost network hop) used TLS or not
--   RCVD_TLS_ALL                         every network hop used TLS
--   RCVD_VIA_SMTP_AUTH                   a hop records an authenticated client
--   ONCE_RECEIVED                        one hop in all, from an untrusted network client
--   ONCE_RECEIVED_STRICT                 ... whose client has no reverse DNS or a dynamic one
--   RCVD_ILLEGAL_IP                      a hop names a client address no host can have
--   RCVD_UNTRUSTED_PRIVATE               the relay that handed the message to us (first hop
--                                        outside our trusted networks) has a private,
--                                        loopback, link-local or CGN address
local shape = require 'hostname_shape'

local GROUP = 'received'

local function virtual(name, score, description)
  mailward_config:register_symbol{ name = name, type = 'virtual', parent = 'RCVD_CHECK',
                                   group = GROUP, score = score, description = description }
end

-- A hop that moved the message over the network (not a local pickup or an unreadable field).
local function network_hop(h)
  if h.flags.artificial then return true end
  if h.flags.unparsed or h.proto == 'local' then return false end
  return h.from_ip ~= nil or h.from_hostname ~= nil
end

local COUNTS = {
  { 'RCVD_COUNT_TWELVE', 12 }, { 'RCVD_COUNT_SEVEN', 7 }, { 'RCVD_COUNT_FIVE', 5 },
  { 'RCVD_COUNT_THREE', 3 }, { 'RCVD_COUNT_TWO', 2 }, { 'RCVD_COUNT_ONE', 1 },
}

mailward_config:register_symbol{
  name = 'RCVD_CHECK', type = 'callback', group = GROUP,
  description = 'Received chain checks',
  callback = function(task)
    local n = task:get_header_count('Received')
    for _, c in ipairs(COUNTS) do
      if n >= c[2] then
        task:insert_result(c[1], 1.0, tostring(n))
        break
      end
    end
    local hops = task:get_received_headers()
    if #hops == 0 then return end

    local last, network, tls_all, auth = nil, 0, true, false
    for _, h in ipairs(hops) do
      if network_hop(h) then
        last = last or h
        network = network + 1
        if not h.flags.ssl then tls_all = false end
      end
      if h.flags.authenticated and not h.flags.artificial then auth = true end
      if h.real_ip and shape.is_bogus_ip(h.real_ip) then
        task:insert_result('RCVD_ILLEGAL_IP', 1.0, h.from_ip)
      end
      if h.flags.first_untrusted and h.real_ip and shape.is_nonpublic(h.real_ip) then
        task:insert_result('RCVD_UNTRUSTED_PRIVATE', 1.0, h.from_ip)
      end
    end
    if last then
      if last.flags.ssl then
        task:insert_result('RCVD_TLS_LAST', 1.0)
      else
        task:insert_result('RCVD_NO_TLS_LAST', 1.0)
      end
      if tls_all then task:insert_result('RCVD_TLS_ALL', 1.0) end
    end
    if auth then task:insert_result('RCVD_VIA_SMTP_AUTH', 1.0) end

    -- Once received: one hop in all (one field, or only the envelope hop), from a network
    -- client: the message came straight from the sending machine.
    local artificial = hops[1].flags.artificial
    if n + (artificial and 1 or 0) == 1 then
      local h = hops[1]
      if network_hop(h) and not h.flags.authenticated and not h.flags.trusted then
        task:insert_result('ONCE_RECEIVED', 1.0)
        local why
        if h.flags.rdns_absent then
          why = 'no rDNS'
        elseif h.real_hostname then
          why = shape.dynamic(h.real_hostname, h.from_ip)
        end
        if why then task:insert_result('ONCE_RECEIVED_STRICT', 1.0, why) end
      end
    end
  end,
}

virtual('RCVD_COUNT_ONE', 0.0, 'One Received header')
virtual('RCVD_COUNT_TWO', 0.0, 'Two Received headers')
virtual('RCVD_COUNT_THREE', 0.0, 'Three or four Received headers')
virtual('RCVD_COUNT_FIVE', 0.0, 'Five or six Received headers')
virtual('RCVD_COUNT_SEVEN', 0.0, 'Seven to eleven Received headers')
virtual('RCVD_COUNT_TWELVE', 0.0, 'Twelve or more Received headers')
virtual('RCVD_TLS_LAST', 0.0, 'The last hop used TLS')
virtual('RCVD_NO_TLS_LAST', 0.1, 'The last hop did not use TLS')
virtual('RCVD_TLS_ALL', 0.0, 'Every network hop used TLS')
virtual('RCVD_VIA_SMTP_AUTH', 0.0, 'A hop records an authenticated client')
virtual('ONCE_RECEIVED', 0.1, 'Received once: straight from the sending machine')
virtual('ONCE_RECEIVED_STRICT', 1.5,
        'Received once from a client without reverse DNS or with a dynamic-looking one')
virtual('RCVD_ILLEGAL_IP', 1.5, 'A Received header names an impossible client address')
virtual('RCVD_UNTRUSTED_PRIVATE', 1.0,
        'The relay that handed the message over has a private or loopback address')
