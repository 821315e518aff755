"""Sender authentication through the daemon against a real DNS server (issue: async DNS and
inbound authentication).

dnsmasq on loopback serves the test zones (SPF, DKIM keys, DMARC policies, an over-limit SPF
tree); messages are signed by dkimpy (Debian python3-dkim), an independent implementation, and
scanned by `mailward serve --dns 127.0.0.1:PORT` over the HTTP protocol. The verdict symbols
and the Authentication-Results field are checked for: pass, tampered body, tampered header,
wrong key, missing key, expired signature, DMARC reject, and DNS timeouts with the server
stopped. `mailward check-domain` is checked on the over-limit SPF tree,
and /checkdomain on the controller against it.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

try:
    import dkim  # python3-dkim, for Debian's /usr/bin/python3
except ImportError:  # pragma: no cover
    dkim = None

OPENSSL = shutil.which("openssl")
DNSMASQ = "/usr/sbin/dnsmasq"
MISSING = (mwtest.missing_tools("openssl", DNSMASQ)
           or (None if dkim else "python3-dkim not installed"))

GOOD_IP = "192.0.2.10"     # in good.example's SPF
OTHER_IP = "198.51.100.7"  # in nobody's SPF


def rsa_key(directory, name):
    """(PKCS#1 PEM bytes for dkimpy, base64 SubjectPublicKeyInfo for the p= tag)."""
    path = os.path.join(directory, name + ".pem")
    subprocess.run([OPENSSL, "genrsa", "-traditional", "-out", path, "2048"], check=True,
                   capture_output=True)
    der = subprocess.run([OPENSSL, "rsa", "-in", path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    with open(path, "rb") as f:
        return f.read(), base64.b64encode(der).decode()


class ExpiringDKIM(dkim.DKIM if dkim else object):
    """dkimpy's signer with an x= tag (dkimpy has no option for it)."""
    expire = None

    def gen_header(self, fields, include_headers, canon_policy, header_name, pk,
                   standardize=False):
        if self.expire is not None:
            fields = fields[:-1] + [(b"x", str(self.expire).encode())] + fields[-1:]
        return super().gen_header(fields, include_headers, canon_policy, header_name, pk,
                                  standardize)


def message(frm="someone@good.example", subject="Quarterly report", body=b"See you soon.\r\n"):
    return (f"From: Someone <{frm}>\r\nTo: rcpt@mx.example\r\nSubject: {subject}\r\n"
            f"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{time.time_ns()}@good.example>\r\n\r\n").encode() + body


def sign(msg, selector, domain, key, expire=None):
    d = ExpiringDKIM(msg)
    d.expire = expire
    sig = d.sign(selector.encode(), domain.encode(), key,
                 include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
                 canonicalize=(b"relaxed", b"relaxed"))
    return sig + msg


@mwtest.needs(MISSING)
class AuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mwauth-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.key, pub = rsa_key(cls.tmp, "s1")
        cls.other_key, _ = rsa_key(cls.tmp, "other")
        records = {
            "good.example": "v=spf1 ip4:192.0.2.0/24 -all",
            "_dmarc.good.example": "v=DMARC1; p=reject; rua=mailto:dmarc@good.example",
            "s1._domainkey.good.example": f"v=DKIM1; k=rsa; p={pub}",
            "later.example": "v=spf1 ip4:192.0.2.0/24 -all",
            "_dmarc.later.example": "v=DMARC1; p=quarantine",
            "s1._domainkey.later.example": f"v=DKIM1; k=rsa; p={pub}",
            # Eleven includes: one DNS lookup over the limit of 10 (RFC 7208 4.6.4).
            "over.example": "v=spf1 " + " ".join(f"include:i{i}.over.example"
                                                 for i in range(1, 12)) + " -all",
            "_dmarc.over.example": "v=DMARC1; p=none",
        }
        for i in range(1, 12):
            records[f"i{i}.over.example"] = "v=spf1 ip4:203.0.113.0/24 -all"
        cls.dns = mwtest.Dnsmasq(records).start()
        cls.addClassCleanup(cls.dns.stop)
        cls.config = mwtest.Config({
            "local.d/40-auth.toml":
                '[options.dns]\ntimeout = "500ms"\nretransmits = 1\n'
                '[options.auth]\nauthserv_id = "mx.mailward.test"\n',
        })
        cls.addClassCleanup(cls.config.cleanup)
        cls.daemon = mwtest.Daemon(cls.config, workers=1,
                                   extra_args=["--dns", f"127.0.0.1:{cls.dns.port}"])
        cls.addClassCleanup(cls.daemon.stop)
        cls.daemon.start()

    def scan(self, msg, ip=GOOD_IP, mail_from="someone@good.example"):
        return self.daemon.scan(msg, {"IP": ip, "From": f"<{mail_from}>",
                                            "Helo": "client.good.example",
                                            "Rcpt": "rcpt@mx.example"})

    def symbols(self, reply):
        return reply["symbols"]

    def auth_results(self, reply):
        return reply["milter"]["add_headers"]["Authentication-Results"]["value"]

    def test_pass(self):
        r = self.scan(sign(message(), "s1", "good.example", self.key))
        s = self.symbols(r)
        self.assertIn("R_DKIM_ALLOW", s, r)
        self.assertEqual(s["R_DKIM_ALLOW"]["options"], ["good.example:s=s1"])
        self.assertIn("R_SPF_ALLOW", s)
        self.assertIn("DMARC_POLICY_ALLOW", s)
        ar = self.auth_results(r)
        self.assertTrue(ar.startswith("mx.mailward.test;"), ar)
        for part in ("dkim=pass header.d=good.example header.s=s1", "spf=pass",
                     "dmarc=pass (p=reject dis=none) header.from=good.example"):
            self.assertIn(part, ar)

    def test_only_our_authentication_results_are_removed(self):
        # Issue 17 (RFC 8601 section 5): the reply adds our Authentication-Results and asks the
        # MTA to remove the incoming ones claiming our authserv-id (forged), and only those.
        forged = (b"Authentication-Results: mx.other.example; spf=pass\r\n"
                  b"Authentication-Results: (forged) MX.MAILWARD.TEST; dkim=pass\r\n")
        r = self.scan(forged + message())
        self.assertEqual(r["milter"]["remove_headers"], {"Authentication-Results": 2}, r["milter"])
        r = self.scan(message())
        self.assertNotIn("remove_headers", r["milter"])

    def test_tampered_body_and_header(self):
        signed = sign(message(), "s1", "good.example", self.key)
        for bad in (signed.replace(b"See you soon.", b"See you later."),
                    signed.replace(b"Subject: Quarterly report", b"Subject: Quarterly rep0rt")):
            s = self.symbols(self.scan(bad))
            self.assertIn("R_DKIM_REJECT", s, bad)
            self.assertNotIn("R_DKIM_ALLOW", s)
            # SPF still passes and aligns: DMARC passes on SPF alone.
            self.assertIn("DMARC_POLICY_ALLOW", s)

    def test_wrong_key(self):
        s = self.symbols(self.scan(sign(message(), "s1", "good.example", self.other_key)))
        self.assertIn("R_DKIM_REJECT", s)

    def test_missing_key(self):
        r = self.scan(sign(message(), "nokey", "good.example", self.key))
        s = self.symbols(r)
        self.assertIn("R_DKIM_PERMFAIL", s, r)
        self.assertIn("dkim=permerror", self.auth_results(r))

    def test_expired_signature(self):
        r = self.scan(sign(message(), "s1", "good.example", self.key,
                           expire=int(time.time()) - 3600))
        s = self.symbols(r)
        self.assertNotIn("R_DKIM_ALLOW", s, r)
        self.assertIn("R_DKIM_PERMFAIL", s, r)  # RFC 6376 6.1.1: an expired signature is a permerror
        self.assertIn("dkim=permerror reason=", self.auth_results(r))
        # The same message unexpired passes.
        ok = self.symbols(self.scan(sign(message(), "s1", "good.example", self.key,
                                         expire=int(time.time()) + 3600)))
        self.assertIn("R_DKIM_ALLOW", ok)

    def test_dmarc_reject_and_spf_fail(self):
        r = self.scan(message(), ip=OTHER_IP)
        s = self.symbols(r)
        self.assertIn("R_SPF_FAIL", s, r)
        self.assertIn("R_DKIM_NA", s)
        self.assertIn("DMARC_POLICY_REJECT", s)
        self.assertIn("dmarc=fail (p=reject dis=reject)", self.auth_results(r))

    def test_zz_dns_timeout_with_the_server_stopped(self):
        # Runs last (name order): stops the DNS server. later.example was never looked up,
        # so nothing is cached.
        self.dns.stop()
        started = time.time()
        r = self.scan(sign(message(frm="someone@later.example"), "s1", "later.example",
                           self.key), mail_from="someone@later.example")
        s = self.symbols(r)
        self.assertIn("R_DKIM_TEMPFAIL", s, r)
        self.assertIn("R_SPF_DNSFAIL", s, r)
        self.assertIn("DMARC_DNSFAIL", s, r)
        self.assertLess(time.time() - started, 8, "a DNS failure must not stall the task")

    def test_check_domain_counts_lookups_over_the_limit(self):
        out = subprocess.run([mwtest.MW_BINARY, "check-domain", "over.example", "--dns",
                              f"127.0.0.1:{self.dns.port}", "--json"],
                             capture_output=True, text=True, timeout=60)
        report = json.loads(out.stdout)
        spf = report["spf"]
        self.assertEqual(spf["lookups"], 11, report)
        self.assertEqual(spf["lookup_limit"], 10)
        self.assertTrue(spf["over_limit"])
        self.assertEqual(len(spf["tree"]["children"]), 11)
        self.assertTrue(any("more than the limit of 10" in p for p in spf["problems"]), spf)
        self.assertEqual(report["dmarc"]["policy"], "none")
        self.assertTrue(report["dmarc"]["advice"], report["dmarc"])
        text = subprocess.run([mwtest.MW_BINARY, "check-domain", "over.example", "--dns",
                               f"127.0.0.1:{self.dns.port}"], capture_output=True, text=True,
                              timeout=60).stdout
        self.assertIn("11/10 DNS lookups", text)
        self.assertIn("OVER LIMIT", text)

    def test_checkdomain_on_the_controller_matches_the_command(self):
        cli = json.loads(subprocess.run(
            [mwtest.MW_BINARY, "check-domain", "good.example", "--selector", "s1", "--dns",
             f"127.0.0.1:{self.dns.port}", "--json"], capture_output=True, text=True,
            timeout=60).stdout)
        status, body = self.daemon.controller("/checkdomain?domain=good.example&selector=s1")
        self.assertEqual(status, 200, body)
        api = json.loads(body)
        self.assertFalse(api.pop("cached"))
        api.pop("checked_at")
        self.assertEqual(api, cli)
        self.assertEqual(api["dkim"][0]["bits"], 2048)
        status, body = self.daemon.controller("/checkdomain?domain=good.example&selector=s1")
        self.assertTrue(json.loads(body)["cached"])
        status, body = self.daemon.controller("/checkdomain?domain=no%20domain")
        self.assertEqual(status, 400)
        self.assertIn("domain", json.loads(body)["error"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
