"""The second generator's world: a regional provider ("Hikari", hikari.example), the
companies it hosts, its home, mobile and webmail users, their networks, devices and
correspondents, and the attackers' infrastructure. Reserved names and addresses only."""

import random
import zlib

from corpus import FIRST, LAST, LANGS
from passwords import user_password

PROVIDER = "hikari.example"
SMTP_HOSTS = ["smtp.hikari.example", "submit.hikari.example", "mail.hikari.example"]
FREE = ["quickmail.test", "inbox.test", "mailpost.test", "freebox.test", "webpost.test"]
EXTERNAL_BIZ = ["acme-trading.example.com", "nord-logistik.example.net", "atelier-roux.example.org",
                "kito-seiki.example", "sol-y-mar.example.com", "volga-parts.example.net",
                "jinhua-tech.example"]
COMPANY_NAMES = ["tanaka-kogyo", "minato-design", "aozora-clinic", "kaze-law", "fuji-foods",
                 "sunrise-travel", "midori-books", "hoshi-electric", "umi-logistics", "yama-build",
                 "kawa-consult", "nami-studio", "tsuki-soft", "hana-florist", "kumo-it"]

CLIENTS = [
    # (user agent header, header name, message-id style)
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.4.0",
     "User-Agent", "uuid"),
    ("Microsoft Outlook 16.0", "X-Mailer", "outlook"),
    ("Apple Mail (2.3776.700.51)", "X-Mailer", "apple"),
    ("iPhone Mail (21H16)", "X-Mailer", "apple"),
    ("K-9 Mail for Android", "User-Agent", "k9"),
    ("Becky! ver. 2.81.04", "X-Mailer", "becky"),
    ("Roundcube Webmail/1.6.9", "User-Agent", "webmail"),
]
TOOLKITS = [
    (None, None, "plain"),                       # a script: no client header
    ("SMTPTester/1.4", "X-Mailer", "plain"),
    ("PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)", "X-Mailer", "php"),
    ("Microsoft CDO for Windows 2000", "X-Mailer", "outlook"),
    ("MIMIC", None, None),                       # the victim's own client
]


def ip4(a, b, c, d):
    return "%d.%d.%d.%d" % (a, b, c, d)


