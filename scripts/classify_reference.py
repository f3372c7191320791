#!/usr/bin/env python3
"""Records the reference fastText's scores (PyPI `fasttext-wheel` 0.9.2 or
`fasttext-predict` 0.9.2.4: the same C++ code) of the shipped quality model models/quality.bin on
1,000 documents made from the UDHR fixtures (fixture role in DATA.md): the
542 fixture documents, then their lines of 40 characters or more. Texts
are scored as one line (newlines read as spaces), as `classify` and
datatrove's fastText filters do. The Rust test `stages::classify::tests`
compares the stage's columns with this file to 1e-4; rerun it whenever
models/quality.bin changes.

    pip install fasttext-wheel==0.9.2 'numpy<2' zstandard
    python3 scripts/classify_reference.py
"""
import gzip
import io
import json
from pathlib import Path

import fasttext
import zstandard

ROOT = Path(__file__).resolve().parent.parent


def docs():
    raw = zstandard.ZstdDecompressor().stream_reader(open(ROOT / "fixtures/udhr-part1.jsonl.zst", "rb"))
    for line in io.TextIOWrapper(raw, encoding="utf-8"):
        d = json.loads(line)
        yield d["id"], d["text"]
    with gzip.open(ROOT / "fixtures/udhr-part2.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            yield d["id"], d["text"]


def main():
    model = fasttext.load_model(str(ROOT / "models/quality.bin"))
    all_docs = list(docs())
    sample = [(i, t) for i, t in all_docs]
    # Then single lines of 40 characters or more, the n-th line of every
    # document before the (n+1)-th, until 1,000.
    n = 0
    while len(sample) < 1000 and n < 100:
        for i, t in all_docs:
            lines = t.split("\n")
            if n < len(lines) and len(lines[n]) >= 40 and len(sample) < 1000:
                sample.append((f"{i}:{n}", lines[n]))
        n += 1
    out = []
    for i, text in sample:
        labels, probs = model.predict(text.replace("\n", " "), k=-1)
        scores = {l[len("__label__"):]: float(p) for l, p in zip(labels, probs)}
        out.append(json.dumps({"id": i, "text": text, "scores": scores}, ensure_ascii=False))
    data = ("\n".join(out) + "\n").encode()
    (ROOT / "fixtures/classify-reference.jsonl.zst").write_bytes(zstandard.ZstdCompressor(level=19).compress(data))
    print(f"{len(out)} reference predictions")


if __name__ == "__main__":
    main()
