"""The milter proxy with a real Postfix, driven by swaks (issue: milter proxy mode).

Three Mailward daemons and one private Postfix instance, all on 127.0.0.1:

  self-scan   the proxy scans in-process (the default mode); score headers on
  forward     the proxy forwards to a dead upstream and to self-scan's scan worker
  all-dead    the proxy forwards to two dead upstreams; default action tempfail

Postfix listeners: `smtp` and `submission` (SASL, milter_macro_daemon_name=ORIGINATING) use the
self-scan milter, `forward` and `alldead` the other two. A test Lua rule
(milter/test_rules.lua) reports what the scanner saw as headers (envelope, a hash of the
scanned header bytes) and asks for an Authentication-Results field and the removal of
`X-Remove-Me`. `miltertest` (milter/protocol.lua) covers protocol corner cases.
"""
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402
import postfix  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SWAKS = shutil.which("swaks")
MILTERTEST = shutil.which("miltertest")
DOMAIN = postfix.DOMAIN
USER = "user@" + DOMAIN
SASL_PASSWORD = "milter-test-secret"

MISSING = postfix.available() or mwtest.missing_tools("swaks")

SPAMMY = b"MILTER-TEST-SPAMMY"  # milter/test_rules.lua scores it 8: `add header`
GTUBE_REWRITE = "ZJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

# A header section a `simple` DKIM signature would cover byte for byte: odd spacing before
# and after colons' values, tabs, folding with spaces and tabs, trailing blanks, an empty
# value. Forged X-Spam fields and X-Remove-Me fields must go; the rest must arrive unchanged.
ODD_HEADERS = [
    b"X-Begin: 1\r\n",
    b"Received: from old.example.net (old.example.net [192.0.2.1])\r\n"
    b"\tby relay.example.net with ESMTP id ABC123;\r\n\tSat, 28 Nov 2026 10:00:00 +0000\r\n",
    b"From:   \"Odd  Spacing\"   <sender@example.net>\r\n",
    b"To:user@test.mailward\r\n",
    b"Subject:\tTabbed   subject\r\n   folded with spaces  \r\n\t and a tab\r\n",
    b"X-Spam: Yes (forged)\r\n",
    b"X-Spam-Status: Yes, score=100.0 (forged)\r\n",
    b"X-Remove-Me: first\r\n",
    b"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n",
    b"Message-ID: <odd-headers-%d@example.net>\r\n",
    b"X-Trailing-Blanks: value   \r\n",
    b"X-Empty:\r\n",
    b"X-Long: " + b"a" * 60 + b"\r\n " + b"b" * 60 + b"\r\n",
    b"X-Remove-Me: second\r\n",
]
REMOVED = ("x-spam", "x-spam-status", "x-remove-me")
# Fields the MTA, the proxy or the test rule add on the way.
ADDED = ("return-path", "x-original-to", "delivered-to", "x-spam", "x-spamd-result",
         "x-spam-score", "authentication-results", "x-test-scanned-headers", "x-test-user",
         "x-test-queue-id", "x-test-mta-name", "x-test-ip", "x-test-tls-version",
         "x-test-top")


def fields(header_section):
    """Split a header section (bytes, LF or CRLF) into raw fields, folding kept."""
    out = []
    for line in header_section.replace(b"\r\n", b"\n").split(b"\n"):
        if line[:1] in (b" ", b"\t") and out:
            out[-1] += b"\n" + line
        elif line:
            out.append(line)
    return out


def field_name(raw):
    return raw.split(b":", 1)[0].decode("latin-1").strip().lower()


def header_section(message):
    end = message.find(b"\n\n")
    return message[:end + 1] if end >= 0 else message


def header_value(message, name):
    """The first field named `name` (unfolded value, stripped), None when absent."""
    for raw in fields(header_section(message)):
        if field_name(raw) == name.lower():
            value = raw.split(b":", 1)[1].decode("utf-8", "replace")
            return re.sub(r"\n[ \t]", " ", value).strip()
    return None


def header_values(message, name):
    out = []
    for raw in fields(header_section(message)):
        if field_name(raw) == name.lower():
            out.append(raw.split(b":", 1)[1].decode("utf-8", "replace").strip())
    return out


