#!/usr/bin/python3
"""Labelled mail for evaluating the Bayes classifier (issue 13): spam and ham of many kinds and
languages, written as RFC 5322 messages.

    generate_mail.py --out DIR [--spam N] [--ham N] [--seed S] [--now EPOCH]

writes DIR/spam/NNNNN.eml and DIR/ham/NNNNN.eml (CRLF line ends). The same seed gives
byte-identical files: every draw comes from one random.Random seeded with --seed, nothing
reads the clock or the environment (dates are relative to --now).

What varies: language (English, German, French, Spanish, Russian, Portuguese, Italian,
Chinese, Japanese), kind (ham: work mail, personal mail, newsletters, receipts and other
transactional mail, mailing lists, notifications; spam: pharmacy, phishing, advance-fee
fraud, lotteries, crypto schemes, extortion, loans, SEO, dating, replicas, malware
attachments), plain text, HTML, or both; charsets (UTF-8 and legacy ones) and transfer
encodings; mail programs; Received chains; replies with quoted text; attachments. Spam uses
the tricks spam uses (misspelt drug names, filler words, image links, free-mail reply
addresses); ham and spam share much vocabulary (accounts, orders, payments, offers, links).

It is generated mail: the sentences come from fixed banks (tools/bayes/mailgen_text.py), so
a classifier learns it more easily than real mail. bench/RESULTS.md says so beside its
figures."""

import argparse
import base64
import os
import random
import string
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mailgen_text as T  # noqa: E402

CRLF = "\r\n"
DOW = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
LEGACY = {"ru": ["koi8-r", "windows-1251"], "de": ["iso-8859-1", "iso-8859-15"],
          "fr": ["iso-8859-1", "windows-1252"], "es": ["iso-8859-1"], "pt": ["iso-8859-1"],
          "it": ["iso-8859-1"], "ja": ["iso-2022-jp", "shift_jis"], "zh": ["gb2312", "gbk"]}
HAM_MUAS = ["Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0",
            "Microsoft Outlook 16.0", "Apple Mail (2.3731.700.6)", "iPhone Mail (21C66)",
            "Roundcube Webmail/1.6.5", "Evolution 3.46.4", None, None]
SPAM_MUAS = ["PHPMailer 6.8.1 (https://github.com/PHPMailer/PHPMailer)", "Microsoft Outlook 16.0",
             "The Bat! (v9.4.5) Professional", "Foxmail 7.2", None, None, "Mailer 1.0"]


