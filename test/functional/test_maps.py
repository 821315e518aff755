"""Map reload through the daemon (issue 12: maps and multimap).

`mailward serve` with two scan workers and multimap rules over file maps in the
configuration directory (check_interval 200 ms). The test edits the files while the daemon
runs and expects every worker to answer with the new contents within a few seconds, without
a restart (same master PID); a broken edit keeps the previous contents (and is logged); a
prefilter map rejects at once; the fixed file loads again.
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

CONFIG = """
[maps]
check_interval = "200ms"

[multimap.LOCAL_BAD_SENDER]
type = "from"
map = "$CONFDIR/maps.d/senders.map"
score = 3.0

[multimap.LOCAL_BLOCKED_IP]
type = "ip"
map = "$CONFDIR/maps.d/ips.map"
prefilter = true
action = "reject"
message = "Blocked by local policy"

[multimap.LOCAL_BAD_DOMAIN]
type = "url"
filter = "tld"
map = "$CONFDIR/maps.d/domains.map"
score = 2.0
"""

MESSAGE = (b"From: a@sender.test\r\nTo: b@rcpt.test\r\nSubject: report\r\n"
           b"Date: Tue, 03 Sep 2024 10:00:00 +0000\r\nMessage-ID: <1@sender.test>\r\n\r\n"
           b"See http://www.shop.example.com/x\r\n")


class MapReloadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.config = mwtest.Config({
            "local.d/40-maps.toml": CONFIG,
            "maps.d/senders.map": "# senders we do not want\nboss@evil.test\n",
            "maps.d/ips.map": "198.51.100.0/24\n",
            "maps.d/domains.map": "other.example\n",
        })
        cls.addClassCleanup(cls.config.cleanup)
        # DNS at a port nothing listens on: lookups fail at once (no map depends on DNS).
        cls.daemon = mwtest.Daemon(cls.config, workers=2,
                                   extra_args=["--dns", f"127.0.0.1:{mwtest.free_port()}"])
        cls.addClassCleanup(cls.daemon.stop)
        cls.daemon.start()
        cls.pid = cls.daemon.proc.pid

    def scan(self, sender="a@sender.test", ip="192.0.2.1"):
        return self.daemon.scan(MESSAGE, {"IP": ip, "From": f"<{sender}>",
                                          "Helo": "mail.sender.test", "Rcpt": "<b@rcpt.test>"})

    def write(self, name, text):
        path = os.path.join(self.config.dir, "maps.d", name)
        tmp = path + ".new"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)  # as editors and deploy tools do: a new inode

    def until(self, check, timeout=6.0):
        """Scan repeatedly (both workers get requests) until check(reply) holds for 10 in a row."""
        deadline = time.time() + timeout
        streak = 0
        reply = None
        while time.time() < deadline:
            reply = self.scan_fn()
            streak = streak + 1 if check(reply) else 0
            if streak >= 10:
                return reply
            time.sleep(0.02)
        self.fail(f"condition not reached in {timeout} s; last reply: {reply}")

    def test_reload_without_restart(self):
        self.scan_fn = lambda: self.scan(sender="boss@evil.test")
        self.until(lambda r: "LOCAL_BAD_SENDER" in r["symbols"])
        self.scan_fn = lambda: self.scan(sender="clerk@evil.test")
        self.until(lambda r: "LOCAL_BAD_SENDER" not in r["symbols"])

        # Add the domain: the new contents are seen by every worker.
        self.write("senders.map", "boss@evil.test\n@evil.test whole domain\n")
        self.until(lambda r: "LOCAL_BAD_SENDER" in r["symbols"])
        r = self.scan(sender="clerk@evil.test")
        self.assertEqual(r["symbols"]["LOCAL_BAD_SENDER"]["options"], ["whole domain"])

        # Registrable domains of URLs.
        self.scan_fn = lambda: self.scan()
        self.until(lambda r: "LOCAL_BAD_DOMAIN" not in r["symbols"])
        self.write("domains.map", "other.example\nexample.com\n")
        self.until(lambda r: "LOCAL_BAD_DOMAIN" in r["symbols"])

        # A broken edit keeps what was loaded (and says so in the log).
        self.write("senders.map", "boss@evil.test\n@@@ not an address\n")
        time.sleep(1.0)
        self.scan_fn = lambda: self.scan(sender="clerk@evil.test")
        self.until(lambda r: "LOCAL_BAD_SENDER" in r["symbols"], timeout=3)
        self.assertIn("keeping the previous contents", self.daemon.read_log())

        # Fixed again: the domain entry is gone.
        self.write("senders.map", "boss@evil.test\n")
        self.until(lambda r: "LOCAL_BAD_SENDER" not in r["symbols"])
        self.assertEqual(self.daemon.proc.pid, self.pid)
        self.assertIsNone(self.daemon.proc.poll())

    def test_prefilter_map(self):
        self.scan_fn = lambda: self.scan(ip="198.51.100.7")
        r = self.until(lambda r: r["action"] == "reject")
        self.assertIn("LOCAL_BLOCKED_IP", r["symbols"])
        self.assertEqual(r.get("messages", {}).get("smtp_message"), "Blocked by local policy")
        self.write("ips.map", "203.0.113.0/24\n")
        self.until(lambda r: r["action"] != "reject")
        self.scan_fn = lambda: self.scan(ip="203.0.113.9")
        self.until(lambda r: r["action"] == "reject")


if __name__ == "__main__":
    unittest.main(verbosity=2)
