"""Issue 11: the credential-test mail is caught on first sight, and its secret stays out of
sight. A fresh daemon with the default configuration (empty store, no history, the shipped
model) is driven by the real rspamc exactly as the provider reported the case:

    rspamc -u iij-taro@example.jp -i 203.0.113.9 -F iij-taro@example.jp \
           -r collector@example.com samples/credential-test.eml

-> soft reject with OUTBOUND_RECON, and the account's next message -> OUTBOUND_HELD. The
password (Passw0rd) appears nowhere in clear: not in the reply, the log, the events file, the
webhook, the controller's history or its outbound routes; they show "Pa******"."""
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

RSPAMC = shutil.which("rspamc")
SECRET = "Passw0rd"
MASKED_TUPLE = "iij-taro@example.jp;iij-taro;Pa******;mail.example.jp;465;2;LOGIN"


class Hook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Hook.received.append(self.rfile.read(n).decode("utf-8"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@unittest.skipUnless(RSPAMC, "rspamc not installed")
class FirstSightTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hook = http.server.HTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=cls.hook.serve_forever, daemon=True).start()
        Hook.received = []
        cls.config = mwtest.Config({"local.d/80-hook.toml":
                                    '[outbound]\nwebhook = "http://127.0.0.1:%d/events"\n'
                                    '[stats]\nflush_interval = "200ms"\n' % cls.hook.server_address[1]})
        cls.daemon = mwtest.Daemon(cls.config, workers=1).start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.hook.shutdown()
        cls.config.cleanup()

    def rspamc(self, *args):
        out = subprocess.run([RSPAMC, "-h", "127.0.0.1:%d" % self.daemon.port, *args],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        return out.stdout

    def wait_for(self, what, probe, timeout=15):
        return mwtest.wait_until(what, probe, timeout)

    def test_first_sight_hold_and_secrecy(self):
        out = self.rspamc("-u", "iij-taro@example.jp", "-i", "203.0.113.9", "-F", "iij-taro@example.jp",
                          "-r", "collector@example.com", mwtest.sample("credential-test.eml"))
        self.assertIn("Action: soft reject", out)
        self.assertIn("Symbol: OUTBOUND_RECON", out)
        self.assertIn("credential record: record in subject", out)
        self.assertIn(MASKED_TUPLE, out)
        # The user is told what happened.
        self.assertIn("smtp_message: Not sent: this looks like a test mail", out)
        self.assertNotIn(SECRET, out)
        # The account's next message, a normal one from the usual network: held.
        out = self.rspamc("-u", "iij-taro@example.jp", "-i", "192.0.2.5", "-F", "iij-taro@example.jp",
                          "-r", "friend@example.net", mwtest.sample("ham.eml"))
        self.assertIn("Action: soft reject", out)
        self.assertIn("Symbol: OUTBOUND_HELD", out)
        self.assertNotIn("OUTBOUND_RECON", out)

        # The event names the collector and the masked tuple, everywhere it goes.
        hook = self.wait_for("the webhook", lambda: Hook.received)
        event = json.loads(hook[0])
        self.assertEqual(event["user"], "iij-taro@example.jp")
        self.assertEqual(event["collectors"], ["collector@example.com"])
        self.assertEqual(event["credential"]["secret"], "Pa******")
        self.assertEqual(event["credential"]["secret_length"], 8)
        self.assertEqual(event["credential"]["tuple"], MASKED_TUPLE)
        self.assertEqual(event["subject"], MASKED_TUPLE)
        self.assertTrue(event["held"])
        with open(os.path.join(self.config.dbdir, "outbound-events.jsonl")) as f:
            events_file = f.read()
        self.assertIn(MASKED_TUPLE, events_file)
        status, holds = self.daemon.controller("/outbound/holds")
        self.assertEqual(status, 200)
        holds = holds.decode()
        self.assertIn("iij-taro@example.jp", holds)
        self.assertIn(MASKED_TUPLE, holds)
        # History (controller and dashboard): the flagged message's Subject, masked.
        history = self.wait_for("the history row", lambda: MASKED_TUPLE in
                                self.daemon.controller("/history")[1].decode() and
                                self.daemon.controller("/history")[1].decode())
        self.assertIn('"subject":"%s"' % MASKED_TUPLE, history)
        for where, text in (("webhook", hook[0]), ("events file", events_file),
                            ("/outbound/holds", holds), ("/history", history),
                            ("log", self.daemon.read_log())):
            self.assertNotIn(SECRET, text, where)


if __name__ == "__main__":
    unittest.main(verbosity=2)
