#!/usr/bin/python3
"""Convert a YAML file (one or more documents) to JSON for the C++ tests.

Usage: yaml_to_json.py INPUT.yml OUTPUT.json

The output is always a JSON array with one element per YAML document, so that multi-document
suites (the RFC 7208 SPF suite, the ARC suite) and single documents read the same way.
Nothing is interpreted: test drivers apply the suite's own rules in C++.

Strings keep their code points; code points above U+007F are written as UTF-8 (the SPF
suite's "\\xEF\\xBB\\xBF"-style escapes thus stay non-ASCII, which is all the tests rely on).
Scalars YAML would turn into non-JSON types (dates, binary, sets) are written as strings.
"""

import datetime
import json
import os
import sys

import yaml


def plain(value):
    """Return a JSON-serialisable copy of a loaded YAML value."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [plain(v) for v in sorted(value, key=str)]
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: yaml_to_json.py INPUT.yml OUTPUT.json\n")
        return 2
    with open(argv[1], "rb") as f:
        docs = [plain(d) for d in yaml.safe_load_all(f) if d is not None]
    tmp = argv[2] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(docs, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
