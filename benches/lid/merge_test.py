"""Merges the test sources into TEST/<iso>.txt and prints counts.

Usage: merge_test.py TEST_DIR ISO...

Per language: MediaWiki's sentences and Firefox's, each in a
deterministic pseudo-random order (hash of the text), alternating between
the two sources until CAP (default 2,000) sentences are taken, case-folded
duplicates removed. Prints per language the sentences each source has, the
total written and the share under 100 characters.
"""

import hashlib
import os
import sys

CAP = int(os.environ.get("LID_TEST_CAP", "2000"))


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            lines = [line.strip() for line in f if line.strip()]
    except OSError:
        return []
    return sorted(lines, key=lambda s: hashlib.sha1(s.encode()).hexdigest())


def main():
    test, langs = sys.argv[1], sys.argv[2:]
    print("lang\tmediawiki\tfirefox\twritten\tunder_100_chars")
    for iso in langs:
        mw, gt = read(f"{test}/mediawiki/{iso}.txt"), read(f"{test}/firefox/{iso}.txt")
        seen, out = set(), []
        for i in range(max(len(mw), len(gt))):
            for src in (mw, gt):
                if i < len(src) and len(out) < CAP and src[i].lower() not in seen:
                    seen.add(src[i].lower())
                    out.append(src[i])
        with open(f"{test}/{iso}.txt", "w", encoding="utf-8") as f:
            f.writelines(s + "\n" for s in out)
        short = sum(len(s) < 100 for s in out) / max(len(out), 1)
        print(f"{iso}\t{len(mw)}\t{len(gt)}\t{len(out)}\t{short:.2f}")


if __name__ == "__main__":
    main()
