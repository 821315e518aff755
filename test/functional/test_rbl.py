"""DNS blocklists through the daemon against a real DNS server (issue 12: rbl module).

dnsmasq on loopback serves test zones the way a blocklist does (A records under the list
zone, NXDOMAIN for what is not listed). `mailward serve --dns 127.0.0.1:PORT` scans over
HTTP with three test lists (the shipped public lists are switched off): return codes and
bits to symbols, a refusal code ignored with a warning in the log, IPv6 nibbles, the
client taken from the Received chain, URL domains, hashed addresses, the per-list URL cap
counted in dnsmasq's query log, and scans with the DNS server stopped (no hit, no stall).
"""
import hashlib
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

DNSMASQ = "/usr/sbin/dnsmasq"
SKIP = None if os.access(DNSMASQ, os.X_OK) else "dnsmasq is needed"

V6 = "2001:db8::25"
V6_NIBBLES = ".".join(reversed("20010db8000000000000000000000025"))
SPAMMER = "spammer@evil-sender.net"

CONFIG = """
[options.dns]
timeout = "500ms"
retransmits = 1

[rbl]
max_url_domains = 8
[rbl.spamhaus_zen]
enabled = false
[rbl.spamhaus_dbl]
enabled = false
[rbl.surbl]
enabled = false
[rbl.uribl]
enabled = false
[rbl.spamcop]
enabled = false
[rbl.mailspike]
enabled = false

[rbl.test_ip]
rbl = "ip.bl.test"
checks = ["from", "received"]
symbol = "TEST_IP"
blocked_codes = ["127.255.255.254"]
[rbl.test_ip.returncodes]
TEST_IP_SPAM = ["127.0.0.2"]
TEST_IP_POLICY = ["127.0.0.10", "127.0.0.11"]

[rbl.test_uri]
rbl = "uri.bl.test"
checks = ["urls"]
symbol = "TEST_URI"
blocked_codes = ["127.0.0.1"]
[rbl.test_uri.returnbits]
TEST_URI_PHISH = 8
TEST_URI_MALWARE = 16

[rbl.test_email]
rbl = "email.bl.test"
checks = ["emails"]
hash = "sha1"
symbol = "TEST_EMAIL"
"""


def message(body="Hello.", received=()):
    head = "".join(f"Received: {r}\r\n" for r in received)
    return (head + "From: a@sender.test\r\nTo: b@rcpt.test\r\nSubject: report\r\n"
            "Date: Tue, 03 Sep 2024 10:00:00 +0000\r\nMessage-ID: <1@sender.test>\r\n\r\n"
            + body + "\r\n").encode()


