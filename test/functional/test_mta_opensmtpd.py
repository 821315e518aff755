"""OpenSMTPD 6.8 with filter-rspamd (Debian's opensmtpd and opensmtpd-filter-rspamd, unpacked
by scripts/deps.sh because they conflict with the installed Postfix) against Mailward's HTTP
scan protocol (issue 17): ham is delivered with the scanner's headers, GTUBE is refused at
DATA with the scanner's SMTP message.

Debian's smtpd keeps its queue, control socket and chroot at fixed system paths, so it runs
in a private mount namespace (unshare, root only) with those paths on fresh tmpfs mounts and
the unpacked helpers bound where smtpd looks for them; it delivers into a private Maildir as
`nobody` and listens on a free loopback port.
"""
import glob
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402
from mta import MTA_DIR, MtaTest, read_sample  # noqa: E402

ROOT = os.path.join(MTA_DIR, "opensmtpd")
SMTPD = os.path.join(ROOT, "usr/sbin/smtpd")
FILTER = os.path.join(ROOT, "usr/libexec/opensmtpd/filter-rspamd")
UNSHARE = shutil.which("unshare")

SKIP = None
if os.geteuid() != 0 or not UNSHARE:
    SKIP = "needs root and unshare (a private mount namespace for smtpd's fixed paths)"
elif not (os.access(SMTPD, os.X_OK) and os.access(FILTER, os.X_OK)):
    SKIP = "opensmtpd and opensmtpd-filter-rspamd not unpacked (scripts/deps.sh test)"

# Inside the namespace: smtpd's fixed paths on tmpfs, its helpers where it looks for them.
NAMESPACE_SCRIPT = """\
set -e
mount -t tmpfs none /var/spool
mount -t tmpfs none /run
mount -t tmpfs none /var/lib
mkdir -p /var/lib/opensmtpd/empty
mount -t tmpfs none /usr/libexec
mkdir -p /usr/libexec/opensmtpd
mount --bind "$1/usr/libexec/opensmtpd" /usr/libexec/opensmtpd
exec "$1/usr/sbin/smtpd" -d -f "$2"
"""

SMTPD_CONF = """\
table vusers {{ "@" = "nobody" }}
filter "rspamd" proc-exec "{filter} -url http://127.0.0.1:{mw_port}"
listen on 127.0.0.1 port {port} filter "rspamd"
action "keep" maildir "{maildir}" virtual <vusers>
match from any for any action "keep"
"""


@mwtest.needs(SKIP)
class OpenSmtpdTest(MtaTest):
    PREFIX = "mwsmtpd-"
    LOG_NAME = "smtpd.log"
    START_TIMEOUT = 30

    @classmethod
    def start_mta(cls):
        os.chmod(cls.dir, 0o755)
        cls.maildir = os.path.join(cls.dir, "Maildir")
        os.makedirs(cls.maildir)
        os.chmod(cls.maildir, 0o777)  # smtpd delivers as nobody
        conf = os.path.join(cls.dir, "smtpd.conf")
        with open(conf, "w") as f:
            f.write(SMTPD_CONF.format(filter=FILTER, mw_port=cls.daemon.port, port=cls.port,
                                      maildir=cls.maildir))
        os.chmod(conf, 0o644)
        # unshare execs sh, which execs smtpd: the PID is smtpd's parent process.
        return subprocess.Popen([UNSHARE, "--mount", "--propagation", "private", "sh", "-c",
                                 NAMESPACE_SCRIPT, "sh", ROOT, conf],
                                stdout=cls.log, stderr=subprocess.STDOUT)

    def delivered(self):
        return glob.glob(os.path.join(self.maildir, "new", "*"))

    def test_ham_delivered_with_headers_and_gtube_refused(self):
        code, text = self.send(read_sample("ham.eml"))
        self.assertEqual(code, 250, text + self.mta_log())
        deadline = time.time() + 20
        while not self.delivered() and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(len(self.delivered()), 1, self.mta_log())
        with open(self.delivered()[0], "rb") as f:
            head = f.read().split(b"\n\n", 1)[0].decode(errors="replace")
        # The reply's milter block: our Authentication-Results, added by the filter.
        self.assertRegex(head, r"(?m)^Authentication-Results: \S+; ", head)
        self.assertIn("Subject: Lunch on Friday", head)
        code, text = self.send(read_sample("gtube.eml"))
        self.assertEqual(code, 550, text + self.mta_log())
        self.assertIn("Gtube pattern", text)
        self.assertEqual(len(self.delivered()), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
