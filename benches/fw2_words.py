"""Word splitting against the reference's, per language: the tokens
eurocurate's quality filters count (langs/<iso>.yaml `words:`) next to those
of the word tokenizer datatrove gives FineWeb-2's filters for the language
(spaCy's blank tokenizer, `strip_strings` applied as datatrove does), on
sentences of the language; prints the share of sentences split alike and the
commonest differences.

    python3 benches/fw2_words.py ISO SENTENCES.txt [N] [--bin target/release/eurocurate]

Needs spaCy (pip install spacy; no model download: the blank tokenizer is
rule-based). SENTENCES: one sentence per line, e.g. target/heldout/<iso>.txt
(benches/heldout/fetch.sh).
"""
import argparse
import difflib
import json
import os
import subprocess
import tempfile
from collections import Counter


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iso")
    ap.add_argument("sentences")
    ap.add_argument("n", nargs="?", type=int, default=3000)
    ap.add_argument("--bin", default="target/release/eurocurate")
    ap.add_argument("--langs-dir", default="langs")
    a = ap.parse_args()
    import spacy

    nlp = spacy.blank(a.iso)
    lines = [l.strip() for l in open(a.sentences, encoding="utf-8") if l.strip()][: a.n]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "c.jsonl")
        with open(corpus, "w", encoding="utf-8") as f:
            for i, l in enumerate(lines):
                f.write(json.dumps({"id": str(i), "text": l, "lang": a.iso}, ensure_ascii=False) + "\n")
        dec = os.path.join(tmp, "d.jsonl")
        subprocess.run(
            [a.bin, "-q", "bench", "quality", corpus, "--lang", a.iso, "--rounds", "1", "--decisions", dec,
             "--langs-dir", a.langs_dir],
            check=True, stdout=subprocess.DEVNULL,
        )
        ours = {}
        for l in open(dec, encoding="utf-8"):
            r = json.loads(l)
            if "words" in r:
                ours[r["id"]] = r["words"]
    same, diffs = 0, Counter()
    for i, l in enumerate(lines):
        theirs = [t.text.strip() for t in nlp(l)]
        theirs = [t for t in theirs if t]
        mine = ours[str(i)]
        if mine == theirs:
            same += 1
            continue
        sm = difflib.SequenceMatcher(a=mine, b=theirs, autojunk=False)
        for op, a1, a2, b1, b2 in sm.get_opcodes():
            if op != "equal":
                diffs[(" ".join(mine[a1:a2]), " ".join(theirs[b1:b2]))] += 1
    print(f"{a.iso}: {100 * same / max(1, len(lines)):.2f}% of {len(lines)} sentences split alike")
    for (m, t), n in diffs.most_common(25):
        print(f"  {n:>5}  ours [{m}]  spaCy [{t}]")


if __name__ == "__main__":
    main()
