#!/usr/bin/env bash
# Language identification: accuracy per EU language on held-out real
# sentences, and speed next to the reference C++ fastText, in one run.
#
#   benches/lid-accuracy.sh
#
# Sentences: the `testdata/sentences.txt` files shipped in the crates.io
# crates lingua-<language>-language-model 1.3.0 (Apache-2.0; Leipzig
# Wortschatz). They now TRAIN the second-stage model (benches/lid), so the
# accuracy printed here is not a held-out number: the language-ID quality
# bench is benches/lid/bench.sh. This script remains a speed comparison with
# the reference fastText. Reference: PyPI fasttext-predict 0.9.2.4.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/lid-heldout
VENV=${EUROCURATE_BENCH_VENV:-target/bench-venv}
benches/fetch-leipzig.sh
cargo build --release --quiet
OURS=$(./target/release/eurocurate bench lid --heldout "$OUT" | tee /dev/stderr | sed -n 's/^RESULT eurocurate_predictions_per_core=//p')
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q "fasttext-predict==0.9.2.4"
THEIRS=$("$VENV/bin/python" - "$OUT/speed-1kb.txt" <<'PY'
import sys, time, fasttext
m = fasttext.load_model("models/lid.176.ftz")
docs = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
size = sum(len(d.encode()) for d in docs)
t0 = time.process_time()
for _ in range(3):
    for d in docs:
        m.predict(d.replace("\n", " "), k=1)
cpu = time.process_time() - t0
print(f"reference fastText (Python, fasttext-predict) {3*len(docs)} predictions: {3*len(docs)/cpu:.0f} predictions/s per core, {3*size/1e6/cpu:.1f} MB/s per core", file=sys.stderr)
print(f"{3*len(docs)/cpu:.1f}")
PY
)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "print(f'eurocurate / reference per core: {float($OURS) / float($THEIRS):.2f}x')"
