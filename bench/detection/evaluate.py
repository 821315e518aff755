#!/usr/bin/env python3
"""Detection benchmark: scan labelled sets with Mailward (and Rspamd) and report, per set and
split, spam flagged, ham flagged (action "add header" or worse), the ROC AUC of the score, and
the spam flagged at the lowest score threshold that flags at most 2 % of the ham (a point on
the ROC curve, for scanners whose default threshold flags more ham than that).

  evaluate.py [--sets spamassassin,rspamd,generated,mailgen] [--gen-dir DIR]
              [--mailgen-dir DIR] [--mailward BIN]
              [--conf DIR] [--dns HOST:PORT] [--rspamd HOST:PORT] [--split tune|holdout|all]
              [--save FILE.jsonl] [--load FILE.jsonl [--by-kind]] [--markdown]
              [--name NAME] [--list SPLIT:LABEL]

Mailward runs as `mailward scan` (one process per chunk of files); Rspamd through its HTTP
/checkv2 endpoint (started by bench/rspamd/run_rspamd.sh --stock, see run.sh). --save keeps
every reply (symbols and scores) for symstats.py; --load reports from a saved run without
scanning. --name labels the Mailward rows (e.g. "mailward+bayes" when MAILWARD_DBDIR names a
store whose classifier has learned); --list tune:spam prints the paths of one split and label
(what run.sh --bayes teaches) and exits. Exit status 0 on success, 2 on bad usage, 1 when a scanner failed.
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import subprocess
import sys

import sets as labelled_sets

FLAGGED = {'add header', 'rewrite subject', 'reject'}
CHUNK = 200


def scan_mailward(binary, conf, dns, paths):
    replies = []
    for i in range(0, len(paths), CHUNK):
        chunk = paths[i:i + CHUNK]
        cmd = [binary, 'scan', '--conf', conf, '--log-level', 'error']
        if dns:
            cmd += ['--dns', dns]
        proc = subprocess.run(cmd + chunk, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        errors = [l for l in proc.stderr.decode('utf-8', 'replace').splitlines() if ' error ' in l]
        if errors:   # a rule that fails is a bug: say so, once per chunk
            print(f'evaluate.py: {len(errors)} error lines from mailward, first: {errors[0]}',
                  file=sys.stderr)
        lines = proc.stdout.decode('utf-8', 'replace').splitlines()
        if len(lines) != len(chunk):
            raise RuntimeError(f'mailward scan gave {len(lines)} replies for {len(chunk)} files')
        replies.extend(json.loads(line) for line in lines)
    return replies


def _rspamd_one(hostport, path):
    host, port = hostport.rsplit(':', 1)
    with open(path, 'rb') as f:
        body = f.read()
    for _attempt in range(3):
        try:
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            conn.request('POST', '/checkv2', body=body, headers={'Pass': 'all'})
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            if resp.status == 200:
                return json.loads(data)
        except (OSError, http.client.HTTPException):
            pass
    raise RuntimeError(f'rspamd did not answer for {path}')


def scan_rspamd(hostport, paths, threads=4):
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda p: _rspamd_one(hostport, p), paths))


def summarise(reply):
    syms = reply.get('symbols') or {}
    return {
        'score': float(reply.get('score', 0.0)),
        'action': reply.get('action', 'no action'),
        'symbols': {name: round(float(s.get('score', 0.0)), 3) for name, s in syms.items()},
    }


def auc(spam, ham):
    """Probability that a random spam scores above a random ham (ties count half)."""
    if not spam or not ham:
        return float('nan')
    ranked = sorted([(s, 1) for s in spam] + [(h, 0) for h in ham])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg_rank = (i + j + 1) / 2.0  # ranks are 1-based
        rank_sum += avg_rank * sum(1 for k in range(i, j) if ranked[k][1] == 1)
        i = j
    n_s, n_h = len(spam), len(ham)
    return (rank_sum - n_s * (n_s + 1) / 2.0) / (n_s * n_h)


def spam_at_ham_rate(spam, ham, max_ham=0.02):
    """Spam flagged (%) at the lowest score threshold that flags at most max_ham of the ham."""
    if not spam or not ham:
        return float('nan')
    best = 0.0
    for t in sorted(set(spam) | set(ham)):
        if sum(1 for h in ham if h >= t) <= max_ham * len(ham):
            best = 100.0 * sum(1 for x in spam if x >= t) / len(spam)
            break
    return best


def metrics(rows):
    spam = [r for r in rows if r['label'] == 'spam']
    ham = [r for r in rows if r['label'] == 'ham']
    def rate(xs):
        return 100.0 * sum(1 for r in xs if r['action'] in FLAGGED) / len(xs) if xs else float('nan')
    return {
        'n_spam': len(spam), 'n_ham': len(ham),
        'spam_flagged': rate(spam), 'ham_flagged': rate(ham),
        'ham_flagged_n': sum(1 for r in ham if r['action'] in FLAGGED),
        'auc': auc([r['score'] for r in spam], [r['score'] for r in ham]),
        'spam_at_2': spam_at_ham_rate([r['score'] for r in spam], [r['score'] for r in ham]),
    }


def groups(rows, split):
    """(set, split) -> rows, plus an 'all sets' group per split."""
    out = {}
    splits = ['tune', 'holdout'] if split == 'all' else [split]
    for sp in splits:
        chosen = [r for r in rows if r['split'] == sp]
        for name in sorted({r['set'] for r in chosen}):
            out[(name, sp)] = [r for r in chosen if r['set'] == name]
        out[('all sets', sp)] = chosen
    return out


def fmt(v, pct=True):
    if v != v:  # NaN
        return '-'
    return f'{v:.1f} %' if pct else f'{v:.3f}'


def report(rows, split, markdown):
    scanners = sorted({r['scanner'] for r in rows},
                      key=lambda s: (not s.startswith('mailward'), s))
    lines = []
    if markdown:
        lines.append('| set | split | spam / ham | scanner | spam flagged | ham flagged | AUC | '
                     'spam at <= 2 % ham |')
        lines.append('|---|---|---|---|---|---|---|---|')
    for (name, sp), grp in groups(rows, split).items():
        for sc in scanners:
            m = metrics([r for r in grp if r['scanner'] == sc])
            if m['n_spam'] + m['n_ham'] == 0:
                continue
            ham = f"{fmt(m['ham_flagged'])} ({m['ham_flagged_n']})"
            if markdown:
                lines.append(f"| {name} | {sp} | {m['n_spam']} / {m['n_ham']} | {sc} | "
                             f"{fmt(m['spam_flagged'])} | {ham} | {fmt(m['auc'], False)} | "
                             f"{fmt(m['spam_at_2'])} |")
            else:
                lines.append(f"{name:13} {sp:8} {m['n_spam']:5}/{m['n_ham']:<5} {sc:9} "
                             f"spam {fmt(m['spam_flagged']):>8}  ham {ham:>12}  "
                             f"AUC {fmt(m['auc'], False)}  spam@2%ham {fmt(m['spam_at_2']):>8}")
    return '\n'.join(lines)


def report_kinds(rows, split, markdown):
    """Flag rates per kind of message (generated mail: era-kind), per scanner."""
    scanners = sorted({r['scanner'] for r in rows},
                      key=lambda s: (not s.startswith('mailward'), s))
    chosen = [r for r in rows if split == 'all' or r['split'] == split]
    kinds = sorted({(r['label'], r['kind']) for r in chosen})
    lines = ['| label | kind | n | ' + ' | '.join(f'{sc} flagged' for sc in scanners) + ' |',
             '|---|---|---|' + '---|' * len(scanners)] if markdown else []
    for label, kind in kinds:
        cells = []
        n = 0
        for sc in scanners:
            grp = [r for r in chosen if r['scanner'] == sc and r['kind'] == kind and r['label'] == label]
            n = len(grp)
            cells.append(fmt(100.0 * sum(1 for r in grp if r['action'] in FLAGGED) / n) if n else '-')
        if markdown:
            lines.append(f'| {label} | {kind} | {n} | ' + ' | '.join(cells) + ' |')
        else:
            lines.append(f'{label:5} {kind:28} {n:5}  ' + '  '.join(f'{c:>8}' for c in cells))
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--sets', default='spamassassin,rspamd,generated,mailgen')
    ap.add_argument('--gen-dir', default=os.path.join(labelled_sets.ROOT, 'build', 'detection',
                                                      'generated'))
    ap.add_argument('--mailgen-dir', default=os.path.join(labelled_sets.ROOT, 'build',
                                                          'detection', 'mailgen'))
    ap.add_argument('--mailward', default=os.path.join(labelled_sets.ROOT, 'build', 'src', 'app',
                                                       'mailward'))
    ap.add_argument('--conf', default=os.path.join(labelled_sets.ROOT, 'conf'))
    ap.add_argument('--dns', default='')
    ap.add_argument('--rspamd', default='')
    ap.add_argument('--no-mailward', action='store_true')
    ap.add_argument('--split', default='all', choices=['tune', 'holdout', 'all'])
    ap.add_argument('--save', default='')
    ap.add_argument('--load', default='')
    ap.add_argument('--markdown', action='store_true')
    ap.add_argument('--by-kind', action='store_true', help='flag rates per kind of message')
    ap.add_argument('--name', default='mailward', help='scanner name of the Mailward rows')
    ap.add_argument('--list', default='', help='SPLIT:LABEL: print those paths and exit')
    args = ap.parse_args()

    if args.load:
        with open(args.load, encoding='utf-8') as f:
            rows = [json.loads(line) for line in f]
        print(report_kinds(rows, args.split, args.markdown) if args.by_kind
              else report(rows, args.split, args.markdown))
        return 0

    samples = labelled_sets.load([s for s in args.sets.split(',') if s], args.gen_dir,
                                 args.mailgen_dir)
    if args.list:
        split, _, label = args.list.partition(':')
        for s in samples:
            if s.split == split and s.label == label:
                print(s.path)
        return 0
    if args.split != 'all':
        samples = [s for s in samples if s.split == args.split]
    paths = [s.path for s in samples]
    rows = []
    scanners = []
    if not args.no_mailward:
        scanners.append((args.name, lambda: scan_mailward(args.mailward, args.conf, args.dns,
                                                           paths)))
    if args.rspamd:
        scanners.append(('rspamd', lambda: scan_rspamd(args.rspamd, paths)))
    for name, run in scanners:
        try:
            replies = run()
        except (OSError, RuntimeError) as e:
            print(f'evaluate.py: {name}: {e}', file=sys.stderr)
            return 1
        for s, reply in zip(samples, replies):
            row = summarise(reply)
            row.update({'scanner': name, 'set': s.set, 'path': os.path.relpath(
                s.path, labelled_sets.ROOT), 'label': s.label, 'kind': s.kind, 'split': s.split})
            rows.append(row)
    if args.save:
        with open(args.save, 'w', encoding='utf-8') as f:
            for r in rows:
                f.write(json.dumps(r, sort_keys=True) + '\n')
    print(report(rows, args.split, args.markdown))
    return 0


if __name__ == '__main__':
    sys.exit(main())
