"""Labelled JSONL for `classifier train`'s parity bench: the Leipzig
sentences of the crates.io `lingua-<language>-language-model` 1.3.0 crates
(Apache-2.0; sentences CC-BY from the Leipzig Wortschatz corpora), label =
the language. 23 EU languages (no Maltese), 1,000 sentences each.

Usage: make_lang_set.py LEIPZIG_DIR OUT.jsonl   (LEIPZIG_DIR/<iso>.txt)
The order is shuffled with a fixed seed (fastText reads examples in file
order; a file sorted by label would train badly for both trainers alike).
"""

import glob
import json
import os
import random
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    rows = []
    for path in sorted(glob.glob(os.path.join(src, "*.txt"))):
        iso = os.path.basename(path)[:-4]
        with open(path, encoding="utf-8") as f:
            for line in f:
                t = " ".join(line.split())
                if t:
                    rows.append({"text": t, "label": iso, "lang": iso})
    random.Random(20261130).shuffle(rows)
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} examples, {len({r['label'] for r in rows})} labels -> {out}")


if __name__ == "__main__":
    main()
