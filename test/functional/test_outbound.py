"""Outbound protection end to end (issue 7): the shipped model is reproducible, a generated month
of submissions is caught before the phishing bursts with no false positives to speak of, and the
daemon holds an account, reports the detection (events file, webhook, controller) and releases
it, with the embedded store and with a real Redis."""
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

TOOLS = os.path.join(mwtest.SOURCE_DIR, "tools", "outbound")
LAB = os.path.join(TOOLS, "lab", "local.d")
FIX = os.path.join(mwtest.SOURCE_DIR, "test", "lua", "fixtures", "outbound")
PY = "/usr/bin/python3"


def lab_config(extra=None):
    overrides = {}
    for f in sorted(os.listdir(LAB)):
        with open(os.path.join(LAB, f)) as fh:
            overrides["local.d/" + f] = fh.read()
    overrides.update(extra or {})
    return mwtest.Config(overrides)


class ModelTest(unittest.TestCase):
    def test_shipped_model_is_reproducible(self):
        tmp = tempfile.mkdtemp()
        try:
            out = os.path.join(tmp, "model.json")
            subprocess.run([os.path.join(TOOLS, "train_model.sh"), mwtest.MW_BINARY, out],
                           check=True, capture_output=True, timeout=900)
            with open(out) as a, open(os.path.join(mwtest.SOURCE_DIR, "conf", "outbound_model.json")) as b:
                self.assertEqual(a.read(), b.read(),
                                 "conf/outbound_model.json differs from what train_model.sh builds")
        finally:
            shutil.rmtree(tmp)


