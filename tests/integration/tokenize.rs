//! Tokenization into Megatron shards: ids equal the tokenizer's, shards and
//! manifest agree, sharding, merging, dtype, validation, resume.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use eurocurate::io::megatron::{ShardReader, TokenDtype};

fn pipeline(out: &Path, output: &str, extra_stage: &str, max_tokens: u64) -> String {
    format!(
        "name: tok\ninput:\n  kind: jsonl\n  paths: [\"{}\", \"{}\"]\nstages:\n  - kind: normalize\n  - kind: language_id\n{extra_stage}  - kind: tokenize\n    tokenizer: \"{}\"\n    eos: \"</s>\"\noutput:\n  kind: {output}\n  path: {}\n  partition_by: lang\n  max_tokens_per_shard: {max_tokens}\nexecutor:\n  tasks: 3\n",
        fixture("udhr-part1.jsonl.zst").display(),
        fixture("udhr-part2.jsonl.gz").display(),
        fixture("tokenizer.json").display(),
        out.display()
    )
}

/// Documents of every shard of `dir`, per language, in shard order.
fn shard_docs(dir: &Path) -> BTreeMap<String, Vec<Vec<u32>>> {
    let mut by = BTreeMap::new();
    for prefix in eurocurate::io::megatron::find_shards(dir) {
        let lang = prefix
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let r = ShardReader::open(&prefix).unwrap();
        let docs: &mut Vec<Vec<u32>> = by.entry(lang).or_default();
        for i in 0..r.len() {
            docs.push(r.get(i).unwrap());
        }
    }
    by
}

#[test]
fn shards_hold_the_tokenizers_ids_and_the_manifest_counts_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (shards, texts) = (tmp.path().join("shards"), tmp.path().join("texts"));
    run_yaml(tmp.path(), &pipeline(&shards, "megatron", "", 1_000_000)).unwrap();
    run_yaml(tmp.path(), &pipeline(&texts, "jsonl", "", 1_000_000)).unwrap();
    let tok = eurocurate::stages::tokenize::load_tokenizer(&fixture("tokenizer.json")).unwrap();
    let eos = tok.token_to_id("</s>").unwrap();
    let got = shard_docs(&shards);
    let mut want: BTreeMap<String, Vec<Vec<u32>>> = BTreeMap::new();
    for r in read_records(&texts) {
        let text = r["text"].as_str().unwrap();
        let mut ids = tok.encode(text, false).unwrap().get_ids().to_vec();
        ids.push(eos);
        // byte-level BPE is lossless: the ids decode to the text again
        assert_eq!(tok.decode(&ids[..ids.len() - 1], false).unwrap(), text);
        want.entry(r["lang"].as_str().unwrap().to_string())
            .or_default()
            .push(ids);
    }
    assert_eq!(got.len(), 24);
    assert_eq!(got, want);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(shards.join("manifest.json")).unwrap()).unwrap();
    let total: usize = got.values().flatten().map(Vec::len).sum();
    assert_eq!(manifest["tokens"], total as u64);
    assert_eq!(manifest["dtype"], "uint16");
    assert_eq!(manifest["languages"]["mt"]["documents"], got["mt"].len() as u64);
    let stats = phase_stats(&shards, 0);
    assert_eq!(stats["stages"][2]["counters"]["tokens"], total as u64);
    // the fixture (a byte-level BPE) took the fast path, every document
    let docs: usize = got.values().map(Vec::len).sum();
    assert_eq!(stats["stages"][2]["counters"]["docs_fast_path"], docs as u64);
    assert_eq!(
        stats["stages"][2]["counters"]["docs_tokenizers_crate"],
        serde_json::Value::Null
    );
    // the report shows tokens per language from the same counters
    let o = bin().arg("report").arg(&shards).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(shards.join("report.html")).unwrap();
    let mt_tokens: usize = got["mt"].iter().map(Vec::len).sum();
    assert!(
        html.contains(&format!("<title>mt: {mt_tokens}</title>")),
        "tokens of mt in the report"
    );
}

#[test]
fn small_shards_merge_back_and_shuffle_with_a_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("small");
    run_yaml(tmp.path(), &pipeline(&out, "megatron", "", 2_000)).unwrap();
    let de = out.join("de");
    let parts = eurocurate::io::megatron::find_shards(&de);
    assert!(parts.len() >= 2, "{parts:?}");
    for p in &parts {
        let r = ShardReader::open(p).unwrap();
        assert!(
            r.tokens() <= 2_000 || r.len() == 1,
            "{} has {} tokens",
            p.display(),
            r.tokens()
        );
    }
    let merged = tmp.path().join("de-merged");
    let o = bin()
        .args(["shards", "merge", "--out"])
        .arg(&merged)
        .arg(&de)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = ShardReader::open(&merged).unwrap();
    let all: Vec<Vec<u32>> = shard_docs(&out)["de"].clone();
    let back: Vec<Vec<u32>> = (0..m.len()).map(|i| m.get(i).unwrap()).collect();
    assert_eq!(back, all);
    let shuffled = |name: &str| {
        let p = tmp.path().join(name);
        let o = bin()
            .args(["shards", "merge", "--shuffle-seed", "5", "--out"])
            .arg(&p)
            .arg(&de)
            .output()
            .unwrap();
        assert!(o.status.success());
        let r = ShardReader::open(&p).unwrap();
        (0..r.len()).map(|i| r.get(i).unwrap()).collect::<Vec<_>>()
    };
    let (s1, s2) = (shuffled("s1"), shuffled("s2"));
    assert_eq!(s1, s2);
    assert_ne!(s1, all);
    let (mut a, mut b) = (s1.clone(), all.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let o = bin()
        .args(["shards", "inspect"])
        .arg(&merged)
        .args(["--tokenizer"])
        .arg(fixture("tokenizer.json"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&format!("{} documents", all.len())) && text.contains("Allgemeine Erklärung der Menschenrechte"),
        "{text}"
    );
}

