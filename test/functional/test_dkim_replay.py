#!/usr/bin/env python3
"""DKIM replay detection (scan/dkim_replay_module.h) on the running daemon.

dnsmasq on loopback serves the signers' keys and SPF records; messages signed with dkimpy
are scanned over HTTP by `mailward serve` (two workers sharing the embedded store):
  - one signed message re-sent from 50 networks to 500 recipients fires DKIM_REPLAY, with
    the counts as options; its first copies do not;
  - a mailing list's normal fan-out (one list server, 500 recipients) does not fire at the
    defaults;
  - the signer's own networks (SPF passes aligned with d=) are never counted, also when a
    later copy from such a network has no SPF match left;
  - with Redis, two daemons (two "scanners") add up to one count.
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

try:
    import dkim
except ImportError:  # pragma: no cover
    dkim = None

OPENSSL = shutil.which("openssl")
DNSMASQ = "/usr/sbin/dnsmasq"
SKIP = (None if dkim and OPENSSL and os.access(DNSMASQ, os.X_OK)
        else "python3-dkim, openssl and dnsmasq are needed")
REDIS_SCRIPT = os.path.join(os.path.dirname(__file__), "lib", "redis_server.sh")


def rsa_key(directory, name):
    path = os.path.join(directory, name + ".pem")
    subprocess.run([OPENSSL, "genrsa", "-traditional", "-out", path, "2048"], check=True,
                   capture_output=True)
    der = subprocess.run([OPENSSL, "rsa", "-in", path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    with open(path, "rb") as f:
        return f.read(), base64.b64encode(der).decode()


def signed(domain, key, subject):
    msg = (f"From: Offers <offers@{domain}>\r\nTo: someone@example.net\r\n"
           f"Subject: {subject}\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
           f"Message-ID: <{subject.replace(' ', '.')}@{domain}>\r\n\r\n"
           "Great offer inside.\r\n").encode()
    sig = dkim.sign(msg, b"s1", domain.encode(), key,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return sig + msg


@unittest.skipIf(SKIP, SKIP)
class DkimReplayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mwreplay-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.key, pub = rsa_key(cls.tmp, "s1")
        cls.dns = mwtest.Dnsmasq({
            "brand.example": "v=spf1 ip4:192.0.2.0/24 -all",
            "s1._domainkey.brand.example": f"v=DKIM1; k=rsa; p={pub}",
            "lists.example": "v=spf1 ip4:198.51.100.0/24 -all",
            "spammer.example": "v=spf1 +all",
        }).start()
        cls.addClassCleanup(cls.dns.stop)

    def start(self, extra=None, workers=2):
        config = mwtest.Config(extra or {})
        self.addCleanup(config.cleanup)
        daemon = mwtest.Daemon(config, workers=workers,
                               extra_args=["--dns", f"127.0.0.1:{self.dns.port}"])
        self.addCleanup(daemon.stop)
        return daemon.start()

    def scan(self, daemon, msg, ip, mail_from, rcpts):
        headers = [("IP", ip), ("From", f"<{mail_from}>"), ("Helo", "mta.example")]
        reply = daemon.scan(msg, dict(headers + [("Rcpt", ",".join(rcpts))]))
        self.assertIn("R_DKIM_ALLOW", reply["symbols"], reply)
        return reply["symbols"].get("DKIM_REPLAY")

    def replay(self, daemons, msg):
        """50 networks x 10 recipients each, one recipient per copy; the last verdict."""
        fired_at = None
        last = None
        for n in range(500):
            net, host = divmod(n, 10)
            ip = f"203.0.{net}.{10 + host}" if net < 25 else f"198.18.{net}.{10 + host}"
            last = self.scan(daemons[n % len(daemons)], msg, ip, "bounce@spammer.example",
                             [f"user{n}@example.net"])
            if last and fired_at is None:
                fired_at = n
        return fired_at, last

    def test_replay_from_50_networks_to_500_recipients_fires(self):
        daemon = self.start()
        msg = signed("brand.example", self.key, "replayed offer")
        # The original delivery, from the signer's own network.
        self.assertIsNone(self.scan(daemon, msg, "192.0.2.25", "news@brand.example",
                                    ["first@example.net"]))
        fired_at, last = self.replay([daemon], msg)
        self.assertIsNotNone(fired_at, "a replay to 500 recipients from 50 networks")
        # The defaults: 20 networks and 100 recipients; copy 190 is the first from the 20th
        # network (the signer's own delivery is not counted).
        self.assertEqual(fired_at, 190)
        opts = last["options"]
        self.assertIn("d=brand.example", opts)
        self.assertIn("s=s1", opts)
        self.assertIn("networks=50", opts)
        self.assertIn("recipients=500", opts)
        # Another signature of the same signer starts from zero.
        other = signed("brand.example", self.key, "another offer")
        self.assertIsNone(self.scan(daemon, other, "203.0.1.1", "bounce@spammer.example",
                                    ["x@example.net"]))

    def test_mailing_list_fan_out_does_not_fire(self):
        daemon = self.start()
        msg = signed("brand.example", self.key, "list post")
        # The author's copy to the list, then the list server's fan-out: 25 batches of 20.
        self.assertIsNone(self.scan(daemon, msg, "192.0.2.30", "news@brand.example",
                                    ["list@lists.example"]))
        for batch in range(25):
            rcpts = [f"member{batch * 20 + i}@example.net" for i in range(20)]
            ip = f"198.51.100.{10 + batch % 3}"  # three list hosts in one /24
            self.assertIsNone(self.scan(daemon, msg, ip, "list-bounces@lists.example", rcpts))

    def test_signers_own_networks_do_not_count(self):
        daemon = self.start({"local.d/50-replay.toml":
                             "[options.dkim_replay]\nnetworks = 3\nrecipients = 3\n"})
        msg = signed("brand.example", self.key, "own networks")
        # SPF-aligned deliveries from the signer's own network: remembered, never counted.
        for n in range(10):
            self.assertIsNone(self.scan(daemon, msg, f"192.0.2.{40 + n}", "news@brand.example",
                                        [f"a{n}@example.net"]))
        # A copy from that network without an SPF match (other envelope): still the signer's.
        self.assertIsNone(self.scan(daemon, msg, "192.0.2.99", "bounce@spammer.example",
                                    ["b@example.net"]))
        # Elsewhere: three foreign networks to three recipients fire at these thresholds.
        verdicts = [self.scan(daemon, msg, f"203.0.{113 + n}.5", "bounce@spammer.example",
                              [f"c{n}@example.net"]) for n in range(3)]
        self.assertIsNone(verdicts[1])
        self.assertIsNotNone(verdicts[2])
        self.assertIn("networks=3", verdicts[2]["options"])

    @unittest.skipUnless(shutil.which("redis-server"), "redis-server not installed")
    def test_two_scanners_share_the_count_through_redis(self):
        rdir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, rdir, True)
        port = subprocess.run([REDIS_SCRIPT, "start", rdir], capture_output=True, text=True,
                              check=True).stdout.strip().splitlines()[-1]
        self.addCleanup(subprocess.run, [REDIS_SCRIPT, "stop", rdir], capture_output=True)
        redis = {"local.d/81-redis.toml":
                 '[store]\nbackend = "redis"\n[store.redis]\nservers = ["127.0.0.1:%s"]\n' % port}
        a = self.start(redis, workers=1)
        b = self.start(redis, workers=1)
        fired_at, last = self.replay([a, b], signed("brand.example", self.key, "fleet offer"))
        self.assertEqual(fired_at, 190)
        self.assertIn("networks=50", last["options"])
        self.assertIn("recipients=500", last["options"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
