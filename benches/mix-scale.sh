#!/usr/bin/env bash
# `eurocurate mix` at two sizes: 24 languages of generated documents made of
# real UDHR lines (benches/mix_corpus.py), each language's budget 1/24 of the
# total, weights by a quality score, rehydration steps on the cluster size.
# Prints per size: wall time, tokens per second per core, peak RSS (GNU time),
# and the worst language's distance from its budget. Peak RSS should be the
# same at both sizes: the shuffle holds one bucket (`shuffle_buffer_tokens`).
#
# usage: benches/mix-scale.sh [SIZES...]   (default: 100000000 300000000)
#        BIN=... (default target/release/eurocurate), BUFFER=shuffle_buffer_tokens, WORKERS=2
# needs: a release build (cargo build --release), python3, GNU time, zstd.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-target/release/eurocurate}
buffer=${BUFFER:-50000000}
work=${MIX_BENCH_DIR:-target/mix-bench}
workers=${WORKERS:-2}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000000 300000000)
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
langs="bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv"
printf "%-12s %10s %14s %14s %12s %s\n" tokens wall_s tok/s/core peak_rss_MB mix_tokens worst_lang
for n in "${sizes[@]}"; do
  corpus="$work/corpus-$n"
  # The corpus holds about 1.25 × the budget, so large languages are subsampled
  # and the rest repeated by weight.
  [ -d "$corpus" ] || python3 benches/mix_corpus.py "$corpus" "$((n * 5 / 4))" >&2
  out="$work/mix-$n"
  mixfile="$work/mix-$n.yaml"
  {
    echo "name: bench-$n"
    echo "inputs:"
    echo "  - path: $corpus"
    echo "tokenizer: fixtures/tokenizer.json"
    echo "eos: \"</s>\""
    echo "total_tokens: $n"
    echo "budgets:"
    for l in $langs; do echo "  $l: {share: 0.041666}"; done
    echo "max_repeat: 4"
    echo "if_short: cap"
    echo "weight:"
    echo "  column: minhash_cluster_size"
    echo "  steps: {1: 1, 2: 3, 3: 4, 5: 6, 9: 8, 20: 2}"
    echo "seed: 1"
    echo "output:"
    echo "  path: $out"
    echo "  shuffle_buffer_tokens: $buffer"
  } > "$mixfile"
  rm -rf "$out"
  /usr/bin/time -f "%e %M" -o "$work/time-$n" "$bin" --quiet mix "$mixfile" --workers "$workers"
  read -r wall rss_kb < "$work/time-$n"
  python3 - "$out/manifest.json" "$n" "$wall" "$rss_kb" "$workers" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
n, wall, rss, workers = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
worst = max(m["languages"].items(), key=lambda kv: abs(kv[1]["relative_error"]))
print(f"{n:<12} {wall:>10.1f} {m['tokens'] / wall / workers:>14.0f} {rss / 1024:>14.1f} {m['tokens']:>12} "
      f"{worst[0]} {100 * worst[1]['relative_error']:+.4f}% of its target")
PY
done
