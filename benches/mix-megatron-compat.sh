#!/usr/bin/env bash
# Compatibility of `eurocurate mix` output with Megatron-LM: megatron-core's
# IndexedDataset (PyPI) reads every shard of a finished mix; documents and
# tokens, per shard and per language, must equal the manifest, md5sums.txt
# must hold, and sampled sequences must equal the Python `tokenizers`
# library's ids for the input text (benches/mix_megatron_compat.py).
#
#   benches/mix-megatron-compat.sh [MIX_OUT INPUT_DIR]
#
# Default: the 100 M-token mix of benches/mix-scale.sh (run it first).
# Uses the venv of benches/megatron-compat.sh (megatron-core pulls PyTorch).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/megatron-venv.sh
out=${1:-target/mix-bench/mix-100000000}
inputs=${2:-target/mix-bench/corpus-100000000}
[ -f "$out/manifest.json" ] || { echo "$out holds no finished mix: run benches/mix-scale.sh first" >&2; exit 1; }
"$VENV/bin/python" benches/mix_megatron_compat.py "$out" "$inputs" fixtures/tokenizer.json "</s>" "${SAMPLE:-2000}"
