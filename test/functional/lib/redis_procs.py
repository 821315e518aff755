"""Private redis-server and redis-sentinel processes for fleet tests (issue 18).

Each process gets its own directory, a port on 127.0.0.1 (free, or the one it had: a
restarted server comes back where the scanners expect it) and is stopped by its own PID.
"""
import os
import shutil
import signal
import subprocess
import time

import mwtest


def available():
    """None when redis-server, redis-cli and redis-sentinel are installed, else why not."""
    for tool in ("redis-server", "redis-cli", "redis-sentinel"):
        if not shutil.which(tool):
            return f"{tool} not installed (scripts/deps.sh test)"
    return None


def cli(port, *args, timeout=5):
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args],
                         capture_output=True, text=True, timeout=timeout)
    return out.stdout.strip()


class RedisProc:
    """redis-server (or, with sentinel_of, redis-sentinel monitoring that master)."""

    def __init__(self, directory, replica_of=None, sentinel_of=None, port=None):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.port = port or mwtest.free_port()
        self.replica_of = replica_of
        self.sentinel_of = sentinel_of
        self.proc = None

    def _conf(self):
        lines = [f"port {self.port}", "bind 127.0.0.1", f"dir {self.dir}",
                 f"logfile {self.dir}/redis.log", "daemonize no"]
        if self.sentinel_of:
            lines += [f"sentinel monitor mw 127.0.0.1 {self.sentinel_of} 1",
                      "sentinel down-after-milliseconds mw 1000",
                      "sentinel failover-timeout mw 10000",
                      "sentinel parallel-syncs mw 1"]
        else:
            lines += ['save ""', "appendonly no"]
            if self.replica_of:
                lines.append(f"replicaof 127.0.0.1 {self.replica_of}")
        path = os.path.join(self.dir, "redis.conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def start(self):
        binary = "redis-sentinel" if self.sentinel_of else "redis-server"
        self.proc = subprocess.Popen([binary, self._conf()], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{binary} exited; see {self.dir}/redis.log")
            try:
                if cli(self.port, "ping", timeout=2) == "PONG":
                    return self
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{binary} did not answer on port {self.port}")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log(self):
        try:
            with open(os.path.join(self.dir, "redis.log")) as f:
                return f.read()
        except OSError:
            return ""
