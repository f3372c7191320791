"""Extracts clean translated sentences from MediaWiki's message catalogues.

Usage: extract_mediawiki.py MEDIAWIKI_ROOT OUT_DIR CODE=ISO ...

MediaWiki (Debian package `mediawiki`) ships every interface message of core
and its bundled extensions as `i18n/<code>.json`, translated by the
translatewiki.net community (GPL-2.0-or-later). A message is kept as a test
sentence when it is plain prose: no placeholders, wiki or HTML markup, not
the English text left untranslated, 40-1,200 characters, mostly letters.
Writes OUT_DIR/<iso>.txt (one sentence a line) and prints counts.
Python standard library only; no language identifier is used.
"""

import glob
import json
import os
import re
import sys

MARKUP = re.compile(r"[$<>{}\[\]|=#*_~@\\/%^`]|''|https?:|&\w+;|\.\w{2,4}\b(?=\s|$)")
WORD = re.compile(r"\w+", re.UNICODE)


def messages(root, code):
    out = {}
    for path in sorted(glob.glob(os.path.join(root, "**", "i18n", "**", f"{code}.json"), recursive=True)):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        rel = os.path.relpath(os.path.dirname(path), root)
        for key, value in data.items():
            if key.startswith("@") or not isinstance(value, str):
                continue
            out[(rel, key)] = value
    return out


def clean(text):
    text = " ".join(text.split())
    if not 40 <= len(text) <= 1200 or MARKUP.search(text):
        return None
    words = WORD.findall(text)
    if len(words) < 4:
        return None
    nonspace = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in nonspace)
    if letters < 0.8 * len(nonspace) or sum(c.isdigit() for c in nonspace) > 0.1 * len(nonspace):
        return None
    if not (text[0].isupper() or text[0] in "«„\"'(¿¡"):
        return None
    # Strings of capitalised UI labels, not sentences.
    caps = sum(w[0].isupper() for w in words[1:])
    if caps > 0.5 * (len(words) - 1):
        return None
    return text


def main():
    root, out_dir, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    english = messages(root, "en")
    english_texts = {" ".join(v.split()).lower() for v in english.values()}
    for pair in pairs:
        code, iso = pair.split("=")
        seen, kept = set(), []
        msgs = messages(root, code)
        for key in sorted(msgs):
            text = clean(msgs[key])
            if text is None:
                continue
            low = text.lower()
            if low in seen or (iso != "en" and (low in english_texts or low == " ".join(english.get(key, "").split()).lower())):
                continue
            seen.add(low)
            kept.append(text)
        with open(os.path.join(out_dir, f"{iso}.txt"), "w", encoding="utf-8") as f:
            f.writelines(t + "\n" for t in kept)
        short = sum(len(t) < 100 for t in kept)
        print(f"{iso}\t{code}\t{len(msgs)}\t{len(kept)}\t{short}")


if __name__ == "__main__":
    main()
