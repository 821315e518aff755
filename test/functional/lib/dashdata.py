"""Generated traffic for the dashboard tests (test_dashboard_api.py, test_dashboard_browser.py).

Inbound: a few hundred messages from four sender domains served by dnsmasq (mwtest.Dnsmasq),
with SPF, DKIM (signed by dkimpy, an independent implementation) and DMARC set up differently:

  pass.example      SPF pass, DKIM signed, DMARC p=reject            -> everything passes
  quar.example      sent from an address outside its SPF, unsigned, DMARC p=quarantine
  none.example      SPF pass, unsigned, DMARC p=none                 -> DMARC passes (SPF aligned)
  nodmarc.example   sent from outside its SPF (~all), unsigned, no DMARC record

Outbound: an account of the provider sends ordinary mail from the office, then credential-test
mail (a delimited credential tuple) to a collector from a new address: the detector holds it
(the lab configuration of tools/outbound).

A generated month (Setup(month=True)): tools/outbound/generate.py writes a month of
submissions of a small provider, ending now, with several hijacked accounts (test mail, then
the burst); `mailward replay` feeds it through the engine into the daemon's own store before
the daemon starts (the store's clock follows the recorded times). Month.expected_* derive,
from the replay's replies alone, what the dashboard must show: the accounts detected with
their masked tuples, and the incidents (detection to the burst start, by the rule of
doc/outbound.md "Incidents" applied to the refused messages: burst_starts).

expected_auth(replies) derives, from the symbols of each scan's reply, what the server's
per-day authentication counts must be: an independent tally to compare with /authstats.
"""
import base64
import json
import os
import random
import shutil
import subprocess
import tempfile
import time

import mwtest

try:
    import dkim
except ImportError:  # pragma: no cover
    dkim = None

GOOD_IP = "192.0.2.10"
BAD_IP = "198.51.100.7"
DNSMASQ = "/usr/sbin/dnsmasq"
SKIP = (None if dkim and shutil.which("openssl") and os.access(DNSMASQ, os.X_OK)
        else "python3-dkim, openssl and dnsmasq are needed")

LAB = os.path.join(mwtest.SOURCE_DIR, "tools", "outbound", "lab", "local.d")
FIX = os.path.join(mwtest.SOURCE_DIR, "test", "lua", "fixtures", "outbound")
USER = "taro.yamada"
OFFICE = {"User": USER, "IP": "192.0.2.44", "From": "taro.yamada@example.jp",
          "Rcpt": "hanako@example.co.jp", "Helo": "office-pc"}
ATTACKER = {"User": USER, "IP": "203.0.113.9", "From": "taro.yamada@example.jp",
            "Rcpt": "resultbox77@freemail.example", "Helo": "WIN-4F2K"}
# (domain, how many, client address, signed)
PLAN = [("pass.example", 90, GOOD_IP, True), ("quar.example", 60, BAD_IP, False),
        ("none.example", 70, GOOD_IP, False), ("nodmarc.example", 40, BAD_IP, False)]


def rsa_key(directory):
    path = os.path.join(directory, "dash.pem")
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", path, "2048"], check=True,
                   capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    with open(path, "rb") as f:
        return f.read(), base64.b64encode(der).decode()


def dns_records(pub):
    return {
        "pass.example": "v=spf1 ip4:192.0.2.0/24 -all",
        "_dmarc.pass.example": "v=DMARC1; p=reject",
        "s1._domainkey.pass.example": f"v=DKIM1; k=rsa; p={pub}",
        "quar.example": "v=spf1 ip4:192.0.2.0/24 -all",
        "_dmarc.quar.example": "v=DMARC1; p=quarantine",
        "none.example": "v=spf1 ip4:192.0.2.0/24 -all",
        "_dmarc.none.example": "v=DMARC1; p=none",
        "nodmarc.example": "v=spf1 ip4:192.0.2.0/24 ~all",
    }


def lab_overrides(extra=None):
    out = {}
    for f in sorted(os.listdir(LAB)):
        with open(os.path.join(LAB, f)) as fh:
            out["local.d/" + f] = fh.read()
    out.update(extra or {})
    return out


