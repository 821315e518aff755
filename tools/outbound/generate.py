#!/usr/bin/python3
"""Synthetic month of mail submissions for Mailward's outbound protection (issue 7).

Writes DIR/events.jsonl (the `mailward replay` input), DIR/msgs/<id>.eml (RFC 5322, CRLF),
DIR/labels.jsonl (ground truth per event) and DIR/hijacks.jsonl (one line per injected
hijack). The same --seed gives byte-identical output: every random draw comes from
random.Random objects seeded from the seed, nothing is read from the clock or the
environment, and nothing iterates over a set or a hash-ordered container.

See tools/outbound/README.md for what is modelled and why.
"""

import argparse
import json
import os
import random
import sys
import time

from gen_content import ContentMixin
from genlib import (
    COMPANIES, CUSTOMER_DOMAINS, DESKTOP, FAMILY, FORMATS, FORMAT_W, FREEMAIL_DOMAINS, GIVEN,
    JST, KV_KEYS, Loc, MOBILE, MON, SEPS, SUBMIT_HOSTS, TOOLKITS, TUPLE_ORDERS, WEBMAIL_IPS,
    hexs, is_ascii, local_dt, make_device, mobile_v6_pool, net_of, pick_w, poisson, v6
)


class Gen(ContentMixin):
    def __init__(self, seed, n_users, days, n_hijacks, start):
        self.seed = seed
        self.n_users = n_users
        self.days = days
        self.n_hijacks = n_hijacks
        self.start = start
        self.end = start + days * 86400
        self.mid0 = start - ((start + JST) % 86400)  # UTC time of local (JST) midnight of day 0
        self.ndays = days + 2
        self.events = []
        self.seq = 0
        self.used_locals = set()  # membership only, never iterated
        self.hijacks = []

    def R(self, tag):
        return random.Random("%d/%s" % (self.seed, tag))

    # --- time ---------------------------------------------------------------
    def day_start(self, d):
        return self.mid0 + d * 86400

    def weekday(self, d):
        return local_dt(self.day_start(d)).weekday()

    def day_of(self, t):
        return (t - self.mid0) // 86400

    # --- events -------------------------------------------------------------
    def add(self, t, login, ip, helo, env_from, rcpts, msg, kind, label, user, hijack, detail):
        if t < self.start or t >= self.end:
            return False
        ev = {"time": int(t), "ip": ip, "helo": helo, "user": login, "from": env_from,
              "rcpt": list(rcpts)}
        lab = {"label": label, "kind": kind, "user": user, "hijack": hijack, "detail": detail}
        self.events.append((int(t), self.seq, ev, lab, msg))
        self.seq += 1
        return True

    # --- address plan -------------------------------------------------------
    def build_network(self):
        r = self.R("net")
        h203 = list(range(1, 255))
        r.shuffle(h203)
        self.attacker_v4 = ["203.0.113.%d" % h for h in h203[:6]]
        self.abroad = ["203.0.113.%d" % h for h in sorted(h203[6:])]
        dyn = list(range(1, 200))
        r.shuffle(dyn)
        self.attacker_resi = ["192.0.2.%d" % h for h in dyn[:2]]
        self.dyn_pool = ["192.0.2.%d" % h for h in sorted(dyn[2:])]
        self.static_home = ["192.0.2.%d" % h for h in range(200, 255)]
        r.shuffle(self.static_home)
        self.static_b = ["198.51.100.%d" % h for h in range(84, 128)]
        r.shuffle(self.static_b)
        self.office_ips = ["198.51.100.%d" % h for h in range(1, 80)]
        r.shuffle(self.office_ips)
        self.mobile_v4 = ["198.51.100.%d" % h for h in range(128, 255)]
        self.mobile_v6 = mobile_v6_pool(r)
        self.roam_v6 = [v6("2001:db8:7%02x:%x::%s" % (r.randrange(256), r.randrange(0x10000), hexs(r, 4)))
                        for _ in range(60)]
        v6nets = r.sample(range(0x1000), 4)
        self.attacker_v6 = [v6("2001:db8:f%03x:%x::%x" % (n, r.randrange(0x10000), r.randrange(2, 0xffff)))
                            for n in v6nets]
        self.attacker_pool = self.attacker_v4 + self.attacker_resi + self.attacker_v6
        # reused across victims, a few more than others, none dominating
        self.attacker_w = [1.0 + 2.0 * r.random() for _ in self.attacker_pool]
        # collectors: shared by all hijacks, drawn per seed so no model can memorise them
        words = ["result", "check", "smtpok", "logbox", "report", "data", "kensa", "inbox",
                 "memo", "list", "okay", "archive"]
        people = [(g, f) for g, _ in GIVEN for f, _ in FAMILY]
        self.collectors = []
        for i in range(8):
            dom = r.choice(["mail.example.com", "post.example.net", "inbox.example.org",
                            "freemail.example", "webmail.example"])
            if i % 3 == 2:
                g, f = r.choice(people)
                local = "%s.%s%d" % (g, f[:1], r.randint(1970, 1999))
            else:
                local = "%s%s%d" % (r.choice(words), r.choice(["", ".", "_", "-"]), r.randint(2, 999))
            self.collectors.append("%s@%s" % (local, dom))
        self.collector_w = [1.0 + 2.0 * r.random() for _ in self.collectors]

    def home_loc(self, r, prefer=None):
        kinds = ["dyn", "static", "v6", "static_b"]
        k = prefer or pick_w(r, kinds, [35, 15, 40, 10])
        if k == "static" and not self.static_home:
            k = "v6"
        if k == "static_b" and not self.static_b:
            k = "dyn"
        if k == "dyn":
            cur = r.choice(self.dyn_pool)
            sched = []
            for _ in range(self.ndays):
                if r.random() < 0.12:
                    cur = r.choice(self.dyn_pool)
                sched.append(cur)
            return Loc("home_dyn4", sched=sched)
        if k == "static":
            return Loc("home_static4", fixed=self.static_home.pop())
        if k == "static_b":
            return Loc("home_static4", fixed=self.static_b.pop())
        prefix = "2001:db8:1%02x:%x00" % (r.randrange(256), r.randrange(1, 256))
        if r.random() < 0.5:  # privacy addresses change every day
            iids = ["%s:%s:%s:%s" % (hexs(r, 4), hexs(r, 4), hexs(r, 4), hexs(r, 4))
                    for _ in range(self.ndays)]
        else:
            iids = ["%s:%s:%s:%s" % (hexs(r, 4), hexs(r, 4), hexs(r, 4), hexs(r, 4))] * self.ndays
        return Loc("home_v6", prefix=prefix, iids=iids)

    # --- people -------------------------------------------------------------
    def new_local(self, r, gi, fi, digits_ok=True):
        g, f = GIVEN[gi][0], FAMILY[fi][0]
        styles = ["{g}", "{g}.{f}", "{g}_{f}", "{f}.{g}", "{gi}{f}", "{f}{gi}", "{g}{y}",
                  "{g}-{f}", "{f}{n}", "{gi}-{f}", "{g}.{f}{n}"]
        for attempt in range(50):
            st = r.choice(styles)
            loc = st.format(g=g, f=f, gi=g[0], y=r.randint(1955, 2005) % (100 if r.random() < 0.5 else 10000),
                            n=r.randint(1, 99))
            if attempt > 5:
                loc += str(r.randint(1, 999))
            if loc not in self.used_locals:
                self.used_locals.add(loc)
                return loc
        raise RuntimeError("no unique local part")

    def external_person(self, r, domains):
        gi, fi = r.randrange(len(GIVEN)), r.randrange(len(FAMILY))
        g, f = GIVEN[gi][0], FAMILY[fi][0]
        st = r.choice(["{g}.{f}", "{g}{n}", "{f}.{g}", "{gi}{f}{n}", "{g}_{f}", "{f}{n}", "{g}-{f}{n}"])
        local = st.format(g=g, f=f, gi=g[0], n=r.randint(1, 9999))
        return {"addr": "%s@%s" % (local, r.choice(domains)), "en": "%s %s" % (g.capitalize(), f.capitalize()),
                "ja": "%s %s" % (FAMILY[fi][1], GIVEN[gi][1]), "ja_f": FAMILY[fi][1],
                "en_g": g.capitalize()}

    def password_for(self, r, u):
        g, f = u["given"], u["family"]
        pats = [lambda: "%s%d" % (g, r.randint(1950, 2005)), lambda: "%s%04d" % (f, r.randint(0, 9999)),
                lambda: "Passw0rd%d" % r.randint(0, 99), lambda: "%s%s!" % (g.capitalize(), r.randint(10, 99)),
                lambda: hexs(r, 8, "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
                lambda: "sakura%d" % r.randint(100, 9999), lambda: "%s%s" % (f[:3], hexs(r, 5, "0123456789"))]
        return r.choice(pats)()

    def build_users(self):
        r = self.R("users")
        n = self.n_users
        users = []
        n_list = max(1, n // 50)
        n_off = max(1, round(n * 0.055))
        sizes = [r.randint(3, 12) for _ in range(n_off)]
        while sum(sizes) > int(n * 0.45) and max(sizes) > 2:
            sizes[sizes.index(max(sizes))] -= 1
        self.offices = []
        comp = list(range(len(COMPANIES)))
        r.shuffle(comp)
        for oi, sz in enumerate(sizes):
            ci = comp[oi % len(comp)]
            ip = self.office_ips[oi % len(self.office_ips)]
            off = {"idx": oi, "en": COMPANIES[ci][0], "ja": COMPANIES[ci][1],
                   "domain": "example.co.jp" if r.random() < 0.5 else "example.jp",
                   "loc": Loc("office4", fixed=ip), "v6": r.random() < 0.25,
                   "tech": COMPANIES[ci][0].split()[-1] in ("Software", "Systems", "Engineering", "Electric"),
                   "members": [], "admin": None, "size": sz}
            self.offices.append(off)
        kinds = []
        for oi, sz in enumerate(sizes):
            kinds += [("worker", oi)] * sz
        kinds += [("list", None)] * n_list
        kinds += [("home", None)] * max(0, n - len(kinds))
        kinds = kinds[:n]
        for idx, (kind, oi) in enumerate(kinds):
            gi, fi = r.randrange(len(GIVEN)), r.randrange(len(FAMILY))
            local = self.new_local(r, gi, fi)
            if kind == "worker":
                dom = self.offices[oi]["domain"]
            else:
                dom = "example.co.jp" if r.random() < 0.06 else "example.jp"
            addr = "%s@%s" % (local, dom)
            u = {"idx": idx, "gi": gi, "fi": fi, "given": GIVEN[gi][0], "family": FAMILY[fi][0],
                 "local": local, "domain": dom, "addr": addr,
                 "login": local if dom == "example.jp" else addr,
                 "en": "%s %s" % (GIVEN[gi][0].capitalize(), FAMILY[fi][0].capitalize()),
                 "ja": "%s %s" % (FAMILY[fi][1], GIVEN[gi][1]), "ja_f": FAMILY[fi][1],
                 "kind": kind, "office": self.offices[oi] if oi is not None else None,
                 "ja_pref": r.random() < 0.85, "flags": {}, "devices": [], "contacts": [],
                 "active": (0, self.ndays), "gap": None, "trip": None, "moved": None}
            u["password"] = self.password_for(r, u)
            ja_heavy = r.random() < 0.8
            u["p_ja"] = 0.92 if ja_heavy else 0.35
            if kind == "worker":
                u["rate"] = min(14.0, max(0.1, 1.6 * 2.718281828 ** r.gauss(0, 0.8)))
                self.offices[oi]["members"].append(u)
            elif kind == "home":
                u["rate"] = min(8.0, max(0.03, 0.7 * 2.718281828 ** r.gauss(0, 0.8)))
            else:
                u["rate"] = 0.25
            users.append(u)
        self.users = users
        # roles
        for off in self.offices:
            if len(off["members"]) >= 5:
                off["admin"] = off["members"][0]
                off["members"][0]["flags"]["it_admin"] = True
            if off["members"] and r.random() < 0.7:
                acc = off["members"][-1]
                if not acc["flags"]:
                    acc["flags"]["accounting"] = True
            for m in off["members"]:
                if not m["flags"] and (off["tech"] and r.random() < 0.5 or r.random() < 0.06):
                    m["flags"]["engineer"] = True
        homes = [u for u in users if u["kind"] == "home"]
        plain = [u for u in homes if not u["flags"]]
        r.shuffle(plain)
        n_role = max(1, n // 33)
        for u in plain[:max(1, n // 100)]:
            u["flags"]["helper"] = True
        rest = [u for u in users if not u["flags"] and u["kind"] != "list"]
        r.shuffle(rest)
        pos = 0

        def take(k):
            nonlocal pos
            got = rest[pos:pos + k]
            pos += k
            return got

        for u in take(n_role):
            u["flags"]["traveller"] = True
        for i, u in enumerate(take(n_role)):
            u["flags"]["dormant"] = True
            if i % 2 == 0:  # active at the start, silent for 2-3 weeks, then back
                back = r.randint(min(self.days - 2, 17), max(min(self.days - 2, 17), self.days - 4))
                u["gap"] = (r.randint(2, 4), back)
            else:  # first seen late in the month
                u["active"] = (r.randint(min(self.days - 2, 12), max(min(self.days - 2, 12), self.days - 3)),
                               self.ndays)
        for u in take(max(1, n // 50)):
            u["flags"]["moved"] = True
        for u in take(max(1, n // 20)):
            u["flags"]["device_change"] = True
        # new accounts set up by the office IT admin
        for off in self.offices:
            if off["admin"] is not None and r.random() < 0.45:
                cands = [m for m in off["members"] if not m["flags"]]
                if cands:
                    m = cands[-1]
                    m["flags"]["new_account"] = True
                    m["active"] = (r.randint(min(4, self.days - 1), max(min(4, self.days - 1), self.days - 5)),
                                   self.ndays)
        for u in users:
            self.build_devices(u)
        for u in users:
            self.build_contacts(u)

    def build_devices(self, u):
        r = self.R("dev/%d" % u["idx"])
        devs = []
        home = self.home_loc(r)
        u["home"] = home
        if u["kind"] in ("worker", "list") and u["office"] is not None:
            off = u["office"]
            c = pick_w(r, DESKTOP, [50, 35, 15])
            d = make_device(r, c, u, 0)
            d["locs"] = ["office"]
            if off["v6"]:
                d["office_ip"] = v6("2001:db8:50:%x::%x" % (off["idx"] + 1, r.randrange(2, 0xfff)))
            devs.append(d)
            x = r.random()
            if x < 0.6:
                d2 = make_device(r, pick_w(r, MOBILE, [65, 35]), u, 1)
                d2["locs"] = ["mobile", "home"]
                devs.append(d2)
            elif x < 0.75:
                d2 = make_device(r, "webmail", u, 1)
                d2["locs"] = ["webmail"]
                devs.append(d2)
        else:
            opts = []
            if r.random() < 0.55:
                opts.append("desk")
            if r.random() < 0.55:
                opts.append("phone")
            if r.random() < 0.2 or not opts:
                opts.append("web")
            opts = opts[:2]
            for i, o in enumerate(opts):
                if o == "desk":
                    d = make_device(r, pick_w(r, DESKTOP, [40, 35, 25]), u, i)
                    d["locs"] = ["home"]
                elif o == "phone":
                    d = make_device(r, pick_w(r, MOBILE, [65, 35]), u, i)
                    d["locs"] = ["mobile", "home"]
                else:
                    d = make_device(r, "webmail", u, i)
                    d["locs"] = ["webmail"]
                devs.append(d)
        for d in devs:
            d["from"], d["to"] = 0, self.ndays
            if d["client"] == "thunderbird":
                d["tbmode"] = pick_w(r, ["8bit", "jis", "b64"], [5, 3, 2])
            if d["client"] == "webmail":
                d["wmmode"] = pick_w(r, ["jis", "b64"], [1, 1])
            if "mobile" in d["locs"]:
                d["mobile_pool"] = self.mobile_v6 if r.random() < 0.35 else self.mobile_v4
        u["devices"] = devs
        f = u["flags"]
        if f.get("device_change"):
            day = r.randint(3, max(3, self.days - 3))
            old = devs[-1]
            c = pick_w(r, MOBILE + DESKTOP, [40, 20, 15, 15, 10])
            nd = make_device(r, c, u, len(devs))
            nd["locs"] = list(old["locs"]) if (c in MOBILE) == (old["client"] in MOBILE) else (
                ["mobile", "home"] if c in MOBILE else (["office"] if "office" in old["locs"] else ["home"]))
            if "mobile" in nd["locs"]:
                nd["mobile_pool"] = old.get("mobile_pool", self.mobile_v4)
            if "office_ip" in old:
                nd["office_ip"] = old["office_ip"]
            if c == "thunderbird":
                nd["tbmode"] = "8bit"
            old["to"] = day
            nd["from"], nd["to"] = day, self.ndays
            devs.append(nd)
            f["device_change"] = day
        if f.get("moved"):
            day = r.randint(4, max(4, self.days - 4))
            prev = home.kind
            u["moved"] = (day, self.home_loc(r, prefer="v6" if prev != "home_v6" else "dyn"))
        if f.get("traveller"):
            d0 = r.randint(2, max(2, self.days - 8))
            ln = r.randint(3, 9)
            tz = pick_w(r, [-8 * 3600, -5 * 3600, 3600, 0, 7 * 3600, 8 * 3600, 10 * 3600],
                        [2, 2, 3, 2, 2, 2, 1])
            hotel = Loc("abroad4", fixed=r.choice(self.abroad), tz=tz)
            hotel2 = Loc("abroad4", fixed=r.choice(self.abroad), tz=tz)
            roam = Loc("abroad6", pool=r.sample(self.roam_v6, 6), tz=tz)
            u["trip"] = (d0, d0 + ln, [hotel, hotel2, roam], tz)

    def user_nets(self, u):
        nets = []
        for d in u["devices"]:
            for l in d["locs"]:
                if l == "office":
                    nets.append(net_of(d.get("office_ip") or u["office"]["loc"].fixed))
                    nets.append(net_of(u["office"]["loc"].fixed))
                elif l == "home":
                    nets += u["home"].nets()
                    if u["moved"]:
                        nets += u["moved"][1].nets()
                elif l == "mobile":
                    nets.append(net_of(d["mobile_pool"][0]))
                elif l == "webmail":
                    nets.append(net_of(WEBMAIL_IPS[0]))
        nets += u["home"].nets()
        if u["trip"]:
            for l in u["trip"][2]:
                nets += l.nets()
        return sorted(dict.fromkeys(nets))

    def build_contacts(self, u):
        r = self.R("contacts/%d" % u["idx"])
        cs = []
        if u["office"] is not None:
            for m in u["office"]["members"]:
                if m is not u:
                    cs.append({"addr": m["addr"], "en": m["en"], "ja": m["ja"], "ja_f": m["ja_f"],
                               "en_g": m["given"].capitalize(), "rel": "colleague",
                               "w": r.paretovariate(1.3) * 2})
            for _ in range(r.randint(2, 12)):
                p = self.external_person(r, [r.choice(CUSTOMER_DOMAINS)])
                p.update(rel="customer", w=r.paretovariate(1.3))
                cs.append(p)
        for _ in range(r.randint(1, 10)):
            p = self.external_person(r, FREEMAIL_DOMAINS)
            p.update(rel="friend", w=r.paretovariate(1.3) * (0.4 if u["kind"] == "worker" else 1.0))
            cs.append(p)
        others = [v for v in self.users if v["kind"] == "home" and v is not u]
        for v in r.sample(others, min(len(others), r.randint(0, 4))):
            cs.append({"addr": v["addr"], "en": v["en"], "ja": v["ja"], "ja_f": v["ja_f"],
                       "en_g": v["given"].capitalize(), "rel": "friend", "w": r.paretovariate(1.3)})
        for _ in range(r.randint(0, 3)):
            p = self.external_person(r, FREEMAIL_DOMAINS)
            p["ja"] = u["ja_f"] + p["ja"].split(" ")[1]
            p["ja_f"] = u["ja_f"]
            p.update(rel="family", w=r.paretovariate(1.3) * 1.5)
            cs.append(p)
        u["contacts"] = cs

    # --- where and how a user sends ------------------------------------------
    def pick_device(self, u, d, hour, weekend, r):
        devs = [x for x in u["devices"] if x["from"] <= d < x["to"]] or u["devices"][-1:]
        if u["trip"] and u["trip"][0] <= d < u["trip"][1]:
            port = [x for x in devs if x["client"] in MOBILE + ["apple_mail", "thunderbird", "webmail"]]
            dev = r.choice(port or devs)
            locs = u["trip"][2]
            if dev["client"] == "webmail":
                wi = r.randrange(len(WEBMAIL_IPS))
                return dev, WEBMAIL_IPS[wi], "wm%d.example.jp" % (wi + 1), u["trip"][3]
            loc = pick_w(r, locs, [5, 2, 3 if dev["client"] in MOBILE else 0.01])
            return dev, loc.ip(d, r), dev["helo"], u["trip"][3]
        work = u["office"] is not None and not weekend and 8 <= hour <= 19
        ws = []
        for x in devs:
            if "office" in x["locs"]:
                ws.append(6.0 if work else (0.3 if not weekend else 0.05))
            else:
                ws.append(1.0 if work else 3.0)
        dev = pick_w(r, devs, ws)
        if dev["client"] == "webmail":
            wi = r.randrange(len(WEBMAIL_IPS))
            return dev, WEBMAIL_IPS[wi], "wm%d.example.jp" % (wi + 1), JST
        if "office" in dev["locs"]:
            return dev, dev.get("office_ip") or u["office"]["loc"].fixed, dev["helo"], JST
        home = u["home"]
        if u["moved"] and d >= u["moved"][0]:
            home = u["moved"][1]
        if "mobile" in dev["locs"] and (work or r.random() < 0.55):
            return dev, r.choice(dev["mobile_pool"]), dev["helo"], JST
        return dev, home.ip(d, r), dev["helo"], JST

    # --- composing ordinary mail ----------------------------------------------
    def hour_weights(self, u, weekend):
        if u["office"] is not None and not weekend:
            return [0, 0, 0, 0, 0, 0, 0.1, 0.4, 2, 5, 6, 5, 2.5, 4, 5, 5, 4.5, 3.5, 2, 1.2, 0.8, 0.5, 0.3, 0.1]
        if weekend:
            return [0.4, 0.2, 0.1, 0, 0, 0, 0.2, 0.6, 1.5, 2.5, 3, 3, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.2, 2.8, 3.2, 3, 2, 1]
        return [0.3, 0.1, 0, 0, 0, 0, 0.3, 1, 1.2, 0.5, 0.3, 0.4, 1.5, 0.8, 0.4, 0.4, 0.5, 0.8, 1.5, 2.5, 3.5, 3.8, 3, 1.5]

    def active_on(self, u, d):
        a0, a1 = u["active"]
        if not (a0 <= d < a1):
            return False
        if u["gap"] and u["gap"][0] <= d < u["gap"][1]:
            return False
        return True

    def user_traffic(self, u):
        r = self.R("traffic/%d" % u["idx"])
        f = u["flags"]
        hours = list(range(24))
        did_test = r.random() < 0.12
        for d in range(self.ndays):
            if not self.active_on(u, d):
                continue
            wd = self.weekday(d)
            weekend = wd >= 5
            if u["kind"] == "list":
                lam = 0.35 if not weekend else 0.2
            elif u["office"] is not None:
                lam = u["rate"] * (0.12 if weekend else 1.0)
            else:
                lam = u["rate"] * (1.3 if weekend else 0.9)
            if u["gap"] and d == u["gap"][1]:
                lam += 1.5  # catching up after the silence
            trip = u["trip"] and u["trip"][0] <= d < u["trip"][1]
            if trip:
                lam *= 0.6
            n = poisson(r, lam)
            if u["kind"] == "list" and wd == u["idx"] % 7:
                self.newsletter(r, u, d)
            if f.get("new_account") and d == u["active"][0]:
                self.new_account_setup(r, u, d)
                continue
            if d == f.get("device_change") or (u["moved"] and d == u["moved"][0]):
                self.setup_test(r, u, d)
            hw = self.hour_weights(u, weekend)
            for _ in range(n):
                h = pick_w(r, hours, hw)
                t = self.day_start(d) + h * 3600 + r.randrange(3600)
                if trip:  # the same local rhythm in the destination's time zone
                    t -= u["trip"][3] - JST
                dev, ip, helo, tz = self.pick_device(u, d, h, weekend, r)
                x = r.random()
                if f.get("it_admin") and x < 0.08:
                    res = self.lookalike_helpdesk(r, u, dev, t, tz)
                elif f.get("helper") and x < 0.06:
                    res = self.lookalike_helpdesk(r, u, dev, t, tz)
                elif f.get("accounting") and x < 0.15:
                    res = self.lookalike_csv(r, u, dev, t, tz)
                elif f.get("engineer") and x < 0.08:
                    res = self.lookalike_port(r, u, dev, t, tz)
                elif u["office"] is not None and x < 0.025:
                    res = self.lookalike_calendar(r, u, dev, t, tz)
                elif x > 0.996 or (did_test and r.random() < 0.1):
                    did_test = False
                    res = self.lookalike_test(r, u, dev, t, tz)
                else:
                    res = self.normal_message(r, u, dev, t, tz)
                msg, rcpts, kind, detail = res
                self.add(t, u["login"], ip, helo, u["addr"], rcpts, msg, kind, 0, u["login"], None, detail)

    def setup_test(self, r, u, d):
        """A user who just set up a new device, or moved to a new network, checks that sending works:
        a new client or a new IP together with a "test" mail, sent to themselves or a contact."""
        if r.random() < 0.35:
            return
        moved = bool(u["moved"]) and d == u["moved"][0]
        if moved:
            devs = [x for x in u["devices"] if x["from"] <= d < x["to"] and "home" in x["locs"]]
            if not devs:
                return
            dev = devs[0]
            ip = u["moved"][1].ip(d, r)
        else:
            dev = [x for x in u["devices"] if x["from"] == d][0]
            if "office" in dev["locs"] and self.weekday(d) < 5:
                ip = dev.get("office_ip") or u["office"]["loc"].fixed
            else:
                ip = (u["moved"][1] if u["moved"] and d >= u["moved"][0] else u["home"]).ip(d, r)
        t = self.day_start(d) + r.randint(19, 22) * 3600 + r.randrange(3600)
        name = {"iphone": "iPhone", "k9": "Android", "thunderbird": "Thunderbird", "outlook": "Outlook",
                "apple_mail": "Mac", "webmail": "webmail"}[dev["client"]]
        if moved:
            subj = r.choice(["テスト", "test", "送信テスト", "回線変更後のテスト", "test after moving"])
            body = r.choice(["光回線に変えたので送信テストです。", "新しいルーターからのテストです。",
                             "Testing mail from the new flat.", "テスト"])
        else:
            subj = r.choice(["テスト", "test", "新しい%sからのテスト" % name, "test from my new %s" % name, "送信テスト"])
            body = r.choice(["新しい%sから送っています。届いていますか？" % name, "テスト送信です。",
                             "Sent from my new %s, please ignore." % name, "test",
                             "機種変更しました。このアドレスは変わりません。"])
        lang = "en" if is_ascii(subj + body) else "ja"
        if r.random() < 0.5:
            to = (u["ja"] if lang == "ja" else u["en"], u["addr"])
        else:
            cs = [c for c in u["contacts"] if c["rel"] in ("family", "friend", "colleague")] or u["contacts"]
            c = pick_w(r, cs, [x["w"] for x in cs])
            to = (c["ja"] if lang == "ja" else c["en"], c["addr"])
        helo = dev["helo"] or "wm1.example.jp"
        if dev["client"] == "webmail":
            ip = WEBMAIL_IPS[0]
        m = self.compose(r, u, dev, t, JST, [to], [], subj, body, lang)
        self.add(t, u["login"], ip, helo, u["addr"], [to[1]], m, "lookalike", 0, u["login"], None,
                 "new_network_test" if moved else "new_device_test")

    def new_account_setup(self, r, u, d):
        """The office IT admin creates the account, mails the settings, then tests it from the office."""
        off = u["office"]
        adm = off["admin"]
        dev = adm["devices"][0]
        t = self.day_start(d) + r.randint(9, 16) * 3600 + r.randrange(3600)
        tgt = {"addr": u["addr"], "ja_f": u["ja_f"], "ja": u["ja"], "en": u["en"], "en_g": u["given"].capitalize()}
        msg, rcpts, kind, detail = self.lookalike_helpdesk(r, adm, dev, t, JST, target=tgt)
        ip = dev.get("office_ip") or off["loc"].fixed
        self.add(t, adm["login"], ip, dev["helo"], adm["addr"], rcpts, msg, kind, 0, adm["login"], None, detail)
        for i in range(r.randint(1, 3)):
            t += r.randint(60, 900)
            subj = r.choice(["テスト", "test", "送信テスト", "test %s" % u["addr"], "新規アカウント設定確認",
                             "テスト送信 (%s)" % u["addr"]])
            body = r.choice(["テスト送信です。", "Test from the new account.", "送信テスト\n%s" % u["addr"],
                             "設定確認: %s / %s\n送信テストです。" % (r.choice(SUBMIT_HOSTS),
                                                             r.choice(["587 / STARTTLS", "465 / SSL"])),
                             "."])
            lang = "en" if is_ascii(subj + body) else "ja"
            to = [(adm["ja"], adm["addr"])] if r.random() < 0.6 else [(u["ja"], u["addr"])]
            m = self.compose(r, u, dev, t, JST, to, [], subj, body, lang)
            self.add(t, u["login"], ip, dev["helo"], u["addr"], [to[0][1]], m, "lookalike", 0, u["login"], None,
                     "it_new_account_test")

    def newsletter(self, r, u, d):
        if "members" not in u:
            rr = self.R("members/%d" % u["idx"])
            club = rr.choice(["さくら町内会", "みなと少年野球クラブ", "Example Hiking Club", "ひまわり合唱団",
                              "PTA広報委員会", "Tokyo Photo Circle", "こもれび書店だより", "ひなた農園だより"])
            mem = [self.external_person(rr, FREEMAIL_DOMAINS) for _ in range(rr.randint(40, 300))]
            prov = [v for v in self.users if v["kind"] == "home"]
            mem += [{"addr": v["addr"], "en": v["en"], "ja": v["ja"]} for v in rr.sample(prov, min(len(prov), 10))]
            u["members"] = mem
            u["club"] = club
        dev = u["devices"][0]
        t = self.day_start(d) + r.randint(19, 22) * 3600 + r.randrange(3600)
        hour = local_dt(t).hour
        dev, ip, helo, tz = self.pick_device(u, d, hour, True, r)
        lang = "en" if is_ascii(u["club"]) else "ja"
        lst = r.random() < 0.4
        mon = local_dt(t).month
        if lang == "ja":
            subj = "[%s] %d月のお知らせ" % (u["club"], mon) if not lst else "[%s] 名簿・連絡先の更新" % u["club"]
            text = "%sの皆様\n\nいつもご協力ありがとうございます。\n今月の予定をお知らせします。\n\n" % u["club"]
            for _ in range(r.randint(2, 5)):
                text += "・%d月%d日 %s\n" % (mon, r.randint(1, 28), r.choice(["定例会", "清掃活動", "練習", "総会", "見学会"]))
        else:
            subj = "[%s] News for %s" % (u["club"], MON[mon - 1]) if not lst else "[%s] Updated member contacts" % u["club"]
            text = "Dear members,\n\nHere is what is coming up this month.\n\n"
            for _ in range(r.randint(2, 5)):
                text += "- %s %d: %s\n" % (MON[mon - 1], r.randint(1, 28), r.choice(["meeting", "walk", "workshop", "party"]))
        if lst:
            text += ("\n新しい会員・役員の連絡先です。\n" if lang == "ja" else "\nContacts of new members and the committee:\n")
            for m in r.sample(u["members"], min(len(u["members"]), r.randint(5, 20))):
                if r.random() < 0.5:
                    text += "%s <%s>\n" % (m["ja"] if lang == "ja" else m["en"], m["addr"])
                else:
                    text += "%s; %s\n" % (m["en"], m["addr"])
        text += "\n" + ("配信停止はこのメールに返信してください。" if lang == "ja" else "Reply to this mail to unsubscribe.")
        text += "\n%s\n%s" % (u["club"], u["addr"])
        rc = [m["addr"] for m in u["members"]]
        for i in range(0, len(rc), 100):
            chunk = rc[i:i + 100]
            m = self.compose(r, u, dev, t, tz, [], [], subj, text, lang)
            self.add(t, u["login"], ip, helo, u["addr"], chunk, m, "lookalike" if lst else "normal", 0,
                     u["login"], None, "newsletter_addresses" if lst else "newsletter")
            t += r.randint(20, 200)

    # --- hijacks ------------------------------------------------------------------
    def build_hijacks(self):
        r = self.R("hijacks")
        elig = [u for u in self.users if u["kind"] in ("worker", "home") and not u["flags"]
                and u["active"] == (0, self.ndays)]
        k = min(self.n_hijacks, len(elig))
        if k < self.n_hijacks:
            print("note: only %d accounts are eligible victims; injecting %d hijacks, not %d"
                  % (len(elig), k, self.n_hijacks), file=sys.stderr)
        victims = r.sample(elig, k)
        fmts = list(FORMATS)
        r.shuffle(fmts)
        for i, v in enumerate(victims):
            fmt = fmts[i] if i < len(fmts) else pick_w(r, FORMATS, FORMAT_W)
            self.make_hijack(i, v, fmt, self.R("hijack/%d" % i))

    def attacker_helo(self, tk, ip):
        rr = self.R("helo/%s/%s" % (tk, ip))
        if tk == "smtpchk":
            return rr.choice(["User", "user-PC"])
        if tk == "oe6":
            return "WIN-%s" % hexs(rr, 11, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        if tk == "script":
            return rr.choice(["localhost", "[%s]" % ip if ":" not in ip else "localhost", "example.jp"])
        if tk == "masssend":
            return hexs(rr, rr.randint(6, 10), "abcdefghijklmnopqrstuvwxyz")
        if tk == "tbclone":
            return "[127.0.0.1]"
        return None

    def make_hijack(self, k, v, fmt, r):
        vnets = self.user_nets(v)
        cand = [(ip, w) for ip, w in zip(self.attacker_pool, self.attacker_w) if net_of(ip) not in vnets]
        tester = pick_w(r, [c[0] for c in cand], [c[1] for c in cand])
        tk = pick_w(r, [x[0] for x in TOOLKITS], [x[1] for x in TOOLKITS])
        tkd = [x for x in TOOLKITS if x[0] == tk][0]
        vdev = v["devices"][0]
        if tk == "mimic":
            ua, helo, tz = list(vdev["ua"]), vdev["helo"] or "[127.0.0.1]", JST
        else:
            ua, helo, tz = list(tkd[2]), self.attacker_helo(tk, tester), tkd[3]
        lo = min(5, max(1, self.days // 4))
        hi = max(lo, self.days - 8)
        d0 = r.randint(lo, hi)
        t0 = self.day_start(d0) + pick_w(r, list(range(24)), [3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3]) * 3600 + r.randrange(3600)
        ntest = pick_w(r, [1, 2, 3], [45, 35, 20])
        host, port = r.choice(SUBMIT_HOSTS), r.choice([465, 587])
        auth = pick_w(r, ["LOGIN", "PLAIN"], [3, 1])
        coll = pick_w(r, self.collectors, self.collector_w)
        coll2 = pick_w(r, self.collectors, self.collector_w) if r.random() < 0.25 else None
        order = r.choice(TUPLE_ORDERS)
        kvk = r.choice(KV_KEYS)
        sep = SEPS.get(fmt) or r.choice([";", "|", ":", ",", "\t"])
        h = {"hijack": k, "user": v["login"], "addr": v["addr"], "format": fmt, "toolkit": tk,
             "tester_ip": tester, "helo": helo, "collectors": [coll] + ([coll2] if coll2 else []),
             "host": host, "port": port, "auth": auth, "test_times": [], "test_ids": []}
        t = t0
        ips = []
        for i in range(ntest):
            if i:
                if r.random() < 0.2:
                    t += 86400 + r.randrange(7200)
                else:
                    t += r.randint(20, 7200)
            ip = tester
            if i and r.random() < 0.25:  # a second checker node re-verifies the credentials
                alt = [c[0] for c in cand if c[0] != tester]
                if alt:
                    ip = r.choice(alt)
            ips.append(ip)
            hl = helo if ip == tester or tk == "mimic" else self.attacker_helo(tk if tk != "mimic" else "script", ip)
            rc = [coll] if not coll2 or i % 2 == 0 else [coll2]
            if coll2 and i == 0 and r.random() < 0.3:
                rc = [coll, coll2]
            fields = {"addr": v["addr"], "login": v["login"], "password": v["password"], "host": host,
                      "port": str(port), "count": str(i + 1 if r.random() < 0.6 else r.randint(1, 9)), "auth": auth}
            msg, detail = self.test_message(r, v, vdev, tk, ua, tz, t, rc, fmt, fields, order, sep, kvk)
            if self.add(t, v["login"], ip, hl, v["addr"], rc, msg, "test_mail", 1, v["login"], k, detail):
                h["test_times"].append(t)
        # the burst: days later (a distribution, not a fixed delay)
        delay = pick_w(r, [1, 2, 3, 4, 5, 6, 7], [8, 18, 24, 20, 13, 10, 7]) + r.uniform(-0.45, 0.45)
        tb = t0 + int(delay * 86400)
        tb = min(tb, self.end - 5 * 3600)
        tb = max(tb, t + 3600)
        bip = tester if r.random() < 0.5 else pick_w(r, [c[0] for c in cand], [c[1] for c in cand])
        bhelo = helo if bip == tester or tk == "mimic" else self.attacker_helo(tk if tk != "mimic" else "script", bip)
        n_msgs, n_rc = self.burst(r, k, v, vdev, tk, ua, tz, tb, bip, bhelo)
        h.update(burst_ip=bip, burst_helo=bhelo, delay_days=round((tb - t0) / 86400.0, 3), burst_start=tb,
                 burst_messages=n_msgs, burst_recipients=n_rc, test_ips=ips)
        self.hijacks.append(h)

    def run(self):
        self.build_network()
        self.build_users()
        for u in self.users:
            self.user_traffic(u)
        self.build_hijacks()

    def write(self, out):
        os.makedirs(os.path.join(out, "msgs"), exist_ok=True)
        evs = sorted(self.events, key=lambda e: (e[0], e[1]))
        ids_by_hijack = {}
        total_bytes = 0
        with open(os.path.join(out, "events.jsonl"), "w", encoding="ascii", newline="\n") as fe, \
                open(os.path.join(out, "labels.jsonl"), "w", encoding="ascii", newline="\n") as fl:
            for i, (t, _, ev, lab, msg) in enumerate(evs, 1):
                rec = {"id": i}
                rec.update(ev)
                rec["file"] = "msgs/%d.eml" % i
                fe.write(json.dumps(rec) + "\n")
                lr = {"id": i}
                lr.update(lab)
                fl.write(json.dumps(lr) + "\n")
                with open(os.path.join(out, "msgs", "%d.eml" % i), "wb") as fm:
                    fm.write(msg)
                total_bytes += len(msg)
                if lab["hijack"] is not None:
                    ids_by_hijack.setdefault(lab["hijack"], []).append((i, lab["kind"]))
        with open(os.path.join(out, "hijacks.jsonl"), "w", encoding="ascii", newline="\n") as fh:
            for h in sorted(self.hijacks, key=lambda x: x["hijack"]):
                ids = ids_by_hijack.get(h["hijack"], [])
                h = dict(h)
                h["test_ids"] = [i for i, kd in ids if kd == "test_mail"]
                bur = [i for i, kd in ids if kd == "burst"]
                h["first_burst_id"] = bur[0] if bur else None
                fh.write(json.dumps(h) + "\n")
        return evs, total_bytes


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a synthetic month of mail submissions with injected "
                                             "credential-test hijacks (Mailward issue 7).")
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--users", type=int, default=400)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--hijacks", type=int, default=40)
    ap.add_argument("--start", type=int, default=1793491200, help="Unix time of the first second")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.users < 20 or a.days < 10:
        ap.error("need --users >= 20 and --days >= 10")
    t_begin = time.monotonic()
    g = Gen(a.seed, a.users, a.days, a.hijacks, a.start)
    g.run()
    evs, nbytes = g.write(a.out)
    if not a.quiet:
        counts = {}
        for _, _, _, lab, _ in evs:
            key = (lab["kind"], lab["detail"])
            counts[key] = counts.get(key, 0) + 1
        print("events %d  users %d  hijacks %d  message bytes %d" % (len(evs), len(g.users), len(g.hijacks), nbytes))
        for (kind, detail) in sorted(counts):
            print("  %-10s %-22s %6d" % (kind, detail, counts[(kind, detail)]))
        print("generated in %.1f s" % (time.monotonic() - t_begin), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
