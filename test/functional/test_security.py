"""Security hardening against the real daemon on loopback (issue 10, doc/security.md).

One daemon (1 scan worker, controller, milter proxy) carries the controller, sandbox, time
budget, slow-client and milter checks; a second one runs JIT-compiled rules to show the
watchdog; the privilege checks start their own. Each check fails against a daemon without
the hardening it names.
"""
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import mwtest  # noqa: E402

MESSAGE = b"From: a@example.org\r\nTo: b@example.net\r\nSubject: hello\r\n\r\nhello\r\n"
IS_ROOT = os.geteuid() == 0

# Rules that try to leave the sandbox, at load time and in their callbacks; each writes
# MARKER_<n> when it succeeds. SANDBOX_PROBE proves the rules ran at all.
ESCAPES = r'''
local M = "@MARKERS@"
local function try(n, f) pcall(f, M .. n) end
local function attempts()
  try(1, function(p) require('os').execute('touch ' .. p) end)
  try(2, function(p) package.loaded.os.execute('touch ' .. p) end)
  try(3, function(p) package.path = "@EVILDIR@/?.lua"; require('evil_module') end)
  try(4, function(p) rawset(package, 'path', "@EVILDIR@/?.lua"); require('evil_module') end)
  try(5, function(p) dofile("@EVILDIR@/evil_module.lua") end)
  try(6, function(p) loadfile("@EVILDIR@/evil_module.lua")() end)
  try(7, function(p) io.open(p, 'w'):write('x') end)
  try(8, function(p) package.loaded.io.open(p, 'w'):write('x') end)
  try(9, function(p) require('ffi').C.system('touch ' .. p) end)
  try(10, function(p) require('jit').off(); debug.sethook(); os.execute('touch ' .. p) end)
  try(11, function(p)
    -- Bytecode: a dumped function that would run os.execute through require.
    local f = load(string.dump(function(q) require('os').execute('touch ' .. q) end))
    f(p)
  end)
  try(12, function(p) if os.getenv('HOME') then require('os').execute('touch ' .. p) end end)
  try(13, function(p)
    table.insert(package.loaders or {}, function() return function() end end)
    package.cpath = "@EVILDIR@/?.so"; require('evil_native')
  end)
end
attempts()
-- Maps are files too: one outside [lua] map_dirs must not load (its lines could be probed
-- through get_key). Maps exist only at load time, so this one is tried here.
local leaked = 'none'
local ok, m = pcall(function()
  return mailward_config:add_map{type = 'hash', url = '@EVILDIR@/evil_module.lua'}
end)
if ok and m then leaked = 'map of ' .. m:size() .. ' lines' end
rspamd_config.SANDBOX_PROBE = {score = 0.1, callback = function(task)
  attempts()
  return true, 1.0, leaked
end}
'''

# A callback that swallows its budget error with pcall and loops again (messages with an
# X-Test-Loop header only).
PCALL_LOOP = r'''
rspamd_config.PCALL_LOOP = {score = 0.1, callback = function(task)
  if not task:get_header('X-Test-Loop') then return false end
  while true do
    pcall(function() while true do end end)
  end
end}
'''

# A loop the JIT compiles: the instruction hook never runs in it (watchdog test).
JIT_STUCK = r'''
rspamd_config.JIT_STUCK = {score = 0.1, callback = function(task)
  if not task:get_header('X-Test-Stuck') then return false end
  local i = 0
  while true do i = i + 1 end
end}
'''


def frame(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def optneg():
    # version 6, every action, no protocol flags
    return frame(b"O", struct.pack(">III", 6, 0x1FF, 0))


def read_frame(sock):
    head = b""
    while len(head) < 4:
        chunk = sock.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    (n,) = struct.unpack(">I", head)
    body = b""
    while len(body) < n:
        chunk = sock.recv(n - len(body))
        if not chunk:
            return None
        body += chunk
    return body[:1], body[1:]


def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def uids(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:]]
    return []


class HardenedDaemonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mwsec-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.markers = os.path.join(cls.tmp, "markers")
        cls.evil = os.path.join(cls.tmp, "evil")
        os.makedirs(cls.markers)
        os.makedirs(cls.evil)
        os.chmod(cls.tmp, 0o777)
        os.chmod(cls.markers, 0o777)  # the daemon's user could write markers here
        os.chmod(cls.evil, 0o755)
        with open(os.path.join(cls.evil, "evil_module.lua"), "w") as f:
            f.write(f"require('os').execute('touch {cls.markers}/from_evil_module')\n"
                    f"return {{}}\n")
        os.chmod(os.path.join(cls.evil, "evil_module.lua"), 0o644)
        escapes = ESCAPES.replace("@MARKERS@", cls.markers + "/escape_").replace(
            "@EVILDIR@", cls.evil)
        cls.milter_port = mwtest.free_port()
        cls.config = mwtest.Config({
            "local.d/50-security.toml":
                '[lua]\ntime_budget = "1s"\n'
                '[options]\ntask_timeout = "4s"\n'
                '[worker]\nrequest_timeout = "5s"\nmax_connections_per_ip = 6\n'
                'stuck_timeout = "30s"\n'
                '[milter]\nmax_frame_size = "2M"\nmessage_timeout = "4s"\n'
                'max_connections_per_ip = 5\n'
                '[controller]\nmax_failed_logins = 3\n',
            "lua.local.d/escapes.lua": escapes,
            "lua.local.d/pcall_loop.lua": PCALL_LOOP,
        })
        cls.addClassCleanup(cls.config.cleanup)
        cls.d = mwtest.Daemon(cls.config, workers=1,
                              extra_args=["--milter", f"127.0.0.1:{cls.milter_port}"])
        cls.addClassCleanup(cls.d.stop)
        cls.d.start()
        mwtest.wait_for_port(cls.milter_port)

    def ctl(self, method, path, headers=None, body=b""):
        return self.d.request(method, path, body, headers, port=self.d.controller_port)

    def raw_get(self, port, target):
        """A request-target sent exactly as given (no client-side normalisation)."""
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                      "Connection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
        return status, data

    def controller_pid_alive(self):
        return self.ctl("GET", "/ping")[0] == 200

    # ---- 1. static files

    def test_static_files_stay_inside_web_dir(self):
        port = self.d.controller_port
        self.assertEqual(self.raw_get(port, "/")[0], 200)  # the dashboard itself
        before = set(self.d.children())
        for target in ["//etc/passwd", "/%2Fetc%2Fpasswd", "/%2fetc/passwd",
                       "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                       "/..%2F..%2F..%2Fetc%2Fpasswd", "/.", "/./index.html", "/js/",
                       "/index.html%00.js", "/%5c..%5c..%5cetc%5cpasswd",
                       "/" + os.path.abspath(mwtest.SOURCE_DIR) + "/README.md",
                       "//" + os.path.join(os.path.abspath(mwtest.SOURCE_DIR), "README.md")]:
            status, data = self.raw_get(port, target)
            self.assertIn(status, (400, 404), target)
            self.assertNotIn(b"root:x:0:0", data, target)
            self.assertNotIn(b"# Mailward", data, target)
        # The controller still answers, and no worker died on the way.
        self.assertTrue(self.controller_pid_alive())
        self.assertEqual(set(self.d.children()), before)

    # ---- 2. writes

    def holds(self):
        status, body, _ = self.ctl("GET", "/outbound/holds")
        self.assertEqual(status, 200, body)
        return [h["user"] for h in json.loads(body)["holds"]]

    def test_write_routes_are_post_only(self):
        for path in ["/statreset", "/historyreset", "/outbound/hold?user=victim",
                     "/outbound/release?user=victim", "/learnspam", "/learnham",
                     "/learnclass?class=spam", "/outbound/falsepositive?user=victim",
                     "/savesymbols", "/saveactions"]:
            status, body, headers = self.ctl("GET", path)
            self.assertEqual(status, 405, path)
            self.assertEqual(headers.get("Allow"), "POST")
        self.assertNotIn("victim", self.holds())
        # Operator actions are audited: a reason is required (test_dashboard_api).
        status, _, _ = self.ctl("POST", "/outbound/hold", {"User": "victim"})
        self.assertEqual(status, 400)
        status, _, _ = self.ctl("POST", "/outbound/hold", {"User": "victim", "Reason": "test"})
        self.assertEqual(status, 200)
        self.assertIn("victim", self.holds())
        status, _, _ = self.ctl("POST", "/outbound/release", {"User": "victim", "Reason": "test"})
        self.assertEqual(status, 200)
        self.assertNotIn("victim", self.holds())

    def test_foreign_origin_or_host_is_refused(self):
        port = self.d.controller_port
        # CSRF: a page elsewhere posts to the controller.
        status, _, _ = self.ctl("POST", "/outbound/hold",
                                {"User": "csrf", "Origin": "http://attacker.example"})
        self.assertEqual(status, 403)
        self.assertNotIn("csrf", self.holds())
        # DNS rebinding: the browser believes it talks to attacker.example.
        status, _, _ = self.ctl("GET", "/stat", {"Host": f"attacker.example:{port}"})
        self.assertEqual(status, 403)
        # Another local origin (another port) is foreign too.
        status, _, _ = self.ctl("POST", "/statreset", {"Origin": "http://127.0.0.1:1"})
        self.assertEqual(status, 403)
        # Learning is a write like any other (the Bayes routes).
        status, _, _ = self.ctl("POST", "/learnspam", {"Origin": "http://attacker.example"},
                                MESSAGE)
        self.assertEqual(status, 403)
        # The dashboard's own origin is fine; /stat tells a loopback caller it may write.
        status, body, _ = self.ctl("GET", "/stat", {"Origin": f"http://127.0.0.1:{port}"})
        self.assertEqual(status, 200)
        self.assertFalse(json.loads(body)["read_only"])

    # ---- 3. sandbox

    def test_sandbox_escapes_create_no_marker(self):
        r = self.d.scan(MESSAGE)
        self.assertIn("SANDBOX_PROBE", r["symbols"])  # the attempts ran (load and callback)
        self.assertEqual(r["symbols"]["SANDBOX_PROBE"].get("options"), ["none"])
        self.assertEqual(sorted(os.listdir(self.markers)), [])

    # ---- 4. time budget

    def test_pcall_cannot_buy_time(self):
        result = {}

        def scan():
            t0 = time.time()
            try:
                result["reply"] = self.d.scan(b"X-Test-Loop: 1\r\n" + MESSAGE)
            except Exception as e:  # noqa: BLE001
                result["error"] = repr(e)
            result["seconds"] = time.time() - t0

        t = threading.Thread(target=scan)
        t.start()
        time.sleep(0.3)
        t0 = time.time()
        status, body = self.d.get("/ping")  # the same (only) scan worker
        ping_seconds = time.time() - t0
        t.join(20)
        self.assertFalse(t.is_alive(), "the scan never ended")
        self.assertEqual(status, 200)
        self.assertLess(ping_seconds, 3.0)
        self.assertNotIn("error", result)
        self.assertLess(result["seconds"], 4 + 3)  # task_timeout plus a margin
        self.assertNotIn("PCALL_LOOP", result["reply"]["symbols"])
        self.assertIn("time budget exceeded", self.d.read_log())

    # ---- 6. slow clients

    def test_trickled_body_is_cut_by_request_timeout(self):
        with socket.create_connection(("127.0.0.1", self.d.port), timeout=15) as s:
            s.sendall(b"POST /checkv2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
            t0 = time.time()
            s.settimeout(1.0)
            reply = b""
            while time.time() - t0 < 14:
                try:
                    s.sendall(b"x")
                except OSError:
                    break
                try:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    reply += chunk
                except socket.timeout:
                    continue
            elapsed = time.time() - t0
        self.assertLess(elapsed, 5 + 3, "a body trickled one byte per second was not cut")
        self.assertTrue(reply.startswith(b"HTTP/1.1 408"), reply[:80])

    def test_connections_per_address_are_capped(self):
        socks = [socket.create_connection(("127.0.0.1", self.d.port), timeout=5)
                 for _ in range(10)]
        try:
            time.sleep(0.5)
            closed = 0
            for s in socks:
                s.setblocking(False)
                try:
                    if s.recv(1, socket.MSG_PEEK) == b"":
                        closed += 1
                except BlockingIOError:
                    pass
                except OSError:
                    closed += 1
            self.assertEqual(closed, 4)  # max_connections_per_ip = 6
        finally:
            for s in socks:
                s.close()
        time.sleep(0.2)
        self.assertEqual(self.d.get("/ping")[0], 200)

    def test_milter_message_trickled_is_cut_by_message_timeout(self):
        # An MTA-side peer that sends one body chunk a second holds the session only for
        # [milter] message_timeout (4 s here), not as long as it keeps sending.
        with socket.create_connection(("127.0.0.1", self.milter_port), timeout=15) as s:
            s.sendall(optneg())
            self.assertEqual(read_frame(s)[0], b"O")
            s.sendall(frame(b"C", b"client.example\0" + b"4" + struct.pack(">H", 25) +
                            b"192.0.2.1\0"))
            self.assertEqual(read_frame(s)[0], b"c")
            s.sendall(frame(b"M", b"<a@example.org>\0") + frame(b"R", b"<b@example.net>\0"))
            self.assertEqual(read_frame(s)[0], b"c")
            self.assertEqual(read_frame(s)[0], b"c")
            s.sendall(frame(b"L", b"Subject\0hello\0") + frame(b"N"))
            self.assertEqual(read_frame(s)[0], b"c")
            self.assertEqual(read_frame(s)[0], b"c")
            t0 = time.time()
            s.settimeout(1.0)
            replies = []
            while time.time() - t0 < 14:
                try:
                    s.sendall(frame(b"B", b"x"))
                except OSError:
                    break
                try:
                    r = read_frame(s)
                    if r is None:
                        break
                    replies.append(r[0])
                except socket.timeout:
                    continue
                except OSError:
                    break
            elapsed = time.time() - t0
        self.assertLess(elapsed, 4 + 3, "a message trickled one chunk per second was not cut")
        self.assertIn(b"t", replies)  # the MTA is told to tempfail

    def test_milter_connections_per_address_are_capped(self):
        socks = [socket.create_connection(("127.0.0.1", self.milter_port), timeout=5)
                 for _ in range(8)]
        try:
            time.sleep(0.5)
            closed = 0
            for s in socks:
                s.setblocking(False)
                try:
                    if s.recv(1, socket.MSG_PEEK) == b"":
                        closed += 1
                except BlockingIOError:
                    pass
                except OSError:
                    closed += 1
            self.assertEqual(closed, 3)  # [milter] max_connections_per_ip = 5
        finally:
            for s in socks:
                s.close()

    # ---- 7. milter macros

    def test_macro_flood_ends_the_session_and_memory_stays_flat(self):
        workers = self.d.children()
        before = rss_kb(workers)
        small = b"a\0b\0" * 15000  # 60 kB of tiny pairs: under the cap on its own
        flood = b"a\0b\0" * (1 << 18)  # 1 MiB of them
        for _ in range(4):
            with socket.create_connection(("127.0.0.1", self.milter_port), timeout=10) as s:
                s.sendall(optneg())
                self.assertEqual(read_frame(s)[0], b"O")
                # Stage bytes of no milter command: each would be kept apart without a check.
                s.sendall(b"".join(frame(b"D", bytes([stage]) + small)
                                   for stage in range(1, 256) if chr(stage) not in "CHMRTNEU"))
                # Connect's macros: over max_macro_bytes.
                s.sendall(frame(b"D", b"C" + flood))
                replies = []
                while True:
                    r = read_frame(s)
                    if r is None:
                        break
                    replies.append(r[0])
                self.assertEqual(replies, [b"t"])  # tempfail, then the connection closes
        # Several stages together over the cap (each under it alone).
        with socket.create_connection(("127.0.0.1", self.milter_port), timeout=10) as s:
            s.sendall(optneg())
            self.assertEqual(read_frame(s)[0], b"O")
            s.sendall(b"".join(frame(b"D", stage + small) for stage in [b"C", b"H", b"M"]))
            self.assertEqual(read_frame(s)[0], b"t")
            try:
                self.assertIsNone(read_frame(s))  # closed
            except ConnectionResetError:
                pass  # closed with the third packet unread
        time.sleep(0.5)
        after = rss_kb(workers)
        self.assertLess(after - before, 40 * 1024, f"workers grew from {before} to {after} kB")
        self.assertIn("max_macro_bytes", self.d.read_log())
        # The proxy still serves a normal conversation.
        with socket.create_connection(("127.0.0.1", self.milter_port), timeout=10) as s:
            s.sendall(optneg())
            self.assertEqual(read_frame(s)[0], b"O")
            s.sendall(frame(b"D", b"Cj\0mx.example.org\0") +
                      frame(b"C", b"client.example\0" + b"4" + struct.pack(">H", 25) +
                            b"192.0.2.1\0"))
            self.assertEqual(read_frame(s)[0], b"c")  # continue


class RateLimitTest(unittest.TestCase):
    def test_wrong_passwords_are_limited_and_health_checks_never_wait(self):
        def pw_hash(p):
            return subprocess.run([mwtest.MW_BINARY, "pw", "--password", p], capture_output=True,
                                  text=True, check=True).stdout.strip()
        config = mwtest.Config({"local.d/20-pw.toml":
                                f'[controller]\npassword = "{pw_hash("reader")}"\n'
                                f'enable_password = "{pw_hash("writer")}"\n'
                                'secure_ip = []\nmax_failed_logins = 4\n'})
        try:
            with mwtest.Daemon(config, workers=1, extra_args=["--milter", ""]) as d:
                # Without a password and outside secure_ip: nothing.
                self.assertEqual(d.controller("/stat")[0], 403)
                status, body = d.controller("/stat", {"Password": "reader"})
                self.assertEqual(status, 200)
                self.assertTrue(json.loads(body)["read_only"])
                status, body = d.controller("/stat", {"Password": "writer"})
                self.assertFalse(json.loads(body)["read_only"])
                # Different wrong passwords in parallel (a brute force): health checks answer
                # meanwhile. (The same password sent in parallel is checked once.)
                results = []
                threads = [threading.Thread(target=lambda i=i: results.append(
                    d.controller("/stat", {"Password": f"guess{i}"})[0])) for i in range(8)]
                for t in threads:
                    t.start()
                worst = 0.0
                for _ in range(10):
                    t0 = time.time()
                    self.assertEqual(d.controller("/ping")[0], 200)
                    worst = max(worst, time.time() - t0)
                for t in threads:
                    t.join(30)
                self.assertLess(worst, 0.5, "a health check waited for password hashing")
                self.assertIn(429, results)
                self.assertLessEqual(results.count(403), 4)
                # The address stays limited, even for the right password.
                self.assertEqual(d.controller("/stat", {"Password": "reader"})[0], 429)
        finally:
            config.cleanup()


class WatchdogTest(unittest.TestCase):
    def test_stuck_worker_is_killed_and_replaced(self):
        config = mwtest.Config({
            "local.d/50-jit.toml": '[lua]\njit = true\n[worker]\nstuck_timeout = "3s"\n',
            "lua.local.d/jit_stuck.lua": JIT_STUCK,
        })
        try:
            with mwtest.Daemon(config, workers=1, extra_args=["--milter", ""]) as d:
                t0 = time.time()
                with self.assertRaises((http.client.HTTPException, OSError)):
                    d.request("POST", "/checkv2", b"X-Test-Stuck: 1\r\n" + MESSAGE, timeout=20)
                self.assertLess(time.time() - t0, 3 + 5)
                deadline = time.time() + 5
                while "requests were lost" not in d.read_log() and time.time() < deadline:
                    time.sleep(0.1)
                log = d.read_log()
                self.assertIn("event loop stuck", log)
                self.assertIn("symbol JIT_STUCK", log)  # what it was busy with
                self.assertIn("requests were lost", log)
                deadline = time.time() + 10
                while time.time() < deadline:
                    try:
                        if d.get("/ping")[0] == 200:
                            break
                    except OSError:
                        time.sleep(0.1)
                self.assertEqual(d.scan(MESSAGE)["action"], "no action")  # respawned
                time.sleep(2.5)  # the controller moves the death into the statistics
                status, body = d.controller("/stat")
                self.assertGreaterEqual(json.loads(body)["errors"], 1)
        finally:
            config.cleanup()


@unittest.skipUnless(IS_ROOT, "privilege drop needs root")
class PrivilegeTest(unittest.TestCase):
    def test_root_is_dropped_before_any_rule(self):
        nobody = pwd.getpwnam("nobody")
        config = mwtest.Config()
        config.give_to("nobody")
        try:
            with mwtest.Daemon(config, workers=2, extra_args=["--milter", "", "--user", "nobody"]) as d:
                pids = [d.proc.pid] + d.children()
                self.assertGreaterEqual(len(pids), 3)
                for pid in pids:
                    self.assertEqual(uids(pid), [nobody.pw_uid] * 4, f"pid {pid}")
                self.assertIn("running as user nobody", d.read_log())
        finally:
            config.cleanup()

    def test_root_without_a_user_is_refused(self):
        config = mwtest.Config()
        try:
            out = subprocess.run([mwtest.MW_BINARY, "serve", "--foreground", "--conf", config.dir,
                                  "--listen", f"127.0.0.1:{mwtest.free_port()}",
                                  "--controller", f"127.0.0.1:{mwtest.free_port()}",
                                  "--milter", ""], capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 2)
            self.assertIn("refusing to run as root", out.stderr)
        finally:
            config.cleanup()

    def test_pidfile_is_not_opened_through_a_link(self):
        config = mwtest.Config()
        tmp = tempfile.mkdtemp(prefix="mwpid-")
        try:
            target = os.path.join(tmp, "victim")
            with open(target, "w") as f:
                f.write("precious\n")
            link = os.path.join(tmp, "mailward.pid")
            os.symlink(target, link)
            out = subprocess.run([mwtest.MW_BINARY, "serve", "--foreground", "--conf", config.dir,
                                  "--listen", f"127.0.0.1:{mwtest.free_port()}",
                                  "--controller", f"127.0.0.1:{mwtest.free_port()}",
                                  "--milter", "", "--pidfile", link,
                                  *mwtest.serve_user_args()],
                                 capture_output=True, text=True, timeout=60)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("pidfile", out.stderr)
            with open(target) as f:
                self.assertEqual(f.read(), "precious\n")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            config.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