def pw_hash(p):
    return subprocess.run([mwtest.MW_BINARY, "pw", "--password", p], capture_output=True,
                          text=True, check=True).stdout.strip()


GENERATE = os.path.join(mwtest.SOURCE_DIR, "tools", "outbound", "generate.py")
# The month: 30 days, 24 accounts, 6 of them hijacked (seed 15: every hijack is detected by
# the shipped model; the replay takes a few seconds).
MONTH = {"days": 30, "users": 24, "hijacks": 6, "seed": 15}
# The buckets of days of the burst-delay chart (controller_outbound.cpp).
DELAY_BUCKETS = [("0", 1), ("1", 2), ("2", 3), ("3", 4), ("4-6", 7), ("7-13", 14),
                 ("14-29", 30), ("30+", float("inf"))]


def delay_bucket(days):
    return next(label for label, below in DELAY_BUCKETS if days < below)


class Month:
    """A generated month replayed into `config`'s state directory (before the daemon
    starts): the generator's hijacks and events, and the replay's replies by event id."""

    def __init__(self, config, dns_port, tmp):
        data = os.path.join(tmp, "month")
        start = int(time.time()) - MONTH["days"] * 86400 - 3600
        subprocess.run(["python3", GENERATE, "--out", data, "--seed", str(MONTH["seed"]),
                        "--users", str(MONTH["users"]), "--days", str(MONTH["days"]),
                        "--hijacks", str(MONTH["hijacks"]), "--start", str(start), "--quiet"],
                       check=True, capture_output=True, timeout=120)
        with open(os.path.join(data, "hijacks.jsonl")) as f:
            self.hijacks = [json.loads(l) for l in f]
        with open(os.path.join(data, "events.jsonl")) as f:
            self.events = [json.loads(l) for l in f]
        out = subprocess.run([mwtest.MW_BINARY, "replay", "--conf", config.dir, "--state",
                              config.dbdir, "--dns", f"127.0.0.1:{dns_port}",
                              os.path.join(data, "events.jsonl")],
                             check=True, capture_output=True, text=True, timeout=300).stdout
        self.replies = {r["id"]: r for r in map(json.loads, out.splitlines())}

    def expected_detections(self):
        """{user: masked tuple or None} of every account the replay flagged (OUTBOUND_RECON),
        from its first detection's reply."""
        out = {}
        for ev in self.events:
            s = self.replies[ev["id"]]["symbols"]
            if "OUTBOUND_RECON" in s and ev["user"] not in out:
                cred = s.get("OUTBOUND_CRED_TUPLE") or s.get("OUTBOUND_KV_CREDENTIALS")
                out[ev["user"]] = cred["options"][1] if cred else None
        return out

    def expected_collectors(self):
        """{address: accounts} of the recipients that detected mail (OUTBOUND_RECON) of at
        least two accounts went to: each must be one of the server's collectors."""
        users = {}
        for ev in self.events:
            if "OUTBOUND_RECON" in self.replies[ev["id"]]["symbols"]:
                for r in ev["rcpt"]:
                    users.setdefault(r.lower(), set()).add(ev["user"])
        return {a: u for a, u in users.items() if len(u) >= 2}

    def expected_incidents(self):
        """[(user, days)]: for each account held by its detection, the burst start (the rule
        of doc/outbound.md "Incidents", burst_starts) among its messages refused while held
        (the replay never releases an account), in days after the detection."""
        detected, refused = {}, {}
        for ev in self.events:
            s = self.replies[ev["id"]]["symbols"]
            user = ev["user"]
            if "OUTBOUND_RECON" in s and user not in detected:
                detected[user] = ev["time"]
            elif "OUTBOUND_HELD" in s and user in detected:
                refused.setdefault(user, []).append((ev["time"], ev["rcpt"]))
        out = []
        for user, msgs in refused.items():
            start = burst_starts(msgs)
            if start is not None:
                out.append((user, (start - detected[user]) / 86400))
        return out

    def refused_before_burst(self):
        """{user: [days after the detection of each refused message before the burst]}."""
        detected, out = {}, {}
        for ev in self.events:
            s = self.replies[ev["id"]]["symbols"]
            if "OUTBOUND_RECON" in s and ev["user"] not in detected:
                detected[ev["user"]] = ev["time"]
        for user, days in self.expected_incidents():
            for ev in self.events:
                d = (ev["time"] - detected[user]) / 86400
                if ev["user"] == user and d < days and \
                        "OUTBOUND_HELD" in self.replies[ev["id"]]["symbols"]:
                    out.setdefault(user, []).append(d)
        return out


