-- GTUBE: the Generic Test for Unsolicited Bulk Email. Integrators put this string in a
-- message to check that their filter is wired up; like Rspamd and SpamAssassin we reject
-- such a message outright (a pre-result, so no other rule can lower the verdict).
-- Also the "advisory" variants that ask for the other actions.

local patterns = {
  { str = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X',
    sym = 'GTUBE', action = 'reject' },
  { str = 'YJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X',
    sym = 'GTUBE_ADD_HEADER', action = 'add header' },
  { str = 'ZJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X',
    sym = 'GTUBE_REWRITE_SUBJECT', action = 'rewrite subject' },
}

-- The strings are found by one regexp in the Hyperscan pass over the text; the Lua check
-- (which sets the pre-result) only reads the text when that regexp matched.
config['regexp']['GTUBE_STRING'] = {
  re = '/[XYZ]JS\\*C4JDBQADN1\\.NSBN3\\*2IDNEN\\*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL\\*C\\.34X/{mime}',
  description = 'A GTUBE test string is in the text', group = 'gtube',
}

local function check(task)
  if not task:has_symbol('GTUBE_STRING') then return end
  for _, part in ipairs(task:get_text_parts()) do
    local content = part:get_content()
    for _, p in ipairs(patterns) do
      if content:find(p.str, 1, true) then
        task:insert_result(p.sym, 1.0)
        task:set_pre_result{ action = p.action, message = 'Gtube pattern', module = 'gtube' }
        return
      end
    end
  end
end

local id = mailward_config:register_symbol{
  name = 'GTUBE_CHECK',
  type = 'callback',
  priority = 10,
  callback = check,
  flags = 'empty',
  dependencies = { 'GTUBE_STRING' },
}
for _, p in ipairs(patterns) do
  mailward_config:register_symbol{
    name = p.sym, type = 'virtual', parent = id, group = 'gtube',
    description = 'GTUBE test string (forces ' .. p.action .. ')',
  }
end
