//! `mode: annotate` and `whatif`: an annotated run re-decided under its own
//! thresholds keeps exactly what the filtering run keeps, and under changed
//! thresholds exactly what a rerun with them keeps. The documents are the
//! UDHR fixtures in the 24 languages; the oracle is the filtering pipeline
//! itself, run independently of the annotation code path.

use std::collections::BTreeMap;
use std::path::Path;

use eurocurate::analytics::{parse_set, parse_where, whatif};
use eurocurate::io::read_back::{data_files, for_each_record, Which};

use super::common::{fixture, run_yaml};

/// The pipeline with every listed filter in `mode`, thresholds as given.
fn pipeline(out: &Path, mode: &str, min_words: u32, gopher: &str, c4: &str, fineweb: &str) -> String {
    format!(
        "name: whatif-{mode}
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
{gopher}
  - kind: gopher_repetition
    mode: {mode}
  - kind: c4_quality
    mode: {mode}
{c4}
  - kind: fineweb_quality
    mode: {mode}
{fineweb}
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

/// id → (lang, text) of every kept document of a run folder.
fn kept(dir: &Path) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for f in data_files(dir, Which::Kept) {
        for_each_record(&f, |r| {
            let s = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            out.insert(s("id"), (s("lang"), s("text")));
        })
        .unwrap();
    }
    out
}

fn by_lang(docs: &BTreeMap<String, (String, String)>) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for (lang, _) in docs.values() {
        *m.entry(lang.clone()).or_insert(0) += 1;
    }
    m
}

#[test]
fn own_thresholds_reproduce_the_filtered_run_and_changed_ones_a_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let (ann, filt) = (tmp.path().join("annotated"), tmp.path().join("filtered"));
    run_yaml(tmp.path(), &pipeline(&ann, "annotate", 20, "", "", "")).unwrap();
    run_yaml(tmp.path(), &pipeline(&filt, "filter", 20, "", "", "")).unwrap();

    // The annotated run kept every document and wrote its verdicts.
    let all = kept(&ann);
    let expected = kept(&filt);
    assert!(
        expected.len() > 100 && expected.len() < all.len() - 100,
        "{} of {}",
        expected.len(),
        all.len()
    );

    let sel = tmp.path().join("selected");
    let w = whatif(&ann, &[], &[], Some(&sel)).unwrap();
    assert!(w.notes.is_empty(), "{:?}", w.notes);
    let got = kept(&sel);
    assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    assert_eq!(got, expected, "texts differ (c4 line removal must match)");
    let run_docs: BTreeMap<String, u64> = w.by_lang.iter().map(|(l, t)| (l.clone(), t.run.docs)).collect();
    assert_eq!(run_docs.values().sum::<u64>(), expected.len() as u64);
    for (lang, n) in by_lang(&expected) {
        assert_eq!(run_docs.get(&lang), Some(&n), "{lang}");
        assert_eq!(w.by_lang[&lang].whatif.docs, n, "{lang}");
    }

    // Changed thresholds, loosening some checks and tightening others, in
    // four stages (c4's is a document-level threshold after its line removal).
    let sets = [
        "length_filter.min_words=60",
        "gopher_quality.min_doc_words=40",
        "gopher_quality.max_non_alpha_words_ratio=0.9",
        "gopher_quality.min_stop_words=0",
        "c4_quality.min_num_sentences=3",
        "fineweb_quality.line_punct_thr=0.3",
        "fineweb_quality.char_duplicates_ratio=0.2",
    ];
    let sets: Vec<_> = sets.iter().map(|s| parse_set(s).unwrap()).collect();
    let sel2 = tmp.path().join("selected2");
    let w2 = whatif(&ann, &sets, &[], Some(&sel2)).unwrap();
    let rerun = tmp.path().join("rerun");
    run_yaml(
        tmp.path(),
        &pipeline(
            &rerun,
            "filter",
            60,
            "    min_doc_words: 40\n    max_non_alpha_words_ratio: 0.9\n    min_stop_words: 0",
            "    min_num_sentences: 3",
            "    line_punct_thr: 0.3\n    char_duplicates_ratio: 0.2",
        ),
    )
    .unwrap();
    let expected2 = kept(&rerun);
    assert_ne!(expected2.len(), expected.len(), "the change must matter");
    let got2 = kept(&sel2);
    assert_eq!(got2.keys().collect::<Vec<_>>(), expected2.keys().collect::<Vec<_>>());
    assert_eq!(got2, expected2);
    for (lang, n) in by_lang(&expected2) {
        assert_eq!(w2.by_lang[&lang].whatif.docs, n, "{lang}");
    }
    let gained: u64 = w2.by_lang.values().map(|t| t.gained).sum();
    let lost: u64 = w2.by_lang.values().map(|t| t.lost).sum();
    assert!(gained > 0 && lost > 0, "gained {gained}, lost {lost}");
    assert_eq!(expected.len() as u64 + gained - lost, expected2.len() as u64);

    // One language only: the others keep the run's decisions.
    let fi = [parse_set("gopher_quality.min_doc_words@fi=100000").unwrap()];
    let w3 = whatif(&ann, &fi, &[], None).unwrap();
    for (lang, t) in &w3.by_lang {
        if lang == "fi" {
            assert_eq!(t.whatif.docs, 0);
        } else {
            assert_eq!(t.whatif.docs, t.run.docs, "{lang}");
        }
    }

    // A condition on a measure column.
    let cond = [parse_where("length_filter.words >= 200").unwrap()];
    let w4 = whatif(&ann, &[], &cond, Some(&tmp.path().join("long"))).unwrap();
    let long = kept(&tmp.path().join("long"));
    assert!(long.values().all(|(_, t)| t.split_whitespace().count() >= 200));
    assert!(long.keys().all(|id| expected.contains_key(id)));
    assert_eq!(
        w4.by_lang.values().map(|t| t.whatif.docs).sum::<u64>(),
        long.len() as u64
    );
}

