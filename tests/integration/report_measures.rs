//! `report` and `diff` on annotated runs: per language, every annotated
//! measure's histogram with the language's threshold drawn in. The oracles
//! are independent of the report's projected two-pass scan: the documents
//! as the generic record reader returns them (every column, as JSON), the
//! thresholds as `eurocurate langs show` resolves them, the failing shares
//! from the filters' own verdicts (`<prefix>.fails`), and — with the
//! readers venv — pyarrow.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use eurocurate::io::read_back::{data_files, for_each_record, Which};

use super::common::{bin, fixture, root, run_yaml};

/// The UDHR fixtures (24 languages) through language ID and four filters,
/// in `mode` (`annotate` or `filter`), `min_words` for length_filter.
fn pipeline(out: &Path, mode: &str, min_words: u32) -> String {
    format!(
        "name: report-{mode}
input:
  kind: jsonl
  paths: [{p1}, {p2}]
stages:
  - kind: normalize
  - kind: language_id
  - kind: length_filter
    mode: {mode}
    min_words: {min_words}
  - kind: gopher_quality
    mode: {mode}
  - kind: gopher_repetition
    mode: {mode}
  - kind: fineweb_quality
    mode: {mode}
output:
  kind: parquet
  path: {out}
executor:
  tasks: 3
",
        p1 = fixture("udhr-part1.jsonl.zst").display(),
        p2 = fixture("udhr-part2.jsonl.gz").display(),
        out = out.display(),
    )
}

