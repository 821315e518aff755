#!/usr/bin/python3
"""Score a `mailward replay` run against the labels written by tools/outbound/generate.py.

    evaluate.py --events DIR/events.jsonl --labels DIR/labels.jsonl --replay OUT.jsonl [--json]

OUT.jsonl has one reply object per event (the /checkv2 reply with the event's "id" added).
An event is *flagged* when its reply carries the symbol OUTBOUND_RECON or OUTBOUND_HELD, or
its action is anything but "no action". It is *held* when the reply carries OUTBOUND_HELD or
its action is "soft reject" or "reject".

Reported:
- test-mail recall: flagged test mails / test mails, and per credential-test format;
- hijacks caught: hijacks with at least one test mail flagged / hijacks;
- hijacks held before the burst: the first burst message of the hijack was already held;
- lead time: from the first flagged test mail to the first burst message;
- false-positive rate on normal + look-alike events, and separately on look-alikes (with a
  per-kind breakdown) and the accounts wrongly flagged. A hijacked account's own mail sent after
  its first test mail is left out of these (holding the account is the intended reaction) and
  shown on its own line;
- burst messages (and recipients) blocked.

This is a report, not a test: the exit status is 0 whatever the numbers (2 on unusable input).
"""

import argparse
import email.header
import json
import os
import sys

HELD_ACTIONS = ("soft reject", "reject")


