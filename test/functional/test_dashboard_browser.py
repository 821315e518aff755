"""The dashboard in real browsers (issue 15): Debian's chromium and firefox-esr, headless,
driven by puppeteer-core (test/browser/, installed by scripts/deps.sh test; chromium over the
DevTools protocol, Firefox over WebDriver BiDi) through every view, the same checks in both.

A generated month of a small provider with hijacked accounts (lib/dashdata.py Month:
tools/outbound/generate.py, replayed into the daemon's store) comes first; the daemon then
scans a few hundred inbound messages with real DNS answers (dnsmasq) and an outbound account
held for credential-test mail. test/browser/dashboard.mjs logs in read-only (no write
buttons) and with the enable password, checks the overview chart and workers, every account
the replay detected (held or suspected, with the masked tuple of its detection), the
days-to-burst chart against the incidents the replay's replies imply, releases and holds an
account again through the UI with a reason and sees the audit entries, compares the
authentication shares with the server's /authstats, filters the history, changes a score,
learns a message, switches to dark mode, and fails on any console error. After a restart the
saved score is still shown.
Screenshots: <build dir>/dashboard-screenshots/."""
import json
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402
import dashdata  # noqa: E402

BROWSER_DIR = os.path.join(mwtest.SOURCE_DIR, "test", "browser")
# Both browsers are Debian's (scripts/deps.sh test installs them), both driven by puppeteer-core.
BROWSERS = {"chromium": "/usr/bin/chromium", "firefox": "/usr/bin/firefox-esr"}
NODE = shutil.which("node")
MISSING = dashdata.SKIP or (
    None if NODE and all(os.access(b, os.X_OK) for b in BROWSERS.values()) and
    os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "puppeteer-core"))
    else "chromium, firefox-esr, node and test/browser/node_modules (scripts/deps.sh test) "
         "are needed")


