"""Outbound protection end to end (issues 7 and 11): the shipped model (trained on the second
generator, tools/outbound/gen2) is reproducible; a month of the FIRST generator's submissions
(another seed) is caught before the phishing bursts with no false positives, and so is the
first sight of every message; a month of the second generator's is caught by a model trained
on the first; the daemon holds an account, reports the detection (events file, webhook,
controller) and releases it, with the embedded store and with a real Redis."""
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


def evaluate(data, replay):
    report = subprocess.run([PY, os.path.join(TOOLS, "evaluate.py"), "--events",
                             os.path.join(data, "events.jsonl"), "--labels",
                             os.path.join(data, "labels.jsonl"), "--replay", replay, "--json"],
                            capture_output=True, text=True, check=True).stdout
    r = json.loads(report.strip().splitlines()[-1])
    print(json.dumps({k: r[k] for k in ("test_mails", "hijacks", "false_positives")}, indent=1),
          file=sys.stderr)
    return r


# Test-mail formats without a complete credential record: a token only (gen1 and gen2), an
# address and a password without a server (gen2). Only behaviour and collectors catch them.
INCOMPLETE = ("token_only", "partial_userpass")


def content_recall(r):
    """Recall on the test mails that carry a complete credential record."""
    by = r["by_detail"]["test_mail"]
    kept = {k: v for k, v in by.items() if k not in INCOMPLETE}
    return sum(v["flagged"] for v in kept.values()) / sum(v["total"] for v in kept.values())


class ReplayTest(unittest.TestCase):
    """A month of the first generator (another seed than any training data), scored by the
    shipped model, which was trained on the second generator."""

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

    def replay(self, name, events=None, *flags):
        out = os.path.join(self.tmp, name)
        with open(out, "w") as f:
            subprocess.run([mwtest.MW_BINARY, "replay", "--conf", self.config.dir, *flags,
                            events or os.path.join(self.data, "events.jsonl")], stdout=f,
                           check=True, timeout=900)
        return out

    def test_catches_test_mails_before_the_burst(self):
        replay = self.replay("replay-1.jsonl")
        r = evaluate(self.data, replay)
        self.assertEqual(r["missing_replies"], 0)
        self.assertGreaterEqual(r["test_mails"]["recall"], 0.95)
        self.assertEqual(content_recall(r), 1.0)
        self.assertGreaterEqual(r["hijacks"]["held_rate"], 0.9)
        self.assertLessEqual(r["false_positives"]["normal"]["rate"], 0.001)
        self.assertEqual(r["false_positives"]["lookalike"]["flagged"], 0)
        # Two runs without --state give the same output.
        with open(replay) as a, open(self.replay("replay-2.jsonl")) as b:
            self.assertEqual(a.read(), b.read())

    def test_first_sight(self):
        # Every test mail and look-alike and a tenth of the normal mail, each scanned on an
        # empty store of its own.
        with open(os.path.join(self.data, "labels.jsonl")) as f:
            labels = {l["id"]: l for l in map(json.loads, f)}
        subset = os.path.join(self.data, "first-sight.jsonl")
        with open(os.path.join(self.data, "events.jsonl")) as f, open(subset, "w") as out:
            for line in f:
                ev = json.loads(line)
                kind = labels[ev["id"]]["kind"]
                if kind in ("test_mail", "lookalike") or (kind == "normal" and ev["id"] % 10 == 0):
                    out.write(line)
        r = evaluate(self.data, self.replay("first-sight-replay.jsonl", subset, "--isolate"))
        self.assertEqual(content_recall(r), 1.0)
        self.assertEqual(r["false_positives"]["normal_and_lookalike"]["flagged"], 0)


class SecondGeneratorTest(unittest.TestCase):
    """A month of the second generator, scored by a model trained on the first."""

    def test_month_of_the_second_generator(self):
        tmp = tempfile.mkdtemp()
        try:
            model = os.path.join(tmp, "model-gen1.json")
            subprocess.run([os.path.join(TOOLS, "train_model.sh"), mwtest.MW_BINARY, model, "",
                            "gen1"], check=True, capture_output=True, timeout=900)
            data = os.path.join(tmp, "data")
            subprocess.run([PY, os.path.join(TOOLS, "gen2", "generate.py"), "--out", data,
                            "--seed", "2", "--users", "150", "--hijacks", "27", "--quiet"],
                           check=True, capture_output=True, timeout=600)
            overrides = {}
            gen2_lab = os.path.join(TOOLS, "gen2", "local.d")
            for f in sorted(os.listdir(gen2_lab)):
                with open(os.path.join(gen2_lab, f)) as fh:
                    overrides["local.d/" + f] = fh.read()
            overrides["local.d/95-model.toml"] = '[outbound]\nmodel = "%s"\n' % model
            config = mwtest.Config(overrides)
            try:
                replay = os.path.join(tmp, "replay.jsonl")
                with open(replay, "w") as f:
                    subprocess.run([mwtest.MW_BINARY, "replay", "--conf", config.dir,
                                    os.path.join(data, "events.jsonl")], stdout=f, check=True,
                                   timeout=900)
                r = evaluate(data, replay)
                self.assertGreaterEqual(r["test_mails"]["recall"], 0.95)
                self.assertEqual(content_recall(r), 1.0)
                self.assertGreaterEqual(r["hijacks"]["held_rate"], 0.9)
                self.assertLessEqual(r["false_positives"]["normal"]["rate"], 0.001)
                self.assertEqual(r["false_positives"]["lookalike"]["flagged"], 0)
            finally:
                config.cleanup()
        finally:
            shutil.rmtree(tmp)


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
                status, body = d.controller("/outbound/release", {"User": "taro.yamada",
                                                                   "Reason": "checked"}, "POST")
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
                # The fixture's password (Sakura2024!) is masked in the stored Subject.
                self.assertEqual(lines[0]["subject"].split(";")[2], "Sa*********")
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