class ReplayTest(unittest.TestCase):
    """A month of submissions of another seed than the training data."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.data = os.path.join(cls.tmp, "data")
        subprocess.run([PY, os.path.join(TOOLS, "generate.py"), "--out", cls.data, "--seed", "2",
                        "--users", "200", "--hijacks", "20"], check=True, capture_output=True,
                       timeout=600)
        cls.config = lab_config()

    @classmethod
    def tearDownClass(cls):
        cls.config.cleanup()
        shutil.rmtree(cls.tmp)

    def replay(self, name):
        out = os.path.join(self.tmp, name)
        with open(out, "w") as f:
            subprocess.run([mwtest.MW_BINARY, "replay", "--conf", self.config.dir,
                            os.path.join(self.data, "events.jsonl")], stdout=f, check=True,
                           timeout=900)
        return out

    def test_catches_test_mails_before_the_burst(self):
        replay = self.replay("replay-1.jsonl")
        report = subprocess.run([PY, os.path.join(TOOLS, "evaluate.py"), "--events",
                                 os.path.join(self.data, "events.jsonl"), "--labels",
                                 os.path.join(self.data, "labels.jsonl"), "--replay", replay,
                                 "--json"], capture_output=True, text=True, check=True).stdout
        r = json.loads(report.strip().splitlines()[-1])
        print(json.dumps(r, indent=1), file=sys.stderr)
        self.assertEqual(r["missing_replies"], 0)
        self.assertGreaterEqual(r["test_mails"]["recall"], 0.80)
        self.assertGreaterEqual(r["hijacks"]["held_rate"], 0.75)
        self.assertLessEqual(r["false_positives"]["normal_and_lookalike"]["rate"], 0.002)
        self.assertLessEqual(r["false_positives"]["lookalike"]["rate"], 0.01)
        # Two runs without --state give the same output.
        with open(replay) as a, open(self.replay("replay-2.jsonl")) as b:
            self.assertEqual(a.read(), b.read())


class Webhook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Webhook.received.append(json.loads(self.rfile.read(n)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def normal_mail(i):
    return ("From: taro.yamada@example.jp\r\nTo: hanako@example.co.jp\r\nSubject: meeting %d\r\n"
            "Message-ID: <6a1b2c3d-1111-2222-3333-%012d@example.jp>\r\nMIME-Version: 1.0\r\n"
            "User-Agent: Mozilla Thunderbird 128\r\nContent-Type: text/plain\r\n\r\n"
            "Hello Hanako, the room is booked from ten to twelve on Friday.\r\n" % (i, i))


class DaemonHoldTest(unittest.TestCase):
    def run_flow(self, extra_config, check_events_file=False):
        server = http.server.HTTPServer(("127.0.0.1", 0), Webhook)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        Webhook.received = []
        config = lab_config({"local.d/80-hook.toml":
                             '[outbound]\nwebhook = "http://127.0.0.1:%d/mailward"\n' %
                             server.server_address[1], **extra_config})
        office = {"User": "taro.yamada", "IP": "192.0.2.44", "From": "taro.yamada@example.jp",
                  "Rcpt": "hanako@example.co.jp", "Helo": "office-pc"}
        try:
            with mwtest.Daemon(config, workers=1) as d:
                for i in range(8):
                    r = d.scan(normal_mail(i), office)
                    self.assertEqual(r["action"], "no action", r)
                    self.assertNotIn("OUTBOUND_RECON", r["symbols"])
                attacker = {"User": "taro.yamada", "IP": "203.0.113.9", "From": "taro.yamada@example.jp",
                            "Rcpt": "resultbox77@freemail.example", "Helo": "WIN-4F2K"}
                r = d.scan(os.path.join(FIX, "tuple-semicolon.eml"), attacker)
                self.assertIn("OUTBOUND_RECON", r["symbols"], r)
                self.assertEqual(r["action"], "soft reject")
                self.assertIn("smtp_message", r["messages"])
                # Next mail of the account, even a normal one from the office: held.
                r = d.scan(normal_mail(100), office)
                self.assertIn("OUTBOUND_HELD", r["symbols"])
                self.assertEqual(r["action"], "soft reject")
                # The abuse desk sees it: controller, events file, webhook.
                status, body = d.controller("/outbound/holds")
                self.assertEqual(status, 200)
                holds = json.loads(body)
                self.assertIn("taro.yamada", [h["user"] for h in holds["holds"]])
                self.assertTrue(any(e["user"] == "taro.yamada" for e in holds["events"]))
                deadline = time.time() + 10
                while not Webhook.received and time.time() < deadline:
                    time.sleep(0.1)
                self.assertTrue(Webhook.received, "webhook got no event")
                ev = Webhook.received[0]
                self.assertEqual(ev["user"], "taro.yamada")
                self.assertEqual(ev["ip"], "203.0.113.9")
                self.assertEqual(ev["recipients"], ["resultbox77@freemail.example"])
                self.assertGreaterEqual(ev["probability"], 0.3)
                # Release through the controller; mail flows again.
                status, body = d.controller("/outbound/release", {"User": "taro.yamada"}, "POST")
                self.assertEqual(status, 200, body)
                r = d.scan(normal_mail(101), office)
                self.assertNotIn("OUTBOUND_HELD", r["symbols"])
                self.assertEqual(r["action"], "no action")
                # And the CLI sees / changes the same list.
                subprocess.run([mwtest.MW_BINARY, "hold", "--conf", config.dir, "add", "taro.yamada",
                                "test"], check=True, capture_output=True)
                out = subprocess.run([mwtest.MW_BINARY, "hold", "--conf", config.dir, "list"],
                                     capture_output=True, text=True, check=True).stdout
                self.assertIn("taro.yamada", out)
                r = d.scan(normal_mail(102), office)
                self.assertIn("OUTBOUND_HELD", r["symbols"])
                subprocess.run([mwtest.MW_BINARY, "hold", "--conf", config.dir, "release",
                                "taro.yamada"], check=True, capture_output=True)
                r = d.scan(normal_mail(103), office)
                self.assertNotIn("OUTBOUND_HELD", r["symbols"])
            if check_events_file:
                with open(os.path.join(config.dbdir, "outbound-events.jsonl")) as f:
                    lines = [json.loads(l) for l in f]
                self.assertEqual([e["user"] for e in lines], ["taro.yamada"])
                self.assertEqual(lines[0]["subject"].split(";")[1], "taro.yamada")
        finally:
            server.shutdown()
            config.cleanup()

    def test_embedded_store(self):
        self.run_flow({}, check_events_file=True)

    @mwtest.needs(mwtest.missing_tools("redis-server"))
    def test_redis_store(self):
        script = os.path.join(os.path.dirname(__file__), "lib", "redis_server.sh")
        rdir = tempfile.mkdtemp()
        try:
            port = subprocess.run([script, "start", rdir], capture_output=True, text=True,
                                  check=True).stdout.strip().splitlines()[-1]
            self.run_flow({"local.d/81-redis.toml":
                           '[store]\nbackend = "redis"\n[store.redis]\nservers = ["127.0.0.1:%s"]\n' % port})
        finally:
            subprocess.run([script, "stop", rdir], capture_output=True)
            shutil.rmtree(rdir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
