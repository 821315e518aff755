#!/usr/bin/python3
"""Spam and ham flag rates of Mailward and Rspamd 3.4 before and after their Bayes classifiers
learn half of a labelled set, in the same run (issue 13).

    bench/bayes/evaluate.py [--mailward BIN] [--spam N] [--ham N] [--seed S]
                            [--only mailward|rspamd] [--json FILE] [--keep DIR]
                            [--hs-cache DIR]

The labelled set:
  - SpamAssassin's test messages (test/data/corpus/spamassassin): spam/ as spam, nice/ and
    welcomelists/ as ham;
  - Rspamd's functional-test messages whose label is clear (listed below);
  - generated mail (tools/bayes/generate_mail.py, --spam/--ham messages, --seed), many kinds
    and nine languages.
Each message goes to the training half or the test half by a hash of its path. For each
server: scan the test half, learn the training half through the real rspamc
(learn_spam/learn_ham on the controller, with a password), scan the test half again.
"Flagged" means any action but "no action" (score >= 4, greylist); "strong" means add header
or reject (score >= 6). Both servers run without network (DNS at a dead port), Rspamd with
bench/rspamd/rspamd.conf.in plus bench/bayes/rspamd-bayes.conf.in and a private
redis-server, Mailward with its default configuration and the embedded store. The
SpamAssassin *public corpus* is not used (it is kept for evaluation elsewhere).
Prints a Markdown table and, with --json, writes every figure."""

import argparse
import concurrent.futures
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(BENCH))
sys.path.insert(0, os.path.join(ROOT, "test", "functional", "lib"))
import mwtest  # noqa: E402

RSPAMD_SPAM = ["advance_fee_fraud.eml", "btc.eml", "btc2.eml", "btc3.eml", "btc4.eml",
               "html_phishing.eml", "spam.eml", "spam_message.eml", "phish_sender.eml",
               "phish_sender2.eml", "phish_sender3.eml", "zerofont.eml"]
RSPAMD_HAM = ["ham.eml", "newsletter.eml", "transactional.eml", "ics.eml",
              "alt-html-calendar.eml", "utf.eml"]
PASSWORD = "bench-learn"
RSPAMC = shutil.which("rspamc")


def log(msg):
    print(f"evaluate.py: {msg}", file=sys.stderr, flush=True)


def corpus(gen_dir):
    items = []
    for f in mwtest.corpus_files("spamassassin/spam"):
        items.append((f, "spam", "SpamAssassin test spam"))
    for f in mwtest.corpus_files("spamassassin/nice") + mwtest.corpus_files("spamassassin/welcomelists"):
        items.append((f, "ham", "SpamAssassin nice + welcomelists"))
    rdir = os.path.join(mwtest.TESTDATA, "corpus", "rspamd", "messages")
    for name in RSPAMD_SPAM:
        items.append((os.path.join(rdir, name), "spam", "Rspamd test messages"))
    for name in RSPAMD_HAM:
        items.append((os.path.join(rdir, name), "ham", "Rspamd test messages"))
    for label in ("spam", "ham"):
        d = os.path.join(gen_dir, label)
        for name in sorted(os.listdir(d)):
            items.append((os.path.join(d, name), label, "generated"))
    return items


def in_training_half(path):
    rel = os.path.relpath(path, ROOT) if path.startswith(ROOT) else os.path.basename(
        os.path.dirname(path)) + "/" + os.path.basename(path)
    return int(hashlib.sha256(rel.encode()).hexdigest(), 16) % 2 == 0


def scan_one(port, path):
    with open(path, "rb") as f:
        body = f.read()
    for attempt in range(3):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", "/checkv2", body=body)
            r = conn.getresponse()
            data = r.read()
            conn.close()
            if r.status == 200:
                reply = json.loads(data)
                syms = reply.get("symbols", {})
                return {"action": reply.get("action", "?"), "score": reply.get("score", 0),
                        "bayes_spam": "BAYES_SPAM" in syms, "bayes_ham": "BAYES_HAM" in syms}
        except (OSError, ValueError):
            time.sleep(0.5)
    return {"action": "error", "score": 0, "bayes_spam": False, "bayes_ham": False}


def scan_all(port, files):
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        return list(ex.map(lambda f: scan_one(port, f), files))


