#!/usr/bin/env python3
"""DMARC aggregate reports (RFC 7489 7.2): `mailward dmarc-report` against a real relay.

Three sending domains publish DMARC records with rua= addresses at another organisation
(test.mailward, a private Postfix instance on loopback); dnsmasq serves the records. The
daemon scans 300 messages from the three domains (aligned SPF passes and failures from
several addresses), which stores one report row per message. Then `mailward dmarc-report`:
  - with the relay down: nothing is sent, exit status 1, the rows are kept (but gamma's,
    whose only destination is not authorised, are dropped: nobody may receive them);
  - --dry-run --out DIR: one .xml.gz per domain, nothing sent, rows kept;
  - for real: alpha and beta (external destinations verified by
    "<domain>._report._dmarc.test.mailward") receive one report each; gamma publishes no
    verification record and its mailbox stays empty. Each delivered report has the RFC's
    file name and subject, is valid against the RFC's XSD (xmllint --schema), and its counts
    add up to the messages scanned;
  - again: the rows were deleted, nothing more is sent.
"""
import email
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402
import postfix  # noqa: E402

XMLLINT = shutil.which("xmllint")
DNSMASQ = "/usr/sbin/dnsmasq"
XSD = os.path.join(mwtest.SOURCE_DIR, "test", "data", "dmarc", "rfc7489", "rua.xsd")
SKIP = postfix.available() or (None if XMLLINT and os.access(DNSMASQ, os.X_OK)
                               else "xmllint and dnsmasq are needed")

# domain -> (DMARC record, verified?, [(ip, count, aligned SPF pass?)])
DOMAINS = {
    "alpha.example": ("v=DMARC1; p=reject; rua=mailto:alpha@test.mailward", True,
                      [("192.0.2.10", 40, True), ("192.0.2.11", 40, True),
                       ("192.0.2.12", 40, True), ("203.0.113.5", 25, False),
                       ("2001:db8::25", 15, False)]),
    "beta.example": ("v=DMARC1; p=quarantine; pct=50; rua=mailto:beta@test.mailward!10m", True,
                     [("198.51.100.20", 50, True), ("198.51.100.21", 10, True),
                      ("203.0.113.6", 30, False)]),
    "gamma.example": ("v=DMARC1; p=none; rua=mailto:gamma@test.mailward", False,
                      [("192.0.2.77", 50, True)]),
}
SPF = {
    "alpha.example": "v=spf1 ip4:192.0.2.0/25 -all",
    "beta.example": "v=spf1 ip4:198.51.100.0/24 -all",
    "gamma.example": "v=spf1 ip4:192.0.2.64/26 -all",
}


def message(domain, n):
    return (f"From: News <news@{domain}>\r\nTo: someone@mx.example\r\n"
            f"Subject: issue {n}\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{n}.{time.time_ns()}@{domain}>\r\n\r\nHello.\r\n").encode()


