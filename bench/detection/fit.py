#!/usr/bin/env python3
"""Suggest symbol scores from a saved run (evaluate.py --save): an L2-regularised logistic
regression on which symbols fired, on the tune split only, every set weighted equally (and
spam and ham equally within a set), so the small real corpora count as much as the large
generated one.

  fit.py RUN.jsonl [--l2 1.0] [--iters 400] [--threshold 6] [--min-hits 3] [--ignore RE]

Prints, per symbol: hits on spam and ham, the suggested score (in points: the fitted
boundary mapped onto the add-header threshold), and the score the run used. The
suggestions are a starting point for hand-tuning (see doc/rules.md), not the result.
"""
import argparse
import collections
import json
import math
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('run')
    ap.add_argument('--l2', type=float, default=1.0)
    ap.add_argument('--iters', type=int, default=400)
    ap.add_argument('--threshold', type=float, default=6.0)
    ap.add_argument('--min-hits', type=int, default=3)
    ap.add_argument('--ignore', default='^(MIME_TRACE|ARC_NA|DMARC_NA|R_DKIM_NA|R_SPF_NA|DMARC_DNSFAIL)$')
    args = ap.parse_args()
    ignore = re.compile(args.ignore)
    rows = []
    with open(args.run, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            if r['scanner'] == 'mailward' and r['split'] == 'tune':
                rows.append(r)
    hits = collections.Counter()
    for r in rows:
        for s in r['symbols']:
            hits[s] += 1
    names = sorted(s for s, n in hits.items() if n >= args.min_hits and not ignore.search(s))
    index = {s: i for i, s in enumerate(names)}
    # Sample weights: every (set, label) group gets the same total weight.
    groups = collections.Counter((r['set'], r['label']) for r in rows)
    data = []
    for r in rows:
        x = [index[s] for s in r['symbols'] if s in index]
        y = 1.0 if r['label'] == 'spam' else 0.0
        data.append((x, y, 1.0 / groups[(r['set'], r['label'])]))
    total_w = sum(w for _, _, w in data)
    beta = [0.0] * len(names)
    bias = 0.0
    lr = 0.5
    for _ in range(args.iters):   # full-batch gradient descent (no numpy on the target)
        g = [0.0] * len(names)
        gb = 0.0
        for x, y, w in data:
            z = bias + sum(beta[i] for i in x)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            d = (p - y) * w / total_w
            gb += d
            for i in x:
                g[i] += d
        for i in range(len(names)):
            beta[i] -= lr * (g[i] + args.l2 * 1e-3 * beta[i])
        bias -= lr * gb
    scale = args.threshold / -bias if bias < 0 else 1.0
    labels = collections.Counter(r['label'] for r in rows)
    per = collections.defaultdict(collections.Counter)
    used = {}
    for r in rows:
        for s, v in r['symbols'].items():
            per[s][r['label']] += 1
            used[s] = v
    print(f'bias {bias:.3f} -> 1 logit = {scale:.2f} points; spam {labels["spam"]}, ham {labels["ham"]}')
    print(f"{'symbol':34} {'spam':>6} {'ham':>6} {'suggest':>8} {'used':>6}")
    for i in sorted(range(len(names)), key=lambda i: -beta[i]):
        s = names[i]
        print(f'{s:34} {per[s]["spam"]:6} {per[s]["ham"]:6} {beta[i] * scale:8.2f} {used.get(s, 0):6.2f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
