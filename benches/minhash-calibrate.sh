#!/usr/bin/env bash
# Chooses minhash_dedup's verification default on calibration text: planted
# duplicates (benches/compare/planted.py) built from the Leipzig sentences
# (DATA.md: calibrate), eurocurate without verification and at each candidate
# threshold, and datatrove's MinHash for reference; prints recall per
# language and kind and precision checked by exact Jaccard.
#
#   benches/minhash-calibrate.sh [DOCS] [ROWS]     (default 20000 documents, 6 hashes per band)
#
# Needs python3 with venv (datatrove from PyPI into the compare venv).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS=${1:-20000}
ROWS=${2:-6}
VENV=${EUROCURATE_COMPARE_VENV:-target/compare-venv}
if ! "$VENV/bin/python" -c "import datatrove, spacy, zstandard" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "datatrove[processing]==0.10.1" "spacy==3.8.*" "orjson==3.*" "zstandard==0.*"
fi
benches/fetch-leipzig.sh
BIN=${EUROCURATE_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=target/release/eurocurate
fi
exec "$VENV/bin/python" benches/minhash_calibrate.py --bin "$BIN" --docs "$DOCS" --rows "$ROWS" \
  --datatrove "$VENV/bin/python"
