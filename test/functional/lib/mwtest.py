"""Keyword helpers for Mailward's functional tests (after Rspamd's lib/rspamd.robot).

Everything runs on 127.0.0.1 with ports the kernel picks, every server is started by the test
itself and stopped by its own PID. The mailward binary and the source tree come from the
environment (MW_BINARY, MW_SOURCE_DIR) that CTest sets.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

MW_BINARY = os.environ.get("MW_BINARY", "mailward")
SOURCE_DIR = os.environ.get("MW_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TESTDATA = os.environ.get("MW_TESTDATA_DIR", os.path.join(SOURCE_DIR, "..", "shared", "testdata"))


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

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

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
