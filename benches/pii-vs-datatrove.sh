#!/usr/bin/env bash
# PII scrubbing speed, eurocurate `pii` vs datatrove's PIIFormatter, same
# documents, same machine, one core each, in one run. Also prints
# eurocurate's recall and look-alike table on the independent evaluation set
# (fixtures/pii-eval/, see benches/pii-eval/generate.py).
#
#   benches/pii-vs-datatrove.sh [SPEED_MB]      (default 100)
#
# Needs python3 with venv; installs datatrove from PyPI into target/bench-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
MB="${1:-100}"
VENV=${EUROCURATE_BENCH_VENV:-target/bench-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "datatrove==0.10.1" regex
fi
cargo build --release --quiet
TARGET=${CARGO_TARGET_DIR:-target}
OURS=$("$TARGET/release/eurocurate-bench" pii --speed-mb "$MB" | tee /dev/stderr | sed -n 's/^  ordinary .* \([0-9.]*\) MB\/s per core.*/\1/p')
THEIRS=$("$VENV/bin/python" benches/pii_datatrove.py target/bench/pii-speed.jsonl | tee /dev/stderr | sed -n 's/^RESULT datatrove_mb_per_core=//p')
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "print(f'eurocurate / datatrove per core: {float($OURS) / float($THEIRS):.1f}x (eurocurate checks 6 types incl. phones, IBANs, cards and 17 national IDs; datatrove e-mails and IPs)')"
