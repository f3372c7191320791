#!/usr/bin/env bash
# Language identification: accuracy per EU language on held-out real
# sentences, and speed of eurocurate's Rust fastText next to the reference
# C++ fastText on the same 1 KB documents, in one run.
#
#   benches/lid-accuracy.sh
#
# Sentences: the `testdata/sentences.txt` files shipped in the crates.io
# crates lingua-<language>-language-model 1.3.0 (Apache-2.0; Leipzig
# Wortschatz). They now TRAIN the second-stage model (benches/lid), so the
# accuracy printed here is not a held-out number: the language-ID quality
# bench is benches/lid/bench.sh. This script remains a speed comparison with
# the reference fastText. Reference: PyPI fasttext-predict 0.9.2.4, timed
# by `eurocurate-bench lid` itself in the Python given by
# EUROCURATE_LID_REFERENCE_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/lid-heldout
VENV=${EUROCURATE_BENCH_VENV:-target/bench-venv}
benches/fetch-leipzig.sh
cargo build --release --quiet
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q "fasttext-predict==0.9.2.4"
RESULTS=$(EUROCURATE_LID_REFERENCE_PYTHON="$VENV/bin/python" ./target/release/eurocurate-bench lid --heldout "$OUT" | tee /dev/stderr)
OURS=$(sed -n 's/^RESULT eurocurate_predictions_per_core=//p' <<<"$RESULTS")
THEIRS=$(sed -n 's/^RESULT reference_predictions_per_core=//p' <<<"$RESULTS")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "print(f'eurocurate / reference per core (k=1): {float($OURS) / float($THEIRS):.2f}x')"