@unittest.skipIf(SKIP, SKIP)
class DmarcReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        records = {}
        for domain, (rec, verified, _) in DOMAINS.items():
            records["_dmarc." + domain] = rec
            records[domain] = SPF[domain]
            if verified:
                records[f"{domain}._report._dmarc.test.mailward"] = "v=DMARC1"
        cls.dns = mwtest.Dnsmasq(records).start()
        cls.addClassCleanup(cls.dns.stop)
        cls.relay = postfix.Postfix({"smtp": {"milter": ""}}, users=("alpha", "beta", "gamma"))
        cls.addClassCleanup(cls.relay.cleanup)
        cls.relay.start()
        cls.config = mwtest.Config({
            "local.d/40-dmarc.toml":
                '[options.dns]\ntimeout = "500ms"\nretransmits = 1\n'
                '[dmarc_report]\norg_name = "Mailward Test"\n'
                'email = "dmarc-reports@reporter.test"\n'
                'extra_contact_info = "https://reporter.test/dmarc"\n'
                f'smtp_relay = "127.0.0.1:{cls.relay.port("smtp")}"\ntimeout = "20s"\n',
        })
        cls.addClassCleanup(cls.config.cleanup)
        daemon = mwtest.Daemon(cls.config, workers=2,
                               extra_args=["--dns", f"127.0.0.1:{cls.dns.port}"])
        cls.days = {time.strftime("%Y-%m-%d", time.gmtime())}
        cls.expected = {}
        with daemon:
            n = 0
            for domain, (_, _, sources) in DOMAINS.items():
                for ip, count, aligned in sources:
                    for _ in range(count):
                        n += 1
                        reply = daemon.scan(message(domain, n), {
                            "IP": ip, "From": f"<bounce@{domain}>", "Helo": "mta.example",
                            "Rcpt": "someone@mx.example"})
                        want = "DMARC_POLICY_ALLOW" if aligned else None
                        if want:
                            assert want in reply["symbols"], reply
                        else:
                            assert "DMARC_POLICY_ALLOW" not in reply["symbols"], reply
                    cls.expected.setdefault(domain, {})[ip] = count
        cls.days.add(time.strftime("%Y-%m-%d", time.gmtime()))  # a run across midnight

    def report(self, *extra, relay=None):
        config = self.config
        outs, rcs = [], []
        for day in sorted(self.days):
            args = [mwtest.MW_BINARY, "dmarc-report", "--conf", config.dir, "--period", day,
                    "--dns", f"127.0.0.1:{self.dns.port}", *extra]
            out = subprocess.run(args, capture_output=True, text=True, timeout=120)
            outs.append(out.stdout + out.stderr)
            rcs.append(out.returncode)
        return max(rcs), "".join(outs)

    def check_report(self, data, domain):
        """Validate a gzip report against the XSD; its {source_ip: count}."""
        xml = gzip.decompress(data)
        with tempfile.NamedTemporaryFile(suffix=".xml") as f:
            f.write(xml)
            f.flush()
            out = subprocess.run([XMLLINT, "--noout", "--schema", XSD, f.name],
                                 capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stderr + xml.decode())
        root = ET.fromstring(xml)
        self.assertEqual(root.findtext("report_metadata/org_name"), "Mailward Test")
        self.assertEqual(root.findtext("report_metadata/email"), "dmarc-reports@reporter.test")
        self.assertEqual(root.findtext("policy_published/domain"), domain)
        counts = {}
        for rec in root.findall("record"):
            ip = rec.findtext("row/source_ip")
            counts[ip] = counts.get(ip, 0) + int(rec.findtext("row/count"))
            self.assertEqual(rec.findtext("identifiers/header_from"), domain)
        return counts, root

    def expected_counts(self, domain):
        full = {}
        for ip, count in self.expected[domain].items():
            key = "2001:db8:0:0:0:0:0:25" if ip == "2001:db8::25" else ip
            full[key] = count
        return full

    def test_reports(self):
        # 1. The relay is down: nothing sent, rows kept.
        saved = self.config.dir
        down = mwtest.free_port()
        self.config.write("local.d/90-down.toml",
                          f'[dmarc_report]\nsmtp_relay = "127.0.0.1:{down}"\n')
        rc, out = self.report()
        os.remove(os.path.join(saved, "local.d/90-down.toml"))
        self.assertEqual(rc, 1, out)
        self.assertIn("kept for a retry", out)
        # gamma's only destination is not authorised: nobody to send to, its rows go.
        self.assertRegex(out, r"gamma@test\.mailward: not authorised \(no v=DMARC1 at "
                              r"gamma\.example\._report\._dmarc\.test\.mailward\)")
        for user in ("alpha", "beta", "gamma"):
            self.assertEqual(self.relay.mailbox(user), [])

        # 2. Dry run: the files, nothing sent.
        outdir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, outdir, True)
        rc, out = self.report("--dry-run", "--out", outdir)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("gamma", out)
        files = sorted(os.listdir(outdir))
        self.assertEqual(len(files), 2, files)
        for name in files:
            m = re.fullmatch(r"reporter\.test!([a-z.]+)!(\d+)!(\d+)\.xml\.gz", name)
            self.assertIsNotNone(m, name)
            self.assertEqual(int(m.group(3)) - int(m.group(2)), 86399)
            with open(os.path.join(outdir, name), "rb") as f:
                counts, _ = self.check_report(f.read(), m.group(1))
            self.assertEqual(counts, self.expected_counts(m.group(1)))
        time.sleep(1)
        for user in ("alpha", "beta", "gamma"):
            self.assertEqual(self.relay.mailbox(user), [])

        # 3. For real: alpha and beta get their report, gamma (unverified) nothing.
        rc, out = self.report()
        self.assertEqual(rc, 0, out)
        for user, domain in (("alpha", "alpha.example"), ("beta", "beta.example")):
            raw = self.relay.wait_for_mail(lambda m: True, user=user)
            msg = email.message_from_bytes(raw)
            self.assertRegex(msg["Subject"],
                             rf"^Report Domain: {re.escape(domain)} Submitter: reporter\.test "
                             r"Report-ID: <.+>$")
            self.assertEqual(msg["From"], "dmarc-reports@reporter.test")
            parts = [p for p in msg.walk() if p.get_filename()]
            self.assertEqual(len(parts), 1)
            self.assertRegex(parts[0].get_filename(),
                             rf"^reporter\.test!{re.escape(domain)}!\d+!\d+\.xml\.gz$")
            self.assertEqual(parts[0].get_content_type(), "application/gzip")
            counts, root = self.check_report(parts[0].get_payload(decode=True), domain)
            self.assertEqual(counts, self.expected_counts(domain))
            self.assertEqual(sum(counts.values()), sum(self.expected[domain].values()))
            self.assertEqual(len(self.relay.mailbox(user)), 1)
        alpha = self.check_report(
            email.message_from_bytes(self.relay.mailbox("alpha")[0]).get_payload()[1]
            .get_payload(decode=True), "alpha.example")[1]
        self.assertEqual(alpha.findtext("policy_published/p"), "reject")
        fails = [r for r in alpha.findall("record")
                 if r.findtext("row/policy_evaluated/spf") == "fail"]
        self.assertEqual(sum(int(r.findtext("row/count")) for r in fails), 40)
        self.assertTrue(all(r.findtext("row/policy_evaluated/disposition") == "reject"
                            for r in fails))
        time.sleep(1)
        self.assertEqual(self.relay.mailbox("gamma"), [])

        # 4. The rows were deleted: a second run has nothing to send.
        rc, out = self.report()
        self.assertEqual(rc, 0, out)
        self.assertIn("0 reports sent", out)
        time.sleep(1)
        self.assertEqual(len(self.relay.mailbox("alpha")), 1)
        self.assertEqual(len(self.relay.mailbox("beta")), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
