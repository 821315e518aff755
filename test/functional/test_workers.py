"""The controller's /workers (issue 18): this scanner's processes as its master's watchdog
board lists them, joined with their heartbeats (type, scanned, errors, uptime), on the
embedded store. A killed worker is replaced in the list by its respawn; a stopped one
(SIGSTOP) shows as unresponsive. The fleet view with two scanners on Redis is in
test_fleet.py."""
import json
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402


def wait_until(what, cond, timeout=15.0):
    return mwtest.wait_until(what, cond, timeout)


class WorkersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.config = mwtest.Config({})
        cls.daemon = mwtest.Daemon(cls.config, workers=2).start()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.stop()
        cls.config.cleanup()

    def workers(self):
        code, body = self.daemon.controller("/workers")
        self.assertEqual(code, 200, body)
        return json.loads(body)

    def test_1_local_processes_with_their_counts(self):
        for _ in range(6):
            self.daemon.scan(mwtest.sample("gtube.eml"))
        pids = set(self.daemon.children())

        def settled():
            w = self.workers()
            normal = [p for p in w["local"] if p["type"] == "normal"]
            return w if (sum(p.get("scanned", 0) for p in normal) == 6 and
                         {p["pid"] for p in w["local"]} == pids) else None
        w = wait_until("the workers' heartbeats", settled)
        self.assertEqual(w["scanner"].rsplit("/", 1)[1], str(self.daemon.proc.pid))
        kinds = sorted(p["type"] for p in w["local"])
        self.assertEqual(kinds, ["controller", "normal", "normal", "proxy"], w["local"])
        for p in w["local"]:
            self.assertEqual(p["state"], "running", p)
            self.assertLess(p["beat_age"], 5)
            self.assertGreaterEqual(p["uptime"], 0)
            self.assertEqual(p["errors"], 0)
            self.assertIn("connections", p)
        # One scanner in the fleet view: this one, with its two scanning workers (and the
        # controller and milter proxy processes).
        self.assertEqual(len(w["fleet"]), 1, w["fleet"])
        me = w["fleet"][0]
        self.assertEqual((me["scanner"], me["self"], me["workers"], me["processes"], me["scanned"]),
                         (w["scanner"], True, 2, 4, 6))

    def test_2_a_stopped_worker_is_unresponsive_and_a_killed_one_replaced(self):
        normal = [p["pid"] for p in self.workers()["local"] if p["type"] == "normal"]
        stopped, killed = normal
        os.kill(stopped, signal.SIGSTOP)
        try:
            wait_until("the stopped worker shown unresponsive",
                       lambda: any(p["pid"] == stopped and p["state"] == "unresponsive"
                                   for p in self.workers()["local"]), timeout=12)
        finally:
            os.kill(stopped, signal.SIGCONT)
        wait_until("the worker running again",
                   lambda: any(p["pid"] == stopped and p["state"] == "running"
                               for p in self.workers()["local"]))
        os.kill(killed, signal.SIGKILL)

        def replaced():
            local = self.workers()["local"]
            pids = {p["pid"] for p in local}
            return killed not in pids and len([p for p in local if p["type"] == "normal"]) == 2
        wait_until("the respawned worker listed instead of the dead one", replaced)


if __name__ == "__main__":
    unittest.main(verbosity=2)
