//! Dedup barriers end to end: phases planned from one YAML entry, same
//! result for any number of tasks, resumable reduce phases.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use crate::common::*;
use eurocurate::exec::local;
use eurocurate::pipeline::{plan, spec};

/// Fixture documents plus, for every third, a copy with one word changed
/// and, for every fifth, an exact copy; shuffled deterministically.
fn corpus_with_near_copies(path: &Path) -> usize {
    let raw = unzstd(&fixture("udhr-part1.jsonl.zst"));
    let mut docs: Vec<(String, String)> = Vec::new();
    for (i, line) in String::from_utf8(raw).unwrap().lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap().to_string();
        if text.split_whitespace().count() < 120 {
            continue;
        }
        if i % 3 == 0 {
            let mut words: Vec<&str> = text.split_whitespace().collect();
            let mid = words.len() / 2;
            words[mid] = "eurocurate";
            docs.push((format!("near-{i}"), words.join(" ")));
        }
        if i % 5 == 0 {
            docs.push((format!("exact-{i}"), text.clone()));
        }
        docs.push((format!("orig-{i}"), text));
    }
    let mut f = std::fs::File::create(path).unwrap();
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|&i| (i * 7919) % docs.len());
    for i in order {
        writeln!(f, "{}", serde_json::json!({"id": docs[i].0, "text": docs[i].1})).unwrap();
    }
    docs.len()
}

fn pipeline(corpus: &Path, out: &Path, tasks: usize, stage: &str) -> String {
    format!(
        "name: dedup\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\n  split_mb: 0.05\nstages:\n  - kind: normalize\n  - {stage}\n  - kind: length_filter\n    min_chars: 1\noutput:\n  kind: jsonl\n  path: {}\nexecutor:\n  tasks: {tasks}\n",
        corpus.display(),
        out.display()
    )
}

fn ids(records: &[serde_json::Value]) -> BTreeSet<String> {
    records.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn minhash_dedup_runs_as_four_phases_and_removes_near_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus.jsonl");
    let total = corpus_with_near_copies(&corpus);
    let out = tmp.path().join("out");
    let summary = run_yaml(tmp.path(), &pipeline(&corpus, &out, 3, "kind: minhash_dedup")).unwrap();
    let names: Vec<&str> = summary.phases.iter().map(|p| p.phase_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "normalize > minhash_dedup:collect",
            "minhash_dedup:buckets",
            "minhash_dedup:clusters",
            "minhash_dedup:filter > length_filter"
        ]
    );
    let kept = ids(&read_records(&out));
    let rejected = read_records(&out.join("rejected"));
    assert_eq!(kept.len() + rejected.len(), total);
    // every copy was found (one word changed in >= 120 keeps 5-gram Jaccard >= 0.92)
    let both: Vec<&String> = kept
        .iter()
        .filter(|id| !id.starts_with("orig-") && kept.contains(&format!("orig-{}", id.split('-').nth(1).unwrap())))
        .collect();
    assert!(both.is_empty(), "{both:?}");
    for r in &rejected {
        assert_eq!(r["reason"], "near_duplicate", "{r}");
        let detail = r["detail"].as_str().unwrap();
        let kept_id = detail
            .strip_prefix("near-duplicate of ")
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        let n = |id: &str| id.split('-').nth(1).unwrap().to_string();
        assert_eq!(n(kept_id), n(r["id"].as_str().unwrap()), "{r}");
        assert!(kept.contains(kept_id));
    }
    let clusters = phase_stats(&out, 2);
    assert_eq!(
        clusters["counters"]["duplicates"].as_u64().unwrap() as usize,
        rejected.len()
    );
    assert!(clusters["examples"][0]["size"].as_u64().unwrap() >= 2, "{clusters}");
    assert_eq!(phase_stats(&out, 1)["task"], 14);

    // Same survivors with one task, and with the bands split by hash range.
    let one = tmp.path().join("one");
    run_yaml(tmp.path(), &pipeline(&corpus, &one, 1, "kind: minhash_dedup")).unwrap();
    assert_eq!(ids(&read_records(&one)), kept);
    let split = tmp.path().join("split");
    run_yaml(
        tmp.path(),
        &pipeline(&corpus, &split, 5, "{kind: minhash_dedup, tasks_per_bucket: 3}"),
    )
    .unwrap();
    assert_eq!(ids(&read_records(&split)), kept);
}

