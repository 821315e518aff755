-- Rules for test_milter.py, installed into the test configuration's lua.local.d/.
--
-- MILTER_TEST_PROBE reports what the scanner saw as headers for the MTA to add (through the
-- reply's milter block), so that the test can read them in the delivered message:
--   X-Test-Scanned-Headers  sha256 and length of the header block from the `X-Begin:` field
--                           to the end of the header section, as the scanner got it
--   X-Test-User / X-Test-Queue-Id / X-Test-Mta-Name / X-Test-Ip  the envelope
--   X-Test-Tls-Version      the TLS-Version request header ("-" without TLS)
-- and asks for an X-Test-Top field at the top (order 0) and the removal of every
-- `X-Remove-Me` field. (Authentication-Results comes from the shipped rules/auth.lua.)
-- MILTER_TEST_SOFT_REJECT forces `soft reject` when the subject holds SOFT-REJECT-ME.
local util = require 'rspamd_util'

mailward_config:register_symbol{
  name = 'MILTER_TEST_PROBE',
  description = 'Test probe: reports the envelope and the scanned header bytes',
  callback = function(task)
    local add = {}
    local raw = task:get_content() or ''
    local s = raw:find('X-Begin: ', 1, true)
    local e = raw:find('\r\n\r\n', 1, true)
    if s and e and s < e then
      local block = raw:sub(s, e + 1)  -- through the CRLF of the last field
      add['X-Test-Scanned-Headers'] = util.sha256_hex(block) .. ' ' .. tostring(#block)
    end
    add['X-Test-User'] = task:get_user() or '-'
    add['X-Test-Queue-Id'] = task:get_queue_id() or '-'
    add['X-Test-Mta-Name'] = task:get_mta_name() or '-'
    local ip = task:get_from_ip()
    add['X-Test-Ip'] = ip and ip:to_string() or '-'
    add['X-Test-Tls-Version'] = task:get_request_header('TLS-Version') or '-'
    add['X-Test-Top'] = { value = 'inserted at the top', order = 0 }
    task:set_milter_reply{ add_headers = add, remove_headers = { ['X-Remove-Me'] = 0 } }
    return false
  end,
}

mailward_config:register_symbol{
  name = 'MILTER_TEST_SOFT_REJECT',
  description = 'Test rule: soft reject on a subject marker',
  callback = function(task)
    local subject = task:get_subject()
    if subject and subject:find('SOFT-REJECT-ME', 1, true) then
      task:set_pre_result{ action = 'soft reject', message = 'Please come back later (test)',
                           module = 'milter_test' }
      return true
    end
    return false
  end,
}

-- MILTER_TEST_SPAMMY scores enough for `add header` (threshold 6) when the body holds
-- MILTER-TEST-SPAMMY: an ordinary verdict, so every other rule runs too (a GTUBE pre-result
-- would end the scan early).
mailward_config:register_symbol{
  name = 'MILTER_TEST_SPAMMY',
  score = 8.0,
  description = 'Test rule: scores 8 on a body marker',
  callback = function(task)
    local raw = task:get_content() or ''
    return raw:find('MILTER-TEST-SPAMMY', 1, true) ~= nil
  end,
}
