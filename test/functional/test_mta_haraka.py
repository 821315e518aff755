"""Haraka (npm `Haraka`) with its Rspamd plugin (npm `haraka-plugin-rspamd`) against Mailward's
HTTP scan protocol (issue 17): ham is accepted and queued with the plugin's score headers,
GTUBE is refused at DATA by `[reject] spam = true`.

scripts/deps.sh installs both packages under $MW_MTA_DIR/haraka. Haraka runs on a free
loopback port with a private configuration; its queue/test plugin writes each accepted
message into a private TMPDIR.
"""
import glob
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402
from mta import MTA_DIR, MtaTest, read_sample  # noqa: E402

HARAKA_HOME = os.path.join(MTA_DIR, "haraka")
HARAKA = os.path.join(HARAKA_HOME, "node_modules", ".bin", "haraka")
NODE = shutil.which("node")
SKIP = None
if not (NODE and os.access(HARAKA, os.X_OK) and
        os.path.isdir(os.path.join(HARAKA_HOME, "node_modules", "haraka-plugin-rspamd"))):
    SKIP = "Haraka with haraka-plugin-rspamd not installed (scripts/deps.sh test)"


@mwtest.needs(SKIP)
class HarakaTest(MtaTest):
    PREFIX = "mwharaka-"
    LOG_NAME = "haraka.log"
    START_TIMEOUT = 60

    @classmethod
    def start_mta(cls):
        cls.queue = os.path.join(cls.dir, "queue")
        os.makedirs(cls.queue)
        conf = os.path.join(cls.dir, "config")
        # Haraka's own defaults (connection.ini ...), then ours on top.
        shutil.copytree(os.path.join(HARAKA_HOME, "node_modules", "Haraka", "config"), conf)
        files = {
            "smtp.ini": f"listen=127.0.0.1:{cls.port}\nnodes=\n",
            "plugins": "rcpt_to.in_host_list\nrspamd\nqueue/test\n",
            "host_list": "test.example\n",
            "me": "mx.test.example\n",
            "log.ini": "[main]\nlevel=info\n",
            "rspamd.ini": (f"host = 127.0.0.1\nport = {cls.daemon.port}\nadd_headers = always\n"
                           # the test client connects from loopback, which the plugin
                           # skips unless told otherwise
                           "[check]\nlocal_ip = true\nprivate_ip = true\n"
                           "[reject]\nspam = true\nmessage = Detected as spam\n"),
        }
        for name, text in files.items():
            with open(os.path.join(conf, name), "w") as f:
                f.write(text)
        env = dict(os.environ, TMPDIR=cls.queue, NODE_PATH=os.path.join(HARAKA_HOME, "node_modules"))
        return subprocess.Popen([NODE, HARAKA, "-c", cls.dir], cwd=HARAKA_HOME, env=env,
                                stdout=cls.log, stderr=subprocess.STDOUT)

    def test_ham_accepted_with_headers_and_gtube_refused(self):
        before = set(glob.glob(os.path.join(self.queue, "mail_*.eml")))
        code, text = self.send(read_sample("ham.eml"))
        self.assertEqual(code, 250, text + self.mta_log())
        queued = set(glob.glob(os.path.join(self.queue, "mail_*.eml"))) - before
        self.assertEqual(len(queued), 1, self.mta_log())
        with open(queued.pop(), "rb") as f:
            head = f.read().split(b"\r\n\r\n", 1)[0].decode(errors="replace")
        self.assertRegex(head, r"(?m)^X-Rspamd-Score: -?[0-9.]+", head)
        self.assertIn("X-Rspamd-Bar:", head)
        code, text = self.send(read_sample("gtube.eml"))
        self.assertEqual(code, 550, text + self.mta_log())
        # The plugin answers with the scanner's SMTP message when there is one.
        self.assertIn("Gtube pattern", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
