"""The reference for `eurocurate-bench whatif`: the same what-if over the
same generated Parquet folder, written as a polars lazy query (scan,
projection, group by language), timed in CPU seconds with peak RSS.

The query spells out the what-if semantics independently of eurocurate's
code: a stage keeps a document when no check of an unchanged parameter
failed (its `<stage>.fails` list) and the changed parameters' checks pass
the new values (a null measure passes); `--where` needs a non-null value.

usage: whatif_polars.py DIR   (prints one JSON object)
"""

import json
import resource
import sys
import time

import polars as pl


def m(name):
    return pl.col("metadata").struct.field(name)


def others_failed(stage, changed):
    fails = m(f"{stage}.fails").str.split(",")
    return fails.list.eval(pl.element().is_in(changed).not_()).list.any().fill_null(False)


def passes(col, op, value):
    x = m(col)
    ok = {"min": x >= value, "max": x <= value}[op]
    return ok | x.is_null()


def main():
    root = sys.argv[1]
    cpu0 = time.process_time()
    t0 = time.time()
    lf = pl.scan_parquet(f"{root}/**/*.parquet")
    run = m("gopher_quality.keep").fill_null(True) & m("gopher_repetition.keep").fill_null(True)
    gq = (
        others_failed("gopher_quality", ["gopher_short_doc", "gopher_below_alpha_threshold"]).not_()
        & passes("gopher_quality.words", "min", 150)
        & passes("gopher_quality.alpha_words_ratio", "min", 0.05)
    )
    gr_fi = (
        others_failed("gopher_repetition", ["dup_line_frac", "top_2_gram"]).not_()
        & passes("gopher_repetition.dup_line_frac", "max", 0.95)
        & passes("gopher_repetition.top_2_gram", "max", 0.8)
    )
    gr_other = others_failed("gopher_repetition", ["dup_line_frac"]).not_() & passes(
        "gopher_repetition.dup_line_frac", "max", 0.95
    )
    gr = pl.when(pl.col("lang") == "fi").then(gr_fi).otherwise(gr_other)
    cond = (m("gopher_quality.hash_ratio") < 0.95).fill_null(False)
    new = gq & gr & cond
    words = m("annotate.words")
    out = (
        lf.select(
            pl.col("lang"),
            run.alias("run"),
            new.alias("new"),
            words.alias("words"),
        )
        .group_by("lang")
        .agg(
            pl.len().alias("seen"),
            pl.col("run").sum().alias("run_docs"),
            pl.col("new").sum().alias("whatif_docs"),
            pl.col("words").filter(pl.col("new")).sum().alias("whatif_words"),
        )
        .sort("lang")
        .collect()
    )
    wall = time.time() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu = ru.ru_utime + ru.ru_stime - cpu0
    print(
        json.dumps(
            {
                "polars": pl.__version__,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "peak_rss_mb": ru.ru_maxrss // 1024,
                "by_lang": {r["lang"]: [r["seen"], r["run_docs"], r["whatif_docs"], r["whatif_words"]] for r in out.to_dicts()},
            }
        )
    )


if __name__ == "__main__":
    main()
