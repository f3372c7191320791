"""Extracts the localised names and phrases of Unicode CLDR (as shipped in
the PyPI `babel` wheel's locale data; Unicode licence, permissive) for
TRAINING the second-stage LID model.

Usage: extract_cldr.py BABEL_DIR OUT_DIR ISO=LOCALE ...

BABEL_DIR is the unpacked wheel (the folder holding `babel/`). Every string
value of the locale's data is read (language, territory, script and
currency names, months and days, units, relative dates such as "last
year"), placeholders removed; strings the root locale or English also have
(codes, patterns, untranslated names) are dropped, so only the locale's own
words remain. Short and label-like, but present for every language,
Maltese and Irish included, and rich in exactly the words that tell close
languages apart (month names, "thousand", "yesterday"). Writes
OUT_DIR/<iso>.txt and prints counts.
"""

import os
import re
import sys

PLACEHOLDER = re.compile(r"\{[^{}]*\}|'[^']*'|[#0-9¤%‰.,;:()/+-]+")


def strings(value, out, depth=0):
    if depth > 8:
        return
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict) or hasattr(value, "items"):
        try:
            items = list(value.items())
        except Exception:
            return
        for _, v in items:
            strings(v, out, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            strings(v, out, depth + 1)


def texts(locale):
    from babel import Locale

    raw = set()
    strings(Locale.parse(locale)._data, raw)
    out = set()
    for s in raw:
        t = " ".join(PLACEHOLDER.sub(" ", s).split())
        if sum(c.isalpha() for c in t) >= 3:
            out.add(t)
    return out


def main():
    babel_dir, out_dir, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    sys.path.insert(0, babel_dir)
    os.makedirs(out_dir, exist_ok=True)
    common = texts("root")
    english = texts("en") | common
    for pair in pairs:
        iso, locale = pair.split("=")
        drop = common if iso == "en" else english
        kept = sorted(texts(locale) - drop)
        with open(os.path.join(out_dir, f"{iso}.txt"), "w", encoding="utf-8") as f:
            f.writelines(t + "\n" for t in kept)
        print(f"{iso}\t{locale}\t{len(kept)}")


if __name__ == "__main__":
    main()
