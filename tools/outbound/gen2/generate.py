#!/usr/bin/python3
"""Second generator of outbound submission data (independent of tools/outbound/generate.py):
a month of mail submitted to a regional provider, with credential-test mails and phishing
bursts of hijacked accounts, and look-alikes.

    generate.py --out DIR --seed N [--users 240] [--days 28] [--hijacks 30] [--start UNIX]

Writes the same files as the first generator, so that `mailward replay` and
tools/outbound/evaluate.py read both: DIR/events.jsonl, DIR/msgs/<id>.eml, DIR/labels.jsonl,
DIR/hijacks.jsonl. Deterministic: every draw comes from random.Random("<seed>/<part>").
"""

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import attacks  # noqa: E402
import corpus  # noqa: E402
import lookalikes  # noqa: E402
import mimebuild as mb  # noqa: E402
from world import CLIENTS, SMTP_HOSTS, TOOLKITS, World, attacker_ip  # noqa: E402

DAY = 86400
WEEKDAYS_OFF = (5, 6)  # with --start on a Monday: Saturday, Sunday
COLLECTORS = ["smtp.results@quickmail.test", "kenji.m1971@inbox.test", "boxdrop@mailpost.test",
              "olga.petrova88@freebox.test", "checker@webpost.test", "h.nguyen.work@quickmail.test",
              "info@sol-y-mar.example.com", "mailcheck2026@inbox.test", "a.b.c.d.e@mailpost.test",
              "jmiller.home@webpost.test"]
LOOKALIKE_BY_ROLE = {
    "it_admin": [("helpdesk_settings", 0.05), ("monitoring_report", 0.04), ("password_reset", 0.02),
                 ("wifi_guest", 0.01)],
    "developer": [("dev_config", 0.08), ("monitoring_report", 0.03)],
    "office": [("signature", 0.05), ("calendar", 0.05), ("csv_export", 0.02)],
    "shop": [("csv_export", 0.10), ("signature", 0.05)],
    "club": [("newsletter_addresses", 0.15), ("calendar", 0.05)],
    "home": [("support_request", 0.003)],
    "elder": [("support_request", 0.004)],
}


class Out:
    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "msgs"), exist_ok=True)
        self.items = []  # (time, seq, event, label, raw)
        self.seq = 0

    def add(self, t, user, ip, helo, rcpts, raw, label, kind, detail, hijack=None):
        self.seq += 1
        ev = {"time": int(t), "ip": ip, "helo": helo, "user": user["login"], "from": user["addr"],
              "rcpt": rcpts}
        lab = {"label": label, "kind": kind, "user": user["login"], "hijack": hijack, "detail": detail}
        self.items.append((int(t), self.seq, ev, lab, raw))

    def write(self):
        self.items.sort(key=lambda x: (x[0], x[1]))
        with open(os.path.join(self.path, "events.jsonl"), "w") as fe, \
                open(os.path.join(self.path, "labels.jsonl"), "w") as fl:
            for i, (_, _, ev, lab, raw) in enumerate(self.items, 1):
                fn = "msgs/%d.eml" % i
                with open(os.path.join(self.path, fn), "wb") as fm:
                    fm.write(raw.encode("latin-1"))  # bodies are bytes held as latin-1 text
                ev = dict(id=i, **ev, file=fn)
                fe.write(json.dumps(ev, ensure_ascii=False) + "\n")
                fl.write(json.dumps(dict(id=i, **lab), ensure_ascii=False) + "\n")
        return len(self.items)


