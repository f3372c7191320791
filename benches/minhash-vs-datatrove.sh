#!/usr/bin/env bash
# Near-duplicate removal, eurocurate `minhash_dedup` vs datatrove's four
# MinHash steps, on the same generated corpus (families of copies at known
# Jaccard levels), same machine, in one run. Also prints eurocurate's
# precision/recall against exact Jaccard.
#
#   benches/minhash-vs-datatrove.sh [DOCS] [TASKS]      (default 20000 4)
#
# Needs python3 with venv; installs datatrove from PyPI into target/bench-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${1:-20000}"
TASKS="${2:-4}"
WORKERS=$(nproc)
VENV=${EUROCURATE_BENCH_VENV:-target/bench-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "datatrove[processing]==0.10.1" spacy orjson
fi
cargo build --release --quiet
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
OURS=$(./target/release/eurocurate-bench minhash --docs "$DOCS" --tasks "$TASKS" | tee /dev/stderr \
  | sed -n 's/^  verify .* \([0-9]*\) docs\/s per core.*/\1/p')
THEIRS=$("$VENV/bin/python" benches/minhash_datatrove.py target/bench/minhash-corpus.jsonl target/bench/minhash-datatrove "$TASKS" "$WORKERS" 2>/dev/null \
  | tee /dev/stderr | sed -n 's/^RESULT datatrove_docs_per_core=\([0-9.]*\).*/\1/p')
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "print(f'eurocurate / datatrove per core: {float($OURS) / float($THEIRS):.1f}x (eurocurate with verification; datatrove has none)')"