@unittest.skipIf(MISSING, MISSING)
class DashboardBrowserTest(unittest.TestCase):
    def setUp(self):
        web = os.path.join(mwtest.SOURCE_DIR, "web")
        setup = dashdata.Setup(self.addCleanup, f'web_dir = "{web}"\n', month=True)
        self.key, self.tmp, self.daemon = setup.key, setup.tmp, setup.daemon
        self.month = setup.month
        self.shots = os.path.join(os.environ.get("MW_BUILD_DIR", self.tmp),
                                  "dashboard-screenshots")
        os.makedirs(self.shots, exist_ok=True)

    def api(self, path):
        status, body = self.daemon.controller(path, {"Password": "reader"})
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def run_browser(self, browser, phase, expect):
        expect = dict(expect, learn_message=dashdata.inbound_message(
            "quar.example", 5000 + list(BROWSERS).index(browser)).decode())
        env = dict(os.environ, MW_URL=f"http://127.0.0.1:{self.daemon.controller_port}/",
                   MW_SHOTS=self.shots, MW_EXPECT=json.dumps(expect), MW_BROWSER=browser,
                   MW_BROWSER_PATH=BROWSERS[browser], MW_OPERATOR=f"e2e-{browser}")
        r = subprocess.run([NODE, os.path.join(BROWSER_DIR, "dashboard.mjs"), phase],
                           cwd=BROWSER_DIR, env=env, capture_output=True, text=True, timeout=240)
        self.assertEqual(r.returncode, 0, f"{browser} {phase}:\n{r.stdout}\n{r.stderr}\n" +
                         self.daemon.read_log()[-3000:])

    def test_every_view(self):
        inbound = dashdata.scan_inbound(self.daemon, self.key)
        outbound, refused = dashdata.scan_outbound(self.daemon)
        scanned = len(inbound) + len(outbound)
        deadline = time.time() + 20
        while self.api("/stat")["scanned"] < scanned and time.time() < deadline:
            time.sleep(0.2)
        auth = self.api("/authstats")["totals"]
        # The server's counts are the replies' (test_dashboard_api checks it in detail).
        self.assertEqual(auth, dashdata.expected_auth(inbound)[0])
        server = self.api("/outbound/holds")
        holds = server["holds"]
        # Every hijacked account of the month was detected, and the server holds (or
        # suspects) each account the replay flagged, with the tuple of its detection.
        detected = self.month.expected_detections()
        for h in self.month.hijacks:
            self.assertIn(h["user"], detected)
        shown = {h["user"]: h.get("tuple") for h in holds}
        for ev in server["events"]:
            shown.setdefault(ev["user"], ev.get("tuple"))
        for user, tup in detected.items():
            self.assertEqual(shown.get(user, "missing"), tup, user)
        # The incidents: the month's (each hijacked account's burst start by the rule of
        # doc/outbound.md "Incidents", from the replay's replies), and the live account's
        # (its own mail refused, then the burst within seconds of the detection).
        incidents = self.month.expected_incidents()
        self.assertEqual({h["user"] for h in self.month.hijacks} - {u for u, _ in incidents},
                         set())
        live_start = dashdata.burst_starts(refused)
        self.assertIsNotNone(live_start)
        days = [d for _, d in incidents] + [0]
        chart = dashdata.burst_chart(days)
        self.assertEqual(server["burst_delay"], chart)
        print("burst delays (days):", sorted(round(d, 2) for d in days), file=sys.stderr)
        print("refused before the burst (days):", self.month.refused_before_burst(),
              file=sys.stderr)
        # The live account's timeline before the browser releases it: the user's own mail and
        # the burst's first messages refused, then the burst start.
        before = [t for t, _ in refused].index(live_start)
        # The collectors: the store's records, which hold every address that detected mail
        # of several accounts of the month went to.
        collectors = self.api("/outbound/collectors")["collectors"]
        by_address = {c["address"]: c for c in collectors}
        expected_collectors = self.month.expected_collectors()
        self.assertTrue(expected_collectors)
        for address, users in expected_collectors.items():
            self.assertIn(address, by_address)
            self.assertGreaterEqual(by_address[address]["confirmed"], len(users), address)
            self.assertLessEqual(users, set(by_address[address]["users"]), address)
        held_users = {h["user"] for h in holds}
        expect = {
            "accounts": [{"user": u, "tuple": t or "—", "held": u in held_users}
                         for u, t in sorted(detected.items())],
            "burst": chart, "held_count": len(holds), "collectors": [
                [c["address"], str(c["accounts"]), str(c["confirmed"]), ", ".join(c["users"])]
                for c in collectors],
            "reader": "reader", "writer": "writer", "user": dashdata.USER,
            "timeline": ["detected", "held"] + ["refused"] * before + ["burst refused"],
            "tuple": [h for h in holds if h["user"] == dashdata.USER][0]["tuple"],
            "scanned": scanned, "auth": auth,
            "quarantined": sum("DMARC_POLICY_QUARANTINE" in r["symbols"] for _, r in inbound),
        }
        self.assertIn("Sa*********", expect["tuple"])
        # The same checks in each browser (the second one finds the account held again by
        # the first and releases and holds it once more).
        for i, browser in enumerate(BROWSERS):
            # The first browser finds the account as the detection held it.
            self.run_browser(browser, "main", dict(expect, fresh_hold=i == 0))
            # What the UI did reached the server: audit entries by the browser's operator.
            status, body = self.daemon.controller("/outbound/audit", {"Password": "reader"})
            mine = [a for a in json.loads(body) if a["who"]["operator"] == f"e2e-{browser}"]
            self.assertEqual([a["action"] for a in mine], ["hold", "release"], browser)
        self.daemon.stop()
        self.daemon.start()
        for browser in BROWSERS:
            self.run_browser(browser, "after-restart", expect)
        shots = sorted(os.listdir(self.shots))
        for browser in BROWSERS:
            for view in ("login", "overview", "defense", "senderauth", "history", "symbols",
                         "learning", "overview-dark"):
                self.assertIn(f"{browser}-main-{view}.png", shots)
            self.assertIn(f"{browser}-after-restart-symbols.png", shots)


if __name__ == "__main__":
    unittest.main(verbosity=2)
