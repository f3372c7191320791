"""Extracts translated interface strings from gettext catalogues (.mo) of
permissively licensed projects, for TRAINING the second-stage LID model.

Usage: extract_catalogues.py ROOT OUT_DIR ISO=CODE[,CODE...] ...

ROOT is a folder of unpacked Python wheels (Django, Wagtail, Sphinx,
django-allauth, django CMS: BSD/MIT; their translations are distributed
under the project's licence). Every `locale/<code>/LC_MESSAGES/*.mo` under
it is read with Python's own `.mo` parser. Unlike the test extractors,
short strings (menu labels, button texts) are kept: the n-gram model
learns from words, not sentences. Placeholders (`%(name)s`, `{0}`, `%s`),
HTML tags and entities are removed; a message equal to its English msgid
(untranslated) is dropped; repeats are dropped. Serbian catalogues are
routed by script: mostly Cyrillic text goes to `sr_cyrl`, Latin to `sr`
(Django's `sr` is Cyrillic, `sr_Latn` Latin; other projects differ).
Writes OUT_DIR/<iso>.txt and prints counts. Standard library only.
"""

import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from extract_gettext import catalogue  # noqa: E402

PLACEHOLDER = re.compile(r"%\([^)]*\)[-+ #0]*\d*(?:\.\d+)?[a-zA-Z]|%[-+ #0]*\d*(?:\.\d+)?[sdifrxXu]|\{[^{}]*\}|<[^<>]*>|&\w+;|https?://\S+")


def tidy(text):
    text = " ".join(PLACEHOLDER.sub(" ", text).replace("&", "").split())
    letters = sum(c.isalpha() for c in text)
    return text if letters >= 4 else None


def cyrillic(text):
    cyr = sum("\u0400" <= c <= "\u04ff" for c in text)
    return cyr > 0.5 * max(1, sum(c.isalpha() for c in text))


def main():
    root, out_dir, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    out = {}
    for pair in pairs:
        iso, codes = pair.split("=")
        for code in codes.split(","):
            for path in sorted(glob.glob(os.path.join(root, "**", "locale", code, "LC_MESSAGES", "*.mo"), recursive=True)):
                for s in catalogue(path):
                    t = tidy(s)
                    if t is None:
                        continue
                    dest = iso
                    if iso in ("sr", "sr_cyrl"):
                        dest = "sr_cyrl" if cyrillic(t) else "sr"
                    out.setdefault(dest, {}).setdefault(t.lower(), t)
    for iso, kept in sorted(out.items()):
        with open(os.path.join(out_dir, f"{iso}.txt"), "w", encoding="utf-8") as f:
            f.writelines(t + "\n" for t in kept.values())
        print(f"{iso}\t{len(kept)}")


if __name__ == "__main__":
    main()
