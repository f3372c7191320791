#!/usr/bin/env bash
# Compatibility with Megatron-LM: eurocurate writes shards of the fixtures
# (24 languages, shipped tokenizer); megatron-core's IndexedDataset (PyPI)
# reads them and every document must equal the Python `tokenizers` library's
# ids for its text; `eurocurate shards merge` output must read back the same.
#
#   benches/megatron-compat.sh
#
# Installs megatron-core (which pulls PyTorch, ~3 GB with its CUDA libraries)
# and tokenizers into target/megatron-venv; nothing else uses them.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/megatron-venv.sh
cargo build --release --quiet
B=target/bench/megatron
rm -rf "$B"
mkdir -p "$B"
sed -e "s|\${EUROCURATE_OUT:-out/tokenize}|$B/shards|" pipelines/tokenize.yaml > "$B/shards.yaml"
sed -e "s|\${EUROCURATE_OUT:-out/tokenize}|$B/texts|" -e "s|kind: megatron|kind: jsonl|" pipelines/tokenize.yaml > "$B/texts.yaml"
./target/release/eurocurate --quiet run "$B/shards.yaml"
./target/release/eurocurate --quiet run "$B/texts.yaml"
PREFIXES=$(python3 -c "import json,sys; m=json.load(open('$B/shards/manifest.json')); print(' '.join('$B/shards/'+s['prefix'] for s in m['shards']))")
./target/release/eurocurate shards merge --out "$B/merged" $PREFIXES
"$VENV/bin/python" benches/megatron_compat.py "$B/shards" "$B/texts" fixtures/tokenizer.json "</s>" "$B/merged"
