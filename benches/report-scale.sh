#!/usr/bin/env bash
# `eurocurate report`'s annotated-measure distributions at scale, side by
# side with the reference (the same per-language histograms as polars lazy
# queries, benches/report_polars.py) in one run, over whatif's generated
# annotated Parquet output (default 10 M documents, 24 languages, 21 measure
# columns). Prints wall and CPU seconds, documents per CPU second and peak
# RSS of both, checks that both count the same documents per language and
# column and the same histogram, and times the whole `eurocurate report`
# (its other sections read every record) for the extra share.
#
# usage: benches/report-scale.sh [DOCS]   (default 10000000)
#        WHATIF_BENCH_DIR=... (default target/bench/whatif), PY=python with polars,
#        FULL_REPORT=0 skips timing the whole report
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
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Generates the corpus once (reused while DOCS is unchanged).
"$bench" whatif --docs "$docs" --dir "$dir" --rounds 1 > /dev/null
load0=$(cut -d' ' -f1 /proc/loadavg)
/usr/bin/time -f '%e %U %S %M' -o "$tmp/e.time" "$bench" report-dist --docs "$docs" --dir "$dir" --json "$tmp/e.json" > "$tmp/e.txt"
/usr/bin/time -f '%e %U %S %M' -o "$tmp/p.time" "$PY" benches/report_polars.py "$dir" > "$tmp/p.json"
if [ "${FULL_REPORT:-1}" != 0 ]; then
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/r.time" "$bin" report "$dir" --out "$tmp/report.html" > /dev/null
fi
load1=$(cut -d' ' -f1 /proc/loadavg)
cat "$tmp/e.txt"
"$PY" - "$tmp" "$docs" "$load0" "$load1" <<'PYEOF'
import json, os, sys
tmp, docs, l0, l1 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
e = json.load(open(f"{tmp}/e.json")); p = json.load(open(f"{tmp}/p.json"))
def t(name):
    wall, u, s, rss = open(f"{tmp}/{name}.time").read().split()[-4:]
    return float(wall), float(u) + float(s), int(rss) // 1024
print(f"{docs} documents, 24 languages; load average {l0} -> {l1}")
print("| tool | wall s | CPU s | M docs per CPU s | peak RSS MB |")
print("|---|---:|---:|---:|---:|")
rows = [("e", "eurocurate report distributions (2 passes)"), ("p", f"polars {p['polars']} lazy queries")]
if os.path.exists(f"{tmp}/r.time"):
    rows.append(("r", "whole eurocurate report (all sections)"))
for name, label in rows:
    wall, cpu, rss = t(name)
    print(f"| {label} | {wall:.1f} | {cpu:.1f} | {docs / cpu / 1e6:.2f} | {rss} |")
diff, worst = [], 0
for lang, pl_ in sorted(p["by_lang"].items()):
    ours = e.get(lang)
    if ours is None or ours["docs"] != pl_["docs"]:
        diff.append(f"{lang}: documents {ours and ours['docs']} vs {pl_['docs']}")
        continue
    for col, ref in pl_["columns"].items():
        d = ours["columns"].get(col)
        if d is None or d["n"] != ref["n"] or (d["min"], d["max"]) != (ref["min"], ref["max"]):
            diff.append(f"{lang} {col}: n/min/max differ")
            continue
        if (d["lo"], d["hi"]) != (ref["min"], ref["max"]):
            diff.append(f"{lang} {col}: range [{d['lo']}, {d['hi']}] is not [min, max]")
            continue
        # values on a bin edge may fall either side with float rounding
        moved = sum(abs(a - b) for a, b in zip(d["bins"], ref["bins"])) // 2
        worst = max(worst, moved)
        if moved > 2:
            diff.append(f"{lang} {col}: {moved} documents in other bins")
print(f"per language and column: documents, min, max and 240-bin histogram equal to the reference: {'yes' if not diff else 'NO'} (most documents in a neighbouring bin in one histogram: {worst})")
for d in diff[:20]:
    print("  " + d)
sys.exit(1 if diff else 0)
PYEOF
