#!/usr/bin/env python3
"""Trains tiny supervised fastText models with the official fastText (PyPI
`fasttext-wheel` 0.9.2, the C++ library) on the UDHR fixture documents and
records that library's predictions and sentence vectors, the oracle of
eurocurate's own fastText inference (src/fasttext/tests.rs). One model per
kind the Rust engine reads: dense softmax, hierarchical softmax,
one-vs-all, negative sampling, word bigrams without character n-grams, a
pruned product-quantized model with quantized norms (dsub 3, so the last
sub-vector is shorter), and an unpruned quantized model with a quantized
output layer (which needs >= 256 labels). Rerun only to change the models.

    python3 -m venv /tmp/ftvenv && /tmp/ftvenv/bin/pip install "numpy<2" fasttext-wheel==0.9.2 zstandard
    /tmp/ftvenv/bin/python scripts/fasttext_fixtures.py

Training uses two of every three UDHR fixture documents
(`fixtures/udhr-part1.jsonl.zst`, `fixtures/udhr-part2.jsonl.gz`); the
predicted texts are lines of the third plus inputs that probe tokenization.
"""
import gzip
import io
import json
import os
import tempfile
from pathlib import Path

import fasttext
import zstandard

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures/fasttext"

# GlotLID/OpenLID-style labels (ISO 639-3 + script), as language_id maps them.
LABELS = {
    "bg": "bul_Cyrl", "cs": "ces_Latn", "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek",
    "en": "eng_Latn", "es": "spa_Latn", "et": "ekk_Latn", "fi": "fin_Latn", "fr": "fra_Latn",
    "ga": "gle_Latn", "hr": "hrv_Latn", "hu": "hun_Latn", "it": "ita_Latn", "lt": "lit_Latn",
    "lv": "lvs_Latn", "mt": "mlt_Latn", "nl": "nld_Latn", "pl": "pol_Latn", "pt": "por_Latn",
    "ro": "ron_Latn", "sk": "slk_Latn", "sl": "slv_Latn", "sv": "swe_Latn",
}

# Inputs that probe tokenization: empty, only separators (all of fastText's:
# space \t \v \f \r NUL), labels in the text, a literal </s> (ends the line),
# multi-byte characters at word edges, a long line.
PROBES = [
    "",
    "   ",
    "\t\x0b\x0c\r \x00",
    "ok",
    "a",
    "__label__deu_Latn alle Menschen sind frei",
    "__label__unknown Kõik inimesed sünnivad vabadena",
    "Alle Menschen </s> sind frei und gleich",
    "</s>",
    "Ħal Qormi ħielsa ġenerali",
    "Καλημέρα 🙂🙂 Здравей 😀",
    "€ 1.299,00 — 12 345 678 %",
    "tab\tseparated\x0bvertical\x0cfeed\rreturn\x00nul words",
    "Ääkköset ja ÅÄÖ ÷×ÿ ß ẞ ǅ",
    " ".join(["Jokaisella on oikeus elämään, vapauteen ja henkilökohtaiseen turvallisuuteen."] * 40),
]


def documents(path):
    if path.suffix == ".zst":
        raw = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(open(path, "rb")), encoding="utf-8")
    else:
        raw = gzip.open(path, "rt", encoding="utf-8")
    with raw:
        for line in raw:
            yield json.loads(line)


def all_documents():
    yield from documents(ROOT / "fixtures/udhr-part1.jsonl.zst")
    yield from documents(ROOT / "fixtures/udhr-part2.jsonl.gz")


def train_lines():
    """(label, how many lines of that label came before, line)."""
    seen = {}
    for n, d in enumerate(all_documents()):
        if n % 3 == 0:
            continue
        label = LABELS[d["meta"]["lang_hint"]]
        for line in d["text"].split("\n"):
            line = line.strip()
            if len(line) >= 20:
                seen[label] = seen.get(label, 0) + 1
                yield label, seen[label], line


def test_texts():
    seen, out = set(), []
    for n, d in enumerate(all_documents()):
        if n % 3 != 0:
            continue
        for line in d["text"].split("\n"):
            line = line.strip()
            if line and line not in seen and len(out) < 400:
                seen.add(line)
                out.append(line)
    return out + PROBES


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    lines = list(train_lines())
    langs = tmp / "langs.txt"
    langs.write_text("".join(f"__label__{lab} {text}\n" for lab, _, text in lines), encoding="utf-8")
    # >= 256 labels for a quantized output layer: language x line position.
    many = tmp / "many.txt"
    many.write_text("".join(f"__label__{lab}_{i % 12} {text}\n" for lab, i, text in lines), encoding="utf-8")

    common = dict(dim=8, epoch=50, lr=1.0, minCount=3, bucket=2000, minn=2, maxn=4, thread=1, verbose=0, seed=1)
    models = {
        "softmax.bin": (langs, dict(common, loss="softmax"), None),
        "hs.bin": (langs, dict(common, loss="hs"), None),
        "ova.bin": (langs, dict(common, loss="ova"), None),
        "ns.bin": (langs, dict(common, loss="ns", neg=3), None),
        "bigram.bin": (langs, dict(common, loss="softmax", wordNgrams=2, maxn=0, minn=0), None),
        "quant-qnorm.ftz": (langs, dict(common, loss="softmax", dim=8), dict(qnorm=True, cutoff=1500, dsub=3, retrain=False)),
        "quant-qout.ftz": (many, dict(common, loss="softmax", dim=8), dict(qnorm=True, qout=True, dsub=2, retrain=False)),
    }
    texts = test_texts()
    rows = [{"text": t, "top5": {}, "t10": {}} for t in texts]
    vectors = {}
    for name, (data, args, quant) in models.items():
        m = fasttext.train_supervised(input=str(data), **args)
        if quant is not None:
            m.quantize(input=str(data), **quant)
        m.save_model(str(OUT / name))
        # Reload what was written, so the oracle reads the same bytes.
        m = fasttext.load_model(str(OUT / name))
        for row in rows:
            labels, probs = m.predict(row["text"], k=5)
            row["top5"][name] = [[l, float(p)] for l, p in zip(labels, probs)]
            labels, probs = m.predict(row["text"], k=-1, threshold=0.1)
            row["t10"][name] = [[l, float(p)] for l, p in zip(labels, probs)]
        if name in ("softmax.bin", "bigram.bin", "quant-qnorm.ftz"):
            vectors[name] = [[float(x) for x in m.get_sentence_vector(t)] for t in texts[::10]]
        print(f"{name}: {os.path.getsize(OUT / name)} bytes, {len(m.get_labels())} labels")
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (OUT / "reference.jsonl.zst").write_bytes(zstandard.ZstdCompressor(level=19).compress(data.encode()))
    (OUT / "sentence-vectors.json").write_text(json.dumps({"every": 10, "vectors": vectors}) + "\n")
    print(f"{len(rows)} texts")


if __name__ == "__main__":
    main()
