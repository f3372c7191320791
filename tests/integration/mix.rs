//! `eurocurate mix`: budgets met within 0.1%, no document over the cap,
//! repetition proportional to weight, the shuffle a permutation read back
//! with the project's own shard reader, the same bytes whatever the number
//! of workers or how tasks are launched, impossible plans refused.
//!
//! Inputs are lines of the UDHR fixture (real text in 24 languages), one
//! document per line, written as a run's JSONL output; weights are metadata
//! fields the test sets itself. Expected token ids come from the
//! `tokenizers` crate directly, not from the mix.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use eurocurate::io::megatron::ShardReader;
use eurocurate::mix::run::{run_local, run_one, MixOptions, PHASES};
use eurocurate::mix::MixRun;

use super::common::fixture;

/// One document of the test corpus.
struct Doc {
    id: String,
    lang: String,
    text: String,
}

/// Every clause (split at `.,;:` and line ends) of at least four words of
/// the UDHR fixtures, once per language, as a document: many small
/// documents, so a budget of a few thousand tokens can be met to 0.1%.
fn udhr_lines() -> Vec<Doc> {
    let mut raw = String::new();
    zstd::stream::read::Decoder::new(std::fs::File::open(fixture("udhr-part1.jsonl.zst")).unwrap())
        .unwrap()
        .read_to_string(&mut raw)
        .unwrap();
    flate2::read::GzDecoder::new(std::fs::File::open(fixture("udhr-part2.jsonl.gz")).unwrap())
        .read_to_string(&mut raw)
        .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap();
        let lang = id.split('-').nth(1).unwrap().to_string();
        if lang.len() != 2 {
            continue; // part2's mirror copies
        }
        for (i, c) in v["text"]
            .as_str()
            .unwrap()
            .split(['.', ',', ';', ':', '\n'])
            .enumerate()
        {
            let c = c.trim();
            if c.split_whitespace().count() >= 4 && seen.insert((lang.clone(), c.to_string())) {
                out.push(Doc {
                    id: format!("{id}-{i}"),
                    lang: lang.clone(),
                    text: c.to_string(),
                });
            }
        }
    }
    out
}

/// Writes `docs` as a run output folder (two JSONL files), with metadata from `meta`.
fn write_run(dir: &Path, docs: &[Doc], meta: impl Fn(usize, &Doc) -> serde_json::Value) -> PathBuf {
    let run = dir.join("run");
    std::fs::create_dir_all(&run).unwrap();
    let mut files = [String::new(), String::new()];
    for (i, d) in docs.iter().enumerate() {
        let rec =
            serde_json::json!({"id": d.id, "text": d.text, "lang": d.lang, "source": "udhr", "metadata": meta(i, d)});
        files[i % 2].push_str(&format!("{rec}\n"));
    }
    for (i, f) in files.iter().enumerate() {
        std::fs::write(run.join(format!("part-{i:05}.jsonl")), f).unwrap();
    }
    run
}

fn write_mix(dir: &Path, body: &str) -> PathBuf {
    let file = dir.join("mix.yaml");
    std::fs::write(&file, body).unwrap();
    file
}

fn run_mix(file: &Path, workers: usize) -> anyhow::Result<MixRun> {
    let mix = MixRun::load(file)?;
    run_local(
        &mix,
        MixOptions {
            workers: Some(workers),
            ..Default::default()
        },
    )?;
    Ok(mix)
}

/// Every output sequence, read back with the project's reader, with its sidecar row.
fn read_output(out: &Path) -> Vec<(serde_json::Value, Vec<u32>)> {
    let mut seqs = Vec::new();
    for prefix in eurocurate::io::megatron::find_shards(out) {
        let r = ShardReader::open(&prefix).unwrap();
        let mut side = String::new();
        zstd::stream::read::Decoder::new(std::fs::File::open(format!("{}.docs.jsonl.zst", prefix.display())).unwrap())
            .unwrap()
            .read_to_string(&mut side)
            .unwrap();
        let rows: Vec<serde_json::Value> = side.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), r.len(), "sidecar aligned with {}", prefix.display());
        for (i, row) in rows.into_iter().enumerate() {
            seqs.push((row, r.get(i).unwrap()));
        }
    }
    seqs
}

