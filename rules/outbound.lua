-- Outbound protection (THREAT.md): catch the credential-test mail that comes days before a
-- phishing burst from a stolen account, and act first (hold the account), with classic rate
-- limits for the burst itself. Only mail of authenticated senders (SASL user) is examined.
--
--   OUTBOUND_HOLD (prefilter)  held accounts get the hold action; rate limits
--   OUTBOUND (filter)          content: the credential verifier (ob.credentials, C++) and weak
--                              hints; behaviour signals (per-user profile in the store,
--                              identifiers keyed-hashed); collector correlation; the
--                              classifier; the verdict OUTBOUND_RECON and its defensive action
--
-- The verdict: a decisive credential record (src/outbound/credential.h) is OUTBOUND_RECON on
-- its own, first message, empty store; only a fully habitual submission (an account with
-- history, from an address, with a client and to recipients it used before) vetoes it. So is
-- a short mail to a collector that detections in other accounts confirmed. Every other case
-- is the model's: behaviour and collectors raise or lower the probability and catch what the
-- verifier does not know.
-- Configuration: [outbound] (mailward configdump lists it); the model: conf/outbound_model.json.
local ob_ok, ob = pcall(require, 'mailward_outbound')
if not ob_ok then return end
local cfg = ob.config()
if not cfg.enabled then return end

local store = require 'mailward_store'
local content = require 'outbound.content'
local lua_util = require 'lua_util'
local lists = require 'mail_lists'
local rspamd_util = require 'rspamd_util'

local freemail = lua_util.list_to_set(lists.freemail)
local extra_lists = mailward_config:get_all_opt('lists')
if extra_lists and extra_lists.freemail then
  for _, d in ipairs(extra_lists.freemail) do freemail[d:lower()] = true end
