#!/usr/bin/env bash
# `eurocurate classifier train` against the official fastText (PyPI
# `fasttext-wheel` 0.9.2) with the same settings on the same examples:
# held-out accuracy of both (per label), and our model loaded by fastText
# (same top label, largest probability difference). Two labelled sets:
#   langs:   23 labels (language of a Leipzig sentence), 23,000 examples;
#   quality: hq/lq (prose vs. interface text, the shipped model's set).
# Data: target/lid-heldout (benches/fetch-leipzig.sh) and the Leipzig
# sentences and permissive catalogues of benches/lid/fetch-train.sh; venv in target/ft-venv.
#
#   benches/classifier-vs-fasttext.sh            # ~5 min on 2 cores
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/cls
mkdir -p "$OUT"
if [ ! -x target/ft-venv/bin/python ]; then
  python3 -m venv target/ft-venv
  target/ft-venv/bin/pip install -q 'fasttext-wheel==0.9.2' 'numpy<2' zstandard
fi
PY=target/ft-venv/bin/python
bash benches/fetch-leipzig.sh
cargo build --release -q --bin eurocurate
BIN=target/release/eurocurate
$PY benches/classifier/make_lang_set.py target/lid-heldout "$OUT/langs.jsonl"

run() { # name jsonl eurocurate-flags reference-json
  local name=$1 data=$2 flags=$3 ref=$4
  echo "== $name: $flags"
  # shellcheck disable=SC2086
  /usr/bin/time -f "  eurocurate: %U s user, peak RSS %M KB" $BIN classifier train "$data" -o "$OUT/$name.bin" \
    --write-split "$OUT/$name-split" --holdout 0.2 --threads 1 $flags | grep -v '^    '
  /usr/bin/time -f "  reference: %U s user, peak RSS %M KB" $PY benches/classifier/reference.py "$OUT/$name-split" "$OUT/$name.bin" "$ref" \
    | grep -v '^  [a-z]' | grep -v Warning
}
run langs "$OUT/langs.jsonl" "--dim 16 --epoch 5 --lr 0.5 --word-ngrams 2 --minn 2 --maxn 4 --bucket 200000" \
  '{"dim":16,"epoch":5,"lr":0.5,"wordNgrams":2,"minn":2,"maxn":4,"bucket":200000,"thread":1}'
run langs-words "$OUT/langs.jsonl" "--dim 50 --epoch 5 --lr 0.1" '{"dim":50,"epoch":5,"lr":0.1,"thread":1}'
SRC=target/lid-data/train-src
if [ -d $SRC/catalogues ] && [ -d $SRC/leipzig ]; then
  $PY benches/classifier/make_quality_set.py $SRC/leipzig $SRC/catalogues target/lid-data/cache/pypi-x "$OUT/quality.jsonl" >/dev/null
  run quality "$OUT/quality.jsonl" "--dim 8 --epoch 10 --lr 0.5 --word-ngrams 2 --minn 3 --maxn 5 --bucket 20000 --min-count 3" \
    '{"dim":8,"epoch":10,"lr":0.5,"wordNgrams":2,"minn":3,"maxn":5,"bucket":20000,"minCount":3,"thread":1}'
else
  echo "quality set skipped: run benches/lid/fetch-train.sh for the permissive catalogues and the Leipzig sentences"
fi
