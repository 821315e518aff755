-- GTUBE forces reject whatever the score; the advisory variants force their action.
return {
  cases = {
    { name = 'GTUBE string forces reject', message = '../../samples/gtube.eml',
      expect = { 'GTUBE' }, action = 'reject' },
    { name = 'the add-header variant', text =
        'From: a@example.org\r\nTo: b@example.net\r\nSubject: t\r\n\r\n' ..
        'YJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n',
      expect = { 'GTUBE_ADD_HEADER' }, forbid = { 'GTUBE' }, action = 'add header' },
    { name = 'GTUBE in an HTML part', text =
        'From: a@example.org\r\nTo: b@example.net\r\nSubject: t\r\n' ..
        'Content-Type: text/html\r\n\r\n<p>XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X</p>\r\n',
      expect = { 'GTUBE' }, action = 'reject' },
    { name = 'a normal message does not match', message = '../../samples/ham.eml',
      forbid = { 'GTUBE', 'GTUBE_ADD_HEADER', 'GTUBE_REWRITE_SUBJECT' }, action = 'no action' },
  },
}
