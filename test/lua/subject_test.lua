-- Subject rules (rules/subject.lua and SUBJ_URGENT in rules/content.lua).
local function msg(subject)
  return 'From: a@example.org\r\nTo: b@example.net\r\nSubject: ' .. subject ..
    '\r\nMessage-ID: <s1@example.org>\r\n\r\nbody\r\n'
end

return {
  cases = {
    { name = 'ordinary subject', text = msg('Minutes of the Tuesday meeting'),
      forbid = { 'SUBJ_ALL_CAPS', 'SUBJ_EXCESS_PUNCT', 'SUBJECT_ENDS_EXCLAIM', 'LONG_SUBJ',
                 'SUBJ_HAS_CURRENCY', 'SUBJ_HAS_URL', 'SUBJ_URGENT' } },
    { name = 'all capitals', text = msg('LIMITED OFFER FOR YOU TODAY'), expect = { 'SUBJ_ALL_CAPS' } },
    { name = 'short acronyms are not shouting', text = msg('FYI: NDA'), forbid = { 'SUBJ_ALL_CAPS' } },
    { name = 'runs of punctuation', text = msg('Act now!!!'),
      expect = { 'SUBJ_EXCESS_PUNCT', 'SUBJECT_ENDS_EXCLAIM' } },
    { name = 'one exclamation mark', text = msg('Congratulations!'),
      expect = { 'SUBJECT_ENDS_EXCLAIM' }, forbid = { 'SUBJ_EXCESS_PUNCT' } },
    { name = 'very long subject', text = msg(string.rep('word ', 50)), expect = { 'LONG_SUBJ' } },
    { name = 'money in the subject', text = msg('Claim $5000 today'), expect = { 'SUBJ_HAS_CURRENCY' } },
    { name = 'euro amount', text = msg('Ihr Gewinn: 1000 \226\130\172'), expect = { 'SUBJ_HAS_CURRENCY' } },
    { name = 'URL in the subject', text = msg('see http://promo.example.com now'),
      expect = { 'SUBJ_HAS_URL' } },
    { name = 'urgent subject (regexp rule)', text = msg('URGENT: final notice'),
      expect = { 'SUBJ_URGENT' } },
  },
}
