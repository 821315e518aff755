"""Real MTAs and clients from Debian against the scan worker's line protocols (issue 17).

  Exim 4 (exim4-daemon-heavy, unpacked by scripts/deps.sh because it conflicts with the
  installed Postfix): a private daemon on a free loopback port whose DATA ACL asks Mailward
  through `spamd_address`, once with `variant=rspamd` (RSPAMC/1.3) and once with
  SpamAssassin's plain spamd protocol (REPORT SPAMC/1.2). Ham is accepted and carries the
  scanner's score and report in headers; GTUBE is refused by the classic `deny spam = nobody`
  (Exim decides by score >= threshold); the report carries no X-Symbol or X-Milter lines.
  spamc (SpamAssassin's client): CHECK (-c), SYMBOLS (-y), REPORT (-R), PROCESS (default),
  HEADERS (--headers) and PING (-K), by its exit codes and outputs.

Messages stay in Exim's private queue (queue_only); their headers are read with `exim -Mvh`.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402
from mta import MTA_DIR, read_sample, smtp_send  # noqa: E402
EXIM = next((p for p in (os.path.join(MTA_DIR, "exim4/usr/sbin/exim4"), shutil.which("exim4"))
             if p and os.access(p, os.X_OK)), None)
SPAMC = shutil.which("spamc")


EXIM_CONF = """\
exim_user = Debian-exim
exim_group = Debian-exim
keep_environment =
primary_hostname = mx.test.example
qualify_domain = test.example
spool_directory = {dir}/spool
log_file_path = {dir}/log/%slog
pid_file_path = {dir}/exim.pid
daemon_smtp_ports = {port}
local_interfaces = 127.0.0.1
host_lookup =
rfc1413_hosts =
queue_only = true
spamd_address = 127.0.0.1 {mw_port}{variant}
acl_smtp_rcpt = acl_rcpt
acl_smtp_data = acl_data

begin acl
acl_rcpt:
  accept
acl_data:
  deny    spam       = nobody
          message    = Rejected as spam ($spam_score / $spam_action)
  warn    spam       = nobody:true
          add_header = X-Test-Spam-Score: $spam_score
          add_header = X-Test-Spam-Action: $spam_action
          add_header = X-Test-Spam-Report: $spam_report
  accept