@unittest.skipIf(SKIP, SKIP)
class RblTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        a = {
            "10.2.0.192.ip.bl.test": "127.0.0.2",
            "11.2.0.192.ip.bl.test": "127.0.0.10",
            "12.2.0.192.ip.bl.test": "127.255.255.254",
            "40.113.0.203.ip.bl.test": "127.0.0.2",
            V6_NIBBLES + ".ip.bl.test": "127.0.0.2",
            "spam-domain.test.uri.bl.test": "127.0.0.24",
            "refused-domain.test.uri.bl.test": "127.0.0.1",
            "capped-9.test.uri.bl.test": "127.0.0.8",
            # Listed, but only asked for once the server is stopped (nothing in any cache).
            "13.2.0.192.ip.bl.test": "127.0.0.2",
            "late-domain.test.uri.bl.test": "127.0.0.8",
            hashlib.sha1(SPAMMER.encode()).hexdigest() + ".email.bl.test": "127.0.0.2",
        }
        cls.dns = mwtest.Dnsmasq({}, a_records=a, zones=["test", "net"], log_queries=True).start()
        cls.addClassCleanup(cls.dns.stop)
        cls.config = mwtest.Config({"local.d/40-rbl.toml": CONFIG})
        cls.addClassCleanup(cls.config.cleanup)
        cls.daemon = mwtest.Daemon(cls.config, workers=1,
                                   extra_args=["--dns", f"127.0.0.1:{cls.dns.port}"])
        cls.addClassCleanup(cls.daemon.stop)
        cls.daemon.start()

    def scan(self, msg, ip="192.0.2.1", headers=None):
        h = {"IP": ip, "From": "<a@sender.test>", "Helo": "mail.sender.test",
             "Hostname": "mail.sender.test", "Rcpt": "<b@rcpt.test>"}
        if ip is None:
            del h["IP"], h["Helo"], h["Hostname"]
        h.update(headers or {})
        return self.daemon.scan(msg, h)["symbols"]

    def test_unlisted_client(self):
        s = self.scan(message())
        for sym in ("TEST_IP", "TEST_IP_SPAM", "TEST_IP_POLICY"):
            self.assertNotIn(sym, s)

    def test_return_codes(self):
        s = self.scan(message(), ip="192.0.2.10")
        self.assertIn("TEST_IP_SPAM", s)
        self.assertEqual(s["TEST_IP_SPAM"]["options"], ["192.0.2.10:from"])
        self.assertNotIn("TEST_IP", s)
        self.assertIn("TEST_IP_POLICY", self.scan(message(), ip="192.0.2.11"))

    def test_refusal_code_is_ignored_and_logged(self):
        s = self.scan(message(), ip="192.0.2.12")
        for sym in ("TEST_IP", "TEST_IP_SPAM", "TEST_IP_POLICY"):
            self.assertNotIn(sym, s)
        deadline = time.time() + 5
        while "refuses queries" not in self.daemon.read_log() and time.time() < deadline:
            time.sleep(0.1)
        self.assertIn("list test_ip (ip.bl.test) answered 127.255.255.254", self.daemon.read_log())

    def test_ipv6_client(self):
        self.assertIn("TEST_IP_SPAM", self.scan(message(), ip=V6))

    def test_client_from_the_received_chain(self):
        hop = ("from bot (unknown [203.0.113.40]) by mx.rcpt.test (Postfix) with ESMTP id 1; "
               "Tue, 3 Sep 2024 10:00:00 +0000")
        s = self.scan(message(received=[hop]), ip=None)
        self.assertIn("TEST_IP_SPAM", s)
        self.assertEqual(s["TEST_IP_SPAM"]["options"], ["203.0.113.40:from"])

    def test_url_domains_and_bits(self):
        s = self.scan(message("Go to http://www.spam-domain.test/offer and "
                              "http://refused-domain.test/"))
        self.assertIn("TEST_URI_PHISH", s)
        self.assertIn("TEST_URI_MALWARE", s)
        self.assertEqual(s["TEST_URI_PHISH"]["options"], ["spam-domain.test:url"])
        self.assertNotIn("TEST_URI", s)

    def test_hashed_address(self):
        s = self.scan(message(f"Write to {SPAMMER} now"))
        self.assertIn("TEST_EMAIL", s)
        self.assertNotIn("TEST_EMAIL", self.scan(message("Write to friend@evil-sender.net")))

    def test_url_cap_counted_on_the_server(self):
        body = " ".join(f"http://capped-{i}.test/" for i in range(1, 21))
        s = self.scan(message(body))
        # capped-9 is listed, but only the first eight URL domains are queried.
        self.assertNotIn("TEST_URI_PHISH", s)
        with open(self.dns.log_path) as f:
            log = f.read()
        asked = set(re.findall(r"query\[A\] (capped-\d+)\.test\.uri\.bl\.test", log))
        self.assertEqual(asked, {f"capped-{i}" for i in range(1, 9)})

    def test_zz_dns_server_stopped(self):
        # Runs last (name order): stops the DNS server; the listed names below were never
        # asked for, so no cache answers them: nothing counts, nothing stalls.
        self.dns.stop()
        started = time.time()
        s = self.scan(message("http://www.late-domain.test/"), ip="192.0.2.13")
        for sym in ("TEST_IP", "TEST_IP_SPAM", "TEST_URI_PHISH", "TEST_URI"):
            self.assertNotIn(sym, s)
        self.assertLess(time.time() - started, 8, "a DNS outage must not stall the scan")


if __name__ == "__main__":
    unittest.main(verbosity=2)