#[test]
fn interrupted_bucket_and_cluster_phases_resume_without_redoing_tasks() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus.jsonl");
    corpus_with_near_copies(&corpus);
    let full = tmp.path().join("full");
    run_yaml(tmp.path(), &pipeline(&corpus, &full, 2, "kind: minhash_dedup")).unwrap();

    let out = tmp.path().join("resumed");
    let yaml = pipeline(&corpus, &out, 2, "kind: minhash_dedup");
    let file = tmp.path().join("resumed.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let plan = plan::build(spec::parse(&file, &yaml, |_| None).unwrap(), &file).unwrap();
    // Phase 0 whole, 5 of 14 bucket tasks, then a crash: a cluster task that
    // died after writing part of its output leaves only a temp file behind.
    for t in 0..2 {
        local::run_one(&plan, 0, t, None, false).unwrap();
    }
    for t in [0, 3, 6, 9, 13] {
        local::run_one(&plan, 1, t, None, false).unwrap();
    }
    let work = out.join("_work/stage-01-minhash_dedup/remove");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join(".task-00000.bin.tmp"), b"partial").unwrap();
    let before: Vec<_> = (0..14)
        .map(|t| {
            std::fs::metadata(out.join(format!("_work/stage-01-minhash_dedup/pairs/bucket-{t:05}.bin")))
                .ok()
                .map(|m| m.modified().unwrap())
        })
        .collect();
    let summary = run_yaml(tmp.path(), &yaml).unwrap();
    assert_eq!(summary.tasks_skipped, 2 + 5);
    assert_eq!(summary.tasks_run, 9 + 1 + 2);
    for t in [0, 3, 6, 9, 13] {
        let now = std::fs::metadata(out.join(format!("_work/stage-01-minhash_dedup/pairs/bucket-{t:05}.bin")))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(Some(now), before[t], "bucket task {t} was redone");
    }
    assert_eq!(data_files(&full), data_files(&out));
}

#[test]
fn url_and_line_dedup_in_one_pipeline() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("pages.jsonl");
    let banner = "Accept all cookies to keep reading this site";
    let mut f = std::fs::File::create(&corpus).unwrap();
    let pages = [
        (
            "a",
            "https://news.example.eu/x",
            format!("Page one body text.\n{banner}"),
        ),
        (
            "b",
            "http://news.example.eu/x/",
            format!("Page one again, recrawled.\n{banner}"),
        ),
        (
            "c",
            "https://news.example.eu/y",
            format!("{banner}\nPage two body text."),
        ),
        ("d", "https://news.example.eu/z", banner.to_string()),
    ];
    for (id, url, text) in &pages {
        writeln!(f, "{}", serde_json::json!({"id": id, "url": url, "text": text})).unwrap();
    }
    drop(f);
    let out = tmp.path().join("out");
    let yaml = format!(
        "name: t\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\nstages:\n  - kind: url_dedup\n  - kind: line_dedup\noutput:\n  kind: jsonl\n  path: {}\nexecutor:\n  tasks: 2\n",
        corpus.display(),
        out.display()
    );
    run_yaml(tmp.path(), &yaml).unwrap();
    let kept: Vec<(String, String)> = read_records(&out)
        .iter()
        .map(|r| (r["id"].as_str().unwrap().into(), r["text"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        kept,
        [
            ("a".to_string(), format!("Page one body text.\n{banner}")),
            ("c".to_string(), "Page two body text.".to_string())
        ]
    );
    let reasons: BTreeSet<String> = read_records(&out.join("rejected"))
        .iter()
        .map(|r| format!("{} {}", r["id"].as_str().unwrap(), r["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        ["b duplicate_url", "d empty_after_line_dedup"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}
