//! End-to-end runs of real pipelines on the fixtures: outputs, rejected,
//! stats, resume, determinism and kill -9 recovery.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::common::*;

#[test]
fn quickstart_writes_outputs_rejected_and_stats_and_reruns_do_no_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("qs");
    quickstart(&out, &[]);
    let kept = read_records(&out);
    let rejected = read_records(&out.join("rejected"));
    assert!(kept.len() > 400, "kept {}", kept.len());
    // Every input document is either kept or rejected with a reason.
    let input_docs = phase_stats(&out, 0)["reader"]["docs"]["docs"].as_u64().unwrap();
    assert_eq!(kept.len() + rejected.len(), input_docs as usize);
    let reasons: std::collections::BTreeSet<&str> = rejected.iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert!(
        reasons.contains("duplicate") && reasons.contains("not_sampled"),
        "{reasons:?}"
    );
    let dup = rejected.iter().find(|r| r["reason"] == "duplicate").unwrap();
    assert!(
        dup["id"].as_str().unwrap().starts_with("mirror-"),
        "the later copy is dropped: {dup}"
    );
    assert!(
        dup["detail"].as_str().unwrap().starts_with("duplicate of udhr-"),
        "{dup}"
    );
    assert_eq!(dup["stage"], "exact_dedup:filter");
    // Clean fixtures: no reader problems in any phase (spool files of empty tasks included).
    for p in [0, 2] {
        assert_eq!(
            phase_stats(&out, p)["reader"]["skipped"],
            serde_json::json!({}),
            "phase {p}"
        );
    }
    // The mirror copies are the only exact duplicates in the fixtures.
    assert_eq!(phase_stats(&out, 1)["counters"]["duplicates"], 11);
    // Human-readable stats.
    let stats = bin().args(["stats"]).arg(&out).output().unwrap();
    let table = String::from_utf8_lossy(&stats.stdout);
    assert!(
        table.contains("exact_dedup:filter") && table.contains("not_sampled"),
        "{table}"
    );

    let before = data_files(&out);
    let o = bin()
        .args(["run", "pipelines/quickstart.yaml"])
        .env("EUROCURATE_OUT", &out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let msg = String::from_utf8_lossy(&o.stderr);
    assert!(msg.contains("0 tasks run, 12 already done"), "{msg}");
    assert_eq!(before, data_files(&out));
}

#[test]
fn output_bytes_do_not_depend_on_the_number_of_workers() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("w1"), tmp.path().join("w3"));
    quickstart(&a, &["--workers", "1"]);
    quickstart(&b, &["--workers", "3"]);
    let (fa, fb) = (data_files(&a), data_files(&b));
    assert!(
        fa.keys().any(|k| k.starts_with("mt/part-")),
        "{:?}",
        fa.keys().collect::<Vec<_>>()
    );
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between 1 and 3 workers");
    }
}

/// A plain JSONL corpus of about `mb` MB made from the fixture documents.
fn big_corpus(path: &std::path::Path, mb: usize) {
    let texts: Vec<serde_json::Value> = read_records_jsonl_fixture();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let (mut n, mut bytes) = (0usize, 0usize);
    while bytes < mb << 20 {
        let t = &texts[n % texts.len()];
        // Every 10th document repeats an earlier one: work for exact_dedup.
        let id = if n % 10 == 9 { n - 5 } else { n };
        let line =
            serde_json::json!({"id": format!("d{n}"), "text": format!("{}\n{}", t["text"].as_str().unwrap(), id)});
        let s = line.to_string();
        bytes += s.len() + 1;
        writeln!(f, "{s}").unwrap();
        n += 1;
    }
}

fn read_records_jsonl_fixture() -> Vec<serde_json::Value> {
    let raw = unzstd(&fixture("udhr-part1.jsonl.zst"));
    String::from_utf8(raw)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn kill_9_in_the_middle_then_rerun_gives_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus.jsonl");
    big_corpus(&corpus, 24);
    let pipeline = |out: &std::path::Path| {
        format!(
            "name: kill-test\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\n  split_mb: 1\nstages:\n  - kind: normalize\n  - kind: length_filter\n    min_words: 30\n  - kind: exact_dedup\noutput:\n  kind: parquet\n  path: {}\nexecutor:\n  tasks: 24\n",
            corpus.display(),
            out.display()
        )
    };
    // Reference: an uninterrupted run.
    let clean = tmp.path().join("clean");
    let clean_yaml = tmp.path().join("clean.yaml");
    std::fs::write(&clean_yaml, pipeline(&clean)).unwrap();
    assert!(bin()
        .args(["--quiet", "run"])
        .arg(&clean_yaml)
        .args(["--workers", "2"])
        .status()
        .unwrap()
        .success());

    let killed = tmp.path().join("killed");
    let killed_yaml = tmp.path().join("killed.yaml");
    std::fs::write(&killed_yaml, pipeline(&killed)).unwrap();
    let mut child = bin()
        .args(["--quiet", "run"])
        .arg(&killed_yaml)
        .args(["--workers", "1"])
        .spawn()
        .unwrap();
    // Wait until some but not all first-phase tasks are done, then kill -9.
    let markers = killed.join("_markers").join("phase-0");
    // Finished tasks only: a marker being written is still a hidden temp file.
    let finished = || {
        std::fs::read_dir(&markers)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with("task-"))
                    .count()
            })
            .unwrap_or(0)
    };
    let t0 = Instant::now();
    loop {
        let n = finished();
        if n >= 3 || t0.elapsed() > Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    let done = finished();
    assert!(!status.success(), "the run was killed before finishing");
    assert!(done < 24, "killed mid-phase ({done} of 24 tasks done)");

    let o = bin().args(["run"]).arg(&killed_yaml).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let msg = String::from_utf8_lossy(&o.stderr);
    assert!(
        msg.contains(&format!("{done} already done")),
        "resume skips finished tasks: {msg}"
    );
    let (a, b) = (data_files(&clean), data_files(&killed));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "no leftover or missing files"
    );
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs after kill -9 and rerun");
    }
}

