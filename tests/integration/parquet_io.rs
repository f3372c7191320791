//! Parquet in and out: every codec reads completely, damage fails the run
//! with file and row group named (or is counted with `on_error: skip`), and
//! the output has typed metadata that the ecosystem's readers filter on.
//!
//! The damage is made here from files written by the `parquet` crate; the
//! test against the real readers (pyarrow, polars, DuckDB, `datasets`) runs
//! the Python script tests/py/parquet_readers.py and is ignored unless its
//! venv exists (`.ci/run` makes it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common::*;
use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};
use parquet::file::metadata::{ParquetMetaDataReader, ParquetMetaDataWriter};
use parquet::file::properties::WriterProperties;
use serde_json::Value;

/// Real sentences (UDHR article 1) in a few EU languages, repeated with a
/// row number so every row is distinct.
const SENTENCES: [(&str, &str); 4] = [
    (
        "mt",
        "Il-bnedmin kollha jitwieldu ħielsa u ugwali fid-dinjità u d-drittijiet.",
    ),
    (
        "ga",
        "Saolaítear na daoine uile saor agus comhionann i ndínit agus i gcearta.",
    ),
    (
        "et",
        "Kõik inimesed sünnivad vabadena ja võrdsetena oma väärikuselt ja õigustelt.",
    ),
    (
        "lv",
        "Visi cilvēki piedzimst brīvi un vienlīdzīgi savā pašcieņā un tiesībās.",
    ),
];

/// One input row: id, text, language as FineWeb-2 writes it, score.
type Row = (String, String, String, f64);

/// 40 rows.
fn rows() -> Vec<Row> {
    let iso3 = |l: &str| match l {
        "mt" => "mlt",
        "ga" => "gle",
        "et" => "ekk",
        _ => "lvs",
    };
    (0..40)
        .map(|i| {
            let (l, s) = SENTENCES[i % 4];
            (
                format!("doc-{i:03}"),
                format!("{s} ({i})"),
                iso3(l).to_string(),
                i as f64 / 40.0,
            )
        })
        .collect()
}