end
local local_domains = {}
for _, d in ipairs(cfg.local_domains or {}) do local_domains[#local_domains + 1] = d:lower() end
local local_set = lua_util.list_to_set(local_domains)
local provider_hosts = cfg.provider_hosts or {}

local DAY = 86400
local MAX_RCPTS = 50            -- recipients examined per message
local HISTORY_MIN = 5           -- messages before "new" signals of an account count

local function virtual(parent, name, description)
  mailward_config:register_symbol{ name = name, type = 'virtual', parent = parent,
                                   group = 'outbound', description = description }
end

-- Regexp signals (one Hyperscan scan per class, shared with every other rule).
local reconfig = config['regexp']
reconfig['OUTBOUND_SMTP_PORT'] = {
  re = 'Subject=/(?:^|[;|,:\\s])(?:25|465|587|2525)(?:$|[;|,:\\s])/{header} | ' ..
       '/(?:^|[;|,:\\t])(?:25|465|587|2525)(?:$|[;|,:\\t\\r\\n])/m{mime}',
  description = 'An SMTP port number as a delimited field', group = 'outbound',
}
reconfig['OUTBOUND_AUTH_METHOD'] = {
  re = 'Subject=/(?:^|[;|,:\\s])(?:LOGIN|PLAIN|CRAM-MD5|XOAUTH2)(?:$|[;|,:\\s])/{header} | ' ..
       '/(?:^|[;|,:\\t])(?:LOGIN|PLAIN|CRAM-MD5|XOAUTH2)(?:$|[;|,:\\t\\r\\n])/m{mime}',
  description = 'An SMTP AUTH method name as a delimited field', group = 'outbound',
}
reconfig['OUTBOUND_HOST_PORT'] = {
  re = 'Subject=/\\b(?:smtp|mail|mx|submission|relay)[\\w-]*\\.[\\w.-]+[:\\s]\\s*(?:25|465|587|2525)\\b/i{header} | ' ..
       '/\\b(?:smtp|mail|mx|submission|relay)[\\w-]*\\.[\\w.-]+:(?:25|465|587|2525)\\b/i{mime}',
  description = 'A mail server name with a port', group = 'outbound',
}

-- Lines of the Subject and the start of the visible text.
local function text_lines(task)
  local lines = {}
  local subject = task:get_subject()
  if subject then lines[#lines + 1] = subject end
  local parts = task:get_text_parts()
  if parts[1] and not parts[1]:is_html() or (parts[1] and #parts == 1) then
    local text = parts[1]:get_content():sub(1, 4096)
    for line in text:gmatch('[^\r\n]+') do
      lines[#lines + 1] = line
      if #lines > 60 then break end
    end
  end
  return lines, subject
end

local function client_fingerprint(task)
  local ua = task:get_header('User-Agent') or task:get_header('X-Mailer') or ''
  ua = ua:gsub('[%d.]+', '#'):sub(1, 80)
  return ua == '' and 'none' or ua
end

local function network_of(ip)
  if not ip or not ip:is_valid() then return nil end
  local bits = ip:get_version() == 4 and 24 or 48
  return ip:apply_mask(bits):to_string() .. '/' .. bits
end

-- Content signals: a table of features, the symbols to insert and the credential finding.
local function content_signals(task, user, from)
  local f, hits = {}, {}
  local cred = ob.credentials(task)  -- registers the secrets it finds with the task
  if cred then
    local shown = string.format('%s in %s', cred.format, cred.where)
    if cred.complete and cred.decisive then
      f.credential = 1
      if cred.own then f.cred_own = 1 end
    elseif cred.complete then
      -- A record the verifier explained: onboarding, handed over to its owner, a program's
      -- configuration, or inside a help-desk or support mail (cred.reason). A weaker signal
      -- of its own, so that the model does not count it as a bare record.
      f.cred_explained = 1
      if cred.onboarding then f.cred_onboarding = 1 end
      if cred.reason == 'prose' then f.cred_prose = 1 end
    end
    if cred.complete then
      local sym = (cred.format:match('^kv') or cred.format:match('^json'))
                  and 'OUTBOUND_KV_CREDENTIALS' or 'OUTBOUND_CRED_TUPLE'
      hits[#hits + 1] = { sym, { shown, cred.tuple } }
    else
      f.cred_partial = 1
      hits[#hits + 1] = { 'OUTBOUND_CRED_PARTIAL', { shown, cred.tuple } }
    end
  end
  local lines, subject = text_lines(task)
  local joined = table.concat(lines, '\n'):lower()
  local login = user:lower()
  local addr = from and from:lower() or nil
  local local_part = login:match('^([^@]+)@') or login
  if (#local_part >= 3 and joined:find(local_part, 1, true)) or
     (addr and addr ~= '' and joined:find(addr, 1, true)) then
    f.own_login = 1
    hits[#hits + 1] = { 'OUTBOUND_OWN_LOGIN', 'subject or text' }
  end
  local host = content.provider_host_port(joined, provider_hosts, local_domains)
  if host then
    f.provider_host_port = 1
    hits[#hits + 1] = { 'OUTBOUND_PROVIDER_HOST', host }
  end
  if content.token_subject(subject) then
    f.token_subject = 1
    hits[#hits + 1] = { 'OUTBOUND_TOKEN_SUBJECT', subject }
  end
  local mailer = task:get_header('X-Mailer') or task:get_header('User-Agent')
  local tk = content.toolkit(mailer)
  if tk then
    f.toolkit = 1
    hits[#hits + 1] = { 'OUTBOUND_TOOLKIT', tk:sub(1, 60) }
  end
  if not mailer and (not task:has_header('Message-ID') or not task:has_header('MIME-Version')) then
    f.minimal_headers = 1
  elseif not mailer then
    f.no_mailer = 1
  end
  local visible = 0
  for _, p in ipairs(task:get_text_parts()) do visible = visible + #p:get_content():gsub('%s+', '') end
  if visible < 40 then f.short_body = 1 end
  if task:has_symbol('OUTBOUND_SMTP_PORT') then f.smtp_port = 1 end
  if task:has_symbol('OUTBOUND_AUTH_METHOD') then f.auth_method = 1 end
  if task:has_symbol('OUTBOUND_HOST_PORT') then f.host_port = 1 end
  return f, hits, cred
end

-- A collector record (map "ob:collectors", H(rcpt) -> "<accounts>:<confirmed>:<address>": the
-- accounts that sent it suspected test mail and those whose mail to it was OUTBOUND_RECON;
-- records of earlier versions have no address, the oldest only the count).
local function collector_counts(value)
  if not value then return 0, 0 end
  local s, c = value:match('^(%d+):(%d+)')
  if s then return tonumber(s), tonumber(c) end
  return tonumber(value) or 0, 0
end

local function domain_of(addr)
  return (addr:match('@([^@]+)$') or ''):lower()
end

-- Behaviour signals from the account's profile (and updates of the profile).
local function behaviour_signals(task, user, uh, now)
  local f, hits = {}, {}
  local ttl = cfg.profile_ttl
  local count = store.incr(task, 'ob:n:' .. uh, 1, ttl) or 1
  f.history = math.min(count, 50) / 50
  local has_history = count > HISTORY_MIN
  if not has_history then f.new_account = 1 end
  local last = tonumber(store.get(task, 'ob:last:' .. uh) or '')
  store.set(task, 'ob:last:' .. uh, string.format('%.0f', now), ttl)
  if last and now - last > 30 * DAY then
    f.dormant = 1
    hits[#hits + 1] = { 'OUTBOUND_DORMANT', string.format('%dd', math.floor((now - last) / DAY)) }
  end
  local habitual = has_history  -- everything about this submission was seen before
  local ip = task:get_from_ip()
  if ip and ip:is_valid() then
    local iph = ob.hash(ip:to_string())
    local _, new_ip = store.distinct_add(task, 'ob:ip:' .. uh, iph, ttl)
    local _, new_net = store.distinct_add(task, 'ob:net:' .. uh, ob.hash(network_of(ip)), ttl)
    if new_ip then habitual = false end
    if has_history and new_ip then
      f.new_ip = 1
      hits[#hits + 1] = { 'OUTBOUND_NEW_IP', ip:to_string() }
    end
    if has_history and new_net then
      f.new_net = 1
      hits[#hits + 1] = { 'OUTBOUND_NEW_NET', network_of(ip) }
    end
    local users = store.distinct_add(task, 'ob:ipu:' .. iph, uh, 7 * DAY) or 1
    if users >= 3 then
      f.ip_users = math.min(users - 1, 5) / 5
      hits[#hits + 1] = { 'OUTBOUND_IP_MANY_USERS', tostring(users) .. ' accounts' }
    end
  end
  local _, new_client = store.distinct_add(task, 'ob:cl:' .. uh, ob.hash(client_fingerprint(task)), ttl)
  if new_client then habitual = false end
  if has_history and new_client then
    f.new_client = 1
    hits[#hits + 1] = { 'OUTBOUND_NEW_CLIENT', client_fingerprint(task) }
  end
  local rcpts = task:get_recipients('smtp') or task:get_recipients('mime') or {}
  local n, new, free, external, collectors, confirmed_new = 0, 0, 0, 0, {}, false
  for _, r in ipairs(rcpts) do
    n = n + 1
    if n > MAX_RCPTS then break end
    local rh = ob.hash(r.addr:lower())
    local _, was_new = store.distinct_add(task, 'ob:rc:' .. uh, rh, ttl)
    if was_new then new = new + 1 end
    local dom = domain_of(r.addr)
    if freemail[dom] then free = free + 1 end
    if not local_set[dom] then external = external + 1 end
    local suspected, confirmed = collector_counts(store.map_get(task, 'ob:collectors', rh))
    if suspected >= cfg.collector_min_accounts or confirmed >= cfg.collector_min_accounts then
      collectors[#collectors + 1] = r.addr
      -- Confirmed by detections in other accounts, and new to this one: a collector.
      if confirmed >= cfg.collector_min_accounts and was_new then confirmed_new = true end
    end
  end
  n = math.min(n, MAX_RCPTS)
  if new > 0 or #collectors > 0 then habitual = false end
  if n > 0 then
    if has_history and new > 0 then
      f.new_rcpt = new / n
      hits[#hits + 1] = { 'OUTBOUND_NEW_RCPT', string.format('%d/%d', new, n) }
    end
    if free > 0 then
      f.freemail_rcpt = free / n
      hits[#hits + 1] = { 'OUTBOUND_FREEMAIL_RCPT', string.format('%d/%d', free, n) }
    end
    if n == 1 and external == 1 then f.single_external = 1 end
  end
  if #collectors > 0 then
    f.to_collector = 1
    hits[#hits + 1] = { 'OUTBOUND_TO_COLLECTOR', table.concat(collectors, ',') }
  end
  local hour = store.window_add(task, 'ob:rate:' .. uh, 0, 3600) or 0
  if hour >= 30 then
    f.rate_burst = math.min(hour / 200, 1)
    hits[#hits + 1] = { 'OUTBOUND_RATE_BURST', string.format('%d/h', hour) }
  end
  return f, hits, rcpts, habitual, collectors, confirmed_new
end

-- A message of a held account is refused (counted in "ob:refused:<user>" for the dashboard).
-- The burst the hold prevented is the attacker's mass sending: the account's refused mail
-- reaching `burst_recipients` distinct recipients within `burst_window` (one message to many,
-- or many messages to one each; a retried message counts its recipients once). The message
-- that gets there starts the burst: the incident (detection -> burst start) is recorded once
-- per hold. Refusals before it (the user's own mail, further test mail) are only logged for
-- the per-account timeline ("ob:refusedlog:<user>", newest first). doc/outbound.md, "Incidents".
local REFUSED_LOG_ROWS = 100
local function refused_while_held(task, user, held)
  local now = store.now(task)
  store.incr(task, 'ob:refused:' .. user, 1, cfg.hold_ttl)
  if store.get(task, 'ob:burst:' .. user) then return end  -- its burst is already recorded
  local rcpts = task:get_recipients('smtp') or task:get_recipients('mime') or {}
  local reached = 0
  for i, r in ipairs(rcpts) do
    if i > MAX_RCPTS or reached >= cfg.burst_recipients then break end
    reached = store.distinct_add(task, 'ob:refrc:' .. user, ob.hash(r.addr:lower()),
                                 cfg.burst_window) or reached
  end
  local burst = reached >= cfg.burst_recipients
  store.list_push(task, 'ob:refusedlog:' .. user, rspamd_util.to_json{
    time = now, recipients = math.min(#rcpts, MAX_RCPTS), reached = reached, burst = burst,
  }, REFUSED_LOG_ROWS, cfg.hold_ttl)
  -- One incident per hold, also when several workers get there at once.
  if not burst or store.incr(task, 'ob:burst:' .. user, 1, cfg.hold_ttl) ~= 1 then return end
  local row = rspamd_util.from_json(held)
  if type(row) == 'table' and tonumber(row.since) then
    store.list_push(task, 'ob:incidents', rspamd_util.to_json{
      user = user, detected = tonumber(row.since), burst_start = now, recipients = reached,
      by = row.by or 'detection',
    }, 1000)
  end
end

-- Prefilter: held accounts, rate limits. -----------------------------------------------------------
mailward_config:register_symbol{
  name = 'OUTBOUND_HOLD', type = 'prefilter', priority = 20, group = 'outbound',
  description = 'Outbound hold list and rate limits',
  callback = function(task)
    local user = task:get_user()
    if not user or not store.available(task) then return end
    local held, err = store.map_get(task, 'ob:hold', user)
    if err and not store.healthy(task) then
      -- The hold list cannot be read (the store inserted STORE_UNAVAILABLE): accept, or
      -- tempfail so that the MTA retries once the store is back ([outbound] on_store_failure).
      if cfg.on_store_failure == 'tempfail' then
        task:set_pre_result{ action = 'soft reject', message = cfg.store_failure_message,
                             module = 'outbound' }
      end
      return
    end
    if held then
      task:insert_result('OUTBOUND_HELD', 1.0, user)
      refused_while_held(task, user, held)
      if cfg.hold_action ~= 'alert' then
        task:set_pre_result{ action = cfg.hold_action, message = cfg.hold_message, module = 'outbound' }
      end
      return
    end
    local uh = ob.hash(user)
    local rcpts = task:get_recipients('smtp') or {}
    local window = cfg.ratelimit_window
    local msgs = store.window_add(task, 'ob:rate:' .. uh, 1, 3600) or 0
    local msgs_window = window == 3600 and msgs or
                        (store.window_add(task, 'ob:rl:' .. uh, 1, window) or 0)
    local rc = store.window_add(task, 'ob:rlr:' .. uh, #rcpts, window) or 0
    if (cfg.ratelimit_messages > 0 and msgs_window > cfg.ratelimit_messages) or
       (cfg.ratelimit_recipients > 0 and rc > cfg.ratelimit_recipients) then
      task:insert_result('OUTBOUND_RATELIMIT', 1.0,
        string.format('%d msgs, %d rcpts in %ds', msgs_window, rc, window))
      task:set_pre_result{ action = 'soft reject', message = cfg.ratelimit_message,
                           module = 'outbound' }
    end
  end,
}
virtual('OUTBOUND_HOLD', 'OUTBOUND_HELD', 'The account is on hold (suspected compromise)')
virtual('OUTBOUND_HOLD', 'OUTBOUND_RATELIMIT', 'The account exceeded its sending rate')
virtual('OUTBOUND_HOLD', 'STORE_UNAVAILABLE',
        'The state store did not answer: checks that need it were skipped (option: backend)')

-- Filter: signals, classifier, verdict, defensive action. -----------------------------------------
-- The recipients of a flagged message that look like collectors: outside the provider's own
-- domains (all of them when none are configured), known collectors first.
local function collector_list(rcpts, known)
  local out, seen = {}, {}
  for _, a in ipairs(known) do
    out[#out + 1] = a
    seen[a:lower()] = true
  end
  for i, r in ipairs(rcpts) do
    if i > MAX_RCPTS then break end
    local a = r.addr
    if not seen[a:lower()] and (#local_domains == 0 or not local_set[domain_of(a)]) then
      out[#out + 1] = a
      seen[a:lower()] = true
    end
  end
  return out
end

local function act(task, user, verdict, rcpts, known, cred)
  local now = store.now(task)
  local ip = task:get_from_ip()
  local rcpt_list = {}
  for i, r in ipairs(rcpts) do
    if i > MAX_RCPTS then break end
    rcpt_list[#rcpt_list + 1] = r.addr
  end
  if cfg.action ~= 'alert' then
    task:set_pre_result{ action = cfg.action, message = cfg.message, module = 'outbound' }
  end
  if cfg.hold then
    -- A new hold starts without the refusal records a hold that expired left behind
    -- (src/outbound/hold_list.h lists them).
    for _, prefix in ipairs{'ob:burst:', 'ob:refrc:', 'ob:refusedlog:', 'ob:refused:'} do
      store.del(task, prefix .. user)
    end
    store.map_set(task, 'ob:hold', user, rspamd_util.to_json{
      since = now, probability = verdict.probability, reasons = verdict.reasons,
      weights = verdict.weights, evidence = verdict.evidence,
      tuple = cred and cred.tuple or nil, recipients = rcpt_list,
      ip = ip and ip:to_string() or '', message_id = task:get_message_id() or '',
    }, cfg.hold_ttl)
  end
  local credential
  if cred then
    -- Masked by the verifier; ob.emit_event masks every string of the event once more.
    credential = { format = cred.format, where = cred.where, complete = cred.complete,
                   identity = cred.identity, login = cred.login, own = cred.own,
                   secret = cred.secret, secret_length = cred.secret_length, host = cred.host,
                   port = cred.port, method = cred.method, tuple = cred.tuple,
                   decisive = cred.decisive, reason = cred.reason }
  end
  ob.emit_event(task, {
    time = now, user = user, probability = verdict.probability, evidence = verdict.evidence,
    reasons = verdict.reasons, weights = verdict.weights, contributions = verdict.contributions,
    tuple = cred and cred.tuple or nil,
    ip = ip and ip:to_string() or '', recipients = rcpt_list,
    collectors = collector_list(rcpts, known), credential = credential,
    subject = ob.redact(task, task:get_subject() or ''), message_id = task:get_message_id() or '',
    action = cfg.action, held = cfg.hold,
  })
end

-- Remember that these recipients got suspected test mail from this account (`confirmed`: mail
-- that was OUTBOUND_RECON); an address that gets it from several accounts is a collector.
local function correlate(task, user, uh, rcpts, confirmed)
  for i, r in ipairs(rcpts) do
    if i > MAX_RCPTS then break end
    local rh = ob.hash(r.addr:lower())
    local accounts = store.distinct_add(task, 'ob:coll:' .. rh, uh, cfg.collector_ttl) or 0
    local sure
    if confirmed then
      sure = store.distinct_add(task, 'ob:collc:' .. rh, uh, cfg.collector_ttl) or 0
    else
      local _, c = collector_counts(store.map_get(task, 'ob:collectors', rh))
      sure = c
    end
    store.list_push(task, 'ob:collusers:' .. rh, user, 50, cfg.collector_ttl)
    if accounts >= cfg.collector_min_accounts or sure >= cfg.collector_min_accounts then
      -- The address in clear: the abuse desk's list of collectors (controller
      -- /outbound/collectors), fleet-wide with the Redis store.
      store.map_set(task, 'ob:collectors', rh,
                    string.format('%d:%d:%s', accounts, sure, r.addr:lower()),
                    cfg.collector_ttl)
    end
  end
end

-- An operator marked an earlier detection of this account as a false positive (the map
-- "ob:fp", written by the controller's /outbound/falsepositive with the recipients of that
-- detection): a detection within [outbound] false_positive_period of the mark, of mail to
-- only those recipients, is not acted on. Read only when a detection fires. The date of the
-- mark, or nil.
local function operator_vouched(task, user, rcpts, now)
  if (cfg.false_positive_period or 0) <= 0 or #rcpts == 0 or #rcpts > MAX_RCPTS then return nil end
  local row = store.map_get(task, 'ob:fp', user)
  row = row and rspamd_util.from_json(row)
  local marked = type(row) == 'table' and tonumber(row.time)
  if not marked or now - marked > cfg.false_positive_period or
     type(row.recipients) ~= 'table' then
    return nil
  end
  local known = {}
  for _, a in ipairs(row.recipients) do known[tostring(a):lower()] = true end
  for _, r in ipairs(rcpts) do
    if not known[r.addr:lower()] then return nil end
  end
  return os.date('!%Y-%m-%d', math.floor(marked))
end

-- The model's view: probability, each signal's contribution to the log-odds ("new_net:+1.28",
-- the bias last) and the strongest reasons. Without a model: nil.
local function model_view(f)
  local p, contributions, bias = ob.predict(f)
  if not p then return nil end
  local shown, reasons, weights = {}, {}, {}
  for _, c in ipairs(contributions) do
    if c.value ~= 0 then shown[#shown + 1] = string.format('%s:%+.2f', c.name, c.value) end
    if c.value > 0.5 and #reasons < 5 then
      reasons[#reasons + 1] = c.name
      weights[c.name] = math.floor(c.value * 1000 + 0.5) / 1000
    end
  end
  shown[#shown + 1] = string.format('bias:%+.2f', bias or 0)
  return { probability = p, contributions = shown, reasons = reasons, weights = weights }
end

mailward_config:register_symbol{
  name = 'OUTBOUND', type = 'callback', group = 'outbound',
  description = 'Outbound reconnaissance detection',
  dependencies = { 'OUTBOUND_SMTP_PORT', 'OUTBOUND_AUTH_METHOD', 'OUTBOUND_HOST_PORT' },
  callback = function(task)
    local user = task:get_user()
    if not user or not store.available(task) then return end
    local from = task:get_from('smtp')
    from = from and from[1] and from[1].addr or nil
    local uh = ob.hash(user)
    local now = store.now(task)
    local f, hits, cred = content_signals(task, user, from)
    local fb, bhits, rcpts, habitual, known, to_confirmed = behaviour_signals(task, user, uh, now)
    for k, v in pairs(fb) do f[k] = v end
    for _, h in ipairs(bhits) do hits[#hits + 1] = h end
    local content_any = (f.credential or f.cred_partial or f.provider_host_port or
                         f.token_subject or f.toolkit) and 1 or 0
    if content_any == 1 and f.new_net then f.content_x_new_net = 1 end
    if content_any == 1 and f.freemail_rcpt then f.content_x_freemail = 1 end
    if f.short_body and f.single_external and f.new_net then f.short_new_net_external = 1 end
    for _, h in ipairs(hits) do task:insert_result(h[1], 1.0, h[2]) end
    if task:get_request_header('X-Mailward-Export-Features') then
      task:set_reply_field('outbound_features', f)
    end
    -- Evidence that needs no model: a decisive credential record (unless the submission is
    -- fully habitual), or a short mail to a collector that other accounts' detections
    -- confirmed and that this account never wrote to.
    local evidence
    if cfg.decisive and cred and cred.decisive and not habitual then
      evidence = 'credential record: ' .. cred.reason
    elseif cfg.decisive and to_confirmed and (f.short_body or f.credential or f.cred_partial) then
      evidence = 'known collector'
    end
    local view = model_view(f)
    local p = view and view.probability or nil
    if not evidence and not (p and p >= cfg.threshold) then
      -- Suspected but not sure: counts for collector correlation only. A complete record the
      -- verifier explained (f.cred_explained: onboarding, handed over, configuration, a
      -- help-desk or support mail in prose) is no suspicion of its own: users write their
      -- settings to support.
      if f.credential or f.cred_partial or (p and p >= cfg.threshold / 2) then
        correlate(task, user, uh, rcpts, false)
      end
      return
    end
    local verdict = {
      probability = p or 1, contributions = view and view.contributions or {},
      reasons = view and view.reasons or {}, weights = view and view.weights or {},
      evidence = evidence or 'model',
    }
    local options = { string.format('p=%.3f', verdict.probability), verdict.evidence }
    local vouched = operator_vouched(task, user, rcpts, now)
    if vouched then
      -- Reported in the scan result only: no event, hold, action or collector count.
      options[#options + 1] = 'marked false positive ' .. vouched
      task:insert_result('OUTBOUND_FALSE_POSITIVE', 1.0, options)
      return
    end
    for _, c in ipairs(verdict.contributions) do options[#options + 1] = c end
    task:insert_result('OUTBOUND_RECON', 1.0, options)
    act(task, user, verdict, rcpts, known, cred)
    correlate(task, user, uh, rcpts, true)
  end,
}
for _, s in ipairs{
  { 'OUTBOUND_CRED_TUPLE', 'A credential record: delimited tuple, URL or compound fields' },
  { 'OUTBOUND_KV_CREDENTIALS', 'A credential record: labelled lines or JSON' },
  { 'OUTBOUND_CRED_PARTIAL', 'Part of a credential record (a secret with a server or an address)' },
  { 'OUTBOUND_OWN_LOGIN', 'The sender\'s own login or address in the Subject or text' },
  { 'OUTBOUND_PROVIDER_HOST', 'The provider\'s submission host next to a port' },
  { 'OUTBOUND_TOKEN_SUBJECT', 'Short Subject with a random-looking token' },
  { 'OUTBOUND_TOOLKIT', 'Mailer toolkit fingerprint' },
  { 'OUTBOUND_NEW_IP', 'First mail of the account from this client address' },
  { 'OUTBOUND_NEW_NET', 'First mail of the account from this network' },
  { 'OUTBOUND_IP_MANY_USERS', 'The client address authenticated as several accounts' },
  { 'OUTBOUND_NEW_CLIENT', 'A mail client never seen for this account' },
  { 'OUTBOUND_NEW_RCPT', 'Recipients the account never wrote to' },
  { 'OUTBOUND_FREEMAIL_RCPT', 'Recipients at free-mail domains' },
  { 'OUTBOUND_DORMANT', 'A dormant account suddenly sending' },
  { 'OUTBOUND_RATE_BURST', 'The account is sending far more than usual' },
  { 'OUTBOUND_TO_COLLECTOR', 'A recipient already collecting test mail from other accounts' },
  { 'OUTBOUND_RECON', 'Credential-test (reconnaissance) mail from a stolen account' },
  { 'OUTBOUND_FALSE_POSITIVE', 'A detection to recipients an operator vouched for (a recent ' ..
    'false-positive mark of this account): reported, not acted on' } } do
  virtual('OUTBOUND', s[1], s[2])
end