def learn(ctl_port, files, cls):
    counts = {"learned": 0, "already": 0, "few_tokens": 0, "errors": 0}
    for i in range(0, len(files), 200):
        out = subprocess.run([RSPAMC, "-h", f"127.0.0.1:{ctl_port}", "-P", PASSWORD, "-t", "60",
                              f"learn_{cls}", *files[i:i + 200]], capture_output=True, text=True,
                             timeout=3600).stdout
        counts["learned"] += out.count("success = true;")
        counts["already"] += len(re.findall(r"has been already learned as", out))
        counts["few_tokens"] += len(re.findall(r"contains less tokens than required", out))
        counts["errors"] += len(re.findall(r"HTTP error", out))
    return counts


class Mailward:
    name = "Mailward"

    def __init__(self, binary):
        mwtest.MW_BINARY = binary
        pw = subprocess.run([binary, "pw", "--password", PASSWORD], capture_output=True,
                            text=True, check=True).stdout.strip()
        self.config = mwtest.Config({"local.d/90-bench.toml":
                                     f'[controller]\npassword = "{pw}"\n'
                                     f'enable_password = "{pw}"\n'})
        self.daemon = mwtest.Daemon(self.config, workers=1,
                                    extra_args=["--dns", f"127.0.0.1:{mwtest.free_port()}"])

    def start(self):
        self.daemon.start()
        return self.daemon.port, self.daemon.controller_port

    def stop(self):
        self.daemon.stop()
        self.config.cleanup()


