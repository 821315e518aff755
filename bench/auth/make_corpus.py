#!/usr/bin/python3
"""Write a DKIM-signed corpus and the DNS records that verify it (bench/auth/pipeline.sh).

    make_corpus.py OUT_DIR [--messages N]

OUT_DIR/msgs/*.eml: N messages from N/10 sender domains (d<i>.bench.example), each signed by
dkimpy (Debian python3-dkim) with RSA-2048 and relaxed/relaxed; OUT_DIR/records.json: the SPF,
DKIM and DMARC TXT records of those domains (for dnsmasq). Needs openssl for the keys.
"""
import argparse
import base64
import json
import os
import random
import subprocess

import dkim

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--messages", type=int, default=500)
a = p.parse_args()
os.makedirs(os.path.join(a.out, "msgs"), exist_ok=True)
rng = random.Random("auth-bench")
key_path = os.path.join(a.out, "key.pem")
subprocess.run(["openssl", "genrsa", "-traditional", "-out", key_path, "2048"], check=True,
               capture_output=True)
der = subprocess.run(["openssl", "rsa", "-in", key_path, "-pubout", "-outform", "DER"],
                     check=True, capture_output=True).stdout
key = open(key_path, "rb").read()
pub = base64.b64encode(der).decode()
domains = [f"d{i}.bench.example" for i in range(max(1, a.messages // 10))]
# The load driver sends one fixed envelope (no MAIL FROM): SPF checks the HELO identity.
records = {"client.bench.example": "v=spf1 ip4:192.0.2.0/24 -all"}
for d in domains:
    records[d] = "v=spf1 ip4:192.0.2.0/24 -all"
    records["_dmarc." + d] = "v=DMARC1; p=reject"
    records["s1._domainkey." + d] = f"v=DKIM1; k=rsa; p={pub}"
words = ("report meeting invoice schedule project update review budget team notes "
         "tomorrow weekly numbers draft plan").split()
for i in range(a.messages):
    d = domains[i % len(domains)]
    body = "\r\n".join(" ".join(rng.choice(words) for _ in range(12)) for _ in range(
        rng.randint(5, 60))) + "\r\n"
    msg = (f"From: Sender {i} <user{i}@{d}>\r\nTo: rcpt@mx.example\r\n"
           f"Subject: {' '.join(rng.choice(words) for _ in range(4))}\r\n"
           f"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{i}@{d}>\r\n"
           f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
           f"{body}").encode()
    sig = dkim.sign(msg, b"s1", d.encode(), key, canonicalize=(b"relaxed", b"relaxed"),
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    with open(os.path.join(a.out, "msgs", f"{i:05d}.eml"), "wb") as f:
        f.write(sig + msg)
with open(os.path.join(a.out, "records.json"), "w") as f:
    json.dump(records, f)