class Gen:
    def __init__(self, seed, now):
        self.r = random.Random(seed)
        self.now = now  # messages are dated within the three days before

    # ---- small helpers
    def pick(self, xs):
        return xs[self.r.randrange(len(xs))]

    def pickw(self, xs, ws):
        return self.r.choices(xs, weights=ws, k=1)[0]

    def token(self, n, alphabet=string.ascii_lowercase + string.digits):
        return "".join(self.pick(alphabet) for _ in range(n))

    def date(self):
        hours = self.pick([0, 1, 2, -5, -8, 9, 3])
        t = time.gmtime(self.now - self.r.randrange(3 * 86400) + hours * 3600)
        tz = f"{'+' if hours >= 0 else '-'}{abs(hours):02d}00"
        return f"{DOW[t.tm_wday]}, {t.tm_mday} {MON[t.tm_mon - 1]} {t.tm_year} " \
               f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} {tz}"

    def message_id(self, domain, mua):
        """A Message-ID in the form the mail program writes."""
        if mua and "Outlook" in mua:
            return f"<{self.token(14, '0123456789abcdef')}${self.token(8, '0123456789abcdef')}$" \
                   f"{self.token(8, '0123456789abcdef')}@{domain}>"
        if mua and ("Thunderbird" in mua or "Apple Mail" in mua or "iPhone" in mua):
            hexd = "0123456789abcdef"
            u = "-".join(self.token(n, hexd) for n in (8, 4, 4, 4, 12))
            return f"<{u.upper() if 'Thunderbird' not in mua else u}@{domain}>"
        return f"<{self.token(12)}.{self.token(6)}@{domain}>"

    def ip(self):
        return f"{self.r.randrange(11, 223)}.{self.r.randrange(256)}.{self.r.randrange(256)}." \
               f"{self.r.randrange(1, 255)}"

    def spam_domain(self):
        words = self.r.sample(T.SPAM_WORDS, 2)
        sep = self.pick(["", "-", ""])
        return f"{words[0]}{sep}{words[1]}{self.r.randrange(100) if self.r.random() < 0.3 else ''}." \
               f"{self.pick(T.SPAM_TLDS)}"

    def person(self, lang):
        first, last = self.pick(T.FIRST[lang]), self.pick(T.LAST[lang])
        latin = lang not in ("ru", "zh", "ja")
        local = (f"{first}.{last}" if latin else self.pick(T.FIRST["en"]) + "." +
                 self.pick(T.LAST["en"])).lower()
        local = local.encode("ascii", "ignore").decode() or "user"
        name = f"{last}{first}" if lang in ("zh", "ja") else f"{first} {last}"
        return name, local

    def ctx(self, lang, name, sender, company):
        amount = self.pick(["$", "€", "£"]) + f"{self.r.randrange(10, 9999)}.{self.r.randrange(100):02d}"
        if self.r.random() < 0.2:
            amount = f"${self.r.randrange(1, 30)},{self.r.randrange(1000):03d},000"
        return {
            "name": name.split()[0] if lang not in ("zh", "ja") else name, "sender": sender,
            "company": company, "company_name": company.split(".")[0].replace("-", " ").title(),
            "brand": self.pick(T.BRANDS), "product": self.pick(T.PRODUCTS), "amount": amount,
            "num": str(self.r.randrange(10000, 9999999)), "num2": str(self.r.randrange(1, 20)),
            "date": f"{self.r.randrange(1, 28)} {self.pick(MONTHS_EN)}",
            "day": self.pick(DAYS_EN) if lang == "en" else str(self.r.randrange(1, 28)) + ".",
            "time": f"{self.r.randrange(8, 18)}:{self.pick(['00', '15', '30', '45'])}",
            "month": self.pick(MONTHS_EN), "city": self.pick(T.CITIES), "drug": self.pick(T.DRUGS),
            "coin": self.pick(T.COINS), "percent": str(self.pick([10, 15, 20, 25, 30, 40, 50, 70])),
            "project": self.pick(T.PROJECTS), "topic": self.pick(T.TOPICS), "url": "",
        }

    @staticmethod
    def fill(text, ctx):
        for k, v in ctx.items():
            text = text.replace("{" + k + "}", v)
        return text

    def sentences(self, bank, n, ctx):
        n = min(n, len(bank))
        return [self.fill(s, ctx) for s in self.r.sample(bank, n)]

    # ---- spam tricks
    def obfuscate(self, text):
        subs = {"a": "@", "i": "1", "o": "0", "e": "3", "s": "$"}
        out = []
        for w in text.split(" "):
            if self.r.random() < 0.15 and w.isalpha():
                w = "".join(subs.get(c, c) if self.r.random() < 0.5 else c for c in w)
            out.append(w)
        return " ".join(out)

    def hash_buster(self):
        return " ".join(self.pick(T.DICTIONARY) for _ in range(self.r.randrange(15, 60)))

    # ---- bodies
    def html(self, paragraphs, links, footer, spam):
        color = self.pick(["#0a66c2", "#d93025", "#188038", "#333333", "#ff6600"])
        parts = ["<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title></title></head>",
                 f"<body style=\"font-family:Arial,sans-serif;color:#222\"><table width=\"600\">"]
        if self.r.random() < 0.6:
            parts.append(f"<tr><td><img src=\"{links[0][0].rsplit('/', 1)[0]}/logo.png\" "
                         "width=\"120\" alt=\"logo\"></td></tr>")
        for p in paragraphs:
            parts.append(f"<tr><td><p>{p}</p></td></tr>")
        for href, text in links:
            parts.append(f"<tr><td><a href=\"{href}\" style=\"background:{color};color:#fff;"
                         f"padding:10px 20px;text-decoration:none\">{text}</a></td></tr>")
        if spam and self.r.random() < 0.3:
            parts.append(f"<tr><td><span style=\"font-size:1px;color:#ffffff\">"
                         f"{self.hash_buster()}</span></td></tr>")
        if footer:
            parts.append(f"<tr><td style=\"font-size:11px;color:#888\">{footer}</td></tr>")
        parts.append("</table></body></html>")
        return "\n".join(parts)

    def encode_text(self, text, subtype, lang):
        """(headers, body) of one text part: charset and transfer encoding drawn."""
        charset = "utf-8"
        if lang in LEGACY and self.r.random() < 0.35:
            charset = self.pick(LEGACY[lang])
        try:
            raw = text.encode(charset)
        except UnicodeEncodeError:
            charset, raw = "utf-8", text.encode("utf-8")
        ascii_only = all(b < 128 for b in raw)
        if charset == "iso-2022-jp":
            cte, body = "7bit", raw.decode("ascii", "replace")
        elif ascii_only and self.r.random() < 0.7:
            cte, body = "7bit", raw.decode("ascii")
        elif self.r.random() < 0.5:
            cte, body = "base64", base64.encodebytes(raw).decode("ascii")
        else:
            cte, body = "quoted-printable", qp_encode(raw)
        headers = [f"Content-Type: text/{subtype}; charset=\"{charset}\"",
                   f"Content-Transfer-Encoding: {cte}"]
        return headers, body.replace("\r\n", "\n").replace("\n", CRLF)

    def attachment(self, kind):
        if kind == "pdf":
            data = b"%PDF-1.4\n" + bytes(self.r.randrange(256) for _ in range(600)) + b"\n%%EOF\n"
            return "application/pdf", f"invoice_{self.r.randrange(1000, 9999)}.pdf", data
        if kind == "zip":
            data = b"PK\x03\x04" + bytes(self.r.randrange(256) for _ in range(400))
            name = self.pick(["invoice", "document", "payment", "order", "scan"])
            return "application/zip", f"{name}_{self.r.randrange(100, 999)}.zip", data
        if kind == "ics":
            data = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Meeting\r\n"
                    f"DTSTART:2024{self.r.randrange(1, 12):02d}{self.r.randrange(1, 28):02d}"
                    "T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()
            return "text/calendar", "invite.ics", data
        data = bytes(self.r.randrange(256) for _ in range(500))
        return "image/jpeg", f"IMG_{self.r.randrange(1000, 9999)}.jpg", data

    def assemble(self, headers, text, html, attachments, lang):
        """Headers (list of strings) plus the MIME body."""
        parts = []
        if text is not None:
            parts.append(self.encode_text(text, "plain", lang))
        if html is not None:
            parts.append(self.encode_text(html, "html", lang))
        if len(parts) == 2:
            b = "=_alt_" + self.token(16)
            body = ""
            for h, c in parts:
                body += f"--{b}{CRLF}" + CRLF.join(h) + CRLF + CRLF + c + CRLF
            body += f"--{b}--{CRLF}"
            top = ([f"Content-Type: multipart/alternative; boundary=\"{b}\""], body)
        else:
            top = parts[0]
        if attachments:
            b = "=_mix_" + self.token(16)
            body = f"--{b}{CRLF}" + CRLF.join(top[0]) + CRLF + CRLF + top[1] + CRLF
            for ctype, name, data in attachments:
                enc = base64.encodebytes(data).decode("ascii").replace("\n", CRLF)
                body += (f"--{b}{CRLF}Content-Type: {ctype}; name=\"{name}\"{CRLF}"
                         f"Content-Disposition: attachment; filename=\"{name}\"{CRLF}"
                         f"Content-Transfer-Encoding: base64{CRLF}{CRLF}{enc}")
            body += f"--{b}--{CRLF}"
            top = ([f"Content-Type: multipart/mixed; boundary=\"{b}\""], body)
        return CRLF.join(headers + ["MIME-Version: 1.0"] + top[0]) + CRLF + CRLF + top[1]

    def received(self, hops, spam):
        lines = []
        mx = self.pick(["mx1.mail.example.net", "mx2.mail.example.net", "in.example.org"])
        for i in range(hops):
            src_ip = self.ip()
            if spam and i == hops - 1:
                helo = self.pick([f"[{src_ip}]", self.token(8) + ".local", "User", self.spam_domain()])
            else:
                helo = self.pick(["mail", "smtp", "out", "mta"]) + str(self.r.randrange(1, 30)) + \
                       "." + self.pick(T.COMPANIES + T.FREEMAIL)
            lines.append(f"Received: from {helo} ({helo} [{src_ip}])\r\n\tby {mx} (Postfix) "
                         f"with ESMTPS id {self.token(12, string.ascii_uppercase + string.digits)}"
                         f"\r\n\tfor <{self.token(6)}@example.net>; {self.date()}")
            mx = helo
        return lines

    # ---- messages
    def ham(self):
        lang = self.pickw(T.LANGS, T.LANG_W)
        bank = T.HAM[lang]
        kinds = [k for k in T.HAM_KINDS_EN if k in bank] if lang == "en" else \
            [k for k in ("work", "personal", "trans", "news") if k in bank]
        weights = [T.HAM_KINDS_EN_W[T.HAM_KINDS_EN.index(k)] for k in kinds]
        kind = self.pickw(kinds, weights)
        rname, rlocal = self.person(lang)
        sname, slocal = self.person(lang)
        company = self.pick(T.COMPANIES)
        c = self.ctx(lang, rname, sname.split()[0], company)
        automated = kind in ("news", "trans", "notify")
        if automated:
            from_name = c["company_name"] if kind != "notify" else c["project"] + " Bot"
            from_addr = self.pick(["noreply", "news", "info", "orders", "notifications"]) + "@" + company
        else:
            from_name = sname
            from_addr = slocal + "@" + (company if kind in ("work", "list") and
                                         self.r.random() < 0.7 else self.pick(T.FREEMAIL))
        subj_bank = bank.get(kind + "_subj") or bank.get("work_subj")
        subject = self.fill(self.pick(subj_bank), c)
        n = self.r.randrange(2, 7) if kind != "list" else self.r.randrange(2, 5)
        paras = self.sentences(bank[kind], n, c)
        link_host = "https://www." + company
        links = [(f"{link_host}/{self.pick(['account', 'orders', 'news', 'track', 'help'])}/"
                  f"{self.token(8)}", self.pick(["View your order", "Read more", "Track package",
                                                 "Open the dashboard", "Reset password"]))]
        text = [self.fill(self.pick(bank["open"]), c), ""] + paras
        if kind == "list" or (kind == "work" and self.r.random() < 0.4):
            quoted = self.sentences(bank[kind], 2, c)
            text += ["", f"On {self.date()}, {self.person(lang)[0]} wrote:"] + ["> " + q for q in quoted]
        text += ["", self.fill(self.pick(bank["close"]), c), sname if not automated else c["company_name"]]
        if automated:
            text += ["", links[0][0], "", self.pick(bank.get("foot", T.HAM["en"]["foot"]))]
        text_body = "\n".join(text)
        html_body = None
        if kind in ("news", "trans") and self.r.random() < 0.8:
            html_body = self.html(paras, links, self.pick(bank.get("foot", T.HAM["en"]["foot"])), False)
            if self.r.random() < 0.4:
                text_body = None
        attachments = []
        if kind == "trans" and self.r.random() < 0.3:
            attachments.append(self.attachment("pdf"))
        elif kind == "work" and self.r.random() < 0.15:
            attachments.append(self.attachment(self.pick(["pdf", "ics", "jpg"])))
        elif kind == "personal" and self.r.random() < 0.15:
            attachments.append(self.attachment("jpg"))
        headers = self.received(self.r.randrange(1, 4), False)
        mua = self.pick(HAM_MUAS) if not automated else None
        headers += [f"Date: {self.date()}", f"From: {from_name} <{from_addr}>",
                    f"To: {rname} <{rlocal}@example.net>", f"Subject: {subject}",
                    f"Message-ID: {self.message_id(from_addr.split('@')[1], mua)}"]
        if subject.startswith(("Re:", "Re :", "RE:")) or subject.startswith("回复") or \
                "Re: " in subject:
            parent = f"<{self.token(16)}@{self.pick(T.COMPANIES + T.FREEMAIL)}>"
            headers += [f"In-Reply-To: {parent}", f"References: {parent}"]
        if mua:
            headers.append(("User-Agent: " if "Mozilla" in mua or "Roundcube" in mua else "X-Mailer: ") + mua)
        if kind == "list":
            headers += [f"List-Id: <{c['project'].lower()}-dev.lists.{company}>",
                        f"List-Unsubscribe: <mailto:{c['project'].lower()}-dev-leave@lists.{company}>",
                        "Precedence: list"]
        if kind == "news":
            headers += [f"List-Unsubscribe: <https://www.{company}/unsubscribe/{self.token(10)}>",
                        "Precedence: bulk"]
        return self.assemble(headers, text_body, html_body, attachments, lang)

    def spam(self):
        lang = self.pickw(T.LANGS, T.LANG_W)
        bank = T.SPAM[lang]
        if lang == "en":
            kind = self.pickw(T.SPAM_KINDS_EN, T.SPAM_KINDS_EN_W)
        else:
            kind = self.pick([k for k in ("pharma", "phish", "lottery", "crypto", "loan", "seo",
                                          "dating") if k in bank])
        rname, rlocal = self.person(lang)
        sname, slocal = self.person(lang)
        c = self.ctx(lang, rname, sname, self.pick(T.COMPANIES))
        domain = self.spam_domain()
        if kind == "phish" and self.r.random() < 0.5:
            from_name, from_addr = c["brand"] + " " + self.pick(["Support", "Security", "Service"]), \
                self.pick(["support", "security", "no-reply", "service"]) + "@" + domain
        elif kind in ("fraud", "lottery", "dating", "extort") and self.r.random() < 0.6:
            from_name, from_addr = sname, slocal + str(self.r.randrange(10, 99)) + "@" + \
                self.pick(T.FREEMAIL)
        else:
            from_name, from_addr = self.pick([sname, c["company_name"], "Info", "Admin"]), \
                self.pick(["info", "sales", "news", slocal, self.token(6)]) + "@" + domain
        subj_bank = bank.get(kind + "_subj") or bank["subj"]
        subject = self.fill(self.pick(subj_bank), c)
        if self.r.random() < 0.2:
            subject = subject.upper()
        n = self.r.randrange(2, 6)
        paras = self.sentences(bank.get(kind) or bank["phish"], n, c)
        if kind in ("pharma", "replica", "dating") and lang == "en":
            paras = [self.obfuscate(p) for p in paras]
        url = f"http://{self.pick([domain, self.ip(), self.spam_domain()])}/" \
              f"{self.pick(['login', 'verify', 'promo', 'claim', 'go', 'r', 'index.php'])}" \
              f"{'?id=' + self.token(10) if self.r.random() < 0.6 else ''}"
        cta = self.pick(bank.get("cta", T.SPAM["en"]["cta"]))
        text = [self.fill(self.pick(bank["open"]), c), ""] + paras + ["", f"{cta}: {url}", "",
                                                                      self.pick(bank["close"])]
        if self.r.random() < 0.25:
            text += ["", self.hash_buster()]
        text_body = "\n".join(text)
        html_body = None
        if self.r.random() < 0.6:
            html_body = self.html(paras, [(url, cta)], None, True)
            if self.r.random() < 0.55:
                text_body = None
        attachments = []
        if kind == "malware":
            attachments.append(self.attachment("zip"))
        elif self.r.random() < 0.05:
            attachments.append(self.attachment("jpg"))
        headers = self.received(self.r.randrange(1, 4), True)
        to = f"{rname} <{rlocal}@example.net>" if self.r.random() < 0.6 else f"{rlocal}@example.net"
        headers += [f"Date: {self.date()}", f"From: {from_name} <{from_addr}>", f"To: {to}",
                    f"Subject: {subject}"]
        if self.r.random() < 0.9:
            headers.append(f"Message-ID: <{self.token(self.r.randrange(10, 30))}@{domain}>")
        if self.r.random() < 0.3:
            headers.append(f"Reply-To: {slocal}{self.r.randrange(100)}@{self.pick(T.FREEMAIL)}")
        mua = self.pick(SPAM_MUAS)
        if mua:
            headers.append("X-Mailer: " + mua)
        if self.r.random() < 0.15:
            headers.append("X-Priority: 1")
        return self.assemble(headers, text_body, html_body, attachments, lang)


