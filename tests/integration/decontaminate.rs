//! The `decontaminate` stage end to end on the committed sample of the
//! decontamination test set (fixtures/decont: benchmark items built from
//! translated manual pages in 13 languages, planted whole, with the answer
//! attached, split over lines and lightly edited; clean documents sharing
//! phrases with them). The full set and the comparison with datatrove are
//! in benches/decont-vs-datatrove.sh.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{bin, fixture, read_records, run_yaml};

fn pipeline(out: &Path, action: &str) -> String {
    pipeline_with(out, action, 1)
}

fn pipeline_with(out: &Path, action: &str, shards: usize) -> String {
    format!(
        "name: decont\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\nstages:\n  - kind: decontaminate\n    action: {action}\n    index_shards: {shards}\n    benchmarks:\n      - path: \"{}\"\noutput:\n  kind: jsonl\n  path: {}\nexecutor:\n  tasks: 3\n",
        fixture("decont/docs.jsonl.zst").display(),
        fixture("decont/items.jsonl").display(),
        out.display()
    )
}

#[test]
fn planted_items_are_found_in_every_language_and_clean_documents_are_not() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_yaml(tmp.path(), &pipeline(&out, "tag")).unwrap();
    let records = read_records(&out);
    // lang -> (planted, found, clean, false positives)
    let mut t: BTreeMap<String, [u32; 4]> = BTreeMap::new();
    for r in &records {
        let meta = &r["metadata"];
        let found: Vec<&str> = meta["decontamination"]
            .as_array()
            .map(|a| a.iter().filter_map(|f| f["item"].as_str()).collect())
            .unwrap_or_default();
        let e = t.entry(r["lang"].as_str().unwrap().to_string()).or_default();
        match meta["gold_item"].as_str() {
            Some(gold) => {
                e[0] += 1;
                e[1] += found.contains(&gold) as u32;
            }
            None => {
                e[2] += 1;
                e[3] += !found.is_empty() as u32;
            }
        }
    }
    assert!(t.len() >= 10, "{t:?}");
    for (lang, [planted, found, clean, fp]) in &t {
        assert!(*planted > 0 && *clean > 0, "{lang}: {t:?}");
        let recall = *found as f64 / *planted as f64;
        assert!(recall >= 0.98, "{lang}: recall {recall} ({found}/{planted})");
        assert_eq!(*fp, 0, "{lang}: {fp} of {clean} clean documents flagged");
    }
}

#[test]
fn drop_rejects_with_benchmark_and_item_and_report_lists_the_items() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_yaml(tmp.path(), &pipeline(&out, "drop")).unwrap();
    let rejected = read_records(&out.join("rejected"));
    assert!(!rejected.is_empty());
    for r in &rejected {
        assert_eq!(r["reason"], "decontaminated", "{r}");
        let detail = r["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("benchmark=man-") && detail.contains(" item="),
            "{detail}"
        );
    }
    let stats = crate::common::phase_stats(&out, 0);
    let counters = stats["stages"][0]["counters"].as_object().unwrap();
    assert!(counters.keys().any(|k| k.starts_with("docs:man-mc:")), "{counters:?}");

    let o = bin()
        .args(["decont", "report"])
        .arg(&out)
        .args(["--top", "3"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("most contaminated items"), "{text}");
    // every item was planted in four documents (some also hold other items' sentences as distractors)
    assert!(text.contains(" documents, overlap 1.00: "), "{text}");
}

/// The items each document was tagged with, by document id.
fn tags(out: &Path) -> BTreeMap<String, String> {
    read_records(out)
        .iter()
        .map(|r| (r["id"].to_string(), r["metadata"]["decontamination"].to_string()))
        .collect()
}

#[test]
fn a_sharded_index_built_in_its_own_phases_finds_what_the_in_memory_one_finds() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, sharded) = (tmp.path().join("one"), tmp.path().join("sharded"));
    run_yaml(tmp.path(), &pipeline_with(&one, "tag", 1)).unwrap();
    run_yaml(tmp.path(), &pipeline_with(&sharded, "tag", 4)).unwrap();
    let index = crate::common::phase_stats(&sharded, 0);
    assert_eq!(index["phase_name"], "decontaminate:index", "{index}");
    assert_eq!(
        crate::common::phase_stats(&sharded, 1)["phase_name"],
        "decontaminate:index-items"
    );
    let files: Vec<String> = std::fs::read_dir(sharded.join("_work/stage-00-decontaminate/index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.iter().filter(|f| f.ends_with(".bin")).count(), 4 + 2, "{files:?}");
    let (a, b) = (tags(&one), tags(&sharded));
    assert!(a.values().filter(|t| *t != "null").count() > 100);
    assert_eq!(a, b);
}

#[test]
fn a_missing_benchmark_file_is_named_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let yaml = pipeline(&tmp.path().join("out"), "drop").replace("decont/items.jsonl", "decont/nope.jsonl");
    let e = run_yaml(tmp.path(), &yaml).unwrap_err();
    assert!(format!("{e:#}").contains("nope.jsonl"), "{e:#}");
}
