"""Parquet as the ecosystem writes and reads it, for tests/parquet_readers.rs.

    parquet_readers.py write DIR          input files, one per codec, written by
                                          pyarrow and by `datasets`, plus
                                          DIR/expected.json
    parquet_readers.py check OUT SPEC     reads a run's Parquet output with
                                          pyarrow, polars, DuckDB and `datasets`
                                          and checks what SPEC (JSON) asks

The texts are the Maltese, Irish and Estonian UDHR documents of
fixtures/udhr-small-langs.parquet; the columns are FineWeb-2's (ISO 639-3
`language`, `language_script`, `language_score`, `minhash_cluster_size`,
`top_langs`, `dump`, `date`). Every value checked comes from this script or
from the readers, never from eurocurate.
"""

import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

ISO3 = {"mt": "mlt", "ga": "gle", "et": "ekk"}
CODECS = ["snappy", "gzip", "lz4", "brotli", "zstd", "none"]


def source_docs(root):
    t = pq.read_table(os.path.join(root, "fixtures", "udhr-small-langs.parquet")).to_pylist()
    docs = []
    for i, r in enumerate(t):
        # fixture ids look like `udhr-mt-003`
        lang = r["doc_id"].split("-")[1]
        docs.append({"text": r["content"], "lang": lang, "url": r["source_url"], "n": i})
    return docs


def fineweb2_table(docs, codec):
    rows = {
        "text": [d["text"] for d in docs],
        "id": [f"<urn:uuid:{codec}-{d['n']:04d}>" for d in docs],
        "dump": ["CC-MAIN-2024-10"] * len(docs),
        "url": [d["url"] for d in docs],
        "date": ["2024-02-2%dT10:00:00Z" % (d["n"] % 10) for d in docs],
        "file_path": [f"s3://commoncrawl/{codec}.warc.gz"] * len(docs),
        "language": [ISO3[d["lang"]] for d in docs],
        "language_score": [round(0.5 + (d["n"] % 50) / 100.0, 4) for d in docs],
        "language_script": ["Latn"] * len(docs),
        "minhash_cluster_size": [1 + d["n"] % 7 for d in docs],
        "top_langs": [json.dumps({ISO3[d["lang"]] + "_Latn_score": 0.9}) for d in docs],
    }
    return pa.table(rows)


def write(out):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    docs = source_docs(root)
    os.makedirs(out, exist_ok=True)
    expected = {"files": {}, "docs": {}}
    for codec in CODECS:
        t = fineweb2_table(docs, codec)
        path = os.path.join(out, f"fw2-{codec}.parquet")
        pq.write_table(t, path, compression=codec, row_group_size=16)
        meta = pq.ParquetFile(path).metadata
        expected["files"][os.path.basename(path)] = {
            "codec": meta.row_group(0).column(0).compression,
            "rows": t.num_rows,
            "row_groups": meta.num_row_groups,
        }
        for r in t.to_pylist():
            expected["docs"][r["id"]] = r
    # The `datasets` library's own writer (snappy by default).
    from datasets import Dataset

    t = fineweb2_table(docs, "datasets")
    path = os.path.join(out, "fw2-datasets.parquet")
    Dataset.from_dict(t.to_pydict()).to_parquet(path)
    meta = pq.ParquetFile(path).metadata
    expected["files"]["fw2-datasets.parquet"] = {
        "codec": meta.row_group(0).column(0).compression,
        "rows": t.num_rows,
        "row_groups": meta.num_row_groups,
    }
    for r in t.to_pylist():
        expected["docs"][r["id"]] = r
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)
    print(json.dumps({k: v["codec"] for k, v in expected["files"].items()}))


def by_python(rows, pred):
    """The filter applied row by row in plain Python: the ground truth."""
    return sum(1 for r in rows if pred(r))


def check(out, spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    pattern = os.path.join(out, "**", "*.parquet")
    files = sorted(
        os.path.join(d, n)
        for d, _, ns in os.walk(out)
        for n in ns
        if n.endswith(".parquet") and "rejected" not in d and "/_" not in d
    )
    assert files, f"no Parquet files under {out}"
    # One schema for every file of the run.
    schemas = {str(pq.read_schema(p)) for p in files}
    assert len(schemas) == 1, f"{len(schemas)} different schemas among {len(files)} files"
    rows = pa.concat_tables([pq.read_table(p) for p in files]).to_pylist()
    report = {"files": len(files), "rows": {}, "filters": {}}

    import duckdb
    import polars as pl
    import pyarrow.compute as pc  # noqa: F401 (used by filters in SPEC)
    import pyarrow.dataset as ds
    from datasets import load_dataset

    hive = spec.get("hive", False)
    n = {
        "pyarrow": ds.dataset(out if hive else files, partitioning="hive" if hive else None, format="parquet")
        .to_table()
        .num_rows,
        "polars": pl.scan_parquet(pattern, hive_partitioning=hive).select(pl.len()).collect().item(),
        "duckdb": duckdb.sql(f"SELECT count(*) FROM read_parquet('{pattern}')").fetchall()[0][0],
        "datasets": load_dataset("parquet", data_files=files, split="train").num_rows,
    }
    report["rows"] = n
    for reader, count in n.items():
        assert count == spec["rows"], f"{reader} reads {count} rows, expected {spec['rows']}"

    if hive:
        langs = duckdb.sql(f"SELECT DISTINCT lang FROM read_parquet('{pattern}', hive_partitioning=true)").fetchall()
        folders = {os.path.basename(os.path.dirname(p)) for p in files}
        assert {f"lang={l}" for (l,) in langs} == folders == {f"lang={r['lang']}" for r in rows}, (langs, folders)

    dsets = load_dataset("parquet", data_files=files, split="train")
    for name, f in spec["filters"].items():
        truth = by_python(rows, eval(f["python"]))
        got = {
            "duckdb": duckdb.sql(f"SELECT count(*) FROM read_parquet('{pattern}') WHERE {f['sql']}").fetchall()[0][0],
            "polars": pl.scan_parquet(pattern, hive_partitioning=hive)
            .filter(eval(f["polars"]))
            .select(pl.len())
            .collect()
            .item(),
            "pyarrow": ds.dataset(files, format="parquet").to_table(filter=eval(f["pyarrow"])).num_rows,
            "datasets": dsets.filter(eval(f["python"])).num_rows,
        }
        report["filters"][name] = {"truth": truth, **got}
        assert truth >= f.get("at_least", 1), f"{name}: only {truth} rows match"
        for reader, count in got.items():
            assert count == truth, f"{name}: {reader} finds {count}, plain Python {truth}"

    if "texts" in spec:
        with open(spec["texts"]) as fh:
            expected = json.load(fh)["docs"]
        for r in rows:
            e = expected[r["id"]]
            assert r["text"] == e["text"], f"{r['id']}: text differs"
            m = r["metadata"]
            for col in ("dump", "date", "language_score", "minhash_cluster_size", "language_script", "top_langs"):
                assert m[col] == e[col], f"{r['id']}: metadata.{col} {m[col]!r} != {e[col]!r}"
        assert len(rows) == len(expected), f"{len(rows)} rows out, {len(expected)} in"
    print(json.dumps(report))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
