"""Builds fixtures/lid-confusions.jsonl: held-out test sentences that lid.176
gets wrong, for the test that the second stage fixes them.

Usage (venv with fasttext-predict): make_fixture.py TEST_DIR OUT

For each EU language lid.176 confuses, up to PER sentences (hash order) of
benches/lid's test set whose lid.176 top-1 label is not the language; for
the neighbours Norwegian, Galician, Catalan and Scottish Gaelic, PER
sentences that lid.176 labels as an EU language. Each line: `text`, `lang`
(the language of the translation the sentence comes from: the oracle),
`lid176` (lid.176's label) and `source`.
"""

import hashlib
import json
import os
import sys

import fasttext

PER = 12
EU_CONFUSED = "cs sk hr sl pt es da sv mt it ga et fi lv lt bg".split()
NEIGHBOURS = "nb nn gl ca gd".split()
EU = set("bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split())


def main():
    test, out = sys.argv[1], sys.argv[2]
    m = fasttext.load_model("models/lid.176.ftz")
    mw = {}
    for lang in EU_CONFUSED + NEIGHBOURS:
        try:
            mw[lang] = set(open(os.path.join(test, "mediawiki", f"{lang}.txt"), encoding="utf-8").read().split("\n"))
        except OSError:
            mw[lang] = set()
    rows = []
    for lang in EU_CONFUSED + NEIGHBOURS:
        lines = [s.strip() for s in open(os.path.join(test, f"{lang}.txt"), encoding="utf-8") if s.strip()]
        lines.sort(key=lambda s: hashlib.sha1(s.encode()).hexdigest())
        n = 0
        for s in lines:
            label = m.predict(s, k=1)[0][0].replace("__label__", "")
            wrong = label != lang if lang in EU else label in EU
            if wrong:
                src = "MediaWiki 1.39 (Debian mediawiki)" if s in mw[lang] else "Firefox ESR (Debian firefox-esr-l10n)"
                rows.append({"text": s, "lang": lang, "lid176": label, "source": src})
                n += 1
                if n == PER:
                    break
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences", file=sys.stderr)


if __name__ == "__main__":
    main()
