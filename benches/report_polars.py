"""The reference for `eurocurate-bench report-dist`: per language and Float
metadata column of the same generated Parquet folder, the documents with a
value, min, max and the 240-bin histogram over [min, max] (the range
eurocurate's report chooses when no far tail stretches it, as on this
uniform data), as polars lazy queries; timed in CPU seconds with peak RSS.

usage: report_polars.py DIR   (prints one JSON object)
"""

import json
import resource
import sys
import time

import polars as pl

BINS = 240


def main():
    root = sys.argv[1]
    cpu0 = time.process_time()
    t0 = time.time()
    lf = pl.scan_parquet(f"{root}/**/*.parquet")
    meta = lf.collect_schema()["metadata"]
    floats = [f.name for f in meta.fields if f.dtype in (pl.Float64, pl.Float32)]
    cols = [pl.col("metadata").struct.field(n).alias(n) for n in floats]
    base = lf.select([pl.col("lang")] + cols)
    stats = (
        base.group_by("lang")
        .agg(
            [pl.len().alias("docs")]
            + [pl.col(n).count().alias(f"{n}|n") for n in floats]
            + [pl.col(n).min().alias(f"{n}|min") for n in floats]
            + [pl.col(n).max().alias(f"{n}|max") for n in floats]
        )
        .collect()
    )
    out = {}
    for row in stats.iter_rows(named=True):
        out[row["lang"]] = {
            "docs": row["docs"],
            "columns": {
                n: {"n": row[f"{n}|n"], "min": row[f"{n}|min"], "max": row[f"{n}|max"], "bins": [0] * BINS}
                for n in floats
                if row[f"{n}|n"]
            },
        }
    ranges = stats.lazy().select(["lang"] + [c for n in floats for c in (f"{n}|min", f"{n}|max")])
    for n in floats:
        lo, hi = pl.col(f"{n}|min"), pl.col(f"{n}|max")
        binned = (
            base.select(["lang", n])
            .drop_nulls(n)
            .join(ranges, on="lang")
            .select(
                "lang",
                ((pl.col(n) - lo) * BINS / (hi - lo)).floor().clip(0, BINS - 1).cast(pl.Int64).alias("bin"),
            )
            .group_by(["lang", "bin"])
            .len()
            .collect()
        )
        for lang, b, c in binned.iter_rows():
            out[lang]["columns"][n]["bins"][b] = c
    cpu = time.process_time() - cpu0
    print(
        json.dumps(
            {
                "polars": pl.__version__,
                "wall": time.time() - t0,
                "cpu": cpu,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                "by_lang": out,
            }
        )
    )


if __name__ == "__main__":
    main()
