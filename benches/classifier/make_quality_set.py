"""Labelled JSONL for the shipped quality model (models/quality.bin).

  hq: running prose: 3-8 consecutive Leipzig Wortschatz sentences (news and
      web text; crates.io `lingua-<language>-language-model` 1.3.0,
      testdata/sentences.txt; Apache-2.0 crates, CC-BY sentences);
  lq: software-interface text: 6-20 translated messages (menus, buttons,
      settings, error and status messages), one a line, from the gettext
      catalogues of permissively licensed Python projects (Django, Wagtail,
      django CMS, DRF, django-oscar, django-import-export, JupyterLab
      language packs: BSD; Sphinx: BSD-2; django-allauth: MIT) as
      `benches/lid/extract_catalogues.py` writes them; English, which those
      catalogues translate from, takes the same catalogues' msgids.

Per language as many lq as hq documents. 23 EU languages (Maltese has
neither source). Labels come from the source, not from people: the model
tells prose from interface/boilerplate-like text, nothing finer.

Usage: make_quality_set.py LEIPZIG_DIR CATALOGUE_DIR WHEEL_ROOT OUT.jsonl

(with benches/lid/fetch-train.sh's folders: LEIPZIG_DIR =
target/lid-data/train-src/leipzig, CATALOGUE_DIR =
target/lid-data/train-src/catalogues, WHEEL_ROOT = target/lid-data/cache/pypi-x)
"""

import gettext
import glob
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lid"))
from extract_catalogues import tidy  # noqa: E402  (the same clean-up as the LID training text)

EU23 = "bg cs da de el en es et fi fr ga hr hu it lt lv nl pl pt ro sk sl sv".split()


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [" ".join(l.split()) for l in f if l.strip()]


def english_msgids(root):
    """The English source strings of every catalogue under ROOT, cleaned like the translations."""
    seen = {}
    for path in sorted(glob.glob(os.path.join(root, "**", "LC_MESSAGES", "*.mo"), recursive=True)):
        with open(path, "rb") as f:
            try:
                cat = gettext.GNUTranslations(f)._catalog
            except Exception:  # a damaged or odd catalogue: skip it
                continue
        for key in cat:
            msgid = key[0] if isinstance(key, tuple) else key
            t = tidy(msgid) if msgid else None
            if t is not None:
                seen.setdefault(t.lower(), t)
    return [seen[k] for k in sorted(seen)]


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
    leipzig, catalogue_dir, wheel_root, out = sys.argv[1:5]
    rng = random.Random(20261130)
    rows = []
    for iso in EU23:
        hq = windows(lines(os.path.join(leipzig, f"{iso}.txt")), 3, 8, rng, " ")
        msgs = english_msgids(wheel_root) if iso == "en" else lines(os.path.join(catalogue_dir, f"{iso}.txt"))
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
