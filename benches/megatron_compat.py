"""Reads eurocurate's Megatron shards with Megatron-LM's own reader and
checks every document's token ids against the Python `tokenizers` library.

    megatron_compat.py SHARD_DIR TEXTS_DIR TOKENIZER.json EOS MERGED_PREFIX

SHARD_DIR: a `megatron` output (manifest.json + <lang>/part-*.{bin,idx});
TEXTS_DIR: the same pipeline with a `jsonl` output (the texts, same order);
MERGED_PREFIX: `eurocurate shards merge` of every shard, in manifest order.
"""
import glob
import io
import json
import os
import sys

import numpy
import zstandard  # noqa: F401  (only to fail early with a clear message if missing)
from megatron.core.datasets.indexed_dataset import IndexedDataset
from tokenizers import Tokenizer


def texts(dir_):
    out = {}
    for f in sorted(glob.glob(os.path.join(dir_, "*", "part-*.jsonl.zst"))):
        lang = os.path.basename(os.path.dirname(f))
        with open(f, "rb") as fh:
            data = zstandard.ZstdDecompressor().stream_reader(fh).read()
        out.setdefault(lang, []).extend(json.loads(l)["text"] for l in data.decode().splitlines() if l)
    return out


def main(shard_dir, texts_dir, tok_path, eos, merged):
    tok = Tokenizer.from_file(tok_path)
    eos_id = tok.token_to_id(eos)
    manifest = json.load(open(os.path.join(shard_dir, "manifest.json")))
    by_lang = texts(texts_dir)
    checked = tokens = 0
    all_ids = []
    cursor = {l: 0 for l in by_lang}
    for shard in manifest["shards"]:
        ds = IndexedDataset(os.path.join(shard_dir, shard["prefix"]), multimodal=False, mmap=True)
        assert len(ds) == shard["documents"], (shard, len(ds))
        lang = shard["lang"]
        for i in range(len(ds)):
            got = ds[i].tolist()
            text = by_lang[lang][cursor[lang]]
            cursor[lang] += 1
            want = tok.encode(text, add_special_tokens=False).ids + [eos_id]
            assert got == want, f"{shard['prefix']}[{i}]: {got[:10]}... != {want[:10]}..."
            all_ids.append(got)
            checked += 1
            tokens += len(got)
    assert all(cursor[l] == len(by_lang[l]) for l in by_lang), "documents missing from the shards"
    m = IndexedDataset(merged, multimodal=False, mmap=True)
    assert len(m) == len(all_ids)
    for i, ids in enumerate(all_ids):
        assert m[i].tolist() == ids, f"merged[{i}] differs"
    dtype = IndexedDataset(os.path.join(shard_dir, manifest["shards"][0]["prefix"])).index.dtype
    print(
        f"megatron-core IndexedDataset read {len(manifest['shards'])} shards ({numpy.dtype(dtype).name}), "
        f"{checked} documents, {tokens} tokens over {len(by_lang)} languages: every document equals "
        f"Python tokenizers' encode(text) + {eos}; the merged shard reads back identically ({len(m)} documents)"
    )


if __name__ == "__main__":
    main(*sys.argv[1:6])