# The burst rule's defaults ([outbound] burst_recipients, burst_window; doc/outbound.md).
BURST_RECIPIENTS = 10
BURST_WINDOW = 3600
MAX_RCPTS = 50  # recipients examined per message (rules/outbound.lua)


def burst_starts(refused):
    """The time of the refused message that starts the burst, from [(time, [recipients])] of
    one hold in time order, or None: the first message with which the refused mail reached
    BURST_RECIPIENTS distinct recipients (case-insensitive) within BURST_WINDOW seconds."""
    seen = {}  # recipient -> last time
    for t, rcpts in refused:
        reached = 0
        for i, r in enumerate(rcpts):
            if i >= MAX_RCPTS or reached >= BURST_RECIPIENTS:
                break
            seen[r.lower()] = t
            reached = sum(1 for last in seen.values() if t - last < BURST_WINDOW)
        if reached >= BURST_RECIPIENTS:
            return t
    return None


def burst_chart(incident_days):
    """The chart's rows [{days, count}] for a list of delays in days."""
    return [{"days": label, "count": sum(delay_bucket(d) == label for d in incident_days)}
            for label, _ in DELAY_BUCKETS]


class Setup:
    """dnsmasq with the zones of the plan and the daemon (one scan worker) using it, with the
    passwords "reader" (reads) and "writer" (enable password). `cleanup` registers how to
    stop everything (unittest's addCleanup or addClassCleanup). month=True replays a
    generated month into the store first (self.month)."""

    def __init__(self, cleanup, controller_extra="", month=False):
        self.tmp = tempfile.mkdtemp(prefix="mwdash-")
        cleanup(shutil.rmtree, self.tmp, True)
        self.key, pub = rsa_key(self.tmp)
        self.dns = mwtest.Dnsmasq(dns_records(pub)).start()
        cleanup(self.dns.stop)
        self.config = mwtest.Config(lab_overrides({
            "local.d/60-dash.toml":
                '[options.dns]\ntimeout = "500ms"\nretransmits = 1\n'
                '[stats]\nflush_interval = "200ms"\nhistory_rows = 2000\n'
                f'[controller]\npassword = "{pw_hash("reader")}"\n'
                f'enable_password = "{pw_hash("writer")}"\n'
                # Loopback is a secure_ip network by default (no password asked): without
                # one, the passwords decide.
                'secure_ip = []\n' + controller_extra +
                # Holds of the first days of the month outlive its end.
                '[outbound]\nhold_ttl = "45d"\n'}))
        cleanup(self.config.cleanup)
        self.month = Month(self.config, self.dns.port, self.tmp) if month else None
        self.daemon = mwtest.Daemon(self.config, workers=1,
                                    extra_args=["--dns", f"127.0.0.1:{self.dns.port}"])
        cleanup(self.daemon.stop)
        self.daemon.start()


def inbound_message(domain, i, key=None):
    msg = (f"From: Sender {i} <news{i}@{domain}>\r\nTo: rcpt@mx.example\r\n"
           f"Subject: Newsletter {i} from {domain}\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
           f"Message-ID: <{i}.{time.time_ns()}@{domain}>\r\nMIME-Version: 1.0\r\n"
           f"Content-Type: text/plain\r\n\r\nHello, this is issue {i} of our newsletter.\r\n").encode()
    if key is None:
        return msg
    sig = dkim.sign(msg, b"s1", domain.encode(), key,
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
                    canonicalize=(b"relaxed", b"relaxed"))
    return sig + msg