/// The ids the `tokenizers` crate gives, plus EOS.
fn reference_ids(text: &str) -> Vec<u32> {
    static TOK: std::sync::OnceLock<tokenizers::Tokenizer> = std::sync::OnceLock::new();
    let tok = TOK.get_or_init(|| eurocurate::stages::tokenize::load_tokenizer(&fixture("tokenizer.json")).unwrap());
    let mut ids = tok.encode(text, false).unwrap().get_ids().to_vec();
    ids.push(tok.token_to_id("</s>").unwrap());
    ids
}

#[test]
fn budgets_are_met_the_cap_holds_and_the_shuffle_is_a_permutation() {
    let dir = tempfile::tempdir().unwrap();
    let docs = udhr_lines();
    let mut rng = eurocurate::rng::Rng::new(7);
    let quality: Vec<f64> = docs.iter().map(|_| 0.05 + rng.unit()).collect();
    let run = write_run(dir.path(), &docs, |i, _| serde_json::json!({"quality": quality[i]}));
    let available: BTreeMap<&str, u64> = docs.iter().fold(BTreeMap::new(), |mut m, d| {
        *m.entry(d.lang.as_str()).or_default() += reference_ids(&d.text).len() as u64;
        m
    });
    // Irish repeated about 2.5 times, German subsampled to 70%, French at its size.
    let (mt, de, it) = (available["ga"] * 5 / 2, available["de"] * 7 / 10, available["fr"]);
    let out = dir.path().join("mix");
    let file = write_mix(
        dir.path(),
        &format!(
            "name: t\ninputs:\n  - path: {}\n    name: web\ntokenizer: {}\neos: \"</s>\"\nbudgets:\n  ga: {{tokens: {mt}}}\n  de: {{tokens: {de}}}\n  fr: {{tokens: {it}}}\nmax_repeat: 4\nweight:\n  column: quality\nseed: 11\noutput:\n  path: {}\n  shuffle_buffer_tokens: 5000\n",
            run.display(),
            fixture("tokenizer.json").display(),
            out.display()
        ),
    );
    let mix = run_mix(&file, 2).unwrap();
    assert!(mix.buckets >= 3, "several buckets: {}", mix.buckets);
    let seqs = read_output(&out);
    let text: BTreeMap<&str, &Doc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut realised: BTreeMap<String, u64> = BTreeMap::new();
    let mut copies: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (row, ids) in &seqs {
        let id = row["id"].as_str().unwrap();
        let d = text[id];
        assert_eq!(row["lang"], d.lang.as_str());
        assert_eq!(row["source"], "web");
        // Each sequence is its document's tokens, as the tokenizers crate gives them.
        assert_eq!(ids, &reference_ids(&d.text), "{id}");
        *realised.entry(d.lang.clone()).or_default() += ids.len() as u64;
        copies
            .entry(id.to_string())
            .or_default()
            .push(row["copy"].as_u64().unwrap());
    }
    for (lang, budget) in [("ga", mt), ("de", de), ("fr", it)] {
        let got = realised[lang];
        let err = (got as f64 - budget as f64).abs() / budget as f64;
        assert!(
            err <= 0.001,
            "{lang}: realised {got} tokens for a budget of {budget} ({:.4}%)",
            100.0 * err
        );
    }
    assert!(
        realised.keys().all(|l| ["ga", "de", "fr"].contains(&l.as_str())),
        "only budget languages: {realised:?}"
    );
    // The shuffle is a permutation of the planned copies: every document's
    // copies are 0..n once each, n at most the cap, and their number is the plan's.
    let mut total_copies = 0u64;
    for (id, mut c) in copies {
        c.sort();
        assert!(c.len() <= 4, "{id} appears {} times, over max_repeat 4", c.len());
        assert_eq!(c, (0..c.len() as u64).collect::<Vec<_>>(), "{id}: copies {c:?}");
        total_copies += c.len() as u64;
    }
    let plan = eurocurate::mix::solve::read(&out).unwrap();
    assert_eq!(
        total_copies,
        plan.languages.iter().map(|l| l.planned_copies).sum::<u64>()
    );
    // Not in corpus order: consecutive sequences of one shard rarely follow the input order.
    let in_order = seqs
        .windows(2)
        .filter(|w| w[0].0["id"].as_str() < w[1].0["id"].as_str())
        .count();
    let frac = in_order as f64 / (seqs.len() - 1) as f64;
    assert!(
        (0.35..0.65).contains(&frac),
        "shuffled order: {frac:.3} of neighbours ascending"
    );
    // The manifest states the realised tokens and the MD5 of every file.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    for (lang, n) in &realised {
        assert_eq!(manifest["languages"][lang]["realised_tokens"], *n);
        assert_eq!(manifest["sources"]["web"]["languages"][lang]["tokens"], *n);
    }
    let sums = std::fs::read_to_string(out.join("md5sums.txt")).unwrap();
    let shards = eurocurate::io::megatron::find_shards(&out).len();
    assert_eq!(sums.lines().count(), 3 * shards + 1, "{sums}");
    if std::process::Command::new("md5sum").arg("--version").output().is_ok() {
        let ok = std::process::Command::new("md5sum")
            .args(["-c", "--quiet", "md5sums.txt"])
            .current_dir(&out)
            .status()
            .unwrap();
        assert!(ok.success(), "md5sum -c agrees with md5sums.txt");
    }

    // The mix's own output is a valid input: shards with their sidecars.
    let out2 = dir.path().join("remix");
    let file2 = write_mix(
        dir.path(),
        &format!(
            "name: re\ninputs:\n  - path: {}\nbudgets:\n  ga: {{tokens: {}}}\nmax_repeat: 1\nif_short: cap\noutput:\n  path: {}\n",
            out.display(),
            realised["ga"] * 2,
            out2.display()
        ),
    );
    run_mix(&file2, 2).unwrap();
    let again: u64 = read_output(&out2).iter().map(|(_, ids)| ids.len() as u64).sum();
    assert_eq!(again, realised["ga"], "every Irish copy once: the cap");
}

