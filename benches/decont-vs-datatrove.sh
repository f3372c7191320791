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
# Speed is the median of 3 runs of each tool (documents per CPU-second of
# matching), with the load average printed. Then a generated benchmark set
# of 256 MB and of 1 GB through the sharded index (128 MB per shard): peak
# RSS per index task and per map task, which must not grow with the set.
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
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import datatrove, spacy, xxhash, regex" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "datatrove==0.10.1" spacy "xxhash==3.5.0" regex
fi
bash benches/decont/fetch.sh >/dev/null
[ -s "$SET/docs.jsonl" ] || python3 benches/decont/make_items.py target/decont/manpages "$SET"
cargo build --release --quiet
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
scale_args=()
for s in ${SCALES[*]}; do scale_args+=(--scale-ngrams "$s"); done
median() { sort -n | sed -n 2p; }
ours_runs=() theirs_runs=()
for run in 1 2 3; do
  extra=()
  [ "$run" = 1 ] && extra=(--sweep "${scale_args[@]}")
  ours_runs+=("$(./target/release/eurocurate-bench decont "$SET/items.jsonl" "$SET/docs.jsonl" "${extra[@]}" | tee /dev/stderr \
    | sed -n 's/^RESULT eurocurate docs_per_cpu_second=\([0-9.]*\).*/\1/p')")
  theirs_runs+=("$("$VENV/bin/python" benches/decont_datatrove.py "$SET/items.jsonl" "$SET/docs.jsonl" target/decont/datatrove-index 2>/dev/null \
    | tee /dev/stderr | sed -n 's/^RESULT datatrove docs_per_cpu_second=\([0-9.]*\).*/\1/p')")
  echo "run $run: load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
OURS=$(printf '%s\n' "${ours_runs[@]}" | median)
THEIRS=$(printf '%s\n' "${theirs_runs[@]}" | median)
echo "documents per CPU-second, 3 runs: eurocurate ${ours_runs[*]} (median $OURS), datatrove ${theirs_runs[*]} (median $THEIRS)"
"$VENV/bin/python" benches/decont_datatrove.py "$SET/items.jsonl" "$SET/docs.jsonl" target/decont/datatrove-index-q --query 2>/dev/null \
  | grep -E "RESULT|variant" | sed 's/^/  with query n-grams: /'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "print(f'eurocurate / datatrove documents per CPU-second (medians): {float($OURS) / float($THEIRS):.1f}x')"
./target/release/eurocurate-bench decont-sharded --mb 256 --shards 2
./target/release/eurocurate-bench decont-sharded --mb 1024 --shards 8
