-- Milter protocol corner cases against Mailward's proxy, for Debian's miltertest:
--     miltertest -D port=<milter port> -s protocol.lua
-- Run by test_milter.py against a self-scan proxy that has milter/test_rules.lua installed
-- (it reports the envelope in X-Test-* headers) and [milter] max_frame_size = "256k".
-- Any failed check raises an error (non-zero exit); success prints a final line.

if port == nil then error("run with -D port=<milter port>") end
local sock = "inet:" .. port .. "@127.0.0.1"
local GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

mt.set_timeout(60)

local function check(cond, what)
  if not cond then error("FAILED: " .. what) end
  mt.echo("ok: " .. what)
end

local function ok(err, what)
  if err ~= nil then error("FAILED: " .. what .. ": " .. tostring(err)) end
end

local function added(conn, name)
  local v = mt.getheader(conn, name, 0)
  if v == nil then return nil end
  return (string.gsub(v, "^%s+", ""))
end

local function message(conn, qid, headers, body)
  if qid then ok(mt.macro(conn, SMFIC_MAIL, "i", qid), "mail macros") end
  ok(mt.mailfrom(conn, "<sender@example.net>"), "mail from")
  ok(mt.rcptto(conn, "<user@test.mailward>"), "rcpt to")
  for _, h in ipairs(headers) do ok(mt.header(conn, h[1], h[2]), "header " .. h[1]) end
  ok(mt.eoh(conn), "end of headers")
  ok(mt.bodystring(conn, body), "body")
  ok(mt.eom(conn), "end of message")
end

-- 1. Negotiation: we offer version 6 with every action and step; the proxy asks only for
--    what it uses.
local conn = mt.connect(sock, 40, 0.25)
check(conn ~= nil, "connect")
ok(mt.negotiate(conn, 6, nil, nil), "negotiate")
check(mt.test_action(conn, SMFIF_ADDHDRS), "asks to add headers")
check(mt.test_action(conn, SMFIF_CHGHDRS), "asks to change headers")
check(mt.test_action(conn, SMFIF_QUARANTINE), "asks to quarantine")
check(not mt.test_action(conn, SMFIF_CHGBODY), "does not ask to replace bodies")
check(mt.test_option(conn, SMFIP_NR_HDR), "no reply needed for each header")

-- 2. Macros: MTA name, client, queue id and SASL user reach the scan.
ok(mt.macro(conn, SMFIC_CONNECT, "j", "mt.example.org", "{daemon_name}", "MT-DAEMON"),
   "connect macros")
ok(mt.conninfo(conn, "client.example.net", "192.0.2.55"), "connect")
ok(mt.helo(conn, "client.example.net"), "helo")
ok(mt.macro(conn, SMFIC_MAIL, "i", "MTQID1", "{auth_authen}", "mt-user",
            "{x_unknown_macro}", "ignored"), "mail macros")
message(conn, nil, {{"X-Begin", "1"}, {"From", "sender@example.net"},
                    {"Subject", "miltertest"}, {"X-Spam", "Yes (forged)"}}, "hello\r\n")
check(mt.getreply(conn) == SMFIR_ACCEPT, "message 1 accepted")
check(added(conn, "X-Test-User") == "mt-user", "{auth_authen} is the user")
check(added(conn, "X-Test-Queue-Id") == "MTQID1", "i is the queue id")
check(added(conn, "X-Test-Mta-Name") == "MT-DAEMON", "{daemon_name} is the MTA name")
check(added(conn, "X-Test-Ip") == "192.0.2.55", "the client address")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Spam"), "forged X-Spam deleted")
check(mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results"),
      "Authentication-Results inserted")

-- 3. Abort between messages, an unknown SMTP command, then a spam message on the same
--    connection.
ok(mt.macro(conn, SMFIC_MAIL, "i", "MTQID2"), "mail macros 2")
ok(mt.mailfrom(conn, "<other@example.net>"), "mail from 2")
ok(mt.rcptto(conn, "<user@test.mailward>"), "rcpt to 2")
ok(mt.header(conn, "Subject", "to be aborted"), "header 2")
ok(mt.abort(conn), "abort")
ok(mt.unknown(conn, "XYZZY plugh"), "unknown command")
message(conn, "MTQID3", {{"From", "sender@example.net"}, {"Subject", "gtube"}},
        GTUBE .. "\r\n")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "GTUBE answered with a reply code")
-- (miltertest's MT_SMTPREPLY check only works with code, enhanced code and text.)
check(mt.eom_check(conn, MT_SMTPREPLY, "554", "5.7.1", "Gtube pattern"),
      "GTUBE rejected with 554 5.7.1")
ok(mt.disconnect(conn), "disconnect")

-- 4. Sendmail-style IPv6 client and a second connection.
conn = mt.connect(sock, 40, 0.25)
check(conn ~= nil, "connect again")
ok(mt.negotiate(conn, 6, nil, nil), "negotiate again")
ok(mt.conninfo(conn, "v6.example.net", "2001:db8::55"), "IPv6 connect")
message(conn, "MTQID4", {{"From", "sender@example.net"}, {"Subject", "ipv6"}}, "hi\r\n")
check(mt.getreply(conn) == SMFIR_ACCEPT, "IPv6 message accepted")
check(added(conn, "X-Test-Ip") == "2001:db8::55", "the IPv6 client address")
ok(mt.disconnect(conn), "disconnect again")

-- 5. A frame over the limit closes that connection (and only that one).
conn = mt.connect(sock, 40, 0.25)
check(conn ~= nil, "connect for the oversize frame")
ok(mt.negotiate(conn, 6, nil, nil), "negotiate for the oversize frame")
ok(mt.conninfo(conn, "big.example.net", "192.0.2.56"), "connect for the oversize frame")
ok(mt.mailfrom(conn, "<sender@example.net>"), "mail from for the oversize frame")
ok(mt.rcptto(conn, "<user@test.mailward>"), "rcpt to for the oversize frame")
ok(mt.header(conn, "Subject", "oversize"), "header for the oversize frame")
ok(mt.eoh(conn), "end of headers for the oversize frame")
-- One 300 kB body packet (Postfix never sends more than 64 kB; miltertest cannot send
-- header fields over a few kB, so the body carries it).
local failed = mt.bodystring(conn, string.rep("x", 300000))
if failed == nil then failed = mt.eom(conn) end
check(failed ~= nil, "the oversize frame ended the conversation (" .. tostring(failed) .. ")")

-- 6. The proxy still serves.
conn = mt.connect(sock, 40, 0.25)
check(conn ~= nil, "connect after the oversize frame")
ok(mt.negotiate(conn, 6, nil, nil), "negotiate after the oversize frame")
ok(mt.conninfo(conn, "client.example.net", "192.0.2.57"), "connect after the oversize frame")
message(conn, "MTQID5", {{"From", "sender@example.net"}, {"Subject", "still here"}}, "hi\r\n")
check(mt.getreply(conn) == SMFIR_ACCEPT, "accepted after the oversize frame")
ok(mt.disconnect(conn), "final disconnect")

mt.echo("all protocol checks passed")
