#!/usr/bin/env bash
# Trains fixtures/tokenizer.json, the small tokenizer the shipped pipelines
# use: byte-level BPE, 4,000 tokens, on the UDHR fixture documents of the 24
# languages (language from the document id), equal shares per language.
set -euo pipefail
cd "$(dirname "$0")/.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for f in fixtures/udhr-part1.jsonl.zst fixtures/udhr-part2.jsonl.gz; do
  python3 - "$f" >> "$TMP/udhr.jsonl" <<'PY'
import gzip, json, subprocess, sys
f = sys.argv[1]
raw = subprocess.run(["zstd", "-dc", f], capture_output=True, check=True).stdout if f.endswith(".zst") else gzip.open(f).read()
for line in raw.decode().splitlines():
    d = json.loads(line)
    if d["id"].startswith("udhr-"):
        d["lang"] = d["id"].split("-")[1]
        print(json.dumps(d, ensure_ascii=False))
PY
done
cargo run --release --quiet -- tokenizer train "$TMP/udhr.jsonl" --out fixtures/tokenizer.json --vocab-size 4000 --alpha 0
