#!/usr/bin/env bash
# Language-ID speed (issue #23): CPU seconds per 1 KB document, one core, in
# one run on the same documents (24 languages):
#   (a) `language_id` as it was when the issue was filed: lid.176 through the
#       C++ `fasttext` crate, no second stage — eurocurate at commit
#       b267e2d (the last commit before the Rust fastText engine replaced
#       the C++ crate), built once into target/lid-speed/issue-time/;
#   (b) `language_id` of this tree with its defaults (release build), and
#       the same with `refine: false` and with `granularity: line`;
#   (c) heliport 1.0.1 (PyPI, GPL-3.0: bench only, in a venv), its CLI on
#       one thread;
# plus eurocurate with no stage, the reading/writing every eurocurate row
# includes. Documents/s per core, start-up CPU, peak RSS, medians of 3 runs,
# load average before and after (benches/lid_speed.py says how).
#
# Text (role test in DATA.md): the held-out manuals of benches/heldout
# (23 languages) and, for Maltese, which they lack, the Maltese LID test
# sentences of benches/lid/fetch-test.sh (MediaWiki). Neither trains nor
# calibrates anything.
#
#   benches/lid-speed.sh [--runs 3] [--per-lang 200]
#   EUROCURATE=path/to/eurocurate benches/lid-speed.sh    # an existing release binary for (b)
#   BASELINE=path/to/eurocurate benches/lid-speed.sh      # also (b) with another build (before/after a change)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=target/lid-speed
VENV=${EUROCURATE_BENCH_VENV:-$WORK/venv}
ISSUE_COMMIT=b267e2d
mkdir -p "$WORK"

benches/heldout/fetch.sh >/dev/null
benches/lid/fetch-test.sh >/dev/null

if [ -z "${EUROCURATE:-}" ]; then
  cargo build --release --quiet --bin eurocurate
  EUROCURATE=$WORK/eurocurate
  cp target/release/eurocurate "$EUROCURATE" # a copy: a rebuild during the run cannot swap it
fi

# (a) the issue-time binary: its own source tree and target folder (seeded
# from this tree's release build when there is one, to skip most of the
# dependency build); built once.
OLD=$WORK/issue-time
if [ ! -x "$OLD/eurocurate" ]; then
  rm -rf "$OLD/src" && mkdir -p "$OLD/src"
  git archive "$ISSUE_COMMIT" | tar -x -C "$OLD/src"
  if [ ! -d "$OLD/target/release" ] && [ -d target/release ]; then
    mkdir -p "$OLD/target" && cp -a target/release "$OLD/target/"
  fi
  (cd "$OLD/src" && cargo build --release --quiet --bin eurocurate --target-dir ../target)
  cp "$OLD/target/release/eurocurate" "$OLD/eurocurate"
  rm -rf "$OLD/target" "$OLD/src" # ~2 GB; the binary is all the bench needs
fi
# Its langs/ files (today's have keys it does not know).
[ -d "$OLD/langs" ] || git archive "$ISSUE_COMMIT" langs | tar -x -C "$OLD"

if [ ! -x "$VENV/bin/heliport" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "heliport==1.0.1"
fi

# An optional second build of `language_id` with its defaults, in the same
# run (a change's before and after under the same machine load).
EXTRA=()
if [ -n "${BASELINE:-}" ]; then
  cp "$BASELINE" "$WORK/eurocurate-baseline"
  EXTRA=(--system "language_id (defaults, BASELINE build)=eurocurate:$WORK/eurocurate-baseline {\"kind\": \"language_id\"}")
fi

python3 benches/lid_speed.py --work "$WORK" --heldout target/heldout --mt target/lid-data/test/mt.txt \
  --subject "language_id (defaults)" \
  --system "language_id at issue time ($ISSUE_COMMIT, C++ fastText)=eurocurate:$OLD/eurocurate {\"kind\": \"language_id\", \"langs_dir\": \"$OLD/langs\"}" \
  --system "language_id (defaults)=eurocurate:$EUROCURATE {\"kind\": \"language_id\"}" \
  --system "language_id refine: false=eurocurate:$EUROCURATE {\"kind\": \"language_id\", \"refine\": false}" \
  --system "language_id granularity: line=eurocurate:$EUROCURATE {\"kind\": \"language_id\", \"granularity\": \"line\"}" \
  --system "heliport 1.0.1 (CLI, -j 0)=heliport:$VENV/bin/heliport" \
  --system "eurocurate, no stage (I/O only)=eurocurate:$EUROCURATE" \
  "${EXTRA[@]}" \
  "$@"
