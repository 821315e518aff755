#!/usr/bin/env python3
"""Generate the labelled mail of the detection benchmark (see README.md).

  generate.py --out DIR [--seed N] [--now EPOCH] [--scale X]

Writes DIR/{ham,spam}/<era>-<kind>/<n>.eml. The same seed gives the same messages except for
their dates, which follow --now (default: the current time): "modern" mail is dated within the
last two days before it, "classic" mail in 2002-2005, as the old public corpora are. Every kind
is described in README.md; the code is in gen/.
"""
import argparse
import os
import sys
import time
from dataclasses import dataclass

from gen import common as C
from gen import ham as H
from gen import spam as S

# (label, era, kind, function, count at scale 1, languages with weights)
EN = [(1, 'en')]
MIX = [(10, 'en'), (2, 'de'), (2, 'fr'), (1, 'es'), (1, 'it'), (1, 'pt'), (1, 'nl'), (1, 'ru'),
       (1, 'ja'), (1, 'zh'), (1, 'ko'), (1, 'pl')]
PLAN = [
    ('ham', 'modern', 'personal', H.personal, 260, MIX),
    ('ham', 'modern', 'business', H.business, 110, [(4, 'en'), (1, 'de'), (1, 'fr'), (1, 'ja')]),
    ('ham', 'modern', 'list', H.mailing_list, 120, EN),
    ('ham', 'modern', 'newsletter', H.newsletter, 230, [(6, 'en'), (1, 'de'), (1, 'fr'), (1, 'es'), (1, 'ja')]),
    ('ham', 'modern', 'transactional', H.transactional, 170, EN),
    ('ham', 'modern', 'automated', H.automated, 60, EN),
    ('ham', 'modern', 'forwarded-report', H.forwarded_report, 25, EN),
    ('ham', 'classic', 'personal', H.personal, 130, [(6, 'en'), (1, 'de'), (1, 'fr'), (1, 'ja')]),
    ('ham', 'classic', 'list', H.mailing_list, 200, EN),
    ('ham', 'classic', 'newsletter', H.newsletter, 120, EN),
    ('ham', 'classic', 'business', H.business, 40, EN),
    ('ham', 'classic', 'automated', H.automated, 30, EN),
    ('spam', 'modern', 'fraud', S.fraud, 80, EN),
    ('spam', 'modern', 'pharma', S.pharma, 60, EN),
    ('spam', 'modern', 'phishing', S.phishing, 160, EN),
    ('spam', 'modern', 'malware', S.malware, 90, EN),
    ('spam', 'modern', 'sextortion', S.sextortion, 40, EN),
    ('spam', 'modern', 'lottery', S.lottery, 30, EN),
    ('spam', 'modern', 'job', S.job, 30, EN),
    ('spam', 'modern', 'product', S.product, 90, EN),
    ('spam', 'modern', 'image', S.image_spam, 35, EN),
    ('spam', 'modern', 'foreign', S.asian, 50, EN),
    ('spam', 'classic', 'advertising', S.classic_ad, 260, EN),
    ('spam', 'classic', 'fraud', S.fraud, 60, EN),
    ('spam', 'classic', 'pharma', S.pharma, 50, EN),
    ('spam', 'classic', 'stock', S.stock, 45, EN),
    ('spam', 'classic', 'foreign', S.asian, 50, EN),
]
RCPT_DOMAINS = ['example-corp.com', 'mailward-test.org', 'acme-widgets.de', 'uni-example.edu']


@dataclass
class Ctx:
    era: str
    lang: str
    rcpt: str
    t: int
    rcpt_person: object = None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=20261206)
    ap.add_argument('--now', type=int, default=int(time.time()))
    ap.add_argument('--scale', type=float, default=1.0)
    args = ap.parse_args()
    classic_lo, classic_hi = C.epoch(2002, 1, 1), C.epoch(2005, 12, 31)
    total = 0
    for label, era, kind, fn, count, langs in PLAN:
        folder = os.path.join(args.out, label, f'{era}-{kind}')
        os.makedirs(folder, exist_ok=True)
        for i in range(int(count * args.scale)):
            # One generator per message: adding a kind does not change the others.
            rng = C.Rng(f'{args.seed}/{label}/{era}/{kind}/{i}')
            lang = rng.weighted(langs)
            rcpt_person = C.person(rng, 'en', domain=rng.pick(RCPT_DOMAINS))
            if era == 'modern':
                t = args.now - rng.randint(60, 2 * 86400)
            else:
                t = rng.randint(classic_lo, classic_hi)
            headers, root = fn(rng, Ctx(era, lang, rcpt_person.addr, t, rcpt_person))
            data = C.render(headers, root)
            with open(os.path.join(folder, f'{i:04d}.eml'), 'wb') as f:
                f.write(data)
            total += 1
    print(f'generate.py: {total} messages in {args.out}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