def qp_encode(raw):
    """Quoted-printable (RFC 2045) with soft line breaks at 76 columns."""
    out, line = [], ""
    for b in raw:
        ch = chr(b)
        if b == 10:
            out.append(line)
            line = ""
            continue
        if b == 13:
            continue
        enc = ch if (33 <= b <= 126 and ch != "=") or b == 32 else f"={b:02X}"
        if len(line) + len(enc) > 75:
            out.append(line + "=")
            line = ""
        line += enc
    out.append(line)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--spam", type=int, default=1000)
    ap.add_argument("--ham", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--now", type=int, default=1735689600,
                    help="epoch seconds the messages are dated up to three days before "
                         "(default 2025-01-01; give the time of the scan to avoid date rules)")
    a = ap.parse_args()
    g = Gen(a.seed, a.now)
    for label, count, make in (("spam", a.spam, g.spam), ("ham", a.ham, g.ham)):
        d = os.path.join(a.out, label)
        os.makedirs(d, exist_ok=True)
        for i in range(count):
            with open(os.path.join(d, f"{i:05d}.eml"), "w", encoding="ascii", errors="strict",
                      newline="") as f:
                f.write(encode_headers(make()))


def encode_headers(msg):
    """RFC 2047 for non-ASCII header values (the body is already encoded)."""
    head, sep, body = msg.partition(CRLF + CRLF)
    lines = []
    for line in head.split(CRLF):
        if all(ord(c) < 128 for c in line):
            lines.append(line)
            continue
        name, _, value = line.partition(": ")
        addr = ""
        if value.endswith(">") and " <" in value:  # encode the display name, not the address
            value, addr = value.rsplit(" <", 1)
            addr = " <" + addr
        words = []
        chunk = value
        while chunk:
            piece, chunk = chunk[:18], chunk[18:]
            words.append("=?UTF-8?B?" + base64.b64encode(piece.encode()).decode() + "?=")
        lines.append(name + ": " + (CRLF + " ").join(words) + addr)
    return CRLF.join(lines) + sep + body


if __name__ == "__main__":
    main()