#[test]
fn repetition_is_proportional_to_weight_through_a_rehydration_table() {
    let dir = tempfile::tempdir().unwrap();
    // Every line is a document of one language, so classes are large.
    let docs: Vec<Doc> = udhr_lines()
        .into_iter()
        .map(|d| Doc { lang: "it".into(), ..d })
        .collect();
    // Cluster sizes 1, 3 and 9 map to weights 1, 2 and 4 through FineWeb-2-style steps.
    let sizes = [1u64, 3, 9];
    let run = write_run(
        dir.path(),
        &docs,
        |i, _| serde_json::json!({"minhash_cluster_size": sizes[i % 3]}),
    );
    let table = dir.path().join("reps.json");
    std::fs::write(
        &table,
        r#"{"ita_Latn": {"1": 1, "2": 2, "5": 4}, "mlt_Latn": {"1": 1, "2": 10}}"#,
    )
    .unwrap();
    let total: u64 = docs.iter().map(|d| reference_ids(&d.text).len() as u64).sum();
    let out = dir.path().join("mix");
    // 1.4 × the tokens: weight-1 documents get about 0.6 copies, weight-4 about 2.4.
    let file = write_mix(
        dir.path(),
        &format!(
            "name: w\ninputs:\n  - path: {}\ntokenizer: {}\neos: \"</s>\"\nbudgets:\n  it: {{tokens: {}}}\nmax_repeat: 10\nweight:\n  column: minhash_cluster_size\n  steps: {{1: 1, 2: 2, 5: 4}}\nseed: 3\noutput:\n  path: {}\n",
            run.display(),
            fixture("tokenizer.json").display(),
            total * 14 / 10,
            out.display()
        ),
    );
    run_mix(&file, 2).unwrap();
    let index: BTreeMap<String, usize> = docs.iter().enumerate().map(|(i, d)| (d.id.clone(), i)).collect();
    let mut copies = vec![0u64; docs.len()];
    for (row, _) in read_output(&out) {
        copies[index[row["id"].as_str().unwrap()]] += 1;
    }
    // Per class: mean copies m_w; m_w / w is the same s for every class. Each
    // document's count is floor(s·w + u) with u uniform, variance ≤ 1/4, so
    // the class mean has a standard error ≤ 0.5/√n; 4 standard errors bound it.
    let weights = [1.0, 2.0, 4.0];
    let mut per = [(0u64, 0u64); 3];
    for (i, c) in copies.iter().enumerate() {
        per[i % 3].0 += c;
        per[i % 3].1 += 1;
    }
    let s_hat: f64 = copies.iter().sum::<u64>() as f64 / (0..docs.len()).map(|i| weights[i % 3]).sum::<f64>();
    for k in 0..3 {
        let (c, n) = per[k];
        let mean = c as f64 / n as f64;
        let bound = 4.0 * 0.5 / (n as f64).sqrt();
        assert!(
            (mean - s_hat * weights[k]).abs() <= bound,
            "weight {}: mean copies {mean:.3}, expected {:.3} ± {bound:.3} (n = {n})",
            weights[k],
            s_hat * weights[k]
        );
    }
    assert!(
        docs.len() > 3000,
        "enough documents for the bound to mean something: {}",
        docs.len()
    );

    // The same weights from a FineWeb-2 table file keyed `ita_Latn` give the same mix.
    let out_t = dir.path().join("mix-table");
    let body = std::fs::read_to_string(&file)
        .unwrap()
        .replace(
            "  steps: {1: 1, 2: 2, 5: 4}\n",
            &format!("  rehydration: {}\n", table.display()),
        )
        .replace(&out.display().to_string(), &out_t.display().to_string());
    let file_t = write_mix(dir.path(), &body);
    run_mix(&file_t, 1).unwrap();
    assert_eq!(
        std::fs::read(out.join("part-00000.bin")).unwrap(),
        std::fs::read(out_t.join("part-00000.bin")).unwrap()
    );
}