def load_jsonl(path):
    out = []
    with open(path, "r", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except ValueError as e:
                raise SystemExit("%s:%d: not JSON: %s" % (path, n, e))
    return out


def symbols_of(reply):
    s = reply.get("symbols")
    if isinstance(s, dict):
        return s
    if isinstance(s, list):
        return {(x.get("name") if isinstance(x, dict) else str(x)): x for x in s}
    return {}


def judge(reply):
    """(flagged, held) for one reply; a missing or error reply counts as neither."""
    if not reply or "action" not in reply:
        return False, False
    syms = symbols_of(reply)
    action = reply.get("action", "no action")
    held = "OUTBOUND_HELD" in syms or action in HELD_ACTIONS
    flagged = held or "OUTBOUND_RECON" in syms or action != "no action"
    return flagged, held


def ratio(a, b):
    return (a / b) if b else 0.0


def subject_of(events_path, ev):
    path = ev.get("file")
    if not path:
        return ""
    if not os.path.isabs(path):
        path = os.path.join(os.path.dirname(os.path.abspath(events_path)), path)
    try:
        with open(path, "rb") as f:
            head = f.read(16384).split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    except OSError:
        return "?"
    lines = head.split("\r\n")
    for i, ln in enumerate(lines):
        if ln.lower().startswith("subject:"):
            val = ln[8:]
            j = i + 1
            while j < len(lines) and lines[j][:1] in (" ", "\t"):
                val += lines[j]
                j += 1
            try:
                parts = email.header.decode_header(val.strip())
                return "".join(p.decode(cs or "ascii", "replace") if isinstance(p, bytes) else p
                               for p, cs in parts)
            except Exception:  # a report tool: show the raw value rather than fail
                return val.strip()
    return ""


def evaluate(events, labels, replies):
    if len(events) != len(labels):
        raise SystemExit("events (%d) and labels (%d) differ in length" % (len(events), len(labels)))
    by_id = {}
    unkeyed = []
    for r in replies:
        if isinstance(r, dict) and "id" in r:
            by_id[r["id"]] = r
        else:
            unkeyed.append(r)
    missing = 0
    verdicts = []
    for i, ev in enumerate(events):
        r = by_id.get(ev["id"])
        if r is None and not by_id and i < len(unkeyed):
            r = unkeyed[i]  # replies without ids: take them in order
        if r is None or (isinstance(r, dict) and "action" not in r):
            missing += 1
        verdicts.append(judge(r if isinstance(r, dict) else None))

    # first test mail of each hijack: the victim's later own mail is not a false positive
    compromised_at = {}
    for ev, lab in zip(events, labels):
        if lab["kind"] == "test_mail":
            u = lab["user"]
            compromised_at[u] = min(compromised_at.get(u, ev["time"]), ev["time"])

    tm_total = tm_flag = 0
    hij = {}
    by_detail = {"test_mail": {}, "lookalike": {}, "normal": {}}
    neg = {"normal": [0, 0, 0], "lookalike": [0, 0, 0]}  # count, flagged, held
    post = [0, 0, 0]
    fp_accounts, accounts = {}, {}
    burst = {"messages": 0, "blocked": 0, "recipients": 0, "recipients_blocked": 0}
    misses, fps = [], []
    for ev, lab, (flag, held) in zip(events, labels, verdicts):
        kind = lab["kind"]
        det = lab.get("detail") or kind
        if kind == "test_mail":
            tm_total += 1
            tm_flag += flag
            d = by_detail["test_mail"].setdefault(det, [0, 0])
            d[0] += flag
            d[1] += 1
            h = hij.setdefault(lab["hijack"], {"caught": False, "first_flag": None, "held": None,
                                               "burst_t": None, "user": lab["user"]})
            if flag:
                h["caught"] = True
                if h["first_flag"] is None:
                    h["first_flag"] = ev["time"]
            else:
                misses.append(ev)
        elif kind == "burst":
            h = hij.setdefault(lab["hijack"], {"caught": False, "first_flag": None, "held": None,
                                               "burst_t": None, "user": lab["user"]})
            if h["held"] is None:
                h["held"] = held
                h["burst_t"] = ev["time"]
            burst["messages"] += 1
            burst["recipients"] += len(ev.get("rcpt", []))
            if held:
                burst["blocked"] += 1
                burst["recipients_blocked"] += len(ev.get("rcpt", []))
        else:
            u = lab["user"]
            if u in compromised_at and ev["time"] >= compromised_at[u]:
                post[0] += 1
                post[1] += flag
                post[2] += held
                continue
            bucket = neg["lookalike" if kind == "lookalike" else "normal"]
            bucket[0] += 1
            bucket[1] += flag
            bucket[2] += held
            d = by_detail["lookalike" if kind == "lookalike" else "normal"].setdefault(det, [0, 0])
            d[0] += flag
            d[1] += 1
            accounts[u] = True
            if flag:
                fp_accounts[u] = True
                fps.append(ev)

    n_h = len(hij)
    caught = sum(1 for h in hij.values() if h["caught"])
    held_before = sum(1 for h in hij.values() if h["held"])
    leads = sorted((h["burst_t"] - h["first_flag"]) / 3600.0 for h in hij.values()
                   if h["first_flag"] is not None and h["burst_t"] is not None and h["first_flag"] < h["burst_t"])
    both = [neg["normal"][i] + neg["lookalike"][i] for i in range(3)]
    res = {
        "events": len(events),
        "replies": len(replies),
        "missing_replies": missing,
        "test_mails": {"total": tm_total, "flagged": tm_flag, "recall": ratio(tm_flag, tm_total)},
        "hijacks": {"total": n_h, "caught": caught, "caught_rate": ratio(caught, n_h),
                    "held_before_burst": held_before, "held_rate": ratio(held_before, n_h),
                    "lead_hours_median": leads[len(leads) // 2] if leads else None,
                    "lead_hours_min": leads[0] if leads else None},
        "false_positives": {
            "normal_and_lookalike": {"count": both[0], "flagged": both[1], "held": both[2],
                                     "rate": ratio(both[1], both[0]), "held_rate": ratio(both[2], both[0])},
            "normal": {"count": neg["normal"][0], "flagged": neg["normal"][1], "held": neg["normal"][2],
                       "rate": ratio(neg["normal"][1], neg["normal"][0])},
            "lookalike": {"count": neg["lookalike"][0], "flagged": neg["lookalike"][1],
                          "held": neg["lookalike"][2], "rate": ratio(neg["lookalike"][1], neg["lookalike"][0])},
            "accounts": len(accounts), "accounts_flagged": len(fp_accounts),
        },
        "victim_mail_after_compromise": {"count": post[0], "flagged": post[1], "held": post[2]},
        "burst": dict(burst, blocked_rate=ratio(burst["blocked"], burst["messages"]),
                      recipients_blocked_rate=ratio(burst["recipients_blocked"], burst["recipients"])),
        "by_detail": {k: {d: {"flagged": v[0], "total": v[1]} for d, v in sorted(m.items())}
                      for k, m in by_detail.items()},
    }
    return res, misses, fps


def pct(x):
    return "%6.2f%%" % (100.0 * x)


def print_table(res, out=sys.stdout):
    tm, hj, fp, bu = res["test_mails"], res["hijacks"], res["false_positives"], res["burst"]
    na = fp["normal_and_lookalike"]
    rows = [
        ("test-mail recall", "%d / %d" % (tm["flagged"], tm["total"]), pct(tm["recall"])),
        ("hijacks caught (>=1 test mail flagged)", "%d / %d" % (hj["caught"], hj["total"]), pct(hj["caught_rate"])),
        ("hijacks held before the burst", "%d / %d" % (hj["held_before_burst"], hj["total"]), pct(hj["held_rate"])),
        ("false positives, normal + look-alike", "%d / %d" % (na["flagged"], na["count"]), pct(na["rate"])),
        ("  of which held", "%d / %d" % (na["held"], na["count"]), pct(na["held_rate"])),
        ("false positives, normal only", "%d / %d" % (fp["normal"]["flagged"], fp["normal"]["count"]),
         pct(fp["normal"]["rate"])),
        ("false positives, look-alikes only", "%d / %d" % (fp["lookalike"]["flagged"], fp["lookalike"]["count"]),
         pct(fp["lookalike"]["rate"])),
        ("accounts with a false positive", "%d / %d" % (fp["accounts_flagged"], fp["accounts"]),
         pct(ratio(fp["accounts_flagged"], fp["accounts"]))),
        ("burst messages blocked", "%d / %d" % (bu["blocked"], bu["messages"]), pct(bu["blocked_rate"])),
        ("burst recipients blocked", "%d / %d" % (bu["recipients_blocked"], bu["recipients"]),
         pct(bu["recipients_blocked_rate"])),
    ]
    w = max(len(r[0]) for r in rows)
    print("%-*s  %15s  %8s" % (w, "metric", "count", "rate"), file=out)
    print("-" * (w + 27), file=out)
    for a, b, c in rows:
        print("%-*s  %15s  %8s" % (w, a, b, c), file=out)
    if hj["lead_hours_median"] is not None:
        print("lead time first flagged test mail -> burst: median %.1f h, min %.1f h"
              % (hj["lead_hours_median"], hj["lead_hours_min"]), file=out)
    va = res["victim_mail_after_compromise"]
    print("victims' own mail after the first test mail (not counted above): %d, flagged %d, held %d"
          % (va["count"], va["flagged"], va["held"]), file=out)
    if res["missing_replies"]:
        print("WARNING: %d events have no usable reply (counted as not flagged)" % res["missing_replies"], file=out)
    for kind, title in (("test_mail", "recall by test-mail format"), ("lookalike", "false positives by look-alike kind"),
                        ("normal", "false positives by normal kind")):
        m = res["by_detail"][kind]
        if not m:
            continue
        print("\n%s:" % title, file=out)
        for d, v in m.items():
            print("  %-24s %5d / %-5d %s" % (d, v["flagged"], v["total"], pct(ratio(v["flagged"], v["total"]))),
                  file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Score a mailward replay run on generated outbound data.")
    ap.add_argument("--events", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--replay", required=True, help="replay output: one reply JSON per event, with its id")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--show", type=int, default=0, metavar="N",
                    help="also list up to N missed test mails and N false positives with their subjects")
    a = ap.parse_args(argv)
    try:
        events = load_jsonl(a.events)
        labels = load_jsonl(a.labels)
        replies = load_jsonl(a.replay)
    except OSError as e:
        print("evaluate.py: %s" % e, file=sys.stderr)
        return 2
    res, misses, fps = evaluate(events, labels, replies)
    if a.json:
        print(json.dumps(res, sort_keys=True))
    else:
        print_table(res)
    if a.show:
        out = sys.stderr if a.json else sys.stdout
        lab_by_id = {l["id"]: l for l in labels}
        for title, lst in (("missed test mails", misses), ("false positives", fps)):
            print("\n%s (first %d of %d):" % (title, min(a.show, len(lst)), len(lst)), file=out)
            for ev in lst[:a.show]:
                print("  id %-6d %-22s %-28s %s" % (ev["id"], lab_by_id[ev["id"]].get("detail") or "",
                                                   ev.get("user", "")[:28], subject_of(a.events, ev)[:90]), file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