class Rspamd:
    name = "Rspamd 3.4"

    def __init__(self, hs_cache):
        self.tmp = tempfile.mkdtemp(prefix="mwbayes-rspamd-")
        self.hs_cache = hs_cache
        self.rdir = None

    def start(self):
        script = os.path.join(ROOT, "test", "functional", "lib", "redis_server.sh")
        redis_port = subprocess.run([script, "start", os.path.join(self.tmp, "redis")],
                                    capture_output=True, text=True, check=True).stdout.strip()
        pw = subprocess.run(["rspamadm", "pw", "-p", PASSWORD], capture_output=True, text=True,
                            check=True).stdout.strip()
        port, ctl = mwtest.free_port(), mwtest.free_port()
        out = subprocess.run([os.path.join(ROOT, "bench", "rspamd", "run_rspamd.sh"), "start",
                              str(port), "1", "--append", os.path.join(BENCH, "rspamd-bayes.conf.in"),
                              "--set", f"CTL_PORT={ctl}", "--set", f"REDIS_PORT={redis_port}",
                              "--set", f"CTL_PASSWORD={pw}"] +
                             (["--hs-cache", self.hs_cache] if self.hs_cache else []),
                             capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise RuntimeError("rspamd did not start:\n" + out.stderr)
        self.rdir = re.search(r"RSPAMD_DIR=(\S+)", out.stdout).group(1)
        mwtest.wait_for_port(ctl)
        return port, ctl

    def stop(self):
        if self.rdir:
            subprocess.run([os.path.join(ROOT, "bench", "rspamd", "run_rspamd.sh"), "stop",
                            self.rdir])
        subprocess.run([os.path.join(ROOT, "test", "functional", "lib", "redis_server.sh"),
                        "stop", os.path.join(self.tmp, "redis")])
        shutil.rmtree(self.tmp, ignore_errors=True)


def summarise(items, before, after):
    out = {}
    for src in ["all"] + sorted({s for _, _, s in items}):
        for label in ("spam", "ham"):
            idx = [i for i, (_, lab, s) in enumerate(items) if lab == label and src in ("all", s)]
            if not idx:
                continue
            key = f"{src}|{label}"
            flagged = lambda rs: sum(rs[i]["action"] not in ("no action", "error") for i in idx)
            strong = lambda rs: sum(rs[i]["score"] >= 6 for i in idx)
            out[key] = {"n": len(idx), "flagged_before": flagged(before),
                        "flagged_after": flagged(after), "strong_before": strong(before),
                        "strong_after": strong(after),
                        "bayes_spam": sum(after[i]["bayes_spam"] for i in idx),
                        "bayes_ham": sum(after[i]["bayes_ham"] for i in idx),
                        "errors": sum(after[i]["action"] == "error" for i in idx)}
    return out


def run(server, train, test):
    log(f"{server.name}: starting")
    try:
        port, ctl = server.start()
        test_files = [p for p, _, _ in test]
        t0 = time.time()
        before = scan_all(port, test_files)
        log(f"{server.name}: scanned {len(test_files)} before learning in {time.time() - t0:.1f} s")
        t0 = time.time()
        learned = {cls: learn(ctl, [p for p, lab, _ in train if lab == cls], cls)
                   for cls in ("spam", "ham")}
        learn_s = time.time() - t0
        log(f"{server.name}: learned {learned} in {learn_s:.1f} s")
        t0 = time.time()
        after = scan_all(port, test_files)
        log(f"{server.name}: scanned {len(test_files)} after learning in {time.time() - t0:.1f} s")
        return {"learned": learned, "learn_seconds": learn_s,
                "summary": summarise(test, before, after)}
    finally:
        server.stop()


def pct(a, n):
    return f"{a}/{n} = {100.0 * a / n:.1f} %" if n else "-"


def report(results, train, test, args):
    lines = []
    sources = sorted({s for _, _, s in test})
    lines.append("| set | spam learned / tested | ham learned / tested |")
    lines.append("|---|---|---|")
    for src in sources:
        n = lambda part, lab: sum(1 for _, l, s in part if l == lab and s == src)
        lines.append(f"| {src} | {n(train, 'spam')} / {n(test, 'spam')} | "
                     f"{n(train, 'ham')} / {n(test, 'ham')} |")
    lines.append("")
    lines.append("| server | spam flagged before | spam flagged after | spam strong after | "
                 "ham flagged before | ham flagged after | BAYES_SPAM on spam | BAYES_HAM on ham "
                 "| BAYES_SPAM on ham | learn time |")
    lines.append("|---" * 10 + "|")
    for name, r in results.items():
        s, h = r["summary"]["all|spam"], r["summary"]["all|ham"]
        lines.append(f"| {name} | {pct(s['flagged_before'], s['n'])} | "
                     f"{pct(s['flagged_after'], s['n'])} | {pct(s['strong_after'], s['n'])} | "
                     f"{pct(h['flagged_before'], h['n'])} | {pct(h['flagged_after'], h['n'])} | "
                     f"{pct(s['bayes_spam'], s['n'])} | {pct(h['bayes_ham'], h['n'])} | "
                     f"{pct(h['bayes_spam'], h['n'])} | {r['learn_seconds']:.1f} s |")
    lines.append("")
    lines.append("Per set, after learning (flagged spam / flagged ham):")
    lines.append("")
    lines.append("| set | " + " | ".join(results) + " |")
    lines.append("|---" * (1 + len(results)) + "|")
    for src in sources:
        row = [src]
        for r in results.values():
            s = r["summary"].get(f"{src}|spam")
            h = r["summary"].get(f"{src}|ham")
            row.append((pct(s["flagged_after"], s["n"]) if s else "-") + " / " +
                       (pct(h["flagged_after"], h["n"]) if h else "-"))
        lines.append("| " + " | ".join(row) + " |")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mailward", default=os.path.join(ROOT, "build", "src", "app", "mailward"))
    ap.add_argument("--spam", type=int, default=1200)
    ap.add_argument("--ham", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", choices=["mailward", "rspamd"])
    ap.add_argument("--json")
    ap.add_argument("--keep", help="write the generated mail here and keep it")
    ap.add_argument("--hs-cache", help="Rspamd's Hyperscan cache directory to reuse between runs "
                                      "(run_rspamd.sh --hs-cache); default: compiled afresh")
    args = ap.parse_args()
    if not RSPAMC:
        sys.exit("evaluate.py: rspamc is needed (scripts/deps.sh test)")
    gen_dir = args.keep or tempfile.mkdtemp(prefix="mwbayes-gen-")
    try:
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bayes", "generate_mail.py"),
                        "--out", gen_dir, "--spam", str(args.spam), "--ham", str(args.ham),
                        "--seed", str(args.seed), "--now", str(int(time.time()))], check=True)
        items = corpus(gen_dir)
        train = [it for it in items if in_training_half(it[0])]
        test = [it for it in items if not in_training_half(it[0])]
        results = {}
        if args.only != "rspamd":
            results["Mailward"] = run(Mailward(args.mailward), train, test)
        if args.only != "mailward":
            results["Rspamd 3.4"] = run(Rspamd(args.hs_cache), train, test)
        report(results, train, test, args)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=1)
    finally:
        if not args.keep:
            shutil.rmtree(gen_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
