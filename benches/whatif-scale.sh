#!/usr/bin/env bash
# `eurocurate whatif` at scale, side by side with the reference (the same
# what-if as a polars lazy query, benches/whatif_polars.py) in one run:
# generated annotated Parquet output (default 10 M documents, 24 languages,
# 21 measure columns of gopher_quality + gopher_repetition in mode: annotate),
# four changed thresholds (one for Finnish only) and one condition. Prints
# wall and CPU seconds, documents per CPU second and peak RSS of both, and
# checks that both keep the same documents and words in every language.
#
# usage: benches/whatif-scale.sh [DOCS]   (default 10000000)
#        WHATIF_BENCH_DIR=... (default target/bench/whatif), PY=python with polars
# needs: a release build (cargo build --release), GNU time; a venv with polars
#        is made under target/ when PY is not given.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-10000000}
dir=${WHATIF_BENCH_DIR:-target/bench/whatif}
bin=target/release/eurocurate
bench=target/release/eurocurate-bench
[ -x "$bin" ] && [ -x "$bench" ] || { echo "build first: cargo build --release" >&2; exit 1; }
if [ -z "${PY:-}" ]; then
  [ -x target/venv-polars/bin/python ] || { python3 -m venv target/venv-polars && target/venv-polars/bin/pip install -q polars; }
  PY=target/venv-polars/bin/python
fi
# Generates the corpus once (reused while DOCS is unchanged) and times whatif in-process.
"$bench" whatif --docs "$docs" --dir "$dir" --rounds 1
sets=(--set gopher_quality.min_doc_words=150 --set gopher_quality.max_non_alpha_words_ratio=0.05
      --set gopher_repetition.dup_line_frac=0.95 --set gopher_repetition.top_2_gram@fi=0.8
      --where "gopher_quality.hash_ratio < 0.95")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load0=$(cut -d' ' -f1 /proc/loadavg)
/usr/bin/time -f '%e %U %S %M' -o "$tmp/e.time" "$bin" whatif "$dir" "${sets[@]}" --json > "$tmp/e.json"
/usr/bin/time -f '%e %U %S %M' -o "$tmp/p.time" "$PY" benches/whatif_polars.py "$dir" > "$tmp/p.json"
load1=$(cut -d' ' -f1 /proc/loadavg)
"$PY" - "$tmp" "$docs" "$load0" "$load1" <<'PYEOF'
import json, sys
tmp, docs, l0, l1 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
e = json.load(open(f"{tmp}/e.json")); p = json.load(open(f"{tmp}/p.json"))
def t(name):
    wall, u, s, rss = open(f"{tmp}/{name}.time").read().split()[-4:]
    return float(wall), float(u) + float(s), int(rss) // 1024
print(f"{docs} documents, 24 languages; load average {l0} -> {l1}")
print("| tool | wall s | CPU s | M docs per CPU s | peak RSS MB |")
print("|---|---:|---:|---:|---:|")
for name, label in (("e", "eurocurate whatif"), ("p", f"polars {p['polars']} lazy query")):
    wall, cpu, rss = t(name)
    print(f"| {label} | {wall:.1f} | {cpu:.1f} | {docs / cpu / 1e6:.2f} | {rss} |")
diff = []
for lang, (seen, run, new, words) in sorted(p["by_lang"].items()):
    ours = e["by_lang"].get(lang, {})
    got = (ours["seen"]["docs"], ours["run"]["docs"], ours["whatif"]["docs"], ours["whatif"]["words"])
    if got != (seen, run, new, words):
        diff.append(f"{lang}: eurocurate {got}, polars {(seen, run, new, words)}")
kept = sum(v["whatif"]["docs"] for v in e["by_lang"].values())
print(f"whatif keeps {kept} documents; per-language documents and words equal to the reference: {'yes' if not diff else 'NO'}")
for d in diff:
    print("  " + d)
sys.exit(1 if diff else 0)
PYEOF