#[test]
fn warc_crawls_to_parquet_with_block_list_and_recrawl_dedup() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("warc");
    let o = bin()
        .args(["--quiet", "run", "pipelines/warc-ingest.yaml"])
        .env("EUROCURATE_OUT", &out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s0 = phase_stats(&out, 0);
    // 27 response records (24 pages + 3 re-crawls); warcinfo records are skipped by type.
    assert_eq!(s0["reader"]["docs"]["docs"], 27);
    assert_eq!(s0["reader"]["skipped"]["record_type:warcinfo"], 2);
    let last = phase_stats(&out, 2);
    assert_eq!(last["output"]["docs"], 24, "the three re-crawls are exact duplicates");
    // The Parquet output is readable and carries the WARC metadata.
    let file = std::fs::File::open(out.join("part-00000.parquet")).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut rows = 0;
    for batch in reader {
        let batch = batch.unwrap();
        rows += batch.num_rows();
        let cols: Vec<_> = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(
            cols,
            [
                "id",
                "text",
                "url",
                "lang",
                "lang_score",
                "source",
                "metadata",
                "metadata_extra"
            ]
        );
    }
    assert!(rows > 0);
}

#[test]
fn wet_and_parquet_inputs_with_custom_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let wet = format!(
        "name: wet\ninput:\n  kind: wet\n  paths: [\"{}\"]\noutput:\n  kind: jsonl\n  path: {}\n",
        fixture("crawl-a.warc.wet.gz").display(),
        tmp.path().join("wet").display()
    );
    run_yaml(tmp.path(), &wet).unwrap();
    let docs = read_records(&tmp.path().join("wet"));
    assert_eq!(docs.len(), 12);
    assert!(docs
        .iter()
        .all(|d| d["url"].as_str().unwrap().starts_with("https://udhr.example.org/")));
    assert!(docs
        .iter()
        .any(|d| d["text"].as_str().unwrap().contains("Всички хора се раждат свободни")));

    let pq = format!(
        "name: pq\ninput:\n  kind: parquet\n  paths: [\"{}\"]\n  text_field: content\n  id_field: doc_id\n  url_field: source_url\n  split_mb: 1\noutput:\n  kind: jsonl\n  path: {}\n",
        fixture("udhr-small-langs.parquet").display(),
        tmp.path().join("pq").display()
    );
    run_yaml(tmp.path(), &pq).unwrap();
    let docs = read_records(&tmp.path().join("pq"));
    assert!(docs.len() > 30, "{}", docs.len());
    assert!(docs.iter().any(|d| d["id"].as_str().unwrap().starts_with("udhr-mt-")));
    assert!(docs
        .iter()
        .any(|d| d["text"].as_str().unwrap().contains("Il-bnedmin kollha jitwieldu")));
}

#[test]
fn partition_by_lang_uses_the_lang_field() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"1\",\"text\":\"Dia duit\",\"lang\":\"ga\"}\n{\"id\":\"2\",\"text\":\"Bonġu\",\"lang\":\"mt\"}\n{\"id\":\"3\",\"text\":\"???\"}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let yaml = format!(
        "name: p\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\noutput:\n  kind: jsonl\n  path: {}\n  partition_by: lang\n",
        input.display(),
        out.display()
    );
    run_yaml(tmp.path(), &yaml).unwrap();
    for (lang, id) in [("ga", "1"), ("mt", "2"), ("und", "3")] {
        let recs = read_records(&out.join(lang));
        assert_eq!(recs.len(), 1, "{lang}");
        assert_eq!(recs[0]["id"], id);
    }
    assert_eq!(phase_stats(&out, 0)["output_by_lang"]["mt"]["docs"], 1);
}