fn report(out: &Path) -> String {
    let o = bin().args(["report"]).arg(out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

/// One histogram of the report.
#[derive(Debug)]
struct Chart {
    n: u64,
    counts: u64,
    thresholds: Vec<f64>,
    caption: String,
}

fn attr(s: &str, name: &str) -> Option<String> {
    let at = s.find(&format!("{name}=\""))? + name.len() + 2;
    Some(s[at..at + s[at..].find('"')?].to_string())
}

/// (lang, column) → chart, from the measures section.
fn charts(html: &str) -> BTreeMap<(String, String), Chart> {
    let mut out = BTreeMap::new();
    for fig in html.split("<figure ").skip(1) {
        let fig = &fig[..fig.find("</figure>").unwrap()];
        let (Some(lang), Some(column)) = (attr(fig, "data-lang"), attr(fig, "data-column")) else {
            continue;
        };
        let sum = |key: &str| -> Vec<f64> {
            fig.split(&format!("{key}=\""))
                .skip(1)
                .map(|x| x.split('"').next().unwrap().parse().unwrap())
                .collect()
        };
        let chart = Chart {
            n: attr(fig, "data-n").unwrap().parse().unwrap(),
            counts: sum("data-count").iter().sum::<f64>() as u64,
            thresholds: sum("data-threshold"),
            caption: fig.split("class=\"cap\">").nth(1).unwrap_or_default().to_string(),
        };
        out.insert((lang, column), chart);
    }
    out
}

/// Independently: per (lang, numeric metadata column of a filter), the
/// documents with a value, and per lang the documents whose
/// `gopher_quality.fails` holds `gopher_short_doc`.
type Measured = BTreeMap<(String, String), u64>;

fn measured(dir: &Path) -> (Measured, BTreeMap<String, u64>) {
    let (mut values, mut short) = (Measured::new(), BTreeMap::new());
    for f in data_files(dir, Which::Kept) {
        for_each_record(&f, |r| {
            let lang = r["lang"].as_str().unwrap_or("und").to_string();
            for (k, v) in r["metadata"].as_object().into_iter().flatten() {
                if v.is_number() && k.contains('.') && !k.starts_with("annotate.") {
                    *values.entry((lang.clone(), k.clone())).or_default() += 1;
                }
            }
            let fails = r["metadata"]["gopher_quality.fails"].as_str().unwrap_or_default();
            *short.entry(lang).or_default() += fails.split(',').any(|f| f == "gopher_short_doc") as u64;
        })
        .unwrap();
    }
    (values, short)
}

/// `quality.<kind>.<key>` for `iso` as `eurocurate langs show` resolves it.
fn langs_show(iso: &str, key: &str) -> f64 {
    let o = bin().args(["langs", "show", iso]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(key))
        .unwrap_or_else(|| panic!("{key} not in langs show {iso}:\n{text}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn report_draws_each_languages_measures_with_its_thresholds_and_counts_every_document() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("annotated");
    run_yaml(tmp.path(), &pipeline(&out, "annotate", 20)).unwrap();
    let html = report(&out);
    assert!(html.contains("id=\"measures\""));
    let charts = charts(&html);
    let (values, short) = measured(&out);
    assert!(values.len() > 24 * 20, "{} measured columns", values.len());
    // One chart per language and measure, its bars summing to the documents
    // that have the measure.
    let keys: Vec<_> = charts.keys().cloned().collect();
    assert_eq!(keys, values.keys().cloned().collect::<Vec<_>>());
    for (key, n) in &values {
        let c = &charts[key];
        assert_eq!((c.n, c.counts), (*n, *n), "{key:?}");
    }
    // Every EU language is present, with its own resolved thresholds drawn
    // in and the failing share the filter's own verdicts give.
    let docs: BTreeMap<&str, u64> = values
        .iter()
        .filter(|((_, c), _)| c == "gopher_quality.words")
        .map(|((l, _), n)| (l.as_str(), *n))
        .collect();
    for lang in eurocurate::langs::EU24 {
        let c = &charts[&(lang.to_string(), "gopher_quality.words".to_string())];
        let (min, max) = (
            langs_show(lang, "quality.gopher_quality.min_doc_words"),
            langs_show(lang, "quality.gopher_quality.max_doc_words"),
        );
        assert_eq!(c.thresholds, [min, max], "{lang}");
        let share = 100.0 * short[lang] as f64 / docs[lang] as f64;
        assert!(
            c.caption
                .contains(&format!("min_doc_words</code> {}: <b>{share:.1}%</b> below", min)),
            "{lang}: {share:.1}% expected in {}",
            c.caption
        );
        let len = &charts[&(lang.to_string(), "length_filter.words".to_string())];
        assert_eq!(len.thresholds, [20.0], "{lang}: the pipeline's own min_words");
        assert!(html.contains(&format!("id=\"measures-{lang}\"")));
    }
    // A run whose filters filter: no measures, no section, no error.
    let plain = tmp.path().join("filtered");
    run_yaml(tmp.path(), &pipeline(&plain, "filter", 20)).unwrap();
    let html = report(&plain);
    assert!(!html.contains("id=\"measures\"") && html.contains("id=\"lang-docs\""));
}

#[test]
fn diff_of_two_annotated_runs_shows_kept_and_failing_shifts_in_text_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_yaml(tmp.path(), &pipeline(&a, "annotate", 20)).unwrap();
    run_yaml(tmp.path(), &pipeline(&b, "annotate", 60)).unwrap();
    let diff = |json: bool| {
        let mut c = bin();
        c.arg("diff").arg(&a).arg(&b);
        if json {
            c.arg("--json");
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let j: serde_json::Value = serde_json::from_str(&diff(true)).unwrap();
    let ann = &j["annotated"];
    // Independently: the documents kept by every annotated filter in B, per
    // language, from the verdict columns.
    let mut kept_b: BTreeMap<String, u64> = BTreeMap::new();
    for f in data_files(&b, Which::Kept) {
        for_each_record(&f, |r| {
            let keep = r["metadata"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| k.ends_with(".keep"))
                .all(|(_, v)| v.as_bool() != Some(false));
            *kept_b.entry(r["lang"].as_str().unwrap().to_string()).or_default() += keep as u64;
        })
        .unwrap();
    }
    let kept = ann["kept"].as_array().unwrap();
    assert!(!kept.is_empty());
    for k in kept {
        assert_eq!(k["kept_b"].as_u64(), kept_b.get(k["lang"].as_str().unwrap()).copied());
        assert!(k["kept_b"].as_u64() <= k["kept_a"].as_u64(), "{k}");
    }
    // length_filter.words: same documents, same distribution, a stricter
    // threshold fails more of them.
    let rows: Vec<&serde_json::Value> = ann["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["column"] == "length_filter.words")
        .collect();
    assert!(rows.len() >= 20, "{rows:?}");
    for m in &rows {
        assert_eq!(m["quantiles_a"], m["quantiles_b"]);
        assert!(m["failing_b"].as_f64() > m["failing_a"].as_f64(), "{m}");
    }
    assert!(ann["measures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["column"] == "length_filter.words"));
    let text = diff(false);
    assert!(
        text.contains("documents every annotated filter keeps") && text.contains("length_filter.words"),
        "{text}"
    );
}

/// The venv with pyarrow (made by `.ci/run`).
fn readers_python() -> PathBuf {
    std::env::var_os("EUROCURATE_READERS_PY")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/readers-venv/bin/python"))
}

/// Per (lang, column): the non-null values of every Float metadata column, as pyarrow reads them.
const PYARROW_COUNTS: &str = r#"
import json, sys
import pyarrow as pa, pyarrow.dataset as ds, pyarrow.compute as pc
t = ds.dataset(sys.argv[1], format="parquet", exclude_invalid_files=True).to_table()
meta = t.column("metadata").combine_chunks()
out = {}
for i, field in enumerate(meta.type):
    if not pa.types.is_floating(field.type):
        continue
    col = meta.field(i)
    for lang in pc.unique(t.column("lang")).to_pylist():
        mask = pc.equal(t.column("lang"), lang)
        vals = pc.filter(col, mask)
        n = len(vals) - vals.null_count - pc.sum(pc.is_nan(vals).cast("int64")).as_py()
        if n:
            out[f"{lang} {field.name}"] = n
print(json.dumps(out))
"#;

#[test]
#[ignore = "needs target/readers-venv with pyarrow (made by .ci/run) and headless Chromium"]
fn annotated_report_counts_equal_pyarrows_and_it_renders_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("annotated");
    run_yaml(tmp.path(), &pipeline(&out, "annotate", 20)).unwrap();
    let html = report(&out);
    let o = Command::new(readers_python())
        .args(["-c", PYARROW_COUNTS])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let counts: BTreeMap<String, u64> = serde_json::from_slice(&o.stdout).unwrap();
    let charts = charts(&html);
    assert_eq!(counts.len(), charts.len());
    for ((lang, column), c) in &charts {
        assert_eq!(
            Some(&c.counts),
            counts.get(&format!("{lang} {column}")),
            "{lang} {column}"
        );
    }
    // Chromium renders the charts and reports no console error.
    let chrome = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("no chromium on PATH: apt-get install chromium");
    let dom = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", tmp.path().join("profile").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let rendered = String::from_utf8_lossy(&dom.stdout);
    assert!(rendered.contains("id=\"measures-table\""));
    assert_eq!(rendered.matches("data-column=").count(), charts.len());
    assert!(rendered.matches("class=\"thr\"").count() >= 24 * 10);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(
        !log.lines().any(|l| l.contains("CONSOLE") || l.contains("Uncaught")),
        "{log}"
    );
}
