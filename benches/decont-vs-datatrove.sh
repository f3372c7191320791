#!/usr/bin/env bash
# Benchmark decontamination, eurocurate `decontaminate` vs datatrove's
# n-gram decontamination (NGramsDecontIndexer + NGramsDecontFilter), on the
# same items and documents in one run: recall of planted items and false
# positives on clean documents per language (worst named), documents per
# CPU-second; then eurocurate's index memory and lookup cost per million
# benchmark n-grams.
#
#   benches/decont-vs-datatrove.sh [SCALE_NGRAMS...]   (default 1000000 10000000)
#
# Test set: translated manual pages of 13 EU languages (benches/decont/fetch.sh,
# benches/decont/make_items.py; DATA.md). Needs python3 with venv; installs
# datatrove 0.10.1 from PyPI into target/decont/venv, with xxhash 3.5 (4.x
# refuses the str datatrove hashes) (benches/decont_datatrove.py
# says what replaces its Hub-only task loading).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=("${@:-1000000 10000000}")
VENV=target/decont/venv
SET=target/decont/full
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import datatrove, spacy, xxhash" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "datatrove==0.10.1" spacy "xxhash==3.5.0"
fi
bash benches/decont/fetch.sh >/dev/null
[ -s "$SET/docs.jsonl" ] || python3 benches/decont/make_items.py target/decont/manpages "$SET"
cargo build --release --quiet
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
scale_args=()
for s in ${SCALES[*]}; do scale_args+=(--scale-ngrams "$s"); done
OURS=$(./target/release/eurocurate-bench decont "$SET/items.jsonl" "$SET/docs.jsonl" --sweep "${scale_args[@]}" | tee /dev/stderr \
  | sed -n 's/^RESULT eurocurate docs_per_cpu_second=\([0-9.]*\).*/\1/p')
THEIRS=$("$VENV/bin/python" benches/decont_datatrove.py "$SET/items.jsonl" "$SET/docs.jsonl" target/decont/datatrove-index 2>/dev/null \
  | tee /dev/stderr | sed -n 's/^RESULT datatrove docs_per_cpu_second=\([0-9.]*\).*/\1/p')
"$VENV/bin/python" benches/decont_datatrove.py "$SET/items.jsonl" "$SET/docs.jsonl" target/decont/datatrove-index-q --query 2>/dev/null \
  | grep -E "RESULT|variant" | sed 's/^/  with query n-grams: /'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "print(f'eurocurate / datatrove documents per CPU-second: {float($OURS) / float($THEIRS):.1f}x')"
