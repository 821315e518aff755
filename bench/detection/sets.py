"""Labelled message sets for the detection benchmark (see README.md).

A sample is (set name, path, label, split). Labels come from the TSV files in labels/ for the
corpora in test/data, and from the folder layout (spam/<kind>/, ham/<kind>/) for generated
mail (generate.py here, and tools/bayes/generate_mail.py, written separately for the Bayes
benchmark: the `mailgen` set). The split (tune or holdout) is a pure function of the message bytes, so it does not
change between runs, machines or file names.
"""
import hashlib
import os
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
CORPORA = {
    'spamassassin': os.path.join(ROOT, 'test', 'data', 'corpus', 'spamassassin'),
    'rspamd': os.path.join(ROOT, 'test', 'data', 'corpus', 'rspamd', 'messages'),
}
HOLDOUT_PERCENT = 30


@dataclass
class Sample:
    set: str
    path: str
    label: str      # 'spam' or 'ham'
    kind: str       # sub-category (generated mail) or the corpus folder
    split: str      # 'tune' or 'holdout'


def split_of(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return 'holdout' if int.from_bytes(digest[:4], 'big') % 100 < HOLDOUT_PERCENT else 'tune'


def _read(path):
    with open(path, 'rb') as f:
        return f.read()


def labelled_corpus(name):
    """Samples of one corpus in test/data, labelled by labels/<name>.tsv."""
    base = CORPORA[name]
    out = []
    with open(os.path.join(HERE, 'labels', name + '.tsv'), encoding='utf-8') as f:
        for line in f:
            if not line.strip() or line.startswith('#'):
                continue
            rel, label, _why = line.rstrip('\n').split('\t', 2)
            if label == 'skip':
                continue
            if label not in ('spam', 'ham'):
                raise ValueError(f'{name}.tsv: bad label {label!r} for {rel}')
            path = os.path.join(base, rel)
            kind = rel.split('/')[0] if '/' in rel else name
            out.append(Sample(name, path, label, kind, split_of(_read(path))))
    return out


def generated(gen_dir, set_name='generated'):
    """Samples of generated mail: gen_dir/{spam,ham}/<kind>/*.eml, or gen_dir/{spam,ham}/*.eml
    (kind = the set's name) as tools/bayes/generate_mail.py writes them."""
    out = []
    for label in ('spam', 'ham'):
        top = os.path.join(gen_dir, label)
        if not os.path.isdir(top):
            continue
        folders = [(set_name, top)]
        folders += [(k, os.path.join(top, k)) for k in sorted(os.listdir(top))
                    if os.path.isdir(os.path.join(top, k))]
        for kind, folder in folders:
            for fname in sorted(os.listdir(folder)):
                if fname.endswith('.eml'):
                    path = os.path.join(folder, fname)
                    # By name: generated text changes with the generation date, names do not.
                    key = f'{label}/{kind}/{fname}'.encode()
                    out.append(Sample(set_name, path, label, kind, split_of(key)))
    return out


def load(names, gen_dir=None, mailgen_dir=None):
    samples = []
    for name in names:
        if name in CORPORA:
            samples.extend(labelled_corpus(name))
        elif name == 'generated':
            if not gen_dir or not os.path.isdir(gen_dir):
                raise FileNotFoundError('generated set: run generate.py first (--gen-dir)')
            samples.extend(generated(gen_dir))
        elif name == 'mailgen':
            if not mailgen_dir or not os.path.isdir(mailgen_dir):
                raise FileNotFoundError('mailgen set: run tools/bayes/generate_mail.py first '
                                        '(--mailgen-dir)')
            samples.extend(generated(mailgen_dir, 'mailgen'))
        else:
            raise ValueError(f'unknown set {name!r}')
    return samples
