#!/usr/bin/python3
"""Sign Mailward's DKIM test messages with dkimpy (Debian python3-dkim), for interop tests.

Usage: dkimpy_sign.py KEYDIR MSGDIR OUTDIR

Every MSGDIR/msg_*.eml (stored with LF endings; converted to CRLF here) is signed with the
test keys KEYDIR/rsa2048.pem (selector "rsa") and KEYDIR/ed25519.pem (selector "ed"), domain
example.com, in the four header/body canonicalisation combinations, without and with l=.
Each signed message is written to OUTDIR/<msg>.<selector>.<header>-<body>[.l].eml and listed
in OUTDIR/manifest.tsv (file, selector, canonicalisation, length flag). The C++ test verifies
them with Mailward's verifier.

When dkimpy cannot be imported the manifest only holds a "# skipped" line, so that the build
still succeeds and the test reports itself skipped (failed when CI is set: need_tool.h).
"""

import base64
import glob
import os
import sys

CANONS = [(b"simple", b"simple"), (b"relaxed", b"relaxed"), (b"relaxed", b"simple"),
          (b"simple", b"relaxed")]


def ed25519_seed(pem_text):
    """The raw 32-byte seed (base64) of a PKCS#8 Ed25519 PEM key: the last 32 DER bytes."""
    body = "".join(line for line in pem_text.splitlines() if not line.startswith("-----"))
    der = base64.b64decode(body)
    return base64.b64encode(der[-32:])


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: dkimpy_sign.py KEYDIR MSGDIR OUTDIR\n")
        return 2
    keydir, msgdir, outdir = argv[1:]
    os.makedirs(outdir, exist_ok=True)
    manifest = os.path.join(outdir, "manifest.tsv")
    try:
        import dkim
    except ImportError as e:
        with open(manifest, "w") as f:
            f.write("# skipped: cannot import dkim (%s)\n" % e)
        return 0
    with open(os.path.join(keydir, "rsa2048.pem")) as f:
        rsa = f.read().encode("ascii")
    with open(os.path.join(keydir, "ed25519.pem")) as f:
        ed = ed25519_seed(f.read())
    keys = [(b"rsa", rsa, b"rsa-sha256"), (b"ed", ed, b"ed25519-sha256")]
    rows = []
    for path in sorted(glob.glob(os.path.join(msgdir, "msg_*.eml"))):
        with open(path, "rb") as f:
            message = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        stem = os.path.basename(path)[:-4]
        for selector, key, algorithm in keys:
            for canon in CANONS:
                for length in (False, True):
                    sig = dkim.sign(message, selector, b"example.com", key,
                                    canonicalize=canon, signature_algorithm=algorithm,
                                    length=length)
                    name = "%s.%s.%s-%s%s.eml" % (stem, selector.decode(), canon[0].decode(),
                                                  canon[1].decode(), ".l" if length else "")
                    with open(os.path.join(outdir, name), "wb") as f:
                        f.write(sig + message)
                    rows.append("%s\t%s\t%s/%s\t%d" % (name, selector.decode(), canon[0].decode(),
                                                       canon[1].decode(), 1 if length else 0))
    with open(manifest + ".tmp", "w") as f:
        f.write("\n".join(rows) + "\n")
    os.replace(manifest + ".tmp", manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
