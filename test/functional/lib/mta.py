"""A real MTA in front of a Mailward daemon (the test_mta_*.py tests, issue 17).

smtp_send() submits a message the way every MTA test does; read_sample() reads one of
test/data's sample messages.

MtaTest starts a daemon (one worker) and the MTA a subclass describes, on a free loopback
port, in a private temporary directory; the MTA's output goes to a log file whose tail is
shown when an assertion fails. A subclass sets PREFIX (the directory's name), LOG_NAME and
START_TIMEOUT and implements start_mta(), which writes its configuration under cls.dir and
returns the MTA's Popen (output to cls.log, listening on cls.port). tearDownClass stops the
MTA by its PID, removes the directory and stops the daemon.
"""
import os
import shutil
import smtplib
import tempfile
import unittest

import mwtest

MTA_DIR = os.environ.get("MW_MTA_DIR", "/usr/local/lib/mailward-test")


def read_sample(name):
    with open(mwtest.sample(name), "rb") as f:
        return f.read()


def smtp_send(port, message):
    """Submit `message` to 127.0.0.1:`port` from sender@example.org to admin@test.example.

    Returns (SMTP code after DATA, reply text); a refusal at DATA is a result, not an error.
    """
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
        s.ehlo("client.test.example")
        s.mail("sender@example.org")
        s.rcpt("admin@test.example")
        try:
            code, text = s.data(message)
        except smtplib.SMTPDataError as e:
            code, text = e.smtp_code, e.smtp_error
        return code, text.decode(errors="replace")


class MtaTest(unittest.TestCase):
    PREFIX = "mwmta-"
    LOG_NAME = "mta.log"
    START_TIMEOUT = 30

    @classmethod
    def start_mta(cls):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.proc = None
        cls.config = mwtest.Config()
        cls.daemon = mwtest.Daemon(cls.config, workers=1).start()
        cls.dir = tempfile.mkdtemp(prefix=cls.PREFIX)
        cls.port = mwtest.free_port()
        cls.log = open(os.path.join(cls.dir, cls.LOG_NAME), "w")
        try:
            cls.proc = cls.start_mta()
            mwtest.wait_for_port(cls.port, timeout=cls.START_TIMEOUT)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.proc is not None:
            mwtest.stop_process(cls.proc)
        cls.log.close()
        shutil.rmtree(cls.dir, ignore_errors=True)
        cls.daemon.stop()
        cls.config.cleanup()

    def mta_log(self):
        """The end of the MTA's output, for assertion messages."""
        with open(os.path.join(self.dir, self.LOG_NAME)) as f:
            return f.read()[-4000:]

    def send(self, message):
        return smtp_send(self.port, message)
