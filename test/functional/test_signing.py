"""Outbound DKIM signing and ARC sealing (issue: milter proxy mode and outbound signing).

Keys come from `mailward dkim-keygen`; messages go through `mailward scan`; the signatures and
seals are checked by an independent implementation, dkimpy (Debian python3-dkim), with the
published records fed to it directly. The second ARC hop verifies the first through a real DNS
server (dnsmasq on loopback) before sealing again.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

try:
    import dkim  # python3-dkim, for Debian's /usr/bin/python3
except ImportError:  # pragma: no cover
    dkim = None

MESSAGE = (b"From: Alice <alice@example.org>\r\n"
           b"To: list@lists.example.net\r\n"
           b"Subject: quarterly numbers\r\n"
           b"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
           b"Message-ID: <q4@example.org>\r\n"
           b"MIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n"
           b"\r\n"
           b"Numbers attached in the next mail.\r\n"
           b"  Trailing blanks and tabs\t \r\n\r\n\r\n")


@mwtest.needs(None if dkim else "python3-dkim not installed")
class SigningTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keydir = tempfile.mkdtemp(prefix="mwkeys-")
        cls.addClassCleanup(shutil.rmtree, cls.keydir, True)
        cls.dns = {}

        def key(domain, selector, *args):
            path, txt = mwtest.dkim_keygen(cls.keydir, domain, selector, *args)
            cls.dns[f"{selector}._domainkey.{domain}."] = txt
            return path

        rsa = key("example.org", "s1")
        ed = key("example.org", "ed", "ed25519")
        arc1 = key("lists.example.net", "arc1", "rsa", 1024)
        arc2 = key("forwarder.example.com", "arc2", "rsa", 1024)
        relay_a1 = key("relay.example.com", "a1", "rsa", 1024)
        relay_a2 = key("relay.example.com", "a2", "rsa", 1024)
        cls.config = mwtest.Config({
            "local.d/30-signing.toml":
                '[options.auth]\nauthserv_id = "mx.mailward.test"\n'
                '[dkim_signing.domains."example.org"]\n'
                f'selectors = [{{ selector = "s1", path = "{rsa}" }},\n'
                f'             {{ selector = "ed", path = "{ed}" }}]\n'
                '[arc_sealing.domains."lists.example.net"]\n'
                f'selector = "arc1"\npath = "{arc1}"\n'
                '[arc_sealing.domains."forwarder.example.com"]\n'
                f'selector = "arc2"\npath = "{arc2}"\n'
                '[arc_sealing.domains."relay.example.com"]\n'
                f'selectors = [{{ selector = "a1", path = "{relay_a1}" }},\n'
                f'             {{ selector = "a2", path = "{relay_a2}" }}]\n'
                '[arc_sealing]\nseal_selector = "a2"\n',
        })
        cls.addClassCleanup(cls.config.cleanup)
        # No DNS is needed unless a test passes one: point the resolver at a closed port so
        # that nothing waits on the machine's resolver.
        cls.no_dns = f"127.0.0.1:{mwtest.free_port()}"

    def scan(self, message, *args, dns=None):
        out = subprocess.run([mwtest.MW_BINARY, "scan", "--conf", self.config.dir,
                              "--dns", dns or self.no_dns, *args, "-"],
                             input=message, capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def dnsfunc(self, name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        txt = self.dns.get(name if name.endswith(".") else name + ".")
        return txt.encode() if txt else None

    # ---- DKIM

    def signed(self, reply, message):
        sigs = reply.get("dkim-signature")
        self.assertIsNotNone(sigs, reply)
        if isinstance(sigs, str):
            sigs = [sigs]
        head = b"".join(b"DKIM-Signature: " + s.encode() + b"\r\n" for s in sigs)
        return head + message, len(sigs)

    def test_authenticated_mail_is_signed_with_every_key(self):
        reply = self.scan(MESSAGE, "--user", "alice@example.org", "--from", "alice@example.org",
                          "--ip", "192.0.2.1")
        self.assertEqual(reply["dkim-signing"]["status"], "signed", reply)
        self.assertEqual(sorted(s["selector"] for s in reply["dkim-signing"]["signatures"]),
                         ["ed", "s1"])
        self.assertIn("DKIM_SIGNED", reply["symbols"])
        wire, count = self.signed(reply, MESSAGE)
        self.assertEqual(count, 2)
        d = dkim.DKIM(wire)
        for i in range(count):
            self.assertTrue(d.verify(idx=i, dnsfunc=self.dnsfunc), f"signature {i}")
        # Over-signed: adding another Subject breaks both signatures; so does a body change.
        for tampered in (b"Subject: injected\r\n" + wire,
                         wire.replace(b"Numbers attached", b"Numbers changed")):
            d = dkim.DKIM(tampered)
            for i in range(count):
                try:
                    ok = d.verify(idx=i, dnsfunc=self.dnsfunc)
                except dkim.ValidationError:  # dkimpy raises on a body hash mismatch
                    ok = False
                self.assertFalse(ok, tampered)

    def test_subdomain_is_signed_with_the_parent_domain_key(self):
        msg = MESSAGE.replace(b"alice@example.org", b"news@news.example.org")
        reply = self.scan(msg, "--user", "news@news.example.org", "--from",
                          "news@news.example.org", "--ip", "192.0.2.1")
        self.assertEqual(reply["dkim-signing"]["status"], "signed", reply)
        wire, count = self.signed(reply, msg)
        self.assertIn(b"d=example.org;", wire)
        self.assertTrue(dkim.DKIM(wire).verify(idx=0, dnsfunc=self.dnsfunc))

    def test_unsigned_mail_says_why(self):
        cases = [
            (MESSAGE, ["--from", "alice@example.org", "--ip", "192.0.2.1"],
             "not authenticated and not from a local network"),
            (MESSAGE, ["--user", "bob@other.example", "--from", "alice@example.org",
                       "--ip", "192.0.2.1"],
             "authenticated user's domain other.example differs from the signing domain "
             "example.org"),
            (MESSAGE.replace(b"alice@example.org", b"carol@example.com"),
             ["--user", "carol@example.com", "--from", "carol@example.com", "--ip", "192.0.2.1"],
             "no key for domain example.com"),
            (MESSAGE, ["--user", "alice@example.org", "--from", "alice@elsewhere.example",
                       "--ip", "192.0.2.1"],
             "From header domain example.org differs from the envelope sender domain "
             "elsewhere.example"),
        ]
        for msg, args, why in cases:
            reply = self.scan(msg, *args)
            self.assertEqual(reply["dkim-signing"], {"status": "skipped", "reason": why}, args)
            self.assertNotIn("dkim-signature", reply)
            self.assertNotIn("DKIM_SIGNED", reply["symbols"])

    # ---- ARC

    def sealed(self, reply, message):
        adds = reply["milter"]["add_headers"]
        # A local sender's mail is DKIM-signed too; the AMS covers the new DKIM-Signature.
        sigs = reply.get("dkim-signature", [])
        sigs = [sigs] if isinstance(sigs, str) else sigs
        head = b"".join(b"DKIM-Signature: " + s.encode() + b"\r\n" for s in sigs)
        for name in ("ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results",
                     "Authentication-Results"):
            self.assertEqual(adds[name]["order"], 0)
            head += name.encode() + b": " + adds[name]["value"].encode() + b"\r\n"
        return head + message

    def test_two_hops_of_arc_verify_in_dkimpy_and_in_mailward(self):
        # Hop 1: the list server seals mail to its list (no chain yet: i=1, cv=none).
        reply = self.scan(MESSAGE, "--from", "alice@example.org", "--rcpt",
                          "list@lists.example.net", "--ip", "127.0.0.1")
        self.assertEqual(reply["arc-sealing"],
                         {"status": "signed", "instance": 1, "cv": "none",
                          "domain": "lists.example.net"}, reply)
        self.assertIn("ARC_SIGNED", reply["symbols"])
        self.assertEqual(reply["symbols"]["ARC_SIGNED"]["options"],
                         ["lists.example.net:arc1", "i=1", "cv=none"])
        self.assertTrue(reply["milter"]["add_headers"]["ARC-Authentication-Results"]["value"]
                        .startswith("i=1; mx.mailward.test; dkim=none"), reply)
        self.assertEqual(reply["dkim-signing"]["status"], "signed")  # from a local network
        hop1 = self.sealed(reply, MESSAGE)
        cv, _, why = dkim.arc_verify(hop1, dnsfunc=self.dnsfunc)
        self.assertEqual(cv, dkim.CV_Pass, why)

        # Hop 2: a forwarder verifies the chain through DNS (dnsmasq) and seals it again.
        dns = mwtest.Dnsmasq({"arc1._domainkey.lists.example.net": self.dns[
            "arc1._domainkey.lists.example.net."]}).start()
        self.addCleanup(dns.stop)
        server = f"127.0.0.1:{dns.port}"
        reply = self.scan(hop1, "--from", "list-bounces@lists.example.net", "--rcpt",
                          "someone@forwarder.example.com", "--ip", "127.0.0.1", dns=server)
        self.assertIn("ARC_ALLOW", reply["symbols"], reply)
        self.assertEqual(reply["arc-sealing"]["instance"], 2, reply)
        self.assertEqual(reply["arc-sealing"]["cv"], "pass")
        hop2 = self.sealed(reply, hop1)
        cv, _, why = dkim.arc_verify(hop2, dnsfunc=self.dnsfunc)
        self.assertEqual(cv, dkim.CV_Pass, why)

        # A message changed after hop 1: the chain fails, and the new seal says so.
        broken = hop1.replace(b"Numbers attached", b"Numbers changed")
        reply = self.scan(broken, "--rcpt", "someone@forwarder.example.com", "--ip",
                          "127.0.0.1", dns=server)
        self.assertIn("ARC_REJECT", reply["symbols"], reply)
        self.assertEqual(reply["arc-sealing"]["cv"], "fail", reply)
        cv, _, why = dkim.arc_verify(self.sealed(reply, broken), dnsfunc=self.dnsfunc)
        # dkimpy ends the chain at a seal that says cv=fail (RFC 8617 5.2 step 2).
        self.assertNotEqual(cv, dkim.CV_Pass)
        self.assertIn("ARC-Seal[2] reported failure", why)

    def test_sealing_uses_the_configured_selector(self):
        reply = self.scan(MESSAGE, "--rcpt", "bob@relay.example.com", "--ip", "198.51.100.9")
        self.assertEqual(reply["arc-sealing"]["status"], "signed", reply)
        self.assertEqual(reply["symbols"]["ARC_SIGNED"]["options"][0], "relay.example.com:a2")
        seal = reply["milter"]["add_headers"]["ARC-Seal"]["value"]
        self.assertIn("s=a2;", seal.replace(" ", ""))
        cv, _, why = dkim.arc_verify(self.sealed(reply, MESSAGE), dnsfunc=self.dnsfunc)
        self.assertEqual(cv, dkim.CV_Pass, why)

    def test_rejected_mail_is_neither_signed_nor_sealed(self):
        args = ["--user", "alice@example.org", "--from", "alice@example.org", "--ip",
                "192.0.2.1", "--rcpt", "bob@relay.example.com"]
        ok = self.scan(MESSAGE, *args)
        self.assertEqual(ok["dkim-signing"]["status"], "signed", ok)
        rejected = self.scan(MESSAGE, *args, "--settings", '{"actions": {"reject": -1000}}')
        self.assertEqual(rejected["action"], "reject", rejected)
        for key in ("dkim-signing", "arc-sealing"):
            self.assertEqual(rejected[key], {"status": "skipped",
                                              "reason": "the message is rejected"}, rejected)
        self.assertNotIn("dkim-signature", rejected)
        self.assertNotIn("ARC-Seal", rejected.get("milter", {}).get("add_headers", {}))

    def test_mail_for_other_domains_is_not_sealed(self):
        reply = self.scan(MESSAGE, "--rcpt", "bob@example.net", "--ip", "127.0.0.1")
        self.assertEqual(reply["arc-sealing"],
                         {"status": "skipped", "reason": "no sealing key for the recipient domains"})
        self.assertNotIn("ARC-Seal", reply.get("milter", {}).get("add_headers", {}))


class ConfigErrorsTest(unittest.TestCase):
    def test_bad_signing_tables_are_clear_configtest_errors(self):
        cases = [
            ('[dkim_signing.domains."example.org"]\nselector = "s1"\npath = "/nonexistent/k.key"\n',
             'dkim_signing.domains."example.org": key /nonexistent/k.key: cannot open'),
            ('[dkim_signing.domains."example.org"]\nselector = "s1"\npth = "/x"\n',
             'dkim_signing.domains."example.org": needs `selector` and `path` strings'),
            ('[arc_sealing.domains."lists.example.org"]\nselectors = [{ selector = "a" }]\n',
             'arc_sealing.domains."lists.example.org".selectors[0]: needs `selector` and `path`'),
            ('[dkim_signing]\ncanonicalization = "loose"\n',
             "dkim_signing.canonicalization: 'loose'"),
        ]
        for text, want in cases:
            config = mwtest.Config({"local.d/50-bad.toml": text})
            try:
                out = subprocess.run([mwtest.MW_BINARY, "configtest", "--conf", config.dir],
                                     capture_output=True, text=True, timeout=60)
            finally:
                config.cleanup()
            self.assertNotEqual(out.returncode, 0, text)
            self.assertIn(want, out.stdout + out.stderr, text)


class KeygenTest(unittest.TestCase):
    def test_usage_errors_and_no_overwrite(self):
        d = tempfile.mkdtemp(prefix="mwkeys-")
        self.addCleanup(shutil.rmtree, d, True)
        run = lambda *a: subprocess.run([mwtest.MW_BINARY, "dkim-keygen", *a],  # noqa: E731
                                        capture_output=True, text=True)
        self.assertEqual(run("--selector", "s").returncode, 2)
        self.assertEqual(run("--domain", "x.example", "--selector", "s", "--bits", "512").returncode, 2)
        self.assertEqual(run("--domain", "x.example", "--selector", "s", "--type", "dsa").returncode, 2)
        path = os.path.join(d, "k.key")
        ok = run("--domain", "x.example", "--selector", "s", "--out", path)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertTrue(ok.stdout.startswith("s._domainkey.x.example. IN TXT ( \"v=DKIM1; k=rsa; p="))
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        again = run("--domain", "x.example", "--selector", "s", "--out", path)
        self.assertEqual(again.returncode, 1)
        self.assertIn("exists", again.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
