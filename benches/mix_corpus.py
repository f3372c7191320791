"""Writes a run-output-like JSONL corpus of about N tokens in the 24 EU
languages for benches/mix-scale.sh: documents are runs of real UDHR lines
(fixtures/udhr-part1.jsonl.zst and udhr-part2.jsonl.gz, one language per document, lines drawn with
a fixed seed), each with a `quality` score and a `minhash_cluster_size`.

usage: python3 mix_corpus.py OUT_DIR APPROX_TOKENS
"""

import json
import os
import random
import sys

import subprocess


def udhr_lines(fixtures):
    lines = {}
    text = subprocess.run(["zstdcat", os.path.join(fixtures, "udhr-part1.jsonl.zst")], check=True, capture_output=True).stdout
    text += subprocess.run(["zcat", os.path.join(fixtures, "udhr-part2.jsonl.gz")], check=True, capture_output=True).stdout
    for rec in map(json.loads, filter(None, text.decode("utf-8").splitlines())):
        lang = rec["id"].split("-")[1]
        if len(lang) == 2:  # not part2's mirror copies
            lines.setdefault(lang, []).extend(l for l in rec["text"].splitlines() if len(l) >= 30)
    return lines


def main():
    out, tokens = sys.argv[1], int(float(sys.argv[2]))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    lines = udhr_lines(os.path.join(root, "fixtures"))
    langs = sorted(lines)
    assert len(langs) == 24, langs
    rng = random.Random(20261130)
    os.makedirs(out, exist_ok=True)
    # About 4 characters per token for this tokenizer on European text.
    chars_left = tokens * 4
    files = {}
    n = 0
    while chars_left > 0:
        lang = langs[n % 24]
        k = rng.randint(3, 40)
        text = "\n".join(rng.choice(lines[lang]) for _ in range(k))
        rec = {
            "id": f"{lang}-{n:09d}",
            "text": text,
            "lang": lang,
            "source": "bench",
            "metadata": {"quality": round(rng.random(), 4), "minhash_cluster_size": rng.choice([1, 1, 1, 2, 3, 5, 9, 20])},
        }
        shard = n % 16
        if shard not in files:
            files[shard] = open(os.path.join(out, f"part-{shard:05}.jsonl"), "w", encoding="utf-8")
        files[shard].write(json.dumps(rec, ensure_ascii=False) + "\n")
        chars_left -= len(text)
        n += 1
    for f in files.values():
        f.close()
    print(f"{n} documents in {out}")


if __name__ == "__main__":
    main()