def date_header(t, tz_minutes):
    lt = time.gmtime(t + tz_minutes * 60)
    sign = "+" if tz_minutes >= 0 else "-"
    tz = "%s%02d%02d" % (sign, abs(tz_minutes) // 60, abs(tz_minutes) % 60)
    return time.strftime("%a, %d %b %Y %H:%M:%S ", lt) + tz


def message_id(rng, style, domain):
    h = "".join(rng.choice("0123456789abcdef") for _ in range(24))
    if style == "outlook":
        return "<%s$%s@%s>" % (h[:12].upper(), h[12:].upper(), domain)
    if style == "apple":
        return "<%s-%s-%s@%s>" % (h[:8].upper(), h[8:12].upper(), h[12:].upper(), domain)
    if style == "php":
        return "<%s@%s>" % (h, rng.choice(["localhost", domain]))
    if style == "becky":
        return "<%s%s.%s@%s>" % (time.strftime("%Y%m%d"), h[:6].upper(), h[6:10], domain)
    return "<%s-%s@%s>" % (h[:8], h[8:], domain)


def build(rng, t, sender, to_list, subject, text, extra, client, lang, charset=None, tz=540,
          display=True):
    """A message as `sender` writes it with `client` (index into CLIENTS or a toolkit)."""
    ua, ua_header, mid_style = client
    cs = charset or ("iso-2022-jp" if lang == "ja" and rng.random() < 0.4 else "utf-8")
    if extra.get("encode_subject"):
        subj = attacks.encode_subject(subject)
    else:
        subj = mb.encoded_word(subject, "utf-8" if cs != "iso-2022-jp" else "iso-2022-jp")
    headers = [("From", mb.address(sender["name"] if display else "", sender["addr"])),
               ("To", ", ".join(mb.address(r.get("name", ""), r["addr"]) for r in to_list[:5])
                if to_list else "undisclosed-recipients:;"),
               ("Subject", subj), ("Date", date_header(t, tz)),
               ("Message-ID", message_id(rng, mid_style or "uuid", sender["domain"]))]
    if ua:
        headers.append((ua_header, ua))
    parts = []
    if text is not None:
        parts.append(mb.text_part(text, charset=cs, cte=extra.get("cte")))
    if extra.get("html") or (text is not None and mid_style == "outlook" and rng.random() < 0.8):
        html = extra.get("html") or mb.html_of(text)
        hp = mb.text_part(html, subtype="html", charset="utf-8", cte="quoted-printable")
        parts = [mb.multipart("alternative", parts + [hp], "alt_%08x" % rng.getrandbits(32))] if parts else [hp]
    if extra.get("calendar"):
        parts.append(mb.calendar_part(extra["calendar"]))
    if extra.get("attach"):
        data, ctype, name = extra["attach"]
        parts.append(mb.attachment(data, ctype, name, "utf-8" if ctype.startswith("text/") else None))
    body = parts[0] if len(parts) == 1 else mb.multipart("mixed", parts, "mix_%08x" % rng.getrandbits(32))
    return mb.message(headers, body)


def normal_mail(rng, w, u, t, day, out):
    ip, helo = w.ip_for(rng, u, day)
    ci = u["clients"][-1] if u["device_change"] and day >= u["device_change"] else u["clients"][0]
    client = CLIENTS[ci]
    role = u["role"]
    for kind, p in LOOKALIKE_BY_ROLE.get(role, []):
        if rng.random() < p:
            return lookalike(rng, w, u, t, day, kind, out, ip, helo, client)
    if not u["corr"]:
        return
    r = rng.random()
    if r < 0.02:
        to = [u] if rng.random() < 0.5 else [rng.choice(u["corr"])]
        subj = rng.choice(corpus.TEST_WORDS[u["lang"]])
        text = rng.choice(corpus.TEST_BODIES[u["lang"]] + [subj])
        raw = build(rng, t, u, to, subj, text, {}, client, u["lang"])
        out.add(t, u, ip, helo, [x["addr"] for x in to], raw, 0, "lookalike", "short_test")
        return
    n = 1 if rng.random() < 0.75 else rng.randrange(2, 5)
    to = rng.sample(u["corr"], min(n, len(u["corr"])))
    lang = to[0].get("lang", u["lang"]) if rng.random() < 0.3 else u["lang"]
    business = role in ("office", "it_admin", "developer", "shop")
    subj = rng.choice(corpus.SUBJECTS[lang])
    detail = "new"
    if r < 0.4:
        subj = rng.choice(["Re: ", "RE: ", "Re: "]) + subj
        detail = "reply"
    elif r < 0.45:
        subj = "Fwd: " + subj
        detail = "forward"
    text = corpus.body_text(rng, lang, to[0]["first"], u["name"], business)
    if detail == "reply":
        text += "\n> " + rng.choice(corpus.SENT[lang]) + "\n> " + rng.choice(corpus.SENT[lang]) + "\n"
    extra = {}
    if rng.random() < 0.06:
        detail = "attachment"
        extra["attach"] = (bytes(rng.getrandbits(8) for _ in range(rng.randrange(2000, 9000))),
                           "image/jpeg", "IMG_%04d.jpg" % rng.randrange(10000))
    raw = build(rng, t, u, to, subj, text, extra, client, lang)
    out.add(t, u, ip, helo, [x["addr"] for x in to], raw, 0, "normal", detail)


def lookalike(rng, w, u, t, day, kind, out, ip, helo, client, to=None):
    if to is None:
        if kind in ("newsletter_addresses",):
            to = rng.sample(u["corr"], min(len(u["corr"]), 6))
        elif kind == "support_request":
            to = [{"name": "Support", "first": "Support", "addr": "support@hikari.example",
                   "login": "support", "domain": w.domain, "lang": "en"}]
        else:
            to = [rng.choice(u["corr"])] if u["corr"] else [u]
    subj, text, extra = lookalikes.BUILDERS[kind](rng, w, u, to[0], u["lang"])
    raw = build(rng, t, u, to, subj, text, extra, client, u["lang"])
    out.add(t, u, ip, helo, [x["addr"] for x in to], raw, 0, "lookalike", kind)


def day_times(rng, u, day, start, n):
    off = (day % 7) in WEEKDAYS_OFF
    times = []
    for _ in range(n):
        if u["company"] and not off:
            h = rng.uniform(8.5, 19)
        else:
            h = rng.choice([rng.uniform(7, 9), rng.uniform(12, 13), rng.uniform(19, 24), rng.uniform(9, 22)])
        times.append(start + day * DAY + int(h * 3600) - 9 * 3600)  # JST hours
    return sorted(times)


def poisson(rng, lam):
    n, p, limit = 0, 1.0, 2.718281828 ** (-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return n
        n += 1


def simulate(seed, out, n_users, days, n_hijacks, start):
    w = World(seed, n_users)
    rng = random.Random("%s/traffic" % seed)
    # New staff: the administrator creates the account and writes to the newcomer.
    hires = []
    hr = random.Random("%s/hires" % seed)
    for comp in w.companies:
        if comp["admin"] and hr.random() < 0.6:
            for _ in range(hr.randrange(1, 3)):
                day = hr.randrange(1, days - 2)
                hires.append((day, comp, w.hire(hr, comp, day)))
    for day, comp, newbie in hires:
        admin = comp["admin"]
        t = start + day * DAY + int(hr.uniform(9.5, 17) * 3600) - 9 * 3600
        private = hr.random() < 0.3
        to = dict(newbie)
        if private:
            to = dict(newbie, addr="%s.%s@%s" % (newbie["first"].lower(), hr.randrange(1970, 2005),
                                                 hr.choice(w.free_domains)))
            to["addr"] = to["addr"].encode("ascii", "ignore").decode()
        lookalike(hr, w, admin, t, day, "onboarding_temp_password", out, comp["ip"], admin["helo"],
                  CLIENTS[admin["clients"][0]], to=[to])
        # The newcomer's first mails, from the office.
        for k in range(hr.randrange(1, 3)):
            tt = t + hr.randrange(600, 2 * DAY)
            subj = hr.choice(corpus.TEST_WORDS[newbie["lang"]])
            raw = build(hr, tt, newbie, [admin], subj, hr.choice(corpus.TEST_BODIES[newbie["lang"]]), {},
                        CLIENTS[newbie["clients"][0]], newbie["lang"])
            out.add(tt, newbie, comp["ip"], newbie["helo"], [admin["addr"]], raw, 0, "lookalike",
                    "new_account_test")
    # Ordinary traffic.
    for u in list(w.users):
        urng = random.Random("%s/user/%s" % (seed, u["addr"]))
        if u["device_change"]:
            u["clients"].append(urng.randrange(len(CLIENTS)))
        for day in range(u["active_from"], days):
            off = (day % 7) in WEEKDAYS_OFF
            lam = u["rate"] * (0.3 if off and u["company"] else 1.0)
            for t in day_times(urng, u, day, start, poisson(urng, lam)):
                normal_mail(urng, w, u, t, day, out)
    hijacks = inject_hijacks(seed, w, out, days, n_hijacks, start)
    return w, hijacks


def inject_hijacks(seed, w, out, days, n, start):
    rng = random.Random("%s/hijacks" % seed)
    eligible = [u for u in w.users if u["active_from"] == 0 and u["rate"] > 0.3 and not u["travel"]]
    rng.shuffle(eligible)
    names = [f for f, _ in attacks.FORMATS]
    weights = [wt for _, wt in attacks.FORMATS]
    hijacks = []
    for i, victim in enumerate(eligible[:n]):
        fmt = names[i] if i < len(names) and n >= len(names) else rng.choices(names, weights=weights)[0]
        ip = attacker_ip(rng)
        kit = rng.choice(TOOLKITS)
        client = CLIENTS[victim["clients"][0]] if kit[0] == "MIMIC" else kit
        helo = victim["helo"] if kit[0] == "MIMIC" else rng.choice(["localhost", "User", "WIN-%06X" % rng.getrandbits(24), ip])
        collectors = rng.sample(COLLECTORS, rng.choice([1, 1, 2]))
        if rng.random() < 0.25:
            collectors = ["%s%d@%s" % (rng.choice(["res", "drop", "log", "mm"]), rng.randrange(1000, 9999),
                                       rng.choice(w.free_domains))]
        cred = {"addr": victim["addr"], "login": victim["login"], "password": victim["password"],
                "host": rng.choice(SMTP_HOSTS), "port": rng.choice([587, 587, 465, 25]),
                "auth": rng.choice(["LOGIN", "PLAIN", "LOGIN"]),
                "other_domain": rng.choice(["kito-seiki.example", "volga-parts.example.net"])}
        first_day = rng.randrange(3, max(4, days - 7))
        t0 = start + first_day * DAY + rng.randrange(DAY)
        n_tests = rng.choice([1, 1, 2, 2, 3])
        ids = []
        for k in range(n_tests):
            t = t0 + (0 if k == 0 else rng.choice([rng.randrange(30, 7200), rng.randrange(DAY, 2 * DAY)]))
            f = fmt if k == 0 or rng.random() < 0.6 else rng.choices(names, weights=weights)[0]
            subj, text, extra = attacks.test_mail(rng, f, cred)
            to = [{"name": "", "addr": c} for c in collectors]
            raw = build(rng, t, victim, to, subj, text, extra, client, "en", charset="utf-8",
                        tz=rng.choice([0, 180, 480, -300, 540]), display=kit[0] == "MIMIC")
            tip = ip if k == 0 or rng.random() < 0.7 else attacker_ip(rng)
            out.add(t, victim, tip, helo, collectors, raw, 1, "test_mail", f, hijack=i)
            ids.append(t)
        delay = rng.choice([1, 2, 2, 3, 3, 4, 5, 6]) * DAY + rng.randrange(-DAY // 3, DAY // 3)
        b0 = t0 + max(delay, DAY // 2)
        bip = ip if rng.random() < 0.5 else attacker_ip(rng)
        n_burst = rng.randrange(40, 160)
        for k in range(n_burst):
            t = b0 + k * rng.randrange(5, 60)
            subj, text = attacks.burst_mail(rng)
            rc = ["%s%d@%s" % (rng.choice(["k", "m", "s", "y"]), rng.randrange(10 ** 6),
                               rng.choice(w.free_domains + ["example.com", "example.net"]))
                  for _ in range(rng.randrange(1, 30))]
            raw = build(rng, t, victim, [{"name": "", "addr": r} for r in rc[:1]], subj, text, {},
                        client, "ja", charset="utf-8", tz=540)
            out.add(t, victim, bip, helo, rc, raw, 0, "burst", "batch" if len(rc) > 5 else "single",
                    hijack=i)
        hijacks.append({"hijack": i, "user": victim["login"], "addr": victim["addr"], "format": fmt,
                        "tester_ip": ip, "collectors": collectors, "test_times": ids,
                        "burst_start": b0, "burst_messages": n_burst,
                        "toolkit": kit[0] or "script", "host": cred["host"], "port": cred["port"]})
    return hijacks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--users", type=int, default=240)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--hijacks", type=int, default=30)
    ap.add_argument("--start", type=int, default=1794787200)  # 2026-11-16 09:00 JST, a Monday
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if a.users < 20 or a.days < 12:
        ap.error("need at least 20 users and 12 days")
    t = time.monotonic()
    out = Out(a.out)
    _, hijacks = simulate(a.seed, out, a.users, a.days, a.hijacks, a.start)
    n = out.write()
    with open(os.path.join(a.out, "hijacks.jsonl"), "w") as f:
        for h in hijacks:
            f.write(json.dumps(h) + "\n")
    if not a.quiet:
        counts = {}
        for _, _, _, lab, _ in out.items:
            k = lab["kind"] if lab["kind"] in ("normal", "burst") else "%s/%s" % (lab["kind"], lab["detail"])
            counts[k] = counts.get(k, 0) + 1
        for k in sorted(counts):
            print("%-40s %6d" % (k, counts[k]), file=sys.stderr)
        print("%d events, %d hijacks, %.1fs" % (n, len(hijacks), time.monotonic() - t), file=sys.stderr)


if __name__ == "__main__":
    main()
