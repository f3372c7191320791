#!/usr/bin/env bash
# Tokenization speed, eurocurate `tokenize` + megatron output vs datatrove's
# DocumentTokenizer, same multilingual corpus (real sentences of 23 EU
# languages, benches/fetch-leipzig.sh) and the same tokenizer.json (a
# 32,000-token byte-level BPE trained here by `eurocurate tokenizer train`),
# one worker each, in one run.
#
#   benches/tokenize-vs-datatrove.sh [MB]      (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
MB="${1:-30}"
VENV=${EUROCURATE_BENCH_VENV:-target/bench-venv}
if ! "$VENV/bin/python" -c "import datatrove, tokenizers, orjson" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "datatrove[processing]==0.10.1" spacy orjson tokenizers
fi
benches/fetch-leipzig.sh
cargo build --release --quiet
B=target/bench
mkdir -p $B
python3 benches/tokenize_datatrove.py corpus target/lid-heldout $B/tok-corpus.jsonl "$MB"
./target/release/eurocurate tokenizer train $B/tok-corpus.jsonl --out $B/tok32k.json --vocab-size 32000 | head -1
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Both eurocurate engines: the fast byte-level BPE path and the tokenizers crate.
EC=$(./target/release/eurocurate-bench tokenize $B/tok-corpus.jsonl --tokenizer $B/tok32k.json --eos "</s>" \
  | tee /dev/stderr)
OURS=$(echo "$EC" | sed -n 's/^RESULT eurocurate_tokens_per_core=//p')
CRATE=$(echo "$EC" | sed -n 's/^RESULT eurocurate_crate_tokens_per_core=//p')
THEIRS=$("$VENV/bin/python" benches/tokenize_datatrove.py run $B/tok-corpus.jsonl $B/tok32k.json "</s>" $B/tok-datatrove 2>/dev/null \
  | tee /dev/stderr | sed -n 's/^RESULT datatrove_tokens_per_core=//p')
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "print(f'eurocurate / datatrove per core: {float($OURS) / float($THEIRS):.2f}x (tokenizers crate path: {float($CRATE) / float($THEIRS):.2f}x)')"
