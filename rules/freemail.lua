-- Free-mail senders and reply addresses (the list is in lualib/mail_lists.lua; operators add
-- domains with [lists] freemail = [...] in local.d).
local lua_util = require 'lua_util'
local lists = require 'mail_lists'

local freemail = lua_util.list_to_set(lists.freemail)
local extra = mailward_config:get_all_opt('lists')
if extra and extra.freemail then
  for _, d in ipairs(extra.freemail) do freemail[d:lower()] = true end
end

mailward_config:register_symbol{
  name = 'FREEMAIL_CHECK', type = 'callback', group = 'freemail',
  description = 'Free-mail checks',
  callback = function(task)
    local from = task:get_from('mime')
    local from_dom = from and from[1] and from[1].domain or nil
    if from_dom and freemail[from_dom] then task:insert_result('FREEMAIL_FROM', 1.0, from_dom) end
    local rt = task:get_header('Reply-To')
    local rt_dom = rt and rt:match('@([%w.-]+)')
    if rt_dom then
      rt_dom = rt_dom:lower()
      if freemail[rt_dom] then
        task:insert_result('FREEMAIL_REPLYTO', 1.0, rt_dom)
        if rt_dom ~= from_dom then
          task:insert_result('FREEMAIL_REPLYTO_NEQ_FROM_DOM', 1.0, rt_dom)
        end
      end
    end
  end,
}
for _, s in ipairs{ { 'FREEMAIL_FROM', 'From is a free-mail address' },
                    { 'FREEMAIL_REPLYTO', 'Reply-To is a free-mail address' },
                    { 'FREEMAIL_REPLYTO_NEQ_FROM_DOM',
                      'Replies go to a free-mail address of another domain than From' } } do
  mailward_config:register_symbol{ name = s[1], type = 'virtual', parent = 'FREEMAIL_CHECK',
                                   group = 'freemail', description = s[2] }
end
