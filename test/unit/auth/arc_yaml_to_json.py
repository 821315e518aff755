#!/usr/bin/python3
"""Convert the ARC conformance suite (ValiMail arc_test_suite YAML) to JSON for the C++ tests.

Usage: arc_yaml_to_json.py INPUT.yml OUTPUT.json

Writes a JSON array with one object per YAML document (scenario), keeping every key as the
suite has it (description, tests, txt-records, domain, sel, privatekey). Message texts keep
their exact characters (YAML block scalars: LF line endings, trailing spaces preserved);
the C++ side converts LF to CRLF as the upstream runners do. Integers (t:) stay integers.
Run with Debian's /usr/bin/python3 (python3-yaml).
"""

import json
import os
import sys

import yaml


def to_json_value(value):
    """Return a JSON-serialisable copy; anything unusual becomes a string."""
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_value(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: arc_yaml_to_json.py INPUT.yml OUTPUT.json\n")
        return 2
    with open(argv[1], "r", encoding="utf-8") as f:
        scenarios = [to_json_value(doc) for doc in yaml.safe_load_all(f) if doc is not None]
    tmp = argv[2] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(scenarios, f, ensure_ascii=False, indent=1)
    os.replace(tmp, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
