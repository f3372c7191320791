#!/usr/bin/env bash
# Language-ID bench (issue #23): on the same held-out test sentences, the
# `language_id` stage with its defaults (the release binary on JSONL), the
# stage without its second stage (as before), lid.176 argmax alone, heliport
# (PyPI, GPL-3.0: bench only, in a venv) and any fastText model given by
# path (GlotLID, OpenLID). Prints per-language recall and precision, macro,
# worst, the neighbours' EU-label rate, speed per core on 1 KB documents and
# the lid_threshold curve on the calibrate split.
#
#   benches/lid/bench.sh [--fasttext-model path/to/glotlid.bin] [--no-heliport]
#   EUROCURATE=target/debug/eurocurate benches/lid/bench.sh   # skip the release build (accuracy only)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/lid/common.sh
VENV=${EUROCURATE_BENCH_VENV:-target/bench-venv-lid}
benches/lid/fetch-test.sh >/dev/null
benches/lid/fetch-train.sh >/dev/null
if [ -z "${EUROCURATE:-}" ]; then
  cargo build --release --quiet
  EUROCURATE=target/release/eurocurate
fi
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q "fasttext-predict==0.9.2.4" "heliport==1.0.1"
"$VENV/bin/python" benches/lid/bench.py "$EUROCURATE" "$OUT/test" "$OUT/calibrate" "$OUT/bench" "$@"
