#!/usr/bin/env python3
"""Per-symbol statistics of a saved benchmark run (evaluate.py --save), for choosing scores.

  symstats.py RUN.jsonl [--scanner mailward] [--split tune] [--set NAME] [--min 3]
              [--flagged-ham] [--missed-spam] [--symbol NAME]

Default: for each symbol, how often it fires on spam and on ham (per set), its score, and the
ratio. --flagged-ham / --missed-spam list those messages with their symbols; --symbol lists
the messages where one symbol fired.
"""
import argparse
import collections
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('run')
    ap.add_argument('--scanner', default='mailward')
    ap.add_argument('--split', default='tune', choices=['tune', 'holdout', 'all'])
    ap.add_argument('--set', default='')
    ap.add_argument('--min', type=int, default=3)
    ap.add_argument('--flagged-ham', action='store_true')
    ap.add_argument('--missed-spam', action='store_true')
    ap.add_argument('--symbol', default='')
    args = ap.parse_args()
    flagged = {'add header', 'rewrite subject', 'reject'}
    rows = []
    with open(args.run, encoding='utf-8') as f:
        for line in f:
            r = json.loads(line)
            if r['scanner'] != args.scanner:
                continue
            if args.split != 'all' and r['split'] != args.split:
                continue
            if args.set and r['set'] != args.set:
                continue
            rows.append(r)

    def show(r):
        syms = ' '.join(f'{k}({v:g})' for k, v in sorted(r['symbols'].items(), key=lambda kv: -abs(kv[1])) if v)
        print(f"{r['score']:6.2f} {r['label']:4} {r['kind']:28} {r['path']}\n        {syms}")

    if args.flagged_ham or args.missed_spam or args.symbol:
        for r in sorted(rows, key=lambda r: -r['score']):
            if args.flagged_ham and r['label'] == 'ham' and r['action'] in flagged:
                show(r)
            elif args.missed_spam and r['label'] == 'spam' and r['action'] not in flagged:
                show(r)
            elif args.symbol and args.symbol in r['symbols']:
                show(r)
        return 0

    n = collections.Counter(r['label'] for r in rows)
    hits = collections.defaultdict(collections.Counter)
    score = {}
    for r in rows:
        for s, v in r['symbols'].items():
            hits[s][r['label']] += 1
            score[s] = v
    print(f"{'symbol':36} {'score':>6} {'spam %':>7} {'ham %':>7}  (spam {n['spam']}, ham {n['ham']})")
    for s in sorted(hits, key=lambda s: -(hits[s]['spam'] + hits[s]['ham'])):
        h = hits[s]
        if h['spam'] + h['ham'] < args.min:
            continue
        sp = 100.0 * h['spam'] / n['spam'] if n['spam'] else 0
        hm = 100.0 * h['ham'] / n['ham'] if n['ham'] else 0
        print(f"{s:36} {score[s]:6.2f} {sp:7.1f} {hm:7.1f}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