#[test]
fn unknown_stages_and_parameters_are_named_with_the_valid_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let ann = tmp.path().join("a");
    let yaml = format!(
        "name: u\ninput: {{kind: jsonl, paths: [{}]}}\nstages:\n  - kind: length_filter\n    mode: annotate\n    min_words: 20\n  - kind: gopher_quality\n    mode: annotate\noutput: {{kind: parquet, path: {}}}\n",
        fixture("udhr-part1.jsonl.zst").display(),
        ann.display()
    );
    run_yaml(tmp.path(), &yaml).unwrap();
    let e = whatif(&ann, &[parse_set("gopher_quality.min_doc_wrds=3").unwrap()], &[], None).unwrap_err();
    assert!(format!("{e:#}").contains("did you mean `min_doc_words`"), "{e:#}");
    let e = whatif(&ann, &[parse_set("gopher.min_doc_words=3").unwrap()], &[], None).unwrap_err();
    assert!(
        format!("{e:#}").contains("annotated: length_filter, gopher_quality"),
        "{e:#}"
    );
    let e = whatif(&ann, &[], &[parse_where("nope.x > 1").unwrap()], None).unwrap_err();
    assert!(format!("{e:#}").contains("`nope.x`"), "{e:#}");
}

#[test]
fn a_barrier_after_an_annotated_filter_makes_the_answer_inexact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let yaml = format!(
        "name: b
input: {{kind: jsonl, paths: [{}]}}
stages:
  - kind: length_filter
    mode: annotate
    min_words: 20
  - kind: exact_dedup
output: {{kind: parquet, path: {}}}
",
        fixture("udhr-part1.jsonl.zst").display(),
        out.display()
    );
    run_yaml(tmp.path(), &yaml).unwrap();
    let w = whatif(&out, &[], &[], None).unwrap();
    assert!(
        w.notes
            .iter()
            .any(|n| n.contains("not exact") && n.contains("exact_dedup")),
        "{:?}",
        w.notes
    );
}

#[test]
fn annotate_is_for_filters_and_two_of_a_kind_need_names() {
    let tmp = tempfile::tempdir().unwrap();
    let head = format!(
        "name: n\ninput: {{kind: jsonl, paths: [{}]}}\noutput: {{kind: parquet, path: {}}}\nstages:\n",
        fixture("udhr-part1.jsonl.zst").display(),
        tmp.path().join("o").display()
    );
    let e = run_yaml(tmp.path(), &format!("{head}  - kind: normalize\n    mode: annotate\n")).unwrap_err();
    assert!(format!("{e:#}").contains("applies to filter stages"), "{e:#}");
    let twice = format!("{head}  - kind: length_filter\n    mode: annotate\n    min_words: 5\n  - kind: length_filter\n    mode: annotate\n    max_words: 500\n");
    let e = run_yaml(tmp.path(), &twice).unwrap_err();
    let msg = format!("{e:#}");
    assert!(
        msg.contains("pipeline.yaml:8:") && msg.contains("give each a `name:`"),
        "{msg}"
    );
    let named = twice.replacen("    min_words: 5", "    name: short\n    min_words: 5", 1);
    run_yaml(tmp.path(), &named).unwrap();
    let mut cols = Vec::new();
    for f in data_files(&tmp.path().join("o"), Which::Kept) {
        for_each_record(&f, |r| {
            if cols.is_empty() {
                cols = r["metadata"].as_object().unwrap().keys().cloned().collect();
            }
        })
        .unwrap();
    }
    for c in ["short.keep", "short.words", "length_filter.keep", "length_filter.chars"] {
        assert!(cols.iter().any(|k| k == c), "{c} not in {cols:?}");
    }
}
