"""A fleet of scanners on one Redis (issue 18), with real redis-server and redis-sentinel.

FleetTest: two `mailward serve`, each with its own $DBDIR as on two machines, on one
redis-server, and a forward-mode milter proxy over both:
  - one keyed-hash secret for the fleet (created once in Redis), configtest on disagreement
  - rate limits, new-IP profiles and collector correlation with submissions alternating
    between the scanners
  - holds, outbound events and history seen from either controller; /workers: each
    controller's own processes and both scanners in the fleet view
  - Redis stopped: STORE_UNAVAILABLE, on_store_failure accept / tempfail, /ready degraded,
    /stat and /metrics, one log line per outage with a count; back to normal after restart
  - one scanner killed in the middle of a milter run: the proxy loses no message
SentinelTest: a master, a replica and a sentinel; the master is killed, the sentinel
promotes the replica and both scanners follow at once, told by the sentinel's
+switch-master message (the periodic check is set to a minute and the reconnect backoff
grows to 5 s, so neither can be what moved them), every request answered; before the
failover the replica the sentinel lists serves the reads of replica_keys.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402
import redis_procs  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LAB = os.path.join(mwtest.SOURCE_DIR, "tools", "outbound", "lab", "local.d")
FIX = os.path.join(mwtest.SOURCE_DIR, "test", "lua", "fixtures", "outbound")
MILTERTEST = shutil.which("miltertest")
SKIP = redis_procs.available()


def fleet_config(store_toml, extra=""):
    overrides = {}
    for f in sorted(os.listdir(LAB)):
        with open(os.path.join(LAB, f)) as fh:
            overrides["local.d/" + f] = fh.read()
    overrides["local.d/70-fleet.toml"] = (store_toml + "[outbound]\nratelimit_messages = 20\n" +
                                          extra)
    return mwtest.Config(overrides)


def redis_toml(port=None, sentinel=None, reconnect_max="300ms", sentinel_check="300ms"):
    t = ('[store]\nbackend = "redis"\n[store.redis]\ntimeout = "300ms"\n'
         f'reconnect_max = "{reconnect_max}"\n')
    if sentinel:
        return t + (f'sentinels = ["127.0.0.1:{sentinel}"]\nmaster_name = "mw"\n'
                    f'sentinel_check = "{sentinel_check}"\n')
    return t + f'servers = ["127.0.0.1:{port}"]\n'


def mail(i, user="someone", to="hanako@example.co.jp"):
    return ("From: %s@example.jp\r\nTo: %s\r\nSubject: meeting %d\r\n"
            "Message-ID: <fleet-%s-%d@example.jp>\r\nMIME-Version: 1.0\r\n"
            "User-Agent: Mozilla Thunderbird 128\r\nContent-Type: text/plain\r\n\r\n"
            "Hello, the room is booked from ten to twelve on Friday.\r\n" % (user, to, i, user, i))


def env(user, ip="192.0.2.44", rcpt="hanako@example.co.jp"):
    return {"User": user, "IP": ip, "From": user + "@example.jp", "Rcpt": rcpt,
            "Helo": "office-pc"}


wait_until = mwtest.wait_until


def get_calls(port):
    """GET commands a redis-server has run (INFO commandstats)."""
    m = re.search(r"cmdstat_get:calls=(\d+)", redis_procs.cli(port, "info", "commandstats"))
    return int(m.group(1)) if m else 0


def kill_daemon(d):
    """SIGKILL a daemon's master, then its workers (by PID): a machine that dies. The master
    goes first: killed after its workers, it could respawn one that keeps serving the port."""
    kids = d.children()
    d.proc.kill()
    d.proc.wait()
    for pid in kids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@unittest.skipIf(SKIP, SKIP)
class FleetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mwfleet-")
        cls.redis = redis_procs.RedisProc(os.path.join(cls.tmp, "redis")).start()
        store = redis_toml(cls.redis.port)
        cls.c1 = fleet_config(store)
        cls.c2 = fleet_config(store, 'on_store_failure = "tempfail"\n')
        cls.d1 = mwtest.Daemon(cls.c1, workers=1).start()
        cls.d2 = mwtest.Daemon(cls.c2, workers=1).start()

    @classmethod
    def tearDownClass(cls):
        for d in (cls.d1, cls.d2):
            d.stop()
        cls.redis.stop()
        for c in (cls.c1, cls.c2):
            c.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def both(self):
        return (self.d1, self.d2)

    def test_1_one_secret_per_fleet(self):
        stored = redis_procs.cli(self.redis.port, "--no-raw", "exists", "mw:ob:secret")
        self.assertIn("1", stored)
        for c in (self.c1, self.c2):
            self.assertFalse(os.path.exists(os.path.join(c.dbdir, "outbound.secret")))
        # configtest says when the configuration's secret is not the fleet's.
        c3 = fleet_config(redis_toml(self.redis.port), 'secret = "%s"\n' % ("ab" * 20))
        try:
            out = subprocess.run([mwtest.MW_BINARY, "configtest", "--conf", c3.dir],
                                 capture_output=True, text=True, timeout=60).stdout
            self.assertIn("outbound.secret differs from the fleet's secret in Redis", out)
            self.assertNotIn("ab" * 20, out)
            out = subprocess.run([mwtest.MW_BINARY, "configtest", "--conf", self.c1.dir],
                                 capture_output=True, text=True, timeout=60).stdout
            self.assertNotIn("differs", out)
        finally:
            c3.cleanup()

    def test_2_rate_limit_across_scanners(self):
        limited = 0
        for i in range(30):
            r = self.both()[i % 2].scan(mail(i, "rl.user"), env("rl.user"))
            if "OUTBOUND_RATELIMIT" in r["symbols"]:
                limited += 1
                self.assertEqual(r["action"], "soft reject")
        self.assertEqual(limited, 10)

    def test_3_new_ip_profile_across_scanners(self):
        for i in range(6):
            r = self.both()[i % 2].scan(mail(i, "ip.user"), env("ip.user", "192.0.2.10"))
        r = self.d2.scan(mail(7, "ip.user"), env("ip.user", "192.0.2.10"))
        self.assertNotIn("OUTBOUND_NEW_IP", r["symbols"])
        r = self.d1.scan(mail(8, "ip.user"), env("ip.user", "198.51.100.7"))
        self.assertIn("OUTBOUND_NEW_IP", r["symbols"], r["symbols"].keys())

    def test_4_collector_across_scanners(self):
        box = "drop.box77@freemail.example"
        tuple_mail = os.path.join(FIX, "tuple-semicolon.eml")
        self.d1.scan(tuple_mail, env("coll.a", "203.0.113.9", box))
        r = self.d2.scan(mail(1, "coll.c", box), env("coll.c", rcpt=box))
        self.assertNotIn("OUTBOUND_TO_COLLECTOR", r["symbols"])  # one account is not enough
        self.d2.scan(tuple_mail, env("coll.b", "203.0.113.10", box))
        r = self.d1.scan(mail(2, "coll.c", box), env("coll.c", rcpt=box))
        self.assertIn("OUTBOUND_TO_COLLECTOR", r["symbols"], r["symbols"].keys())
        # Either controller lists it with both accounts (the store's collector records).
        for d in self.both():
            rows = json.loads(d.controller("/outbound/collectors")[1])["collectors"]
            row = [c for c in rows if c["address"] == box]
            self.assertEqual(len(row), 1, rows)
            self.assertEqual(sorted(row[0]["users"]), ["coll.a", "coll.b"])

    def test_5_fleet_wide_controller_views(self):
        status, _ = self.d1.controller("/outbound/hold", {"User": "view.user", "Reason": "fleet test"}, "POST")
        self.assertEqual(status, 200)
        status, body = self.d2.controller("/outbound/holds")
        self.assertEqual(status, 200)
        holds = json.loads(body)
        self.assertIn("view.user", [h["user"] for h in holds["holds"]])
        r = self.d2.scan(mail(1, "view.user"), env("view.user"))
        self.assertIn("OUTBOUND_HELD", r["symbols"])
        # A detection on one scanner is an event on the other's controller.
        for i in range(8):
            self.d1.scan(mail(10 + i, "ev.user"), env("ev.user"))
        r = self.d1.scan(os.path.join(FIX, "tuple-semicolon.eml"),
                         env("ev.user", "203.0.113.9", "resultbox77@freemail.example"))
        self.assertIn("OUTBOUND_RECON", r["symbols"])
        holds = json.loads(self.d2.controller("/outbound/holds")[1])
        self.assertIn("ev.user", [e["user"] for e in holds["events"]])
        # History: scans of one scanner in the other's /history (flushed every second).
        mid = "fleet-hist.user-3@example.jp"
        self.d1.scan(mail(3, "hist.user"), env("hist.user"))

        def seen():
            rows = json.loads(self.d2.controller("/history")[1])["rows"]
            return any(mid in json.dumps(row) for row in rows)
        wait_until("d1's scan in d2's history", seen)

    def test_5b_workers_of_this_scanner_and_of_the_fleet(self):
        def views():
            out = []
            for d in self.both():
                w = json.loads(d.controller("/workers")[1])
                if len(w["fleet"]) != 2 or {p["pid"] for p in w["local"]} != set(d.children()):
                    return None
                if any(p["state"] != "running" for p in w["local"]):
                    return None
                out.append(w)
            return out
        w1, w2 = wait_until("both scanners' heartbeats", views)
        # Each controller lists its own processes, and both scanners in the fleet view.
        self.assertNotEqual(w1["scanner"], w2["scanner"])
        self.assertEqual(sorted(p["type"] for p in w1["local"]), ["controller", "normal", "proxy"])
        self.assertFalse({p["pid"] for p in w1["local"]} & set(self.d2.children()))
        fleet = {m["scanner"]: m for m in w1["fleet"]}
        self.assertEqual(set(fleet), {w1["scanner"], w2["scanner"]})
        self.assertTrue(fleet[w1["scanner"]]["self"])
        self.assertFalse(fleet[w2["scanner"]]["self"])
        for m in fleet.values():
            self.assertEqual((m["workers"], m["processes"]), (1, 3), m)
            self.assertGreater(m["scanned"], 0, m)
        # The fleet's heartbeats are the same seen from either controller.
        self.assertEqual(sorted(m["scanner"] for m in w2["fleet"]), sorted(fleet))
        n1 = next(p for p in w1["local"] if p["type"] == "normal")
        self.assertEqual(n1["scanned"], fleet[w1["scanner"]]["scanned"])

    def test_6_store_outage(self):
        self.assertEqual(self.d1.controller("/outbound/hold", {"User": "held.user", "Reason": "fleet test"}, "POST")[0], 200)
        self.assertIn("OUTBOUND_HELD", self.d1.scan(mail(1, "held.user"), env("held.user"))["symbols"])
        port = self.redis.port
        self.redis.stop()
        try:
            start = time.time()
            r1 = self.d1.scan(mail(2, "held.user"), env("held.user"))
            r2 = self.d2.scan(mail(3, "held.user"), env("held.user"))
            self.assertLess(time.time() - start, 3)
            # accept (default): the held account's mail passes, and the reply says why.
            self.assertEqual(r1["symbols"]["STORE_UNAVAILABLE"]["options"], ["redis"])
            self.assertNotIn("OUTBOUND_HELD", r1["symbols"])
            self.assertEqual(r1["action"], "no action")
            # tempfail: the MTA is asked to retry.
            self.assertIn("STORE_UNAVAILABLE", r2["symbols"])
            self.assertEqual(r2["action"], "soft reject")
            # Mail without an authenticated user is scanned as usual.
            plain = self.d1.scan(mail(4, "x"), {"IP": "192.0.2.1"})
            self.assertNotEqual(plain["action"], "soft reject")
            for i in range(3):
                self.d1.scan(mail(10 + i, "held.user"), env("held.user"))
            def degraded():
                body = json.loads(self.d1.controller("/ready")[1])
                return body if body.get("status") == "degraded" else None
            ready = wait_until("/ready degraded", degraded)
            self.assertEqual(ready["store"], {"backend": "redis", "available": False})
            stat = json.loads(self.d1.controller("/stat")[1])
            self.assertFalse(stat["store"]["available"])
            self.assertGreaterEqual(stat["store"]["outages"], 1)
            metrics = self.d1.controller("/metrics")[1].decode()
            self.assertIn('mailward_store_up{backend="redis"} 0', metrics)
        finally:
            self.redis = redis_procs.RedisProc(self.redis.dir, port=port).start()
        wait_until("/ready ready", lambda: json.loads(self.d1.controller("/ready")[1])["status"] == "ready")
        self.assertIn('mailward_store_up{backend="redis"} 1', self.d1.controller("/metrics")[1].decode())

        def recovered():
            r = self.d1.scan(mail(20, "back.user"), env("back.user"))
            return "STORE_UNAVAILABLE" not in r["symbols"]
        wait_until("scans without STORE_UNAVAILABLE", recovered)
        log = self.d1.read_log()
        down = [l for l in log.splitlines() if "store unavailable (redis)" in l]
        up = [l for l in log.splitlines() if "store available again (redis)" in l]
        # Once per outage and process (scan worker, controller, milter proxy), with a count.
        pids = [re.search(r"pid=(\d+)", l).group(1) for l in down]
        self.assertGreaterEqual(len(down), 1, log)
        self.assertEqual(len(set(pids)), len(pids), "\n".join(down))
        self.assertEqual(sorted(re.search(r"pid=(\d+)", l).group(1) for l in up), sorted(pids), log)
        self.assertTrue(any("operations failed during the outage" in l and " 0 operations" not in l
                            for l in up), "\n".join(up))

    @unittest.skipUnless(MILTERTEST, "miltertest not installed")
    def test_7_proxy_loses_no_message_when_a_scanner_dies(self):
        milter_port = mwtest.free_port()
        cp = mwtest.Config({"local.d/70-proxy.toml":
                            '[proxy]\nmode = "forward"\ntimeout = "5s"\ndefault_action = "tempfail"\n'
                            'upstream_dead_time = "30s"\n'
                            f'upstreams = ["127.0.0.1:{self.d1.port}", "127.0.0.1:{self.d2.port}"]\n'})
        proxy = mwtest.Daemon(cp, workers=1, extra_args=["--milter", f"127.0.0.1:{milter_port}"])
        try:
            proxy.start()
            mwtest.wait_for_port(milter_port)
            run = subprocess.Popen([MILTERTEST, "-D", f"port={milter_port}", "-D", "count=60",
                                    "-D", "delay=0.05", "-s",
                                    os.path.join(HERE, "fleet", "forward.lua")],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(1.0)
            # d2 stops answering with messages in flight, then dies.
            for pid in self.d2.children():
                os.kill(pid, signal.SIGSTOP)
            time.sleep(0.5)
            kill_daemon(self.d2)
            out, _ = run.communicate(timeout=300)
            self.assertEqual(run.returncode, 0, out + proxy.read_log())
            self.assertIn("accepted 60 of 60", out)
            self.assertIn(f"127.0.0.1:{self.d2.port} failed", proxy.read_log())
        finally:
            proxy.stop()
            cp.cleanup()


@unittest.skipIf(SKIP, SKIP)
class SentinelTest(unittest.TestCase):
    def test_scanners_follow_a_failover(self):
        tmp = tempfile.mkdtemp(prefix="mwsentinel-")
        master = redis_procs.RedisProc(os.path.join(tmp, "master")).start()
        replica = redis_procs.RedisProc(os.path.join(tmp, "replica"), replica_of=master.port).start()
        sentinel = redis_procs.RedisProc(os.path.join(tmp, "sentinel"), sentinel_of=master.port)
        procs = [master, replica, sentinel]
        daemons, configs = [], []
        stop = threading.Event()
        results = []
        try:
            wait_until("the replica in sync",
                       lambda: "master_link_status:up" in redis_procs.cli(replica.port, "info", "replication"))
            sentinel.start()
            # ... and knows its link to the master is up (the scanners read from it).
            wait_until("the sentinel sees the replica",
                       lambda: re.search(r"master-link-status\s+ok",
                                         redis_procs.cli(sentinel.port, "sentinel", "replicas", "mw")))
            for _ in range(2):
                # Neither the periodic check nor the reconnect backoff may be what follows
                # the failover: only +switch-master is fast enough for the bounds below.
                c = fleet_config(redis_toml(sentinel=sentinel.port, reconnect_max="5s",
                                            sentinel_check="60s"))
                configs.append(c)
                daemons.append(mwtest.Daemon(c, workers=1).start())
            s1, s2 = daemons
            self.assertEqual(s1.controller("/outbound/hold", {"User": "before.user", "Reason": "fleet test"}, "POST")[0], 200)
            self.assertIn("OUTBOUND_HELD", s2.scan(mail(1, "before.user"), env("before.user"))["symbols"])
            # The replica has the hold before the master dies.
            # (Polled: redis-cli's WAIT would wait for its own connection's writes: none.)
            wait_until("the hold on the replica",
                       lambda: redis_procs.cli(replica.port, "hexists", "mw:ob:hold", "before.user") == "1")
            # The replica the sentinel lists serves the controllers' /stat reads (GET stat:*).
            for d in daemons:
                self.assertIn(f"redis replica 127.0.0.1:{replica.port} used for reads", d.read_log())
            gets = get_calls(replica.port)
            for d in daemons:
                self.assertEqual(d.controller("/stat")[0], 200)
            self.assertGreater(get_calls(replica.port), gets)
            for d in daemons:  # the controller says so in its store block
                rep = json.loads(d.controller("/stat")[1])["store"]["replicas"]
                self.assertEqual((rep["configured"], rep["connected"]), (1, 1), rep)
                self.assertGreater(rep["reads"], 0, rep)

            def traffic():
                i = 0
                while not stop.is_set():
                    d = daemons[i % 2]
                    try:
                        r = d.scan(mail(i, "fo.user"), env("fo.user"))
                        results.append((time.time(), i % 2, "STORE_UNAVAILABLE" in r["symbols"]))
                    except Exception as e:  # an unanswered request fails the test
                        results.append((time.time(), i % 2, e))
                    i += 1
                    time.sleep(0.02)
            t = threading.Thread(target=traffic, daemon=True)
            t.start()
            time.sleep(0.5)
            master.stop(signal.SIGKILL)
            killed = time.time()
            wait_until("the sentinel promotes the replica",
                       lambda: str(replica.port) in redis_procs.cli(sentinel.port, "sentinel",
                                                                   "get-master-addr-by-name", "mw"),
                       timeout=30)
            promoted = time.time()
            wait_until("both scanners use the new master",
                       lambda: all(json.loads(d.controller("/ready")[1])["status"] == "ready"
                                   for d in daemons), timeout=10)
            followed = time.time()
            time.sleep(1.5)
            stop.set()
            t.join(timeout=30)
            errors = [r for r in results if isinstance(r[2], Exception)]
            self.assertEqual(errors, [])
            # Every process (controller and worker) moved because a sentinel said so.
            told = (f"+switch-master from sentinel 127.0.0.1:{sentinel.port}: "
                    f"the master is now 127.0.0.1:{replica.port}")
            for d in daemons:
                self.assertGreaterEqual(d.read_log().count(told), 2, d.read_log()[-3000:])
            self.assertLess(followed - promoted, 1.5, "the controllers followed late")
            late = [r for r in results if r[0] > promoted + 1.5 and r[2]]
            self.assertEqual(late, [], "STORE_UNAVAILABLE more than 1.5 s after the promotion")
            for side in (0, 1):
                self.assertTrue(any(r[1] == side and not r[2] and r[0] > promoted for r in results))
            recovered = [min((r[0] for r in results if r[1] == side and not r[2] and r[0] > promoted),
                             default=0) for side in (0, 1)]
            print(f"failover: promoted {promoted - killed:.1f}s after the kill; controllers "
                  f"ready {followed - promoted:.2f}s and workers scanning normally "
                  f"{max(recovered) - promoted:.2f}s after the promotion was seen; "
                  f"{sum(1 for r in results if r[2])} of {len(results)} scans degraded",
                  file=sys.stderr)
            # The data survived, writes go to the new master and both scanners see them.
            self.assertIn("OUTBOUND_HELD", s1.scan(mail(2, "before.user"), env("before.user"))["symbols"])
            self.assertEqual(s2.controller("/outbound/hold", {"User": "after.user", "Reason": "fleet test"}, "POST")[0], 200)
            self.assertIn("OUTBOUND_HELD", s1.scan(mail(3, "after.user"), env("after.user"))["symbols"])
        finally:
            stop.set()
            for d in daemons:
                d.stop()
            for p in procs:
                p.stop()
            for c in configs:
                c.cleanup()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
