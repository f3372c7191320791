"""Extracts clean translated messages from gettext catalogues (.mo files).

Usage: extract_gettext.py ROOT OUT_DIR CODE=ISO ...

ROOT is a folder of unpacked Debian packages; every
`usr/share/locale/<code>/LC_MESSAGES/*.mo` under it is read (Python's own
`.mo` parser). Messages are kept with the MediaWiki extractor's rules, and a
message equal to its English msgid is dropped (untranslated). Writes
OUT_DIR/<iso>.txt and prints counts.
"""

import gettext
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from extract_mediawiki import clean  # noqa: E402


def catalogue(path):
    with open(path, "rb") as f:
        try:
            cat = gettext.GNUTranslations(f)._catalog
        except Exception:  # a damaged or odd catalogue: skip it
            return []
    out = []
    for key, value in sorted(cat.items(), key=lambda kv: str(kv[0])):
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or not isinstance(value, str):
            continue
        if " ".join(value.split()).lower() == " ".join(msgid.split()).lower():
            continue
        out.append(value)
    return out


def main():
    root, out_dir, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    for pair in pairs:
        code, iso = pair.split("=")
        seen, kept, raw = set(), [], 0
        for path in sorted(glob.glob(os.path.join(root, "**", "locale", code, "LC_MESSAGES", "*.mo"), recursive=True)):
            for s in catalogue(path):
                raw += 1
                t = clean(s)
                if t is None or t.lower() in seen:
                    continue
                seen.add(t.lower())
                kept.append(t)
        with open(os.path.join(out_dir, f"{iso}.txt"), "w", encoding="utf-8") as f:
            f.writelines(t + "\n" for t in kept)
        print(f"{iso}\t{code}\t{raw}\t{len(kept)}")


if __name__ == "__main__":
    main()
