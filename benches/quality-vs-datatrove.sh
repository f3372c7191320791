#!/usr/bin/env bash
# Quality filters, eurocurate vs datatrove, on one English corpus in one run:
# keep/drop agreement of gopher_quality, gopher_repetition, c4_quality and
# fineweb_quality with datatrove's filters (English defaults), and the speed
# of the four chained, one core each.
#
#   benches/quality-vs-datatrove.sh [DOCS]      (default 5000)
#
# The corpus: web-page-like documents built from real English sentences
# (benches/fetch-leipzig.sh) with the defects the filters look for
# (benches/quality_datatrove.py). Needs python3 with venv; installs datatrove
# and spaCy (its English word tokenizer) into target/bench-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${1:-5000}"
VENV=${EUROCURATE_BENCH_VENV:-target/bench-venv}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import datatrove, spacy" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "datatrove[processing]==0.10.1" spacy orjson
fi
benches/fetch-leipzig.sh
cargo build --release --quiet
B=target/bench
mkdir -p $B
python3 benches/quality_datatrove.py corpus target/lid-heldout/en.txt $B/quality-corpus.jsonl "$DOCS"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
OURS=$(./target/release/eurocurate-bench quality $B/quality-corpus.jsonl --decisions $B/quality-ours.jsonl \
  | tee /dev/stderr | sed -n 's/^RESULT eurocurate_docs_per_core=//p')
THEIRS=$("$VENV/bin/python" benches/quality_datatrove.py run $B/quality-corpus.jsonl $B/quality-theirs.jsonl 2>/dev/null \
  | tee /dev/stderr | sed -n 's/^RESULT datatrove_docs_per_core=//p')
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 benches/quality_datatrove.py compare $B/quality-ours.jsonl $B/quality-theirs.jsonl
python3 -c "print(f'eurocurate / datatrove per core: {float($OURS) / float($THEIRS):.1f}x')"