begin routers
begin transports
"""


class Exim:
    """A private Exim daemon on a free loopback port, stopped by its PID."""

    def __init__(self, mw_port, variant):
        self.dir = tempfile.mkdtemp(prefix="mwexim-")
        os.chmod(self.dir, 0o755)
        for sub in ("spool", "log"):
            os.makedirs(os.path.join(self.dir, sub))
            shutil.chown(os.path.join(self.dir, sub), "Debian-exim", "Debian-exim")
        self.port = mwtest.free_port()
        self.conf = os.path.join(self.dir, "exim.conf")
        with open(self.conf, "w") as f:
            f.write(EXIM_CONF.format(dir=self.dir, port=self.port, mw_port=mw_port,
                                     variant=" variant=rspamd" if variant else ""))
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([EXIM, "-C", self.conf, "-bdf", "-oX", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            mwtest.wait_for_port(self.port)
        except TimeoutError:
            self.proc.kill()
            raise AssertionError("exim did not start: " + self.proc.stderr.read().decode())
        return self

    def stop(self):
        mwtest.stop_process(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)

    def send(self, message):
        """(SMTP code after DATA, reply text)."""
        return smtp_send(self.port, message)

    def headers(self, message_id):
        out = subprocess.run([EXIM, "-C", self.conf, "-Mvh", message_id], capture_output=True,
                             text=True, timeout=30)
        return out.stdout

    def mainlog(self):
        try:
            with open(os.path.join(self.dir, "log", "mainlog")) as f:
                return f.read()
        except OSError:
            return ""


class MtaSpamdTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.config = mwtest.Config()
        cls.daemon = mwtest.Daemon(cls.config, workers=1).start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.config.cleanup()

    def exim_round(self, variant):
        exim = Exim(self.daemon.port, variant).start()
        try:
            code, text = exim.send(read_sample("ham.eml"))
            self.assertEqual(code, 250, text + exim.mainlog())
            msgid = re.search(r"id=(\S+)", text).group(1)
            headers = exim.headers(msgid)
            self.assertIn("X-Test-Spam-Action: no action", headers)
            score = re.search(r"X-Test-Spam-Score: (-?[0-9.]+)", headers)
            self.assertIsNotNone(score, headers)
            self.assertLess(float(score.group(1)), 6)
            self.assertIn("X-Test-Spam-Report:", headers)
            # Rspamd's reply has no X-Symbol / X-Milter lines; they would land in headers.
            self.assertNotIn("X-Symbol", headers)
            self.assertNotIn("X-Milter", headers)
            code, text = exim.send(read_sample("gtube.eml"))
            self.assertEqual(code, 550, text + exim.mainlog())
            self.assertIn("Rejected as spam (15.0 / reject)", text)
            self.assertNotIn("cannot parse", exim.mainlog())
            return headers
        finally:
            exim.stop()

    @unittest.skipUnless(EXIM, "exim4-daemon-heavy not unpacked (scripts/deps.sh test)")
    def test_exim_variant_rspamd(self):
        headers = self.exim_round(variant=True)
        self.assertRegex(headers, r"X-Test-Spam-Report: Action: no action\n\s+Symbol: ")

    @unittest.skipUnless(EXIM, "exim4-daemon-heavy not unpacked (scripts/deps.sh test)")
    def test_exim_plain_spamd_protocol(self):
        headers = self.exim_round(variant=False)
        self.assertIn("X-Test-Spam-Report: Mailward results:", headers)
        self.assertRegex(headers, r"\n\s+-*\s+pts rule name")

    # ---- spamc

    def spamc(self, *args, message=b""):
        out = subprocess.run([SPAMC, "-d", "127.0.0.1", "-p", str(self.daemon.port), "-t", "60",
                              *args], input=message, capture_output=True, timeout=90)
        return out.returncode, out.stdout.decode(errors="replace"), out.stderr.decode()

    @unittest.skipUnless(SPAMC, "spamc not installed")
    def test_spamc_check_and_exit_codes(self):
        rc, out, err = self.spamc("-c", message=read_sample("gtube.eml"))
        self.assertEqual((rc, out.strip()), (1, "15.0/15.0"), err)
        rc, out, err = self.spamc("-c", message=read_sample("ham.eml"))
        self.assertEqual(rc, 0, out + err)
        self.assertRegex(out.strip(), r"^-?[0-9.]+/15\.0$")
        rc, out, err = self.spamc("-K")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.startswith("SPAMD/1.5 0"), out)

    @unittest.skipUnless(SPAMC, "spamc not installed")
    def test_spamc_symbols_and_report(self):
        rc, out, err = self.spamc("-y", message=read_sample("gtube.eml"))
        self.assertIn("GTUBE", out.split(","), out + err)
        rc, out, err = self.spamc("-R", message=read_sample("gtube.eml"))
        self.assertTrue(out.startswith("15.0/15.0\n"), out + err)
        self.assertIn("GTUBE", out)
        self.assertIn("action reject", out)

    @unittest.skipUnless(SPAMC, "spamc not installed")
    def test_spamc_process_and_headers(self):
        ham = read_sample("ham.eml")
        rc, out, err = self.spamc("-x", message=ham)
        self.assertEqual(rc, 0, err)
        head, body = split_message(out.encode())
        head = head.decode()
        self.assertRegex(head, r"(?m)^X-Spam-Status: No, score=-?[0-9.]+ required=15\.00 ")
        self.assertIn("Subject: Lunch on Friday", head)
        self.assertNotIn("X-Spam-Flag", head)
        self.assertEqual(body, split_message(ham)[1])
        rc, out, err = self.spamc("-x", "--headers", message=read_sample("gtube.eml"))
        self.assertEqual(rc, 0, err)
        self.assertIn("X-Spam-Flag: YES", out)
        self.assertIn("XJS*C4JDBQADN1", out)  # spamc put the body back after the headers
        # A forged flag in the input does not survive.
        rc, out, err = self.spamc("-x", message=b"X-Spam-Flag: YES\r\n" + ham)
        self.assertNotIn(b"X-Spam-Flag", split_message(out.encode())[0])


def split_message(data):
    """(header section, body) at the first blank line, CRLF or LF."""
    parts = re.split(rb"\r?\n\r?\n", data, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else b""


if __name__ == "__main__":
    unittest.main(verbosity=2)