/// Runs `yaml_input` (an `input:` block) to JSONL with `tasks` tasks and
/// returns the ids written, in output order.
fn ids_with_tasks(dir: &std::path::Path, input_block: &str, tasks: usize) -> Vec<String> {
    let out = dir.join(format!("out-{tasks}"));
    let yaml = format!(
        "name: split\n{input_block}output:\n  kind: jsonl\n  path: {}\nexecutor:\n  tasks: {tasks}\n",
        out.display()
    );
    let sub = dir.join(format!("p{tasks}"));
    std::fs::create_dir_all(&sub).unwrap();
    run_yaml(&sub, &yaml).unwrap();
    read_records(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn large_files_split_across_tasks_lose_and_repeat_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // Plain JSONL cut into byte ranges that fall inside lines.
    let jsonl = tmp.path().join("big.jsonl");
    big_corpus(&jsonl, 1);
    let block = format!(
        "input:\n  kind: jsonl\n  paths: [\"{}\"]\n  split_mb: 0.03\n",
        jsonl.display()
    );
    let one = ids_with_tasks(
        tmp.path(),
        &format!("input:\n  kind: jsonl\n  paths: [\"{}\"]\n", jsonl.display()),
        1,
    );
    let many = ids_with_tasks(tmp.path(), &block, 7);
    assert!(one.len() > 500);
    assert_eq!(one, many, "byte-range slices give every line exactly once, in order");

    // Parquet cut at row groups (the fixture has row groups of 8 rows).
    let pq = format!(
        "input:\n  kind: parquet\n  paths: [\"{}\"]\n  text_field: content\n  id_field: doc_id\n  split_mb: 0.005\n",
        fixture("udhr-small-langs.parquet").display()
    );
    let t = tmp.path().join("pq");
    std::fs::create_dir_all(&t).unwrap();
    let one = ids_with_tasks(&t, &pq, 1);
    let many = ids_with_tasks(&t, &pq, 5);
    assert_eq!(one, many);
    let plan_out = bin()
        .args(["plan"])
        .arg(t.join("p5").join("pipeline.yaml"))
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&plan_out.stdout);
    assert!(plan.contains("row groups"), "{plan}");
}

#[test]
fn single_tasks_from_any_launcher_give_the_same_output_as_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("run"), tmp.path().join("tasks"));
    quickstart(&a, &[]);
    let qs = std::path::Path::new("pipelines/quickstart.yaml");
    let task = |phase: usize, t: usize| task(qs, phase, t, Some(&b));
    // A later phase refuses to start before its inputs exist.
    let early = task(1, 0);
    assert!(!early.status.success());
    assert!(String::from_utf8_lossy(&early.stderr).contains("phase 0 is not finished"));
    // Tasks in reverse order inside each phase, as a scheduler might run them.
    for phase in 0..3 {
        for t in (0..4).rev() {
            let o = task(phase, t);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    }
    assert_eq!(data_files(&a), data_files(&b));
    assert_eq!(phase_stats(&a, 2)["output"], phase_stats(&b, 2)["output"]);
}

#[test]
fn pii_stage_scrubs_and_counts_per_type_and_language() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            "{\"id\":\"pl\",\"lang\":\"pl\",\"text\":\"Kontakt: jan.kowalski@poczta.pl, PESEL 44051401359, tel. 512 345 678.\"}\n",
            "{\"id\":\"de\",\"lang\":\"de\",\"text\":\"IBAN DE89 3704 0044 0532 0130 00, Bestellung 86095742718.\"}\n",
            "{\"id\":\"mt\",\"lang\":\"mt\",\"text\":\"Ċempel +356 2123 4567 jew ibgħat email lil info@gov.mt.\"}\n",
            "{\"id\":\"clean\",\"lang\":\"ga\",\"text\":\"Níl aon sonraí pearsanta anseo.\"}\n",
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let yaml = format!(
        "name: p\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\nstages:\n  - kind: pii\noutput:\n  kind: jsonl\n  path: {}\n",
        input.display(),
        out.display()
    );
    run_yaml(tmp.path(), &yaml).unwrap();
    let docs = read_records(&out);
    let text = |id: &str| {
        docs.iter().find(|d| d["id"] == id).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(text("pl"), "Kontakt: <EMAIL>, PESEL <NATIONAL_ID>, tel. <PHONE>.");
    assert_eq!(text("de"), "IBAN <IBAN>, Bestellung 86095742718.");
    assert_eq!(text("mt"), "Ċempel <PHONE> jew ibgħat email lil <EMAIL>.");
    assert_eq!(text("clean"), "Níl aon sonraí pearsanta anseo.");
    let counters = &phase_stats(&out, 0)["stages"][0]["counters"];
    assert_eq!(counters["EMAIL"], 2);
    assert_eq!(counters["EMAIL:mt"], 1);
    assert_eq!(counters["PHONE:pl"], 1);
    assert_eq!(counters["NATIONAL_ID:pl"], 1);
    assert_eq!(counters["documents_with_pii"], 3);
}
