//! `classify` end to end with the shipped quality model on the UDHR
//! fixtures: an annotated run followed by `whatif --where
//! "classify.score_hq >= T"` keeps exactly what a run with `select:
//! threshold` keeps; `select: percentile` keeps round(p% × n) documents of
//! every language, the best-scored ones (scores read from the annotated run,
//! not from the percentile code), whatever the number of tasks.

use std::collections::BTreeMap;
use std::path::Path;

use eurocurate::analytics::{parse_where, whatif};
use eurocurate::io::read_back::{data_files, for_each_record, Which};

use super::common::{fixture, run_yaml};

fn pipeline(out: &Path, classify: &str, tasks: usize) -> String {
    format!(
        "name: classify
input:
  kind: jsonl
  paths: [{p1}, {p2}]
stages:
  - kind: language_id
  - kind: classify
{classify}
output:
  kind: parquet
  path: {out}
executor:
  tasks: {tasks}
",
        p1 = fixture("udhr-part1.jsonl.zst").display(),
        p2 = fixture("udhr-part2.jsonl.gz").display(),
        out = out.display(),
    )
}

/// id → (lang, score_hq) of every kept document.
fn kept(dir: &Path) -> BTreeMap<String, (String, f64)> {
    let mut out = BTreeMap::new();
    for f in data_files(dir, Which::Kept) {
        for_each_record(&f, |r| {
            let s = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let score = r
                .get("metadata")
                .and_then(|m| m.get("classify.score_hq"))
                .and_then(|v| v.as_f64())
                .unwrap_or(f64::NAN);
            out.insert(s("id"), (s("lang"), score));
        })
        .unwrap();
    }
    out
}

#[test]
fn whatif_on_scores_reproduces_the_threshold_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (ann, filt) = (tmp.path().join("annotated"), tmp.path().join("filtered"));
    run_yaml(tmp.path(), &pipeline(&ann, "", 3)).unwrap();
    let all = kept(&ann);
    assert!(
        all.values().all(|(_, s)| (0.0..=1.0 + 1e-4).contains(s)),
        "every document has a score"
    );
    // A threshold that splits the fixtures: their median score.
    let mut scores: Vec<f64> = all.values().map(|(_, s)| *s).collect();
    scores.sort_by(f64::total_cmp);
    let t = scores[scores.len() / 2];
    run_yaml(
        tmp.path(),
        &pipeline(&filt, &format!("    select: threshold\n    min_score: {t}"), 2),
    )
    .unwrap();
    let expected = kept(&filt);
    assert!(!expected.is_empty() && expected.len() < all.len());
    let sel = tmp.path().join("selected");
    let w = whatif(
        &ann,
        &[],
        &[parse_where(&format!("classify.score_hq >= {t}")).unwrap()],
        Some(&sel),
    )
    .unwrap();
    let got = kept(&sel);
    assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    assert_eq!(
        w.by_lang.values().map(|t| t.whatif.docs).sum::<u64>(),
        expected.len() as u64
    );
}

#[test]
fn percentile_keeps_the_top_share_of_every_language() {
    let tmp = tempfile::tempdir().unwrap();
    let ann = tmp.path().join("annotated");
    run_yaml(tmp.path(), &pipeline(&ann, "", 1)).unwrap();
    let all = kept(&ann);
    let mut by_lang: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (lang, s) in all.values() {
        by_lang.entry(lang.clone()).or_default().push(*s);
    }
    let mut previous = None;
    for tasks in [1, 4] {
        let out = tmp.path().join(format!("top30-{tasks}"));
        run_yaml(
            tmp.path(),
            &pipeline(&out, "    select: percentile\n    keep_percent: 30", tasks),
        )
        .unwrap();
        let got = kept(&out);
        for (lang, scores) in &by_lang {
            let n = scores.len();
            let want = (0.3 * n as f64).round() as usize;
            let mine: Vec<&(String, f64)> = got.values().filter(|(l, _)| l == lang).collect();
            assert_eq!(mine.len(), want, "{lang}: kept {} of {n}", mine.len());
            // The kept ones are the best: none kept scores below one dropped.
            let mut sorted = scores.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            if want > 0 && want < n {
                let lowest_kept = mine.iter().map(|(_, s)| *s).fold(f64::INFINITY, f64::min);
                assert!(lowest_kept >= sorted[want], "{lang}: {lowest_kept} < {}", sorted[want]);
            }
        }
        let ids: Vec<String> = got.keys().cloned().collect();
        if let Some(p) = &previous {
            assert_eq!(p, &ids, "the kept set depends on the number of tasks");
        }
        previous = Some(ids);
    }
}
