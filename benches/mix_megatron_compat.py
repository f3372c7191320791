"""Reads an `eurocurate mix` output with megatron-core's own IndexedDataset
and checks it against the mix's manifest and its inputs.

    mix_megatron_compat.py MIX_OUT INPUT_DIR TOKENIZER.json EOS [SAMPLE]

Checks: every part-NNNNN opens with IndexedDataset and holds the documents
and tokens the manifest lists; the sidecar is aligned with the shard; per
language, the sequences' lengths (read by megatron-core) sum to the
manifest's realised tokens; md5sums.txt matches every file (hashlib); and
SAMPLE sequences drawn with a fixed seed equal the Python `tokenizers`
library's encode(text) + EOS of the input document the sidecar names.
"""
import glob
import hashlib
import json
import os
import random
import sys

import numpy
import zstandard
from megatron.core.datasets.indexed_dataset import IndexedDataset
from tokenizers import Tokenizer


def md5(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main(out, inputs, tok_path, eos, sample="2000"):
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    for line in open(os.path.join(out, "md5sums.txt")):
        digest, name = line.split(None, 1)
        assert md5(os.path.join(out, name.strip())) == digest, f"md5 of {name.strip()} differs"
    tokens_by_lang, docs_by_lang = {}, {}
    seqs = []  # (shard, index, id, lang)
    documents = tokens = 0
    for shard in manifest["shards"]:
        prefix = os.path.join(out, shard["prefix"])
        ds = IndexedDataset(prefix, multimodal=False, mmap=True)
        lengths = ds.index.sequence_lengths
        assert len(ds) == shard["documents"], (shard, len(ds))
        assert int(lengths.sum()) == shard["tokens"], (shard, int(lengths.sum()))
        with open(prefix + ".docs.jsonl.zst", "rb") as f:
            rows = [json.loads(l) for l in zstandard.ZstdDecompressor().stream_reader(f).read().decode().splitlines() if l]
        assert len(rows) == len(ds), f"{prefix}: sidecar has {len(rows)} rows, shard {len(ds)} sequences"
        for i, row in enumerate(rows):
            tokens_by_lang[row["lang"]] = tokens_by_lang.get(row["lang"], 0) + int(lengths[i])
            docs_by_lang[row["lang"]] = docs_by_lang.get(row["lang"], 0) + 1
            seqs.append((shard["prefix"], i, row["id"], row["lang"]))
        documents += len(ds)
        tokens += int(lengths.sum())
    assert documents == manifest["documents"] and tokens == manifest["tokens"], (documents, tokens)
    worst = (None, 0.0)
    for lang, m in manifest["languages"].items():
        assert tokens_by_lang.get(lang, 0) == m["realised_tokens"], (lang, tokens_by_lang.get(lang), m)
        assert docs_by_lang.get(lang, 0) == m["realised_documents"], (lang, docs_by_lang.get(lang), m)
        err = (m["realised_tokens"] - m["budget"]) / m["budget"]
        if abs(err) >= abs(worst[1]):
            worst = (lang, err)
    rng = random.Random(20261130)
    picked = rng.sample(seqs, min(int(sample), len(seqs)))
    wanted = {s[2] for s in picked}
    text = {}
    for f in sorted(glob.glob(os.path.join(inputs, "*.jsonl"))):
        for line in open(f, encoding="utf-8"):
            rec = json.loads(line)
            if rec["id"] in wanted:
                text[rec["id"]] = rec["text"]
    tok = Tokenizer.from_file(tok_path)
    eos_id = tok.token_to_id(eos)
    opened = {}
    for prefix, i, id_, _ in picked:
        ds = opened.setdefault(prefix, IndexedDataset(os.path.join(out, prefix), multimodal=False, mmap=True))
        want = tok.encode(text[id_], add_special_tokens=False).ids + [eos_id]
        assert ds[i].tolist() == want, f"{prefix}[{i}] ({id_}) differs from tokenizers' ids"
    dtype = numpy.dtype(IndexedDataset(os.path.join(out, manifest["shards"][0]["prefix"])).index.dtype).name
    print(
        f"megatron-core IndexedDataset read {len(manifest['shards'])} shards ({dtype}): {documents} sequences, "
        f"{tokens} tokens = manifest; per language (all {len(manifest['languages'])}) sequences and tokens = "
        f"manifest; md5sums.txt holds; {len(picked)} sampled sequences equal tokenizers' encode(text) + {eos}; "
        f"worst language vs budget: {worst[0]} {100 * worst[1]:+.4f}%"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
