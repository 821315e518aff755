-- Sender authentication symbols (SPF, DKIM, DMARC, ARC) from the verdicts of the auth module
-- (src/scan/auth_module.cpp), named as Rspamd names them, and the Authentication-Results header
-- for the MTA (milter.add_headers in the reply).

local function virtual(parent, name, description)
  mailward_config:register_symbol{ name = name, type = 'virtual', parent = parent,
                                   group = 'auth', description = description }
end

-- SPF ------------------------------------------------------------------------------------------
local spf_symbols = {
  pass = 'R_SPF_ALLOW', fail = 'R_SPF_FAIL', softfail = 'R_SPF_SOFTFAIL',
  neutral = 'R_SPF_NEUTRAL', none = 'R_SPF_NA', temperror = 'R_SPF_DNSFAIL',
  permerror = 'R_SPF_PERMFAIL',
}

mailward_config:register_symbol{
  name = 'SPF_CHECK', type = 'callback', group = 'auth', description = 'SPF verdict',
  dependencies = { 'AUTH_CHECKS' },
  callback = function(task)
    local r = task:get_spf_result()
    if not r then return end
    local opts = { r.domain }
    if r.mechanism ~= '' then table.insert(opts, 1, r.mechanism) end
    if r.problem ~= '' and (r.result == 'permerror' or r.result == 'temperror') then
      opts[#opts + 1] = r.problem
    end
    task:insert_result(spf_symbols[r.result], 1.0, opts)
  end,
}
virtual('SPF_CHECK', 'R_SPF_ALLOW', 'SPF verification allows sending')
virtual('SPF_CHECK', 'R_SPF_FAIL', 'SPF verification failed')
virtual('SPF_CHECK', 'R_SPF_SOFTFAIL', 'SPF verification soft-failed')
virtual('SPF_CHECK', 'R_SPF_NEUTRAL', 'SPF policy is neutral')
virtual('SPF_CHECK', 'R_SPF_NA', 'Missing SPF record')
virtual('SPF_CHECK', 'R_SPF_DNSFAIL', 'SPF DNS failure')
virtual('SPF_CHECK', 'R_SPF_PERMFAIL', 'SPF record is broken (syntax or limits)')

-- DKIM -----------------------------------------------------------------------------------------
local dkim_symbols = {
  pass = 'R_DKIM_ALLOW', fail = 'R_DKIM_REJECT', temperror = 'R_DKIM_TEMPFAIL',
  permerror = 'R_DKIM_PERMFAIL', neutral = 'R_DKIM_PERMFAIL',
}

mailward_config:register_symbol{
  name = 'DKIM_CHECK', type = 'callback', group = 'auth', description = 'DKIM verdicts',
  dependencies = { 'AUTH_CHECKS' },
  callback = function(task)
    local sigs = task:get_dkim_results()
    if not sigs then return end
    if #sigs == 0 then
      task:insert_result('R_DKIM_NA', 1.0)
      return
    end
    for _, s in ipairs(sigs) do
      local opt = s.domain .. ':s=' .. s.selector
      if s.result ~= 'pass' then opt = opt .. ':' .. s.reason end
      task:insert_result(dkim_symbols[s.result] or 'R_DKIM_PERMFAIL', 1.0, opt)
    end
  end,
}
virtual('DKIM_CHECK', 'R_DKIM_ALLOW', 'DKIM verification succeed')
virtual('DKIM_CHECK', 'R_DKIM_REJECT', 'DKIM verification failed')
virtual('DKIM_CHECK', 'R_DKIM_TEMPFAIL', 'DKIM verification soft-failed (DNS)')
virtual('DKIM_CHECK', 'R_DKIM_PERMFAIL', 'DKIM signature or key is broken')
virtual('DKIM_CHECK', 'R_DKIM_NA', 'Message is not DKIM signed')

-- DMARC ----------------------------------------------------------------------------------------
mailward_config:register_symbol{
  name = 'DMARC_CHECK', type = 'callback', group = 'auth', description = 'DMARC verdict',
  dependencies = { 'AUTH_CHECKS' },
  callback = function(task)
    local d = task:get_dmarc_result()
    if not d then return end
    local dom = d.from_domain
    if d.result == 'pass' then
      task:insert_result('DMARC_POLICY_ALLOW', 1.0, dom, d.policy)
    elseif d.result == 'none' then
      task:insert_result('DMARC_NA', 1.0, dom)
    elseif d.result == 'temperror' then
      task:insert_result('DMARC_DNSFAIL', 1.0, dom)
    elseif d.result == 'permerror' then
      task:insert_result('DMARC_BAD_POLICY', 1.0, dom, d.problem)
    elseif d.result == 'fail' then
      local why = (d.spf_aligned and 'SPF aligned' or 'SPF not aligned') .. ', ' ..
                  (d.dkim_aligned and 'DKIM aligned' or 'DKIM not aligned')
      if d.arc_override then
        task:insert_result('DMARC_POLICY_SOFTFAIL', 1.0, dom, why, 'overridden by ARC ' .. d.arc_sealer)
        task:insert_result('ARC_TRUSTED_OVERRIDE', 1.0, d.arc_sealer)
      elseif d.disposition == 'reject' then
        task:insert_result('DMARC_POLICY_REJECT', 1.0, dom, why)
      elseif d.disposition == 'quarantine' then
        task:insert_result('DMARC_POLICY_QUARANTINE', 1.0, dom, why)
      else
        task:insert_result('DMARC_POLICY_SOFTFAIL', 1.0, dom, why)
      end
    end
  end,
}
virtual('DMARC_CHECK', 'DMARC_POLICY_ALLOW', 'DMARC permit policy')
virtual('DMARC_CHECK', 'DMARC_POLICY_REJECT', 'DMARC reject policy')
virtual('DMARC_CHECK', 'DMARC_POLICY_QUARANTINE', 'DMARC quarantine policy')
virtual('DMARC_CHECK', 'DMARC_POLICY_SOFTFAIL', 'DMARC failed, policy none (or overridden)')
virtual('DMARC_CHECK', 'DMARC_NA', 'No DMARC record')
virtual('DMARC_CHECK', 'DMARC_BAD_POLICY', 'DMARC record is broken')
virtual('DMARC_CHECK', 'DMARC_DNSFAIL', 'DMARC DNS failure')
virtual('DMARC_CHECK', 'ARC_TRUSTED_OVERRIDE', 'A trusted ARC sealer vouched for a DMARC failure')

-- ARC ------------------------------------------------------------------------------------------
mailward_config:register_symbol{
  name = 'ARC_CHECK', type = 'callback', group = 'auth', description = 'ARC verdict',
  dependencies = { 'AUTH_CHECKS' },
  callback = function(task)
    local a = task:get_arc_result()
    if not a then
      if task:get_dkim_results() then task:insert_result('ARC_NA', 1.0) end
      return
    end
    local last = a.sets[#a.sets]
    local opt = last and (last.domain .. ':s=' .. last.selector .. ':i=' .. last.instance) or a.reason
    if a.result == 'pass' then
      task:insert_result('ARC_ALLOW', 1.0, opt)
    elseif a.result == 'temperror' then
      task:insert_result('ARC_DNSFAIL', 1.0, opt)
    elseif a.reason == 'structure' or a.reason == 'syntax' or a.reason == 'too_many_sets' or
           a.reason == 'invalid_cv' then
      task:insert_result('ARC_INVALID', 1.0, a.reason)
    else
      task:insert_result('ARC_REJECT', 1.0, opt, a.reason)
    end
  end,
}
virtual('ARC_CHECK', 'ARC_ALLOW', 'ARC checks success')
virtual('ARC_CHECK', 'ARC_REJECT', 'ARC checks failed')
virtual('ARC_CHECK', 'ARC_INVALID', 'ARC structure invalid')
virtual('ARC_CHECK', 'ARC_DNSFAIL', 'ARC DNS error')
virtual('ARC_CHECK', 'ARC_NA', 'ARC signature absent')

-- Authentication-Results for the MTA -----------------------------------------------------------
mailward_config:register_symbol{
  name = 'AUTH_RESULTS_HEADER', type = 'postfilter', priority = 10, group = 'auth',
  description = 'Adds the Authentication-Results header to the reply',
  callback = function(task)
    -- Remove only the fields that claim our authserv-id (forged or stale, RFC 8601 section 5);
    -- other ADMDs' results stay for whoever trusts them.
    local ar, ours = task:get_authentication_results()
    if not ar then return end
    local reply = { add_headers = { ['Authentication-Results'] = { value = ar, order = 0 } } }
    if #ours > 0 then reply.remove_headers = { ['Authentication-Results'] = ours } end
    task:set_milter_reply(reply)
  end,
}
