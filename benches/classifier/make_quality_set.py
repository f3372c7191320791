"""Labelled JSONL for the shipped quality model (models/quality.bin).

  hq: running prose: 3-8 consecutive Leipzig Wortschatz sentences (news and
      web text; crates.io `lingua-<language>-language-model` 1.3.0,
      testdata/sentences.txt; Apache-2.0 crates, CC-BY sentences);
  lq: software-interface text: 6-20 consecutive translated messages (menus,
      buttons, settings, error and status messages) of the gettext
      catalogues of ~150 Debian 12 packages (GPL/LGPL family), one a line.

Per language as many lq as hq documents. 23 EU languages (Maltese has
neither source). Labels come from the source, not from people: the model
tells prose from interface/boilerplate-like text, nothing finer.

Usage: make_quality_set.py LEIPZIG_DIR GETTEXT_DIR OUT.jsonl
"""

import json
import os
import random
import sys

EU23 = "bg cs da de el en es et fi fr ga hr hu it lt lv nl pl pt ro sk sl sv".split()


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [" ".join(l.split()) for l in f if l.strip()]


def windows(items, lo, hi, rng, sep):
    out, i = [], 0
    while i < len(items):
        n = rng.randint(lo, hi)
        if i + n > len(items):
            break
        out.append(sep.join(items[i : i + n]))
        i += n
    return out


def main():
    leipzig, gettext_dir, out = sys.argv[1:4]
    rng = random.Random(20261130)
    rows = []
    for iso in EU23:
        hq = windows(lines(os.path.join(leipzig, f"{iso}.txt")), 3, 8, rng, " ")
        msgs = lines(os.path.join(gettext_dir, f"{iso}.txt"))
        rng.shuffle(msgs)
        lq = windows(msgs, 6, 20, rng, "\n")[: len(hq)]
        rows += [{"text": t, "label": "hq", "lang": iso} for t in hq]
        rows += [{"text": t, "label": "lq", "lang": iso} for t in lq]
        print(f"{iso}\thq {len(hq)}\tlq {len(lq)}")
    rng.shuffle(rows)
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} documents -> {out}")


if __name__ == "__main__":
    main()
