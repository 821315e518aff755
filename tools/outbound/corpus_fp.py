#!/usr/bin/python3
"""False positives of outbound protection on real and generated mail that is not test mail.

    tools/outbound/corpus_fp.py MAILWARD_BINARY [--conf DIR] [--work DIR] [--bayes-ham N]

Every message of the repository's third-party test data (test/data/corpus: SpamAssassin,
Rspamd, mail-parser, GMime, MimeKit, authentication_milter messages; ham, spam, phishing,
malformed MIME) and N generated ham messages of tools/bayes/generate_mail.py (nine languages,
many kinds; seed 7) is submitted once as an authenticated message on first sight (mailward
replay --isolate: an empty store of its own): the SASL user and the envelope sender are the
message's From address, the recipients its To/Cc addresses (at most 5), the client a new IP.
None of these messages is a credential test, so every OUTBOUND_RECON is a false positive, and
so is every complete credential record the verifier reports (OUTBOUND_CRED_TUPLE,
OUTBOUND_KV_CREDENTIALS; they are not decisive on their own but feed the model).

Prints a Markdown table per folder and lists the flagged files. Needs only python3.
"""
import argparse
import email
import email.policy
import email.utils
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "test", "data", "corpus")
SKIP_EXT = (".json", ".md", ".txt", ".tsv", ".pem", ".key", ".dat", ".py", ".xml", ".gz",
            ".zip", ".yml", ".yaml", ".pub", ".conf", ".zone")
BASE_TIME = 1793491200


def looks_like_mail(path):
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    if b"\x00" in head:
        return False
    low = b"\n" + head.lower()
    # A header block: at least two of the usual fields.
    return sum(f in low for f in (b"\nfrom:", b"\nto:", b"\nsubject:", b"\ndate:",
                                  b"\nmessage-id:", b"\ncontent-type:", b"\nreceived:")) >= 2


def corpus_files():
    for base, dirs, files in os.walk(CORPUS):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(base, name)
            if name.lower().endswith(SKIP_EXT) or name in ("LICENSE", "NOTICE", "COPYING"):
                continue
            if looks_like_mail(path):
                yield path


def group_of(path):
    rel = os.path.relpath(path, CORPUS).split(os.sep)
    if rel[0] == "spamassassin" and len(rel) > 2:
        return "spamassassin/" + rel[1]
    return rel[0]


def envelope(path, n):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.compat32)
    try:
        frm = email.utils.parseaddr(str(msg.get("From", "")))[1]
        rcpts = [a for _, a in email.utils.getaddresses(
            [str(v) for v in (msg.get_all("To") or []) + (msg.get_all("Cc") or [])]) if "@" in a]
    except Exception:  # malformed headers on purpose in the torture tests
        frm, rcpts = "", []
    if "@" not in frm:
        frm = "user%d@example.jp" % n
    rcpts = rcpts[:5] or ["friend%d@example.net" % n]
    return frm, rcpts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mailward")
    ap.add_argument("--conf", default=os.path.join(ROOT, "conf"))
    ap.add_argument("--work")
    ap.add_argument("--bayes-ham", type=int, default=1200)
    ap.add_argument("--json", action="store_true", help="print one JSON object at the end")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    files = [(group_of(p), p) for p in corpus_files()]
    if a.bayes_ham:
        gen = os.path.join(work, "bayes-mail")
        if not os.path.isdir(os.path.join(gen, "ham")):
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bayes", "generate_mail.py"),
                            "--out", gen, "--spam", "0", "--ham", str(a.bayes_ham), "--seed", "7"],
                           check=True, stdout=subprocess.DEVNULL)
        hd = os.path.join(gen, "ham")
        files += [("generated ham (tools/bayes)", os.path.join(hd, f)) for f in sorted(os.listdir(hd))]
    events = os.path.join(work, "events.jsonl")
    with open(events, "w") as out:
        for n, (_, path) in enumerate(files):
            frm, rcpts = envelope(path, n)
            out.write(json.dumps({"id": n, "time": BASE_TIME + 60 * n,
                                  "ip": "198.51.100.%d" % (1 + n % 250), "helo": "pc%d" % n,
                                  "user": frm, "from": frm, "rcpt": rcpts,
                                  "file": os.path.abspath(path)}) + "\n")
    replay = subprocess.run([a.mailward, "replay", "--conf", a.conf, "--isolate", events],
                            capture_output=True, text=True, check=True, timeout=3600).stdout
    stats, flagged, quiet = {}, [], []
    for line in replay.splitlines():
        r = json.loads(line)
        group, path = files[r["id"]]
        syms = r.get("symbols", {})
        s = stats.setdefault(group, {"count": 0, "recon": 0, "record": 0, "partial": 0})
        s["count"] += 1
        if not any(k.startswith("OUTBOUND_") for k in syms):
            quiet.append(path)
        recon = "OUTBOUND_RECON" in syms
        record = "OUTBOUND_CRED_TUPLE" in syms or "OUTBOUND_KV_CREDENTIALS" in syms
        s["recon"] += recon
        s["record"] += record
        s["partial"] += "OUTBOUND_CRED_PARTIAL" in syms
        if recon or record:
            flagged.append((os.path.relpath(path, ROOT) if path.startswith(ROOT) else path,
                            sorted(k for k in syms if k.startswith("OUTBOUND_"))))
    total = {k: sum(s[k] for s in stats.values()) for k in ("count", "recon", "record", "partial")}
    print("| messages | count | OUTBOUND_RECON | complete record found | partial record |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for g in sorted(stats):
        s = stats[g]
        print("| %s | %d | %d | %d | %d |" % (g, s["count"], s["recon"], s["record"], s["partial"]))
    print("| **all** | **%d** | **%d** | **%d** | **%d** |" % (
        total["count"], total["recon"], total["record"], total["partial"]))
    print("messages with no OUTBOUND_ signal at all (the rule saw nothing to note): %d" % len(quiet))
    for path, syms in flagged:
        print("flagged: %s %s" % (path, " ".join(syms)))
    if a.json:
        print(json.dumps({"total": total, "groups": stats, "flagged": flagged}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