class World:
    def __init__(self, seed, n_users):
        self.rng = random.Random("%s/world" % seed)
        self.domain = PROVIDER
        self.smtp_host = SMTP_HOSTS[0]
        self.free_domains = FREE
        self.users = []
        self.companies = []
        self._build(n_users)

    def _person(self, rng, lang):
        first = rng.choice(FIRST[lang])
        last = rng.choice(LAST[lang])
        return first, last

    def _new_user(self, rng, role, lang, company=None):
        first, last = self._person(rng, lang)
        local = rng.choice(["%s.%s", "%s%s", "%s_%s", "%.1s%s"]) % (first.lower(), last.lower())
        local = local.encode("ascii", "ignore").decode() or "user"
        local += "" if rng.random() < 0.6 else str(rng.randrange(1, 99))
        if company:
            domain = company["domain"]
            addr = "%s@%s" % (local, domain)
            login = addr
        else:
            domain = PROVIDER
            addr = "%s@%s" % (local, domain)
            login = local
        while any(u["addr"] == addr for u in self.users):
            addr = addr.replace("@", "%d@" % rng.randrange(10))
            login = addr if company else addr.split("@")[0]
        client = rng.randrange(len(CLIENTS))
        u = {
            "name": "%s %s" % (first, last), "first": first, "addr": addr, "login": login,
            "domain": domain, "lang": lang, "role": role, "company": company["name"] if company else None,
            "password": user_password(rng, first), "clients": [client],
            "helo": rng.choice(["DESKTOP-%s" % "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(7)),
                                "%s-PC" % first.upper()[:6], "MacBook-Pro.local", "[192.168.1.%d]" % rng.randrange(2, 250)]),
            "home_ip": ip4(198, 51, 100, rng.randrange(1, 121)),
            "v6": rng.random() < 0.25, "v6net": "2001:db8:100:%x" % rng.randrange(0x1000, 0xffff),
            "office_ip": company["ip"] if company else None,
            "rate": rng.lognormvariate(0.2 if company else -0.6, 0.7),
            "mobile": rng.random() < 0.3, "corr": [], "active_from": 0, "travel": None,
            "device_change": None,
        }
        return u

    def _build(self, n):
        rng = self.rng
        n_comp = max(3, n // 22)
        for i in range(n_comp):
            name = COMPANY_NAMES[i % len(COMPANY_NAMES)] + ("" if i < len(COMPANY_NAMES) else str(i))
            self.companies.append({"name": name, "domain": name + ".example",
                                   "ip": ip4(192, 0, 2, 150 + i % 50), "staff": [], "admin": None})
        while len(self.users) < n:
            r = rng.random()
            lang = rng.choices(LANGS, weights=[45, 25, 5, 5, 5, 5, 5, 5])[0]
            if r < 0.5:
                comp = rng.choice(self.companies)
                role = "office"
                if comp["admin"] is None:
                    role = "it_admin"
                elif rng.random() < 0.15:
                    role = "developer"
                u = self._new_user(rng, role, lang, comp)
                if role == "it_admin":
                    comp["admin"] = u
                comp["staff"].append(u)
            else:
                role = rng.choices(["home", "shop", "club", "elder"], weights=[70, 12, 6, 12])[0]
                u = self._new_user(rng, role, lang)
            self.users.append(u)
        # Correspondents: colleagues, friends and family on free mail, business contacts.
        for u in self.users:
            corr = []
            if u["company"]:
                comp = next(c for c in self.companies if c["name"] == u["company"])
                corr += [c for c in comp["staff"] if c is not u][:8]
            for _ in range(rng.randrange(2, 9)):
                lang = u["lang"] if rng.random() < 0.8 else rng.choice(LANGS)
                first, last = self._person(rng, lang)
                dom = rng.choice(FREE if rng.random() < 0.6 else EXTERNAL_BIZ)
                local = ("%s.%s" % (first, last)).lower().encode("ascii", "ignore").decode()
                corr.append({"name": "%s %s" % (first, last), "first": first, "lang": lang,
                             "addr": "%s@%s" % (local, dom), "login": local, "domain": dom})
            for other in rng.sample(self.users, min(3, len(self.users))):
                if other is not u:
                    corr.append(other)
            u["corr"] = corr
            if rng.random() < 0.04:
                u["travel"] = (rng.randrange(2, 20), rng.randrange(3, 9))
            if rng.random() < 0.06:
                u["device_change"] = rng.randrange(3, 25)

    def hire(self, rng, company, day):
        """A new member of staff: created by the company's administrator on `day`."""
        lang = company["admin"]["lang"] if company["admin"] else "ja"
        u = self._new_user(rng, "office", lang, company)
        u["active_from"] = day
        u["corr"] = [company["admin"]] + [c for c in company["staff"]][:4]
        company["staff"].append(u)
        self.users.append(u)
        return u

    def ip_for(self, rng, u, day):
        """Where a user submits from on `day`: office, home, phone, webmail, or abroad."""
        if u["travel"] and u["travel"][0] <= day < u["travel"][0] + u["travel"][1]:
            return ip4(203, 0, 113, 64 + (zlib.crc32(u["addr"].encode()) % 60)), "hotel-wifi"
        if u["clients"][0] == 6 or rng.random() < 0.05:
            return ip4(192, 0, 2, 10 + rng.randrange(4)), "web%d.hikari.example" % rng.randrange(1, 5)
        if u["mobile"] and rng.random() < 0.4:
            if rng.random() < 0.5:
                return "2001:db8:300:%x::%x" % (rng.randrange(0x10000), rng.randrange(1, 0xffff)), "localhost"
            return ip4(203, 0, 113, 200 + rng.randrange(54)), "localhost"
        if u["office_ip"] and rng.random() < 0.85:
            return u["office_ip"], u["helo"]
        if u["v6"]:
            return "%s::%x" % (u["v6net"], rng.randrange(1, 0xffff)), u["helo"]
        ip = u["home_ip"]
        if rng.random() < 0.1:  # a dynamic address that moved within the pool
            ip = ip4(198, 51, 100, rng.randrange(1, 121))
            u["home_ip"] = ip
        return ip, u["helo"]


ATTACK_V4 = [ip4(203, 0, 113, d) for d in range(1, 41)] + [ip4(192, 0, 2, d) for d in range(60, 91)]
RESIDENTIAL = [ip4(198, 51, 100, d) for d in range(121, 128)]


def attacker_ip(rng):
    r = rng.random()
    if r < 0.6:
        return rng.choice(ATTACK_V4)
    if r < 0.8:
        return rng.choice(RESIDENTIAL)
    return "2001:db8:dead:%x::%x" % (rng.randrange(0x10000), rng.randrange(1, 0xffff))