#[test]
fn a_vocabulary_over_65500_writes_int32() {
    let tmp = tempfile::tempdir().unwrap();
    let mut vocab = serde_json::Map::new();
    vocab.insert("[UNK]".into(), 0.into());
    for i in 1..70_000u32 {
        vocab.insert(format!("w{i}"), i.into());
    }
    vocab.insert("</s>".into(), 70_000.into());
    let tj = serde_json::json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
        "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"}
    });
    let tpath = tmp.path().join("big.json");
    std::fs::write(&tpath, tj.to_string()).unwrap();
    let input = tmp.path().join("in.jsonl");
    std::fs::write(&input, "{\"id\":\"a\",\"text\":\"w1 w69999 unknown\"}\n").unwrap();
    let out = tmp.path().join("out");
    let yaml = format!(
        "name: big\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\nstages:\n  - kind: tokenize\n    tokenizer: \"{}\"\n    eos: \"</s>\"\noutput:\n  kind: megatron\n  path: {}\n",
        input.display(),
        tpath.display(),
        out.display()
    );
    run_yaml(tmp.path(), &yaml).unwrap();
    let shards = eurocurate::io::megatron::find_shards(&out);
    let r = ShardReader::open(&shards[0]).unwrap();
    assert_eq!(r.dtype, TokenDtype::Int32);
    assert_eq!(r.get(0).unwrap(), vec![1, 69_999, 0, 70_000]);
    // a WordLevel model is outside the fast path: the tokenizers crate
    assert_eq!(
        phase_stats(&out, 0)["stages"][0]["counters"]["docs_tokenizers_crate"],
        1
    );
}

#[test]
fn missing_or_corrupt_tokenizers_and_misplaced_stages_fail_validation() {
    let tmp = tempfile::tempdir().unwrap();
    let validate = |yaml: &str| {
        let p = tmp.path().join("p.yaml");
        std::fs::write(&p, yaml).unwrap();
        let o = bin().arg("validate").arg(&p).output().unwrap();
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let base = pipeline(&tmp.path().join("o"), "megatron", "", 1000);
    let missing = base.replace(
        &fixture("tokenizer.json").display().to_string(),
        "/nonexistent/tokenizer.json",
    );
    assert!(validate(&missing).contains("cannot read tokenizer /nonexistent/tokenizer.json"));
    let corrupt = tmp.path().join("corrupt.json");
    std::fs::write(&corrupt, "{\"model\": 12").unwrap();
    let e = validate(&base.replace(
        &fixture("tokenizer.json").display().to_string(),
        &corrupt.display().to_string(),
    ));
    assert!(e.contains("is not a valid Hugging Face tokenizer.json"), "{e}");
    let e = validate(&base.replace("eos: \"</s>\"", "eos: \"<nope>\""));
    assert!(e.contains("`eos: <nope>` is not a token"), "{e}");
    let e = validate(&base.replace("output:", "  - kind: length_filter\n    min_words: 1\noutput:"));
    assert!(e.contains("must be the last stage"), "{e}");
    let e = validate(
        &pipeline(&tmp.path().join("o"), "megatron", "", 1000)
            .replace(
                "  - kind: tokenize\n    tokenizer: \"",
                "  - kind: length_filter\n    min_words: 1\n#\"",
            )
            .replace("    eos: \"</s>\"\n", ""),
    );
    assert!(e.contains("end `stages:` with `- kind: tokenize`"), "{e}");
}

#[test]
fn an_interrupted_run_resumes_without_corrupt_or_duplicated_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let (full, part) = (tmp.path().join("full"), tmp.path().join("part"));
    run_yaml(
        tmp.path(),
        &pipeline(&full, "megatron", "  - kind: exact_dedup\n", 3_000),
    )
    .unwrap();
    let yaml = pipeline(&part, "megatron", "  - kind: exact_dedup\n", 3_000);
    let file = tmp.path().join("part.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let task = |phase: usize, t: usize| {
        let o = task(&file, phase, t, None);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    for phase in 0..2 {
        for t in 0..3 {
            task(phase, t);
        }
    }
    task(2, 1);
    // a task killed while writing leaves a half shard under a temp name
    std::fs::create_dir_all(part.join("de")).unwrap();
    std::fs::write(part.join("de").join(".part-00000-0000.bin.tmp"), b"half").unwrap();
    let summary = run_yaml(tmp.path(), &yaml).unwrap();
    assert_eq!(summary.tasks_run, 2);
    assert_eq!(data_files(&full), data_files(&part));
    assert_eq!(shard_docs(&full), shard_docs(&part));
    let leftovers: Vec<_> = walk(&part)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