fn small_mix(dir: &Path, out: &Path, extra: &str) -> PathBuf {
    let docs = udhr_lines();
    let run = write_run(dir, &docs, |i, _| serde_json::json!({"q": (i % 7) as f64 / 7.0}));
    write_mix(
        dir,
        &format!(
            "name: d\ninputs:\n  - path: {}\ntokenizer: {}\neos: \"</s>\"\ntotal_tokens: 40000\nbudgets:\n  ga: {{share: 0.5}}\n  bg: {{share: 0.25}}\n  fi: {{share: 0.25}}\nmax_repeat: 8\nweight:\n  column: q\n  default: 0.5\nseed: 5\noutput:\n  path: {}\n  shuffle_buffer_tokens: 15000\n{extra}",
            run.display(),
            fixture("tokenizer.json").display(),
            out.display()
        ),
    )
}

fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(n, _)| !n.starts_with('_'))
        .collect()
}

#[test]
fn same_bytes_with_one_or_three_workers_or_one_task_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let file_a = small_mix(&dir.path().join("in-a"), &a, "");
    run_mix(&file_a, 1).unwrap();
    let b = dir.path().join("b");
    let file_b = small_mix(&dir.path().join("in-b"), &b, "");
    run_mix(&file_b, 3).unwrap();
    let (fa, fb) = (files_of(&a), files_of(&b));
    assert!(
        fa.keys().filter(|n| n.ends_with(".bin")).count() >= 3,
        "{:?}",
        fa.keys()
    );
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        if name == "manifest.json" || name == "md5sums.txt" {
            continue; // they name the input folder, which differs
        }
        assert!(bytes == &fb[name], "{name} differs between 1 and 3 workers");
    }
    // A launcher running each task on its own (as Slurm array tasks do).
    let c = dir.path().join("c");
    let file_c = small_mix(&dir.path().join("in-c"), &c, "");
    let mix = MixRun::load(&file_c).unwrap();
    let early = run_one(&mix, PHASES.len() - 1, 0, None).unwrap_err().to_string();
    assert!(early.contains("not finished"), "{early}");
    for p in 0..PHASES.len() {
        for t in (0..mix.tasks(p)).rev() {
            run_one(&mix, p, t, Some(mix.tasks(p))).unwrap();
        }
    }
    for (name, bytes) in files_of(&c) {
        if name.starts_with("part-") {
            assert!(bytes == fa[&name], "{name} differs when tasks run one by one");
        }
    }
}