def scan_inbound(daemon, key, seed=15):
    """Scan the inbound plan in a shuffled order: [(sender domain, reply)], in that order."""
    jobs = [(d, i, ip, signed) for d, n, ip, signed in PLAN for i in range(n)]
    random.Random(seed).shuffle(jobs)
    replies = []
    for domain, i, ip, signed in jobs:
        msg = inbound_message(domain, i, key if signed else None)
        replies.append((domain, daemon.scan(msg, {"IP": ip, "From": f"<news{i}@{domain}>",
                                                  "Helo": f"mail.{domain}",
                                                  "Rcpt": "rcpt@mx.example"})))
    return replies


def normal_mail(i):
    return ("From: taro.yamada@example.jp\r\nTo: hanako@example.co.jp\r\nSubject: meeting %d\r\n"
            "Message-ID: <6a1b2c3d-1111-2222-3333-%012d@example.jp>\r\nMIME-Version: 1.0\r\n"
            "User-Agent: Mozilla Thunderbird 128\r\nContent-Type: text/plain\r\n\r\n"
            "Hello Hanako, the room is booked from ten to twelve on Friday.\r\n" % (i, i))


def burst_mail(i):
    return ("From: taro.yamada@example.jp\r\nTo: undisclosed-recipients:;\r\n"
            "Subject: Your parcel could not be delivered\r\n"
            "Message-ID: <burst-%d@example.jp>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain\r\n\r\nConfirm your address within 24 hours: "
            "http://parcel-redelivery.example/confirm?id=%d\r\n" % (i, i))


# The attacker's burst in the live account: four messages to three new recipients each.
BURST = [["customer%d.%d@freemail.example" % (i, j) for j in range(3)] for i in range(4)]


def scan_outbound(daemon):
    """Office mail, then a credential-test mail: the account ends up held. Then, refused while
    held: the user's own mail to one colleague (not a burst), and the attacker's burst (BURST).
    The replies, and the refused messages [(time, [recipients])] in order."""
    replies = [daemon.scan(normal_mail(i), OFFICE) for i in range(8)]
    replies.append(daemon.scan(os.path.join(FIX, "tuple-semicolon.eml"), ATTACKER))
    refused = []
    for mail, env in [(normal_mail(100), OFFICE)] + [
            (burst_mail(i), dict(ATTACKER, Rcpt=", ".join(rcpts)))
            for i, rcpts in enumerate(BURST)]:
        refused.append((time.time(), env["Rcpt"].split(", ")))
        replies.append(daemon.scan(mail, env))
    return replies, refused


def expected_auth(scans):
    """The authentication counts and failing domains the replies' symbols imply, from
    [(sender domain, reply)] (the envelope and From domains are the same in the plan)."""
    out = {k: 0 for k in ("checked", "spf_pass", "dkim_pass", "dmarc_pass", "policy_none",
                          "policy_quarantine", "policy_reject", "policy_absent",
                          "policy_unknown")}
    fails = {"spf": {}, "dkim": {}, "dmarc": {}}
    for domain, r in scans:
        s = r["symbols"]
        if not any(k.startswith(("R_SPF_", "R_DKIM_", "DMARC_")) for k in s):
            continue
        out["checked"] += 1
        passed = {"spf": "R_SPF_ALLOW" in s, "dkim": "R_DKIM_ALLOW" in s,
                  "dmarc": "DMARC_POLICY_ALLOW" in s}
        for check, ok in passed.items():
            out[check + "_pass"] += ok
            if not ok:
                fails[check][domain] = fails[check].get(domain, 0) + 1
        if passed["dmarc"]:
            policy = s["DMARC_POLICY_ALLOW"]["options"][1]
        elif "DMARC_POLICY_REJECT" in s:
            policy = "reject"
        elif "DMARC_POLICY_QUARANTINE" in s:
            policy = "quarantine"
        elif "DMARC_POLICY_SOFTFAIL" in s:
            policy = "none"
        elif "DMARC_NA" in s:
            policy = "absent"
        else:
            policy = "unknown"
        out["policy_" + policy] += 1
    return out, fails
