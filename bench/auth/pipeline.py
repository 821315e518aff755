#!/usr/bin/python3
"""Full authentication pipeline throughput with a warm DNS cache (issue: inbound auth).

    bench/auth/pipeline.py [--messages N] [--duration S] [--concurrency C] [--workers W]
                           [--mailward BIN] [--loadgen BIN]

Makes a DKIM-signed corpus (make_corpus.py, dkimpy), serves its SPF/DKIM/DMARC records from
dnsmasq on loopback, starts `mailward serve --dns` with W scan workers, warms the DNS cache
with one pass, then loads it with mailward-loadgen (IP in the senders' SPF range, so every
message runs SPF pass + DKIM verify + DMARC) and prints messages/s, latency and the server's
CPU time per message. The replies are checked: every message must get R_DKIM_ALLOW.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "functional", "lib"))
os.environ.setdefault("MW_SOURCE_DIR", ROOT)

p = argparse.ArgumentParser()
p.add_argument("--messages", type=int, default=500)
p.add_argument("--duration", type=int, default=15)
p.add_argument("--concurrency", type=int, default=8)
p.add_argument("--workers", type=int, default=1)
p.add_argument("--mailward", default=os.path.join(ROOT, "build", "src", "app", "mailward"))
p.add_argument("--loadgen", default=os.path.join(ROOT, "build", "bench", "mailward-loadgen"))
a = p.parse_args()
os.environ["MW_BINARY"] = a.mailward
import mwtest  # noqa: E402


def cpu_seconds(pid):
    """utime + stime of a process and its children (the workers), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout.split()
    total = 0
    for q in [str(pid)] + out:
        try:
            with open(f"/proc/{q}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / tick


work = tempfile.mkdtemp(prefix="mwauthbench-")
subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), work, "--messages",
                str(a.messages)], check=True)
records = json.load(open(os.path.join(work, "records.json")))
dns = mwtest.Dnsmasq(records).start()
config = mwtest.Config({"local.d/50-bench.toml": '[logging]\nlevel = "warn"\n'})
daemon = mwtest.Daemon(config, workers=a.workers,
                       extra_args=["--dns", f"127.0.0.1:{dns.port}", "--log-level", "warn"])
try:
    daemon.start()
    corpus = os.path.join(work, "msgs")
    headers = ["--header", "IP: 192.0.2.10", "--header", "Helo: client.bench.example"]
    # Warm-up pass: fills the DNS cache and checks every verdict.
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), "rb") as f:
            r = daemon.scan(f.read(), {"IP": "192.0.2.10", "Helo": "client.bench.example"})
        for sym in ("R_DKIM_ALLOW", "R_SPF_ALLOW", "DMARC_POLICY_ALLOW"):
            if sym not in r["symbols"]:
                sys.exit(f"{name}: no {sym}: {json.dumps(r['symbols'])}")
    before = cpu_seconds(daemon.proc.pid)
    out = subprocess.run([a.loadgen, "--target", f"127.0.0.1:{daemon.port}", "--corpus",
                          corpus, "--concurrency", str(a.concurrency), "--duration",
                          str(a.duration), "--json", *headers],
                         capture_output=True, text=True)
    after = cpu_seconds(daemon.proc.pid)
    if out.returncode != 0:
        sys.exit("loadgen failed: " + out.stderr)
    rep = json.loads(out.stdout.strip().splitlines()[-1])
    n = rep.get("ok", 0)
    cpu = after - before
    print(json.dumps(rep), file=sys.stderr)
    print("| workers | concurrency | msgs/s | p50 ms | p99 ms | server CPU ms/msg | msgs per CPU-s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(f"| {a.workers} | {a.concurrency} | {rep.get('msgs_per_s', 0):.0f} | "
          f"{rep.get('p50_ms', 0):.2f} | {rep.get('p99_ms', 0):.2f} | "
          f"{1000 * cpu / max(n, 1):.3f} | {n / cpu if cpu else 0:.0f} |")
finally:
    daemon.stop()
    dns.stop()
    config.cleanup()