#[test]
fn impossible_plans_are_refused_with_the_reason_and_capped_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let file = small_mix(dir.path(), &out, "");
    // 4,000,000 × 0.5 Irish tokens are more than 8 copies of the Irish clauses hold.
    let body = std::fs::read_to_string(&file)
        .unwrap()
        .replace("total_tokens: 40000", "total_tokens: 4000000");
    std::fs::write(&file, &body).unwrap();
    let e = run_mix(&file, 2).err().expect("refused").to_string();
    assert!(
        e.contains("`ga`") && e.contains("max_repeat") && e.contains("if_short: cap"),
        "{e}"
    );
    assert!(!out.join("manifest.json").exists());
    std::fs::write(&file, format!("{body}if_short: cap\n")).unwrap();
    let mix = MixRun::load(&file).unwrap();
    let plan = run_local(
        &mix,
        MixOptions {
            workers: Some(2),
            restart: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mt = plan.languages.iter().find(|l| l.lang == "ga").unwrap();
    assert!(mt.capped);
    // Capped: the weighted Irish documents 8 times each (weight 0 never).
    assert_eq!(mt.planned_tokens, mt.target);
    let got: u64 = read_output(&out)
        .iter()
        .filter(|(r, _)| r["lang"] == "ga")
        .map(|(_, ids)| ids.len() as u64)
        .sum();
    assert_eq!(got, mt.target);
    // A mix-file typo is an error with file:line.
    std::fs::write(&file, body.replace("max_repeat: 8", "max_repaet: 8")).unwrap();
    let e = MixRun::load(&file).err().unwrap().to_string();
    assert!(e.contains("mix.yaml:") && e.contains("max_repaet"), "{e}");
}

/// Waits until Slurm no longer lists any of `ids`.
fn wait_for_jobs(ids: &[String]) {
    let t0 = std::time::Instant::now();
    loop {
        let out = std::process::Command::new("squeue")
            .args(["-h", "-j", &ids.join(",")])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).trim().is_empty() {
            return;
        }
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(300),
            "jobs {ids:?} did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

#[test]
#[ignore = "needs a running Slurm (scripts/slurm/start-local-slurm.sh, SLURM_CONF); .ci/run starts one"]
fn submit_gives_the_same_bytes_as_a_local_run_and_status_follows_it() {
    let sinfo = std::process::Command::new("sinfo").arg("-h").output();
    assert!(
        sinfo.is_ok_and(|o| o.status.success()),
        "Slurm is required but `sinfo` fails: start it with scripts/slurm/start-local-slurm.sh and export SLURM_CONF"
    );
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    run_mix(&small_mix(&dir.path().join("in-local"), &local, ""), 2).unwrap();
    let out = dir.path().join("slurm");
    let file = small_mix(&dir.path().join("in-slurm"), &out, "");
    let mix = MixRun::load(&file).unwrap();
    let o = super::common::bin()
        .args(["mix", "--submit"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{stdout}{}", String::from_utf8_lossy(&o.stderr));
    let ids: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.split(": job ").nth(1)?.split_whitespace().next().map(str::to_string))
        .collect();
    assert_eq!(ids.len(), PHASES.len(), "one job array per phase: {stdout}");
    wait_for_jobs(&ids);
    let status = super::common::bin().arg("status").arg(&out).output().unwrap();
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(status.starts_with("mix `d`"), "{status}");
    for (p, name) in PHASES.iter().enumerate() {
        let n = mix.tasks(p);
        assert!(
            status.contains(&format!("phase {p} `{name}`: {n} of {n} done")),
            "{status}"
        );
    }
    let (fl, fs) = (files_of(&local), files_of(&out));
    assert_eq!(fl.keys().collect::<Vec<_>>(), fs.keys().collect::<Vec<_>>());
    for (name, bytes) in &fl {
        if name != "manifest.json" && name != "md5sums.txt" {
            assert!(bytes == &fs[name], "{name} differs between Slurm and a local run");
        }
    }
    // Everything done: a second submit has nothing to do.
    let again = super::common::bin()
        .args(["mix", "--submit"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to submit"));
}

#[test]
fn status_follows_a_local_mix_phase_by_phase() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let file = small_mix(&dir.path().join("in"), &out, "");
    let mix = MixRun::load(&file).unwrap();
    run_local(
        &mix,
        MixOptions {
            workers: Some(2),
            dry_run: true,
            ..Default::default()
        },
    )
    .unwrap();
    let status = super::common::bin().arg("status").arg(&out).output().unwrap();
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    let (c, s) = (mix.tasks(0), mix.tasks(3));
    assert!(
        status.contains(&format!("phase 0 `count`: {c} of {c} done")),
        "{status}"
    );
    assert!(status.contains("phase 1 `plan`: 1 of 1 done"), "{status}");
    assert!(
        status.contains(&format!(
            "phase 3 `shuffle`: 0 of {s} done, 0 running, 0 pending, 0 failed, {s} not started"
        )),
        "{status}"
    );
}

#[test]
fn budgets_are_met_when_weights_span_four_orders_of_magnitude() {
    // Weights from 1e-4 to 1: a heavy document's copy steps are close
    // together, so the plan's last cell can hold several steps of one
    // document; the fill must still land every language on its budget.
    let dir = tempfile::tempdir().unwrap();
    let docs = udhr_lines();
    let mut rng = eurocurate::rng::Rng::new(29);
    let w: Vec<f64> = docs.iter().map(|_| 10f64.powf(-4.0 * rng.unit())).collect();
    let run = write_run(dir.path(), &docs, |i, _| serde_json::json!({"w": w[i]}));
    let available: BTreeMap<&str, u64> = docs.iter().fold(BTreeMap::new(), |mut m, d| {
        *m.entry(d.lang.as_str()).or_default() += reference_ids(&d.text).len() as u64;
        m
    });
    let budgets = [
        ("sk", available["sk"] * 3),
        ("lv", available["lv"] / 3),
        ("pt", available["pt"] * 5),
    ];
    let out = dir.path().join("mix");
    let lines: String = budgets
        .iter()
        .map(|(l, b)| format!("  {l}: {{tokens: {b}}}\n"))
        .collect();
    let file = write_mix(
        dir.path(),
        &format!(
            "name: wide\ninputs:\n  - path: {}\ntokenizer: {}\neos: \"</s>\"\nbudgets:\n{lines}max_repeat: 6\nweight:\n  column: w\nseed: 3\noutput:\n  path: {}\n  shuffle_buffer_tokens: 20000\n",
            run.display(),
            fixture("tokenizer.json").display(),
            out.display()
        ),
    );
    run_mix(&file, 2).unwrap();
    let lang_of: BTreeMap<&str, &str> = docs.iter().map(|d| (d.id.as_str(), d.lang.as_str())).collect();
    let mut realised: BTreeMap<&str, u64> = BTreeMap::new();
    let mut copies: BTreeMap<String, u64> = BTreeMap::new();
    for (row, ids) in read_output(&out) {
        let id = row["id"].as_str().unwrap().to_string();
        *realised.entry(lang_of[id.as_str()]).or_default() += ids.len() as u64;
        *copies.entry(id).or_default() += 1;
    }
    for (lang, budget) in budgets {
        let got = realised[lang];
        let err = (got as f64 - budget as f64).abs() / budget as f64;
        assert!(err <= 0.001, "{lang}: {got} tokens for {budget} ({:.4}%)", 100.0 * err);
    }
    assert!(copies.values().all(|&c| c <= 6), "a document over max_repeat");
}