@mwtest.needs(MISSING)
class MilterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(HERE, "milter", "test_rules.lua")) as f:
            rules = f.read()
        cls.seq = 0
        # DKIM keys of the submission domain, made by `mailward dkim-keygen` (RSA and Ed25519).
        cls.keydir = tempfile.mkdtemp(prefix="mwkeys-")
        cls.addClassCleanup(shutil.rmtree, cls.keydir, True)
        rsa_path, rsa_txt = mwtest.dkim_keygen(cls.keydir, DOMAIN, "mw-rsa")
        ed_path, ed_txt = mwtest.dkim_keygen(cls.keydir, DOMAIN, "mw-ed", "ed25519")
        cls.dns = {f"mw-rsa._domainkey.{DOMAIN}.": rsa_txt, f"mw-ed._domainkey.{DOMAIN}.": ed_txt}
        # Self-scan daemon (also the live upstream of the forward daemon).
        cls.milter_port = mwtest.free_port()
        cls.config = mwtest.Config({
            "local.d/20-milter.toml":
                '[proxy]\nadd_score_headers = true\n'
                '[milter]\nmax_frame_size = "256k"\n',
            "local.d/30-signing.toml":
                f'[dkim_signing.domains."{DOMAIN}"]\n'
                f'selectors = [{{ selector = "mw-rsa", path = "{rsa_path}" }},\n'
                f'             {{ selector = "mw-ed", path = "{ed_path}" }}]\n',
            "lua.local.d/milter_test.lua": rules,
        })
        cls.addClassCleanup(cls.config.cleanup)
        cls.daemon = mwtest.Daemon(cls.config, workers=1,
                                   extra_args=["--milter", f"127.0.0.1:{cls.milter_port}"])
        cls.addClassCleanup(cls.daemon.stop)
        cls.daemon.start()
        mwtest.wait_for_port(cls.milter_port)
        # Forward daemon: a dead upstream first, then the live one.
        cls.dead_upstream = f"127.0.0.1:{mwtest.free_port()}"
        cls.fwd_milter_port = mwtest.free_port()
        cls.fwd_config = mwtest.Config({
            "local.d/20-proxy.toml":
                '[proxy]\nmode = "forward"\ntimeout = "20s"\nadd_score_headers = true\n'
                f'upstreams = ["{cls.dead_upstream}", "127.0.0.1:{cls.daemon.port}"]\n',
        })
        cls.addClassCleanup(cls.fwd_config.cleanup)
        cls.fwd = mwtest.Daemon(cls.fwd_config, workers=1,
                                extra_args=["--milter", f"127.0.0.1:{cls.fwd_milter_port}"])
        cls.addClassCleanup(cls.fwd.stop)
        cls.fwd.start()
        mwtest.wait_for_port(cls.fwd_milter_port)
        # All-dead daemon: nobody answers, the default action (tempfail) applies.
        cls.dead_milter_port = mwtest.free_port()
        cls.dead_config = mwtest.Config({
            "local.d/20-proxy.toml":
                '[proxy]\nmode = "forward"\ntimeout = "5s"\ndefault_action = "tempfail"\n'
                'tempfail_message = "Scanners unavailable (test)"\n'
                f'upstreams = ["127.0.0.1:{mwtest.free_port()}", '
                f'"127.0.0.1:{mwtest.free_port()}"]\n',
        })
        cls.addClassCleanup(cls.dead_config.cleanup)
        cls.dead = mwtest.Daemon(cls.dead_config, workers=1,
                                 extra_args=["--milter", f"127.0.0.1:{cls.dead_milter_port}"])
        cls.addClassCleanup(cls.dead.stop)
        cls.dead.start()
        mwtest.wait_for_port(cls.dead_milter_port)
        cls.postfix = postfix.Postfix({
            "smtp": {"milter": f"inet:127.0.0.1:{cls.milter_port}"},
            "submission": {"milter": f"inet:127.0.0.1:{cls.milter_port}", "sasl": True},
            "forward": {"milter": f"inet:127.0.0.1:{cls.fwd_milter_port}"},
            "alldead": {"milter": f"inet:127.0.0.1:{cls.dead_milter_port}"},
        }, sasl_users={USER: SASL_PASSWORD})
        cls.addClassCleanup(cls.postfix.cleanup)
        cls.postfix.start()

    # ---- helpers

    def swaks(self, listener, data, *extra, to=USER, sender="sender@example.net"):
        out = subprocess.run(
            [SWAKS, "--server", f"127.0.0.1:{self.postfix.port(listener)}", "--to", to,
             "--from", sender, "--helo", "client.example.net", "--timeout", "120",
             "--data", "-", *extra],
            input=data, capture_output=True, timeout=300)
        return out.returncode, out.stdout.decode("utf-8", "replace") + \
            out.stderr.decode("utf-8", "replace")

    def queue_id(self, swaks_output):
        m = re.search(r"queued as ([0-9A-Za-z]+)", swaks_output)
        self.assertIsNotNone(m, swaks_output)
        return m.group(1)

    def deliver(self, listener, data, *extra, sender="sender@example.net"):
        rc, out = self.swaks(listener, data, *extra, sender=sender)
        self.assertEqual(rc, 0, out + self.logs())
        qid = self.queue_id(out)
        return qid, self.postfix.wait_for_mail(
            lambda m: header_value(m, "X-Test-Queue-Id") == qid or qid.encode() in m[:600])

    def logs(self):
        return ("\n--- mailward:\n" + self.daemon.read_log()[-3000:] +
                "\n--- postfix:\n" + self.postfix.read_log()[-3000:])

    def odd_message(self, body):
        MilterTest.seq += 1
        head = b"".join(ODD_HEADERS).replace(b"%d", str(self.seq).encode())
        return head, head + b"\r\n" + body

    # ---- verdicts at SMTP time

    def test_gtube_is_rejected_at_smtp(self):
        with open(mwtest.sample("gtube.eml"), "rb") as f:
            data = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        rc, out = self.swaks("smtp", data)
        self.assertNotEqual(rc, 0, out)
        self.assertRegex(out, r"<\*\* +554 5\.7\.1 ", out + self.logs())

    def test_soft_reject_gives_451(self):
        data = (b"From: a@example.net\r\nTo: " + USER.encode() + b"\r\n"
                b"Subject: please SOFT-REJECT-ME now\r\nMessage-ID: <soft@example.net>\r\n\r\n"
                b"body\r\n")
        rc, out = self.swaks("smtp", data)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("451 4.7.1 Please come back later (test)", out, out + self.logs())

    # ---- accepted mail: headers added, removed, and the rest byte for byte

    def test_accepted_mail_headers_and_byte_exact_header_block(self):
        head, data = self.odd_message(b"body with " + SPAMMY + b"\r\n")
        qid, msg = self.deliver("smtp", data)
        # The proxy's verdict headers and the rule's milter block.
        self.assertEqual(header_values(msg, "X-Spam"), ["Yes"], msg)
        self.assertIn("MILTER_TEST_SPAMMY(8.00)", header_value(msg, "X-Spamd-Result") or "", msg)
        self.assertIsNotNone(header_value(msg, "X-Spam-Score"), msg)
        # The auth module's Authentication-Results (a local client: no SPF/DMARC, no DKIM).
        self.assertEqual(header_value(msg, "Authentication-Results"), "mx.test.mailward; dkim=none")
        self.assertNotIn(b"(forged)", header_section(msg))
        self.assertIsNone(header_value(msg, "X-Spam-Status"))
        self.assertIsNone(header_value(msg, "X-Remove-Me"))
        # X-Test-Top and Authentication-Results were asked for at order 0: above the
        # original fields.
        names = [field_name(f) for f in fields(header_section(msg))]
        self.assertLess(names.index("x-test-top"), names.index("x-begin"), names)
        self.assertLess(names.index("authentication-results"), names.index("x-begin"), names)
        # The envelope as the scanner saw it.
        self.assertEqual(header_value(msg, "X-Test-Queue-Id"), qid)
        self.assertEqual(header_value(msg, "X-Test-User"), "-")
        self.assertEqual(header_value(msg, "X-Test-Mta-Name"), "mx." + DOMAIN)
        self.assertEqual(header_value(msg, "X-Test-Ip"), "127.0.0.1")
        # The scanner got the header bytes exactly as sent.
        block = head
        expected = hashlib.sha256(block).hexdigest() + " " + str(len(block))
        self.assertEqual(header_value(msg, "X-Test-Scanned-Headers"), expected)
        # The delivered header fields are the sent ones, byte for byte, apart from the
        # fields added on the way (Postfix's own Received field included) and the removed ones.
        delivered = [f for f in fields(header_section(msg)) if field_name(f) not in ADDED]
        ours = [f for f in delivered
                if not (field_name(f) == "received" and b"by mx.test.mailward" in f)]
        sent = [f for f in fields(head) if field_name(f) not in REMOVED]
        self.assertEqual(ours, sent)

    def test_rewrite_subject(self):
        data = (b"X-Begin: 1\r\nFrom: a@example.net\r\nTo: " + USER.encode() + b"\r\n"
                b"Subject: original subject\r\nMessage-ID: <rewrite@example.net>\r\n\r\n" +
                GTUBE_REWRITE.encode() + b"\r\n")
        _, msg = self.deliver("smtp", data)
        self.assertEqual(header_values(msg, "Subject"), ["*** SPAM *** original subject"], msg)
        self.assertEqual(header_values(msg, "X-Spam"), ["Yes"])

    def test_authenticated_submission_is_seen_as_the_user(self):
        data = (b"X-Begin: 1\r\nFrom: " + USER.encode() + b"\r\nTo: " + USER.encode() + b"\r\n"
                b"Subject: outbound\r\nMessage-ID: <sasl@example.net>\r\n\r\nhello\r\n")
        _, msg = self.deliver("submission", data, "--auth", "PLAIN", "--auth-user", USER,
                              "--auth-password", SASL_PASSWORD, sender=USER)
        self.assertEqual(header_value(msg, "X-Test-User"), USER)
        self.assertEqual(header_value(msg, "X-Test-Mta-Name"), "ORIGINATING")
        # Signed with both keys, inserted at the top, and both verify with dkimpy.
        self.assertEqual(len(header_values(msg, "DKIM-Signature")), 2, msg)
        names = [field_name(f) for f in fields(header_section(msg))]
        self.assertLess(names.index("dkim-signature"), names.index("x-begin"), names)
        self.assert_dkim_verifies(msg, 2)

    def assert_dkim_verifies(self, msg, count):
        import dkim  # python3-dkim, Debian's /usr/bin/python3

        def dnsfunc(name, timeout=5):
            name = name.decode() if isinstance(name, bytes) else name
            txt = self.dns.get(name if name.endswith(".") else name + ".")
            return txt.encode() if txt else None

        # Postfix delivers with LF line endings; DKIM works on CRLF.
        wire = msg.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        # The delivery adds Return-Path etc. above; the signatures do not cover them.
        d = dkim.DKIM(wire)
        algos = set()
        for i in range(count):
            self.assertTrue(d.verify(idx=i, dnsfunc=dnsfunc), f"signature {i}: {msg!r}")
            algos.add(d.signature_fields[b"a"].decode())
        self.assertEqual(algos, {"rsa-sha256", "ed25519-sha256"})

    def test_inbound_mail_is_not_signed(self):
        data = (b"X-Begin: 1\r\nFrom: " + USER.encode() + b"\r\nTo: " + USER.encode() + b"\r\n"
                b"Subject: inbound\r\nMessage-ID: <unsigned@example.net>\r\n\r\nhello\r\n")
        # From a local client without SASL: local networks are signed by default, but the
        # envelope sender's domain (example.net) differs from the From domain.
        _, msg = self.deliver("smtp", data)
        self.assertEqual(header_values(msg, "DKIM-Signature"), [], msg)

    def test_self_scans_are_counted_in_the_statistics(self):
        def scanned():
            status, body = self.daemon.controller("/stat")
            self.assertEqual(status, 200, body)
            return json.loads(body)["scanned"]

        before = scanned()
        data = (b"From: a@example.net\r\nTo: " + USER.encode() + b"\r\n"
                b"Subject: counted\r\nMessage-ID: <counted@example.net>\r\n\r\nhello\r\n")
        self.deliver("smtp", data)
        deadline = time.time() + 15
        while scanned() <= before and time.time() < deadline:
            time.sleep(0.2)  # workers flush their counters every second
        self.assertGreater(scanned(), before)

    # ---- robustness

    def test_client_gone_in_the_middle_of_data_leaves_mailward_healthy(self):
        port = self.postfix.port("smtp")
        workers = sorted(self.daemon.children())
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            f = s.makefile("rb")
            f.readline()
            for cmd in (b"EHLO client.example.net", b"MAIL FROM:<a@example.net>",
                        b"RCPT TO:<" + USER.encode() + b">", b"DATA"):
                s.sendall(cmd + b"\r\n")
                line = f.readline()
                while line[3:4] == b"-":
                    line = f.readline()
            s.sendall(b"X-Begin: 1\r\nFrom: a@example.net\r\nSubject: cut short\r\n\r\n" +
                      b"part of a body\r\n" * 2000)
            time.sleep(0.3)
            s.close()  # no final dot, no QUIT
        time.sleep(0.5)
        data = (b"X-Begin: 1\r\nFrom: a@example.net\r\nTo: " + USER.encode() + b"\r\n"
                b"Subject: after the aborts\r\nMessage-ID: <after-abort@example.net>\r\n\r\n"
                b"hello\r\n")
        qid, msg = self.deliver("smtp", data)
        self.assertEqual(header_value(msg, "X-Test-Queue-Id"), qid)
        self.assertEqual(sorted(self.daemon.children()), workers, "a worker was restarted")
        self.assertNotIn("died", self.daemon.read_log())

    # ---- forward mode

    def test_forward_mode_fails_over_to_the_live_upstream(self):
        with open(mwtest.sample("gtube.eml"), "rb") as f:
            gtube = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        for _ in range(2):  # round-robin: one of them starts with the dead upstream
            rc, out = self.swaks("forward", gtube)
            self.assertNotEqual(rc, 0, out)
            self.assertRegex(out, r"<\*\* +554 5\.7\.1 ", out + self.fwd.read_log()[-3000:])
        head, data = self.odd_message(b"body with " + SPAMMY + b"\r\n")
        qid, msg = self.deliver("forward", data)
        self.assertEqual(header_values(msg, "X-Spam"), ["Yes"], msg)
        self.assertIn("MILTER_TEST_SPAMMY(8.00)", header_value(msg, "X-Spamd-Result") or "")
        # The upstream's rule saw the same bytes and the envelope.
        self.assertEqual(header_value(msg, "X-Test-Scanned-Headers"),
                         hashlib.sha256(head).hexdigest() + " " + str(len(head)))
        self.assertEqual(header_value(msg, "X-Test-Queue-Id"), qid)
        self.assertIn(self.dead_upstream + " failed", self.fwd.read_log())

    def test_forward_mode_without_scanners_applies_the_default_action(self):
        data = (b"From: a@example.net\r\nTo: " + USER.encode() + b"\r\n"
                b"Subject: nobody scans\r\nMessage-ID: <nobody@example.net>\r\n\r\nhello\r\n")
        rc, out = self.swaks("alldead", data)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("451 4.7.1 Scanners unavailable (test)", out, out + self.dead.read_log())
        log = self.dead.read_log()
        self.assertIn("no verdict", log)
        self.assertIn("default action tempfail", log)

    # ---- protocol corner cases with miltertest

    @mwtest.needs(mwtest.missing_tools("miltertest"))
    def test_miltertest_protocol_corner_cases(self):
        out = subprocess.run([MILTERTEST, "-D", f"port={self.milter_port}", "-s",
                              os.path.join(HERE, "milter", "protocol.lua")],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr + self.logs())
        self.assertIn("all protocol checks passed", out.stdout)
        # The oversize frame closed that connection with a log line, not the worker.
        log = self.daemon.read_log()
        self.assertIn("closing milter connection", log)
        self.assertNotIn("died", log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
