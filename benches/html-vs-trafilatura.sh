#!/usr/bin/env bash
# Main-text extraction, eurocurate vs trafilatura, on trafilatura's own
# evaluation corpus (~990 pages in many languages with expected text and
# boilerplate segments; tests/evaldata.json of the trafilatura repository),
# in one run: precision/recall/F1 with trafilatura's scoring, the speed
# of both on the same pages, one core each, and sentences with holes (an
# inline element's words around it kept without it; benches/html_holes.py).
#
#   benches/html-vs-trafilatura.sh [TRAFILATURA_CHECKOUT]
#
# The corpus is not on PyPI (the sdist leaves tests/ out): pass a checkout,
# or the script clones github.com/adbar/trafilatura at a pinned commit.
# Installs trafilatura from PyPI into target/html-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
TRAF_VERSION=2.3.1
TRAF_COMMIT=e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5
REPO="${1:-target/trafilatura}"
if [ ! -f "$REPO/tests/evaldata.json" ]; then
  git clone -q https://github.com/adbar/trafilatura "$REPO"
  git -C "$REPO" checkout -q "$TRAF_COMMIT"
fi
VENV=${EUROCURATE_HTML_VENV:-target/html-venv}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import trafilatura" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "trafilatura==$TRAF_VERSION" lxml_html_clean
fi
cargo build --release --quiet
# The arena the extractor parses into must hold the same tree as scraper's
# on every page of the corpus (an ignored test: CI cannot reach the corpus).
EUROCURATE_TRAFILATURA="$REPO" cargo test --quiet --test integration -- --ignored --exact \
  html_tree::trafilaturas_corpus_gives_scrapers_tree
B=target/bench
mkdir -p $B
python3 benches/html_trafilatura.py list "$REPO" $B/html-pages.txt
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
./target/release/eurocurate-bench html --list $B/html-pages.txt --out $B/eurocurate.jsonl | tee $B/html-ours.txt
"$VENV/bin/python" benches/html_trafilatura.py run "$REPO" $B/trafilatura.jsonl | tee $B/html-theirs.txt
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 benches/html_trafilatura.py score "$REPO" $B/eurocurate.jsonl $B/trafilatura.jsonl
"$VENV/bin/python" benches/html_holes.py "$REPO" $B/eurocurate.jsonl $B/trafilatura.jsonl
OURS=$(sed -n 's/^ *\([0-9]*\) pages\/s per core.*/\1/p' $B/html-ours.txt)
THEIRS=$(sed -n 's/^RESULT trafilatura_pages_per_core=//p' $B/html-theirs.txt)
python3 -c "print(f'eurocurate / trafilatura pages per core: {float($OURS) / float($THEIRS):.1f}x')"
