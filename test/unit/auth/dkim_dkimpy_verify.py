#!/usr/bin/python3
"""Verify messages signed by Mailward with dkimpy (Debian python3-dkim), for interop tests.

Usage: dkim_dkimpy_verify.py DIR

DIR/records.tsv holds the DNS TXT records to serve: "<name>\t<value>", where the value
NXDOMAIN makes the name absent and TIMEOUT makes the lookup fail. Every DIR/*.eml is checked
with dkim.verify() (the topmost signature) and one line "<file>\t<pass|fail>" is printed per
message, in name order ("error: ..." when dkimpy raises). Exit status 3 when dkimpy cannot be
imported.
"""

import glob
import os
import sys


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: dkim_dkimpy_verify.py DIR\n")
        return 2
    try:
        import dkim
    except ImportError:
        return 3
    records = {}
    with open(os.path.join(argv[1], "records.tsv")) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                name, value = line.split("\t", 1)
                records[name.lower().rstrip(".")] = value

    def dnsfunc(name, timeout=5):
        key = name.decode("ascii").lower().rstrip(".")
        value = records.get(key, "NXDOMAIN")
        if value == "NXDOMAIN":
            return None
        if value == "TIMEOUT":
            raise dkim.DKIMException("DNS timeout for %s" % key)
        return value.encode("ascii")

    for path in sorted(glob.glob(os.path.join(argv[1], "*.eml"))):
        with open(path, "rb") as f:
            message = f.read()
        try:
            result = "pass" if dkim.verify(message, dnsfunc=dnsfunc) else "fail"
        except Exception as e:  # dkimpy lets some crypto errors escape: report, do not stop
            result = "error: %s" % e
        print("%s\t%s" % (os.path.basename(path), result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
