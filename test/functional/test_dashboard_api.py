"""The dashboard's controller endpoints (issue 15): time series (/graph, /perf, /pie),
workers, sender-authentication shares (/authstats) against an independent tally of the scan
replies, the audited hold/release/false-positive routes, history filters, privacy masking,
authentication, and /savesymbols + /saveactions surviving a restart.

The daemon scans generated traffic (lib/dashdata.py): a few hundred inbound messages with
real DNS answers from dnsmasq, and an outbound account that sends credential-test mail."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402
import dashdata  # noqa: E402


READER = {"Password": "reader"}
WRITER = {"Password": "writer"}


@unittest.skipIf(dashdata.SKIP, dashdata.SKIP)
class DashboardApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        setup = dashdata.Setup(cls.addClassCleanup)
        cls.config, cls.daemon = setup.config, setup.daemon
        key = setup.key
        cls.inbound = dashdata.scan_inbound(cls.daemon, key)
        cls.outbound, cls.refused = dashdata.scan_outbound(cls.daemon)
        cls.replies = [r for _, r in cls.inbound] + cls.outbound
        # Wait for the worker's flush.
        deadline = time.time() + 20
        while time.time() < deadline:
            if cls.get("/stat")["scanned"] >= len(cls.replies):
                break
            time.sleep(0.2)

    @classmethod
    def get(cls, path, headers=READER, status=200):
        code, body = cls.daemon.controller(path, headers)
        if code != status:
            raise AssertionError(f"{path}: HTTP {code}: {body!r}")
        return json.loads(body) if status == 200 else body

    def post(self, path, body, headers=WRITER):
        return self.daemon.controller(path, dict(headers, **{"Content-Type": "application/json"}),
                                      "POST", json.dumps(body).encode())

    def test_inbound_traffic_was_authenticated(self):
        # Sanity: the DNS set-up gives every outcome the dashboard shows.
        exp, _ = dashdata.expected_auth(self.inbound)
        self.assertEqual(exp["checked"], sum(n for _, n, _, _ in dashdata.PLAN))
        for k in ("spf_pass", "dkim_pass", "dmarc_pass", "policy_reject", "policy_quarantine",
                  "policy_none", "policy_absent"):
            self.assertGreater(exp[k], 0, (k, exp))

    def test_authstats_equal_the_replies(self):
        exp, fails = dashdata.expected_auth(self.inbound)
        got = self.get("/authstats")
        self.assertEqual(len(got["days"]), 7)
        self.assertEqual(got["totals"], exp)
        self.assertEqual(got["days"][-1]["checked"], exp["checked"])  # all today
        self.assertAlmostEqual(got["shares"]["spf_pass"], exp["spf_pass"] / exp["checked"])
        for check in ("spf", "dkim", "dmarc"):
            self.assertEqual({f["domain"]: f["count"] for f in got["failing"][check]},
                             fails[check], check)
        # A period without traffic, and bad ranges.
        empty = self.get("/authstats?from=2020-01-01&to=2020-01-31")
        self.assertEqual(len(empty["days"]), 31)
        self.assertEqual(empty["totals"]["checked"], 0)
        self.get("/authstats?from=2020-13-01", status=400)
        self.get("/authstats?from=2021-01-02&to=2021-01-01", status=400)
        self.get("/authstats?from=2020-01-01&to=2022-01-01", status=400)

    def test_graph_counts_every_scan_by_action(self):
        by_action = {}
        for r in self.replies:
            by_action[r["action"]] = by_action.get(r["action"], 0) + 1
        order = ["reject", "soft reject", "rewrite subject", "add header", "greylist", "no action"]
        for kind, points, minutes in (("hourly", 60, 1), ("daily", 288, 5), ("weekly", 168, 60),
                                      ("monthly", 180, 240)):
            g = self.get("/graph?type=" + kind)
            self.assertEqual(len(g), 6, kind)
            for i, series in enumerate(g):
                self.assertIn(len(series), (points, points + 1), kind)
                xs = [p["x"] for p in series]
                self.assertEqual(xs, sorted(xs))
                total = sum(p["y"] for p in series) * minutes
                self.assertAlmostEqual(total, by_action.get(order[i], 0), places=6,
                                       msg=f"{kind} {order[i]}")
        self.get("/graph?type=yearly", status=400)

    def test_perf_and_pie_and_workers(self):
        perf = self.get("/perf")
        self.assertEqual(perf["scanned"], len(self.replies))
        self.assertEqual(sum(b["count"] for b in perf["buckets"]), len(self.replies))
        p = perf["percentiles"]
        self.assertTrue(0 < p["p50"] <= p["p90"] <= p["p95"] <= p["p99"], p)
        pie = {e["label"]: e["value"] for e in self.get("/pie")}
        self.assertEqual(sum(pie.values()), len(self.replies))
        self.assertEqual(pie["soft reject"], sum(r["action"] == "soft reject" for r in self.replies))
        workers = self.get("/workers")["workers"]
        kinds = {w["type"] for w in workers if w["state"] == "ok"}
        self.assertTrue({"normal", "controller"} <= kinds, workers)
        normal = [w for w in workers if w["type"] == "normal"]
        self.assertEqual(sum(w["scanned"] for w in normal), len(self.replies))

    def test_authentication(self):
        for path in ("/graph", "/perf", "/workers", "/authstats", "/pie", "/outbound/audit",
                     "/outbound/holds"):
            self.assertEqual(self.daemon.controller(path)[0], 403, path)
            self.assertEqual(self.daemon.controller(path, {"Password": "wrong"})[0], 403, path)
        for path in ("/outbound/hold", "/outbound/release", "/outbound/falsepositive",
                     "/savesymbols", "/saveactions"):
            code, _ = self.post(path, {"user": "x", "reason": "y"}, READER)
            self.assertEqual(code, 403, path)

    def test_privacy(self):
        holds_raw = self.daemon.controller("/outbound/holds", READER)[1].decode()
        hist_raw = self.daemon.controller("/history?count=2000", READER)[1].decode()
        for raw in (holds_raw, hist_raw):
            self.assertNotIn("Sakura2024!", raw)
        holds = json.loads(holds_raw)
        held = [h for h in holds["holds"] if h["user"] == dashdata.USER]
        self.assertTrue(held, holds)
        # The record as the verifier masked it (src/outbound/credential.h): the secret masked.
        self.assertEqual(held[0]["tuple"],
                         "taro.yamada@example.jp;taro.yamada;Sa*********;mail.example.jp;465;2;LOGIN")
        self.assertEqual(held[0]["recipients"], ["resultbox77@freemail.example"])
        self.assertEqual(held[0]["refused"], len(self.refused))
        self.assertTrue(held[0]["weights"])
        ev = [e for e in holds["events"] if e["user"] == dashdata.USER][0]
        self.assertNotIn("Sakura", ev["subject"])
        rows = json.loads(hist_raw)["rows"]
        self.assertEqual(len(rows), len(self.replies))
        for row in rows:
            if row["action"] == "no action":
                for k in ("subject", "sender_smtp", "rcpt_smtp", "user"):
                    self.assertNotIn(k, row)
        recon = [r for r in rows if "OUTBOUND_RECON" in r["symbols"]]
        self.assertEqual(len(recon), 1)
        # The Subject and the symbol options keep the record with its secret masked (Task::redact).
        self.assertEqual(recon[0]["subject"],
                         "taro.yamada@example.jp;taro.yamada;Sa*********;mail.example.jp;465;2;LOGIN")
        self.assertTrue(recon[0]["symbols"]["OUTBOUND_CRED_TUPLE"]["options"])

    def test_history_filters(self):
        q = [r for _, r in self.inbound if "DMARC_POLICY_QUARANTINE" in r["symbols"]]
        rows = self.get("/history?symbol=DMARC_POLICY_QUARANTINE&count=2000")["rows"]
        self.assertEqual(len(rows), len(q))
        self.assertTrue(q)
        soft = self.get("/history?action=soft%20reject")["rows"]
        self.assertEqual(len(soft), sum(r["action"] == "soft reject" for r in self.replies))
        self.assertTrue(all(r["action"] == "soft reject" for r in soft))
        self.assertTrue(soft)
        self.assertEqual([r["user"] for r in self.get(f"/history?user={dashdata.USER}")["rows"]],
                         [dashdata.USER] * len(soft))
        one = self.replies[3]
        mid = self.get("/history?count=2000")["rows"]
        some = [r for r in mid if r.get("message-id")][0]
        found = self.get("/history?q=" + some["message-id"][:20])["rows"]
        self.assertIn(some["id"], [r["id"] for r in found])
        self.assertEqual(self.get("/history?count=5")["rows"].__len__(), 5)
        self.assertEqual(self.get("/history?symbol=NO_SUCH_SYMBOL")["rows"], [])
        del one

    def test_audited_operator_actions(self):
        user = "audit.test"
        code, body = self.post("/outbound/hold", {"user": user})
        self.assertEqual(code, 400, body)  # a reason is required
        code, body = self.post("/outbound/hold", {"user": user, "reason": "   "})
        self.assertEqual(code, 400, body)
        before = time.time()
        code, body = self.post("/outbound/hold", {"user": user, "reason": "phished, ticket 42",
                                                  "operator": "alice"})
        self.assertEqual(code, 200, body)
        holds = self.get("/outbound/holds")
        self.assertIn(user, [h["user"] for h in holds["holds"]])
        # Headers work as well (rspamc-style clients).
        code, body = self.daemon.controller("/outbound/release",
                                            dict(WRITER, User=user, Reason="user confirmed",
                                                 Operator="bob"), "POST")
        self.assertEqual(code, 200, body)
        self.assertNotIn(user, [h["user"] for h in self.get("/outbound/holds")["holds"]])
        code, body = self.post("/outbound/falsepositive", {"user": user, "reason": "newsletter",
                                                           "operator": "carol"})
        self.assertEqual(code, 200, body)
        audit = self.get("/outbound/audit")
        mine = [a for a in audit if a["user"] == user]
        self.assertEqual([a["action"] for a in mine], ["false_positive", "release", "hold"])
        self.assertEqual([a["who"]["operator"] for a in mine], ["carol", "bob", "alice"])
        self.assertEqual(mine[2]["reason"], "phished, ticket 42")
        self.assertEqual(mine[2]["who"]["ip"], "127.0.0.1")
        self.assertEqual(mine[2]["who"]["credential"], "enable password")
        self.assertGreaterEqual(mine[2]["time"], int(before) - 1)
        fps = self.get("/outbound/holds")["false_positives"]
        self.assertIn(user, [f["user"] for f in fps])

    def test_burst_not_the_users_own_mail_starts_the_incident(self):
        # Refused while held: the user's own mail to one colleague, then the attacker's burst
        # (dashdata.BURST). The incident starts at the message with which the refused mail
        # reached burst_recipients distinct recipients, not at the first refused message.
        holds = self.get("/outbound/holds")
        held = [h for h in holds["holds"] if h["user"] == dashdata.USER][0]
        start = dashdata.burst_starts(self.refused)
        self.assertIsNotNone(start)
        idx = [t for t, _ in self.refused].index(start)
        self.assertGreater(idx, 1)
        refusals = held["refusals"][::-1]  # oldest first: up to the burst start
        self.assertEqual([r["recipients"] for r in refusals],
                         [len(r) for _, r in self.refused[:idx + 1]])
        self.assertEqual([r["burst"] for r in refusals], [False] * idx + [True])
        self.assertEqual(refusals[0]["reached"], 1)  # the user's own mail
        inc = [i for i in holds["incidents"] if i["user"] == dashdata.USER]
        self.assertEqual(len(inc), 1, holds["incidents"])
        self.assertEqual(inc[0]["burst_start"], refusals[idx]["time"])
        self.assertGreater(inc[0]["burst_start"], refusals[0]["time"])
        self.assertLessEqual(inc[0]["detected"], refusals[0]["time"])
        self.assertEqual(inc[0]["recipients"], dashdata.BURST_RECIPIENTS)
        self.assertEqual(inc[0]["by"], "detection")
        self.assertEqual(holds["burst_delay"][0], {"days": "0", "count": 1})
        self.assertEqual(sum(b["count"] for b in holds["burst_delay"]), 1)

    def test_zx_operator_hold_retries_and_one_message_to_many(self):
        # (Named to run after the tests that count every scan of the class.) An account held
        # by an operator: its own message retried a dozen times (one recipient) is refused
        # each time and is no burst; one message to twelve recipients is.
        user = "saburo.ito"
        code, body = self.post("/outbound/hold", {"user": user, "reason": "phished, ticket 7"})
        self.assertEqual(code, 200, body)
        env = {"User": user, "IP": "192.0.2.62", "From": "saburo.ito@example.jp",
               "Helo": "pc-62", "Rcpt": "hanako@example.co.jp"}
        for _ in range(12):
            r = self.daemon.scan(dashdata.normal_mail(7), env)
            self.assertIn("OUTBOUND_HELD", r["symbols"])

        def mine():
            return [i for i in self.get("/outbound/holds")["incidents"] if i["user"] == user]

        self.assertEqual(mine(), [])
        rcpts = ["member%d@club.example" % i for i in range(12)]
        r = self.daemon.scan(dashdata.burst_mail(99), dict(env, Rcpt=", ".join(rcpts)))
        self.assertIn("OUTBOUND_HELD", r["symbols"])
        inc = mine()
        self.assertEqual(len(inc), 1)
        self.assertEqual(inc[0]["by"], "operator")
        row = [h for h in self.get("/outbound/holds")["holds"] if h["user"] == user][0]
        self.assertEqual(row["refused"], 13)
        self.assertEqual([r["burst"] for r in row["refusals"]], [True] + [False] * 12)
        self.assertEqual(inc[0]["burst_start"], row["refusals"][0]["time"])
        # Released: the refusals go; the incident stays.
        code, body = self.post("/outbound/release", {"user": user, "reason": "password reset"})
        self.assertEqual(code, 200, body)
        self.assertEqual(len(mine()), 1)
        self.post("/outbound/hold", {"user": user, "reason": "again"})
        row = [h for h in self.get("/outbound/holds")["holds"] if h["user"] == user][0]
        self.assertEqual((row["refused"], row["refusals"]), (0, []))

    def test_zy_false_positive_mark_changes_detection(self):
        # (Named to run after the tests that count every scan of the class.)
        # An account's mail with its own settings to an outside vendor is detected and held;
        # the operator marks it a false positive: the same mail to the same recipient is then
        # reported (OUTBOUND_FALSE_POSITIVE) but neither refused nor held, while the same
        # mail to another recipient is still detected.
        user = "jiro.sato"
        msg = ("From: jiro.sato@example.jp\r\nTo: it-desk@vendor.example\r\n"
               "Subject: jiro.sato@example.jp;jiro.sato;Fuji2025!x;mail.example.jp;587;1;LOGIN\r\n"
               "Message-ID: <%d.fp@example.jp>\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain\r\n\r\ntest\r\n")

        def send(i, rcpt):
            return self.daemon.scan((msg % i).encode(), {"User": user, "IP": "192.0.2.61",
                                                          "From": "jiro.sato@example.jp",
                                                          "Rcpt": rcpt, "Helo": "pc-61"})

        def held():
            return user in [h["user"] for h in self.get("/outbound/holds")["holds"]]

        first = send(1, "it-desk@vendor.example")
        self.assertIn("OUTBOUND_RECON", first["symbols"])
        self.assertEqual(first["action"], "soft reject")
        self.assertTrue(held())
        code, body = self.post("/outbound/falsepositive", {"user": user, "operator": "dana",
                                                           "reason": "vendor support ticket"})
        self.assertEqual(code, 200, body)
        self.assertFalse(held())
        fp = [f for f in self.get("/outbound/holds")["false_positives"] if f["user"] == user]
        self.assertEqual(fp[0]["recipients"], ["it-desk@vendor.example"])
        again = send(2, "IT-Desk@vendor.example")
        self.assertNotIn("OUTBOUND_RECON", again["symbols"])
        self.assertIn("marked false positive",
                      " ".join(again["symbols"]["OUTBOUND_FALSE_POSITIVE"]["options"]))
        self.assertEqual(again["action"], "no action")
        self.assertFalse(held())
        other = send(3, "box-991@freemail.example")
        self.assertIn("OUTBOUND_RECON", other["symbols"])
        self.assertTrue(held())

    def test_zz_saved_scores_survive_a_restart(self):
        code, body = self.post("/savesymbols", [{"name": "NO_SUCH_SYMBOL", "value": 1}])
        self.assertEqual(code, 400, body)
        code, body = self.post("/savesymbols", [{"name": "R_SPF_SOFTFAIL", "value": float("1e9")}])
        self.assertEqual(code, 400, body)
        code, body = self.post("/saveactions", [{"action": "no action", "value": 1}])
        self.assertEqual(code, 400, body)
        code, body = self.post("/savesymbols", [{"name": "R_SPF_SOFTFAIL", "value": 3.25}])
        self.assertEqual(code, 200, body)
        code, body = self.post("/saveactions", [{"action": "greylist", "value": 5.5},
                                                {"action": "rewrite subject", "value": None}])
        self.assertEqual(code, 200, body)
        with open(os.path.join(self.config.dir, "local.d", "zz-controller.toml")) as f:
            saved = f.read()
        self.assertIn("R_SPF_SOFTFAIL", saved)

        def weight():
            for g in self.get("/symbols"):
                for r in g["rules"]:
                    if r["symbol"] == "R_SPF_SOFTFAIL":
                        return r["weight"]
            return None

        def greylist():
            return {a["action"]: a["value"] for a in self.get("/actions")}["greylist"]

        # The save asked the master to reload: the new controller has the new values.
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if weight() == 3.25 and greylist() == 5.5:
                    break
            except (OSError, AssertionError):
                pass
            time.sleep(0.3)
        self.assertEqual(weight(), 3.25)
        self.daemon.stop()
        self.daemon.start()
        self.assertEqual(weight(), 3.25)
        self.assertEqual(greylist(), 5.5)
        r = self.daemon.scan(dashdata.inbound_message("nodmarc.example", 999),
                             {"IP": dashdata.BAD_IP, "From": "<news999@nodmarc.example>",
                              "Rcpt": "rcpt@mx.example"})
        self.assertEqual(r["symbols"]["R_SPF_SOFTFAIL"]["score"], 3.25)


if __name__ == "__main__":
    unittest.main(verbosity=2)
