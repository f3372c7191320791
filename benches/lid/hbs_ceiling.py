"""How far can any classifier separate Bosnian and Serbian (Latin) test
sentences from Croatian? Measures, on the test sentences, the share that
  identical  - is, after normalisation (lower case, letters only), also a
               Croatian sentence: a Croatian test sentence, a Croatian
               MediaWiki or Firefox message, or a line of the Croatian
               training text;
  no_marker  - has no word that Croatian text lacks: every word is attested
               in the Croatian text above, so at the word level it is a
               possible Croatian sentence (character n-grams of attested
               words add nothing a word does not);
and the converse for the Croatian test sentences against the Bosnian and
Serbian text. A sentence that is identical to a Croatian one can only be
labelled Croatian by a classifier that keeps Croatian recall; one with no
marker can be told apart only by frequencies, not by any decisive word.

Usage: hbs_ceiling.py LID_DATA   (reads LID_DATA/test, LID_DATA/train,
LID_DATA/calibrate, LID_DATA/test/{mediawiki,firefox}/ extraction caches)
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from bench import read  # noqa: E402

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def words(s):
    return WORD.findall(s.lower())


def norm(s):
    return " ".join(words(s))


def corpus(data, lang):
    """Every text of `lang` the bench has: test, train, calibrate."""
    out = []
    for part in ("test", "train", "calibrate", "test/mediawiki", "test/firefox"):
        out += read(os.path.join(data, part), lang)
    return out


def measure(test, other):
    sentences = {norm(s) for s in other}
    vocab = {w for s in other for w in words(s)}
    n = len(test)
    identical = sum(norm(s) in sentences for s in test)
    no_marker = sum(all(w in vocab for w in words(s)) for s in test)
    return n, identical, no_marker


def main():
    data = sys.argv[1]
    hr = corpus(data, "hr")
    neighbours = {lang: corpus(data, lang) for lang in ("bs", "sr")}
    print("| test sentences | n | identical to a text of | share | every word attested in | share |")
    print("|---|---|---|---|---|---|")
    for lang, text in neighbours.items():
        n, ident, nomark = measure(read(os.path.join(data, "test"), lang), hr)
        print(f"| {lang} | {n} | hr | {ident / n:.3f} ({ident}) | hr | {nomark / n:.3f} ({nomark}) |")
    both = neighbours["bs"] + neighbours["sr"]
    n, ident, nomark = measure(read(os.path.join(data, "test"), "hr"), both)
    print(f"| hr | {n} | bs+sr | {ident / n:.3f} ({ident}) | bs+sr | {nomark / n:.3f} ({nomark}) |")
    for lang in ("bs", "sr"):
        n, ident, nomark = measure(read(os.path.join(data, "test"), "hr"), neighbours[lang])
        print(f"| hr | {n} | {lang} | {ident / n:.3f} ({ident}) | {lang} | {nomark / n:.3f} ({nomark}) |")
    print("\nCorpus sizes (lines): hr", len(hr), " ".join(f"{k} {len(v)}" for k, v in neighbours.items()))


if __name__ == "__main__":
    main()
