-- Sends `count` messages through a forward-mode milter proxy, one connection each, and
-- checks that every one was scanned: the proxy's default action is tempfail, so a message
-- that no scanner answered would not be accepted. Run by test_fleet.py:
--     miltertest -D port=<milter port> -D count=<n> -D delay=<seconds> -s forward.lua
if port == nil or count == nil then error("run with -D port=... -D count=...") end
local sock = "inet:" .. port .. "@127.0.0.1"
mt.set_timeout(60)

local function ok(err, what)
  if err ~= nil then error("FAILED: " .. what .. ": " .. tostring(err)) end
end

local accepted = 0
for i = 1, tonumber(count) do
  local conn = mt.connect(sock, 40, 0.25)
  if conn == nil then error("FAILED: connect for message " .. i) end
  ok(mt.negotiate(conn, 6, nil, nil), "negotiate")
  ok(mt.conninfo(conn, "client.example.net", "192.0.2.55"), "connect")
  ok(mt.helo(conn, "client.example.net"), "helo")
  ok(mt.macro(conn, SMFIC_MAIL, "i", "FLEET" .. i), "mail macros")
  ok(mt.mailfrom(conn, "<sender@example.net>"), "mail from")
  ok(mt.rcptto(conn, "<user@example.jp>"), "rcpt to")
  ok(mt.header(conn, "From", "sender@example.net"), "From")
  ok(mt.header(conn, "Subject", "fleet message " .. i), "Subject")
  ok(mt.header(conn, "Message-ID", "<fleet-" .. i .. "@example.net>"), "Message-ID")
  ok(mt.eoh(conn), "end of headers")
  ok(mt.bodystring(conn, "hello from message " .. i .. "\r\n"), "body")
  ok(mt.eom(conn), "end of message")
  local reply = mt.getreply(conn)
  if reply ~= SMFIR_ACCEPT and reply ~= SMFIR_CONTINUE then
    error("FAILED: message " .. i .. " got reply " .. tostring(reply))
  end
  accepted = accepted + 1
  mt.disconnect(conn)
  if delay ~= nil then os.execute("sleep " .. delay) end
end
mt.echo("accepted " .. accepted .. " of " .. count)