/// Writes the rows with `codec`, 10 rows per row group.
fn write_parquet(path: &Path, codec: Compression) {
    let r = rows();
    let col =
        |f: &dyn Fn(&Row) -> String| -> ArrayRef { Arc::new(StringArray::from(r.iter().map(f).collect::<Vec<_>>())) };
    let batch = RecordBatch::try_from_iter(vec![
        ("id", col(&|x| x.0.clone())),
        ("text", col(&|x| x.1.clone())),
        ("language", col(&|x| x.2.clone())),
        (
            "language_score",
            Arc::new(Float64Array::from(r.iter().map(|x| x.3).collect::<Vec<_>>())) as ArrayRef,
        ),
    ])
    .unwrap();
    let props = WriterProperties::builder()
        .set_compression(codec)
        .set_max_row_group_row_count(Some(10))
        .build();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn pipeline(dir: &Path, inputs: &[PathBuf], extra_input: &str, output: &str) -> PathBuf {
    let paths: Vec<String> = inputs.iter().map(|p| format!("\"{}\"", p.display())).collect();
    let yaml = format!(
        "name: pq\ninput:\n  kind: parquet\n  preset: fineweb2\n  paths: [{}]\n{extra_input}output:\n  path: {}\n{output}executor:\n  tasks: 2\n",
        paths.join(", "),
        dir.join("out").display()
    );
    let file = dir.join("pipeline.yaml");
    std::fs::write(&file, yaml).unwrap();
    file
}

fn run(pipeline: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .args(["--quiet", "run"])
        .arg(pipeline)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_codec_reads_every_row_with_fineweb2_languages_mapped() {
    let tmp = tempfile::tempdir().unwrap();
    let codecs = [
        ("snappy", Compression::SNAPPY),
        ("gzip", Compression::GZIP(GzipLevel::default())),
        ("lz4", Compression::LZ4),
        ("lz4_raw", Compression::LZ4_RAW),
        ("brotli", Compression::BROTLI(BrotliLevel::default())),
        ("zstd", Compression::ZSTD(ZstdLevel::default())),
        ("none", Compression::UNCOMPRESSED),
    ];
    let mut inputs = Vec::new();
    for (name, c) in codecs {
        let p = tmp.path().join(format!("{name}.parquet"));
        write_parquet(&p, c);
        inputs.push(p);
    }
    let p = pipeline(tmp.path(), &inputs, "", "  kind: jsonl\n");
    let o = run(&p, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let kept = read_records(&tmp.path().join("out"));
    assert_eq!(kept.len(), 40 * codecs.len());
    let want = rows();
    for (name, _) in codecs {
        let got: Vec<&Value> = kept
            .iter()
            .filter(|d| d["source"].as_str().unwrap().contains(&format!("/{name}.parquet#")))
            .collect();
        assert_eq!(got.len(), 40, "{name}");
        for (d, (id, text, _, score)) in got.iter().zip(&want) {
            assert_eq!(
                (d["id"].as_str(), d["text"].as_str()),
                (Some(id.as_str()), Some(text.as_str())),
                "{name}"
            );
            assert_eq!(d["metadata"]["language_score"].as_f64(), Some(*score), "{name}");
        }
    }
    let langs: std::collections::BTreeSet<&str> = kept.iter().map(|d| d["lang"].as_str().unwrap()).collect();
    assert_eq!(langs.into_iter().collect::<Vec<_>>(), ["et", "ga", "lv", "mt"]);
}

/// A copy of `src` whose row group `group` claims the LZO codec, which no
/// build of the reader has: the footer is decoded, changed and re-encoded.
fn with_lzo_row_group(src: &Path, dst: &Path, group: usize) {
    let bytes = std::fs::read(src).unwrap();
    let meta = ParquetMetaDataReader::new()
        .parse_and_finish(&std::fs::File::open(src).unwrap())
        .unwrap();
    let footer_len = u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap()) as usize;
    let data_end = bytes.len() - 8 - footer_len;
    let mut groups = Vec::new();
    for (i, rg) in meta.row_groups().iter().enumerate() {
        if i != group {
            groups.push(rg.clone());
            continue;
        }
        let cols = rg
            .columns()
            .iter()
            .map(|c| {
                c.clone()
                    .into_builder()
                    .set_compression(Compression::LZO)
                    .build()
                    .unwrap()
            })
            .collect();
        groups.push(rg.clone().into_builder().set_column_metadata(cols).build().unwrap());
    }
    let changed = meta.into_builder().set_row_groups(groups).build();
    let mut out = bytes[..data_end].to_vec();
    ParquetMetaDataWriter::new(&mut out, &changed).finish().unwrap();
    std::fs::write(dst, out).unwrap();
}

/// A copy of `src` with the first page header of row group `group` overwritten.
fn with_corrupt_page(src: &Path, dst: &Path, group: usize) {
    let mut bytes = std::fs::read(src).unwrap();
    let meta = ParquetMetaDataReader::new()
        .parse_and_finish(&std::fs::File::open(src).unwrap())
        .unwrap();
    // The text column (index 1): its first page header.
    let start = meta.row_group(group).column(1).byte_range().0 as usize;
    for b in &mut bytes[start..start + 12] {
        *b = 0xff;
    }
    std::fs::write(dst, bytes).unwrap();
}

#[test]
fn lost_input_fails_the_run_names_file_and_row_group_and_keeps_failing_until_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.parquet");
    write_parquet(&good, Compression::SNAPPY);
    let truncated = tmp.path().join("truncated.parquet");
    let whole = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let lzo = tmp.path().join("lzo.parquet");
    with_lzo_row_group(&good, &lzo, 2);
    let corrupt = tmp.path().join("corrupt.parquet");
    with_corrupt_page(&good, &corrupt, 1);
    let inputs = [good.clone(), truncated.clone(), lzo.clone(), corrupt.clone()];
    let p = pipeline(tmp.path(), &inputs, "", "  kind: parquet\n  partition_by: lang\n");
    let out = tmp.path().join("out");

    let o = run(&p, &[]);
    assert!(!o.status.success(), "a run that lost input must fail");
    let e = stderr(&o);
    assert!(e.contains("truncated.parquet, whole file: unreadable_file"), "{e}");
    assert!(
        e.contains("lzo.parquet, row group 2 (rows 20..29): corrupt_row_group"),
        "{e}"
    );
    assert!(
        e.contains("corrupt.parquet, row group 1 (rows 10..19): corrupt_row_group"),
        "{e}"
    );
    assert!(e.contains("on_error: skip") && e.contains("--restart"), "{e}");
    // Every row of the undamaged row groups was read: good 40, lzo 30, corrupt 30.
    let stats = phase_stats(&out, 0);
    assert_eq!(stats["reader"]["docs"]["docs"], 100, "{stats}");
    assert_eq!(stats["reader"]["lost"]["corrupt_row_group"], 2);
    assert_eq!(stats["reader"]["lost"]["unreadable_file"], 1);

    // A rerun does not say "already done": it fails again, and so does status.
    let again = run(&p, &[]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("lzo.parquet, row group 2"),
        "{}",
        stderr(&again)
    );
    let status = bin().args(["status"]).arg(&out).output().unwrap();
    assert!(!status.status.success());
    assert!(stderr(&status).contains("truncated.parquet"), "{}", stderr(&status));

    // Accepting the losses: exit 0, the summary line and the report say what was skipped.
    let skip = pipeline(
        tmp.path(),
        &inputs,
        "  on_error: skip\n",
        "  kind: parquet\n  partition_by: lang\n",
    );
    let o = bin().args(["run"]).arg(&skip).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o) + &String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("input lost and skipped (on_error: skip): 3 lost"),
        "{said}"
    );
    assert!(bin().args(["status"]).arg(&out).output().unwrap().status.success());
    let r = bin().args(["--quiet", "report"]).arg(&out).output().unwrap();
    assert!(r.status.success(), "{}", stderr(&r));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Lost input") && html.contains("lzo.parquet") && html.contains("row group 2"));
    let stats = bin().args(["stats"]).arg(&out).output().unwrap();
    assert!(String::from_utf8_lossy(&stats.stdout).contains("LOST corrupt_row_group: 2"));

    // --restart after the damaged files are replaced: a clean run.
    for f in [&truncated, &lzo, &corrupt] {
        std::fs::copy(&good, f).unwrap();
    }
    let o = run(&p, &["--restart"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(phase_stats(&out, 0)["reader"]["docs"]["docs"], 160);
    assert!(phase_stats(&out, 0)["reader"].get("lost").is_none());
}

#[test]
fn damaged_jsonl_stream_is_a_loss_too() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = std::fs::read(fixture("udhr-part2.jsonl.gz")).unwrap();
    let cut = tmp.path().join("cut.jsonl.gz");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let yaml = format!(
        "name: j\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\noutput:\n  kind: jsonl\n  path: {}\n",
        cut.display(),
        tmp.path().join("out").display()
    );
    let p = tmp.path().join("p.yaml");
    std::fs::write(&p, yaml).unwrap();
    let o = run(&p, &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cut.jsonl.gz, from "), "{}", stderr(&o));
    assert!(stderr(&o).contains("damaged_stream"), "{}", stderr(&o));
}

/// The venv with pyarrow, polars, DuckDB and `datasets` (made by `.ci/run`).
fn readers_python() -> PathBuf {
    std::env::var_os("EUROCURATE_READERS_PY")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/readers-venv/bin/python"))
}

fn py(args: &[&dyn AsRef<std::ffi::OsStr>]) -> String {
    let mut c = std::process::Command::new(readers_python());
    c.arg(root().join("tests/py/parquet_readers.py"));
    for a in args {
        c.arg(a);
    }
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "parquet_readers.py failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
#[ignore = "needs target/readers-venv with pyarrow, polars, duckdb and datasets (made by .ci/run)"]
fn ecosystem_files_read_completely_and_outputs_load_in_four_readers_with_typed_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let codecs = py(&[&"write", &input]);
    eprintln!("codecs written by pyarrow and datasets: {codecs}");
    // FineWeb-2 files of every codec, through language ID, Hive-partitioned.
    let files: Vec<PathBuf> = std::fs::read_dir(&input)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    let expected: Value = serde_json::from_slice(&std::fs::read(input.join("expected.json")).unwrap()).unwrap();
    let total: u64 = expected["files"]
        .as_object()
        .unwrap()
        .values()
        .map(|f| f["rows"].as_u64().unwrap())
        .sum();
    let out = tmp.path().join("out");
    let yaml = format!(
        "name: fw2\ninput:\n  kind: parquet\n  preset: fineweb2\n  paths: [\"{}/*.parquet\"]\nstages:\n  - kind: language_id\n    other: keep\n    min_score: 0\noutput:\n  kind: parquet\n  path: {}\n  partition_by: lang\n  partition_style: hive\nexecutor:\n  tasks: 3\n",
        input.display(),
        out.display()
    );
    let p = tmp.path().join("fw2.yaml");
    std::fs::write(&p, yaml).unwrap();
    let o = run(&p, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files.len(), 7);
    let spec = serde_json::json!({
        "rows": total,
        "hive": true,
        "texts": input.join("expected.json"),
        "filters": {
            "language_score": {
                "sql": "metadata.language_score >= 0.9",
                "polars": "pl.col('metadata').struct.field('language_score') >= 0.9",
                "pyarrow": "ds.field('metadata', 'language_score') >= 0.9",
                "python": "lambda r: r['metadata']['language_score'] >= 0.9",
            },
            "lid_top_score": {
                "sql": "metadata.lid_top[1].score > 0.5",
                "polars": "pl.col('metadata').struct.field('lid_top').list.first().struct.field('score') > 0.5",
                "pyarrow": "pc.struct_field(pc.list_element(ds.field('metadata', 'lid_top'), 0), 'score') > 0.5",
                "python": "lambda r: r['metadata']['lid_top'][0]['score'] > 0.5",
            },
        },
    });
    let spec_path = tmp.path().join("fw2-spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    eprintln!("{}", py(&[&"check", &out, &spec_path]));

    // Real pages through html_extract: title and charset are typed columns.
    let out2 = tmp.path().join("out2");
    let yaml = format!(
        "name: web\ninput:\n  kind: warc\n  paths: [\"{}\"]\nstages:\n  - kind: html_extract\n    tdm_optout: tag\n  - kind: language_id\n    other: keep\noutput:\n  kind: parquet\n  path: {}\n  partition_by: lang\nexecutor:\n  tasks: 2\n",
        fixture("web-pages.warc.gz").display(),
        out2.display()
    );
    let p2 = tmp.path().join("web.yaml");
    std::fs::write(&p2, yaml).unwrap();
    let o = run(&p2, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let kept = phase_stats(&out2, 0)["output"]["docs"].as_u64().unwrap();
    let spec = serde_json::json!({
        "rows": kept,
        "filters": {
            "title": {
                "sql": "metadata.title IS NOT NULL",
                "polars": "pl.col('metadata').struct.field('title').is_not_null()",
                "pyarrow": "~ds.field('metadata', 'title').is_null()",
                "python": "lambda r: r['metadata']['title'] is not None",
            },
            "charset": {
                "sql": "metadata.charset = 'windows-1250'",
                "polars": "pl.col('metadata').struct.field('charset') == 'windows-1250'",
                "pyarrow": "ds.field('metadata', 'charset') == 'windows-1250'",
                "python": "lambda r: r['metadata']['charset'] == 'windows-1250'",
            },
            "http_status": {
                "sql": "metadata.http_status = 200",
                "polars": "pl.col('metadata').struct.field('http_status') == 200",
                "pyarrow": "ds.field('metadata', 'http_status') == 200",
                "python": "lambda r: r['metadata']['http_status'] == 200",
            },
        },
    });
    let spec_path = tmp.path().join("web-spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    eprintln!("{}", py(&[&"check", &out2, &spec_path]));
}
