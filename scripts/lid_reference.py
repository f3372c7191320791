#!/usr/bin/env python3
"""Records reference predictions of the C++ fastText (PyPI `fasttext-predict`
0.9.2.4) with models/lid.176.ftz on a multilingual sample made of the
fixture documents and their lines. The Rust tests compare eurocurate's
`language_id` against this file; rerun it only when the sample changes.

    pip install fasttext-predict==0.9.2.4 zstandard
    python3 scripts/lid_reference.py
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
        yield json.loads(line)["text"]
    with gzip.open(ROOT / "fixtures/udhr-part2.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["text"]


def main():
    model = fasttext.load_model(str(ROOT / "models/lid.176.ftz"))
    sample, seen = [], set()
    for text in docs():
        for piece in [text] + text.split("\n"):
            piece = piece.strip()
            if len(piece) >= 3 and piece not in seen:
                seen.add(piece)
                sample.append(piece)
    sample += ["12345 67890", "ok", "Ħal Qormi", "Dia duit!", "Καλημέρα", "Здравей", "€ 1.299,00"]
    out = []
    for text in sample:
        labels, probs = model.predict(text.replace("\n", " "), k=3)
        out.append(json.dumps({"text": text, "labels": list(labels), "probs": [float(p) for p in probs]}, ensure_ascii=False))
    data = ("\n".join(out) + "\n").encode()
    (ROOT / "fixtures/lid-reference.jsonl.zst").write_bytes(zstandard.ZstdCompressor(level=19).compress(data))
    print(f"{len(out)} reference predictions")


if __name__ == "__main__":
    main()
