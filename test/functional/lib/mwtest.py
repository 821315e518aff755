"""Keyword helpers for Mailward's functional tests (after Rspamd's lib/rspamd.robot).

Everything runs on 127.0.0.1 with ports the kernel picks, every server is started by the test
itself and stopped by its own PID. The mailward binary and the source tree come from the
environment (MW_BINARY, MW_SOURCE_DIR) that CTest sets.

A test that needs a tool (rspamc, dnsmasq, Postfix, ...) says so with @mwtest.needs(...): on a
developer's machine without the tool it is skipped with the reason in the output; when the
environment variable CI is set (.ci/run sets it) it fails instead, so that a CI machine that
lacks a tool cannot be green with less tested.
"""
import functools
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

MW_BINARY = os.environ.get("MW_BINARY", "mailward")
SOURCE_DIR = os.environ.get(
    "MW_SOURCE_DIR",
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
TESTDATA = os.environ.get("MW_TESTDATA_DIR", os.path.join(SOURCE_DIR, "test", "data"))


IN_CI = bool(os.environ.get("CI"))


def needs(missing_reason):
    """Decorator for a test method or a TestCase class that needs a tool.

    `missing_reason` is None (or empty) when everything needed is there, else why not
    ("rspamc not installed"). Skips with that reason, or fails with it when CI is set.
    """
    if not missing_reason:
        return lambda obj: obj
    if not IN_CI:
        return unittest.skip(missing_reason)
    message = f"{missing_reason} (CI is set: a missing tool is a failure, not a skip)"

    def fail(obj):
        if isinstance(obj, type):
            def set_up_class(cls):
                raise AssertionError(message)
            obj.setUpClass = classmethod(set_up_class)
            return obj

        @functools.wraps(obj)
        def failing(*args, **kwargs):
            raise AssertionError(message)
        return failing
    return fail


def missing_tools(*tools):
    """None when every command is on the PATH (or an executable path), else a reason."""
    absent = [t for t in tools if not (shutil.which(t) or os.access(t, os.X_OK))]
    return " and ".join(absent) + " not installed" if absent else None


def _find_run_user():
    """The unprivileged user the daemon drops to when the tests run as root: _mailward
    (scripts/deps.sh creates it), else nobody. None when not root."""
    if os.geteuid() != 0:
        return None
    import pwd
    for name in ("_mailward", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    return None


RUN_USER = _find_run_user()


def user_can_read(user, *paths):
    """Whether `user` can read (and traverse) every path: checked as that user."""
    r = subprocess.run(["runuser", "-u", user, "--", "sh", "-c",
                        'for p; do [ -r "$p" ] || exit 1; [ ! -d "$p" ] || [ -x "$p" ] || exit 1; done',
                        "sh"] + list(paths), capture_output=True)
    return r.returncode == 0


_tree_readable = {}


def serve_user_args(user=None):
    """`mailward serve` arguments for this test run: as root, --user RUN_USER (the daemon
    drops to it after binding); --insecure only when that user cannot read the source
    tree's rules (a checkout under a private directory), with a warning."""
    user = user or RUN_USER
    if user is None:
        return []
    if user not in _tree_readable:
        _tree_readable[user] = user_can_read(
            user, *[os.path.join(SOURCE_DIR, d) for d in ("rules", "lualib", "web", "conf")])
    if _tree_readable[user]:
        return ["--user", user]
    import sys
    print(f"mwtest: user {user} cannot read {SOURCE_DIR}: the daemon keeps root (--insecure)",
          file=sys.stderr)
    return ["--insecure"]


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def wait_until(what, cond, timeout=10.0):
    """Poll cond() every 0.1 s until it returns something true (returned), else fail."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def stop_process(proc, timeout=10):
    """SIGTERM a server this test started (by its Popen), SIGKILL it when it lingers."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def dkim_keygen(directory, domain, selector, key_type="rsa", bits=None):
    """`mailward dkim-keygen`: (key file path, the TXT record text to publish)."""
    path = os.path.join(directory, f"{domain}.{selector}.key")
    args = [MW_BINARY, "dkim-keygen", "--domain", domain, "--selector", selector,
            "--type", key_type, "--out", path]
    if bits:
        args += ["--bits", str(bits)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    if RUN_USER is not None:
        # The daemon reads its keys after dropping to RUN_USER (doc/security.md).
        import pwd
        pw = pwd.getpwnam(RUN_USER)
        os.chown(path, pw.pw_uid, pw.pw_gid)
        os.chmod(directory, os.stat(directory).st_mode | 0o711)
    # "<selector>._domainkey.<domain>. IN TXT ( "v=DKIM1; k=rsa; p=..." "..." )"
    import re
    txt = "".join(re.findall(r'"([^"]*)"', out))
    return path, txt


class Config:
    """A private copy of conf/ with local.d overrides and a private state directory."""

    def __init__(self, overrides=None):
        self.dir = tempfile.mkdtemp(prefix="mwconf-")
        shutil.copytree(os.path.join(SOURCE_DIR, "conf"), self.dir, dirs_exist_ok=True)
        self.dbdir = os.path.join(self.dir, "var")
        os.makedirs(self.dbdir, exist_ok=True)
        local = os.path.join(self.dir, "local.d")
        os.makedirs(local, exist_ok=True)
        with open(os.path.join(local, "00-test.toml"), "w") as f:
            f.write(f'[options]\ndbdir = "{self.dbdir}"\n')
        for name, text in (overrides or {}).items():
            self.write(name, text)
        self.give_to(RUN_USER)

    def give_to(self, user):
        """As root: the daemon's user owns the copy (its state directory, and the files a
        reload reads)."""
        if user is None:
            return
        import pwd
        pw = pwd.getpwnam(user)
        os.chmod(self.dir, 0o755)
        for root, dirs, files in os.walk(self.dir):
            for name in dirs + files:
                os.lchown(os.path.join(root, name), pw.pw_uid, pw.pw_gid)
        os.lchown(self.dir, pw.pw_uid, pw.pw_gid)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Daemon:
    """`mailward serve --foreground` on free loopback ports."""

    def __init__(self, config, workers=2, extra_args=None, env=None):
        self.config = config
        self.port = free_port()
        self.controller_port = free_port()
        self.workers = workers
        self.extra_args = extra_args or []
        self.env = env
        self.proc = None
        self.log_path = os.path.join(config.dir, "daemon.log")

    def start(self):
        args = [MW_BINARY, "serve", "--foreground", "--conf", self.config.dir,
                "--listen", f"127.0.0.1:{self.port}",
                "--controller", f"127.0.0.1:{self.controller_port}",
                "--workers", str(self.workers)] + self.extra_args
        if not any(a in ("--user", "--insecure") for a in self.extra_args):
            user_args = serve_user_args()
            args += user_args
            if user_args[:1] == ["--user"]:
                # Files the test made since (keys, rules, state from CLI runs) go to the user.
                self.config.give_to(user_args[1])
        if "--milter" not in self.extra_args:  # never the fixed default port 11332
            args += ["--milter", f"127.0.0.1:{free_port()}"]
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self.env)
        wait_for_port(self.port)
        wait_for_port(self.controller_port)
        # The workers accept once they have started.
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if self.get("/ping")[1].startswith(b"pong"):
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError("mailward did not answer /ping:\n" + self.read_log())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()

    def read_log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def children(self):
        """PIDs of the worker processes."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    def request(self, method, path, body=b"", headers=None, port=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read(), dict(resp.getheaders())
        finally:
            conn.close()

    def get(self, path, port=None, headers=None):
        status, body, _ = self.request("GET", path, port=port, headers=headers)
        return status, body

    def scan(self, message, headers=None, path="/checkv2", port=None):
        if isinstance(message, str) and os.path.exists(message):
            with open(message, "rb") as f:
                message = f.read()
        elif isinstance(message, str):
            message = message.encode()
        status, body, _ = self.request("POST", path, message, headers, port=port)
        if status != 200:
            raise AssertionError(f"scan failed: HTTP {status}: {body!r}")
        return json.loads(body)

    def controller(self, path, headers=None, method="GET", body=b""):
        status, data, _ = self.request(method, path, body, headers, port=self.controller_port)
        return status, data

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def sample(name):
    return os.path.join(SOURCE_DIR, "samples", name)


def corpus_files(*subdirs, limit=None):
    """Message files of the shared corpus (no JSON/TSV/notes)."""
    out = []
    for sub in subdirs:
        root = os.path.join(TESTDATA, "corpus", sub)
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if f.endswith((".json", ".tsv", ".md", ".txt", ".yml")) or f.startswith(("LICENSE", "COPYING", "NOTICE")):
                    continue
                out.append(os.path.join(dirpath, f))
    out.sort()
    return out[:limit] if limit else out


class Dnsmasq:
    """dnsmasq on a free loopback port serving TXT records and, optionally, A/AAAA records
    (`a_records`: {name: address}) and whole local zones (`zones`: names under them that are
    not defined get NXDOMAIN instead of REFUSED). No forwarding, no rate limit; with
    `log_queries` every query is written to `log_path`."""

    def __init__(self, txt_records, a_records=None, zones=None, log_queries=False):
        self.txt = txt_records  # {name: text}
        self.a = a_records or {}
        self.zones = zones or []
        self.log_queries = log_queries
        self.port = None
        self.proc = None
        self.dir = tempfile.mkdtemp(prefix="mwdns-")
        self.log_path = os.path.join(self.dir, "dnsmasq.log")

    def start(self):
        args = ["/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--user=root", "--local-ttl=60", "--dns-forward-max=1000",
                f"--pid-file={self.dir}/dnsmasq.pid", f"--log-facility={self.log_path}"]
        if self.log_queries:
            args.append("--log-queries")
        for zone in self.zones:
            args.append(f"--local=/{zone.strip('.')}/")
        for name, address in self.a.items():
            args.append(f"--host-record={name.rstrip('.')},{address}")
        for name, text in self.txt.items():
            name = name.rstrip(".")
            args.append("--local=/" + name.split(".", 1)[1] + "/")
            # On the command line each comma starts another character-string.
            chunks = [text[i:i + 255] for i in range(0, len(text), 255)]
            if any("," in c for c in chunks):
                raise ValueError("dnsmasq TXT text cannot hold commas: " + text)
            args.append(f"--txt-record={name}," + ",".join(chunks))
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(args + [f"--port={self.port}"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.2)
            if self.proc.poll() is None:
                return self
        raise RuntimeError("dnsmasq did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
