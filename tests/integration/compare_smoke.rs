//! The datatrove comparison harness in its smoke mode, so the benchmark
//! does not rot: `benches/compare/run.sh --smoke` with this build's binary.
//! Needs python3 with venv and PyPI (it installs datatrove): ignored with
//! that reason, run by `.ci/run` (`--run-ignored all`).

#[test]
#[ignore = "needs python3 with venv and PyPI (installs datatrove); .ci/run sets it up"]
fn compare_harness_smoke() {
    let work = tempfile::tempdir().unwrap();
    let o = std::process::Command::new("bash")
        .arg(crate::common::root().join("benches/compare/run.sh"))
        .arg("--smoke")
        .env("EUROCURATE_BIN", env!("CARGO_BIN_EXE_eurocurate"))
        .env("EUROCURATE_COMPARE_WORK", work.path())
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}\n{}", String::from_utf8_lossy(&o.stderr));
    for workload in ["filters", "minhash", "tokenize", "warc"] {
        for tool in ["eurocurate", "datatrove"] {
            assert!(
                out.contains(&format!("| {workload} | {tool} |")),
                "{workload}/{tool} row missing:\n{out}"
            );
        }
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("| {workload} | ")) && l.ends_with("× |")),
            "{workload} ratio missing:\n{out}"
        );
    }
    // Same documents, same tokenizer.json: the same token ids.
    assert!(
        out.lines()
            .any(|l| l.starts_with("| tokenize | eurocurate |") && l.contains("ids identical to datatrove's")),
        "token ids differ:\n{out}"
    );
    // MinHash is scored against the planted duplicates, per tool.
    for tool in ["eurocurate", "datatrove"] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("| {tool} | ")) && l.contains('.')),
            "MinHash recall row of {tool} missing:\n{out}"
        );
    }
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.path().join("results.json")).unwrap()).unwrap();
    assert_eq!(results["rows"].as_array().unwrap().len(), 8);
    assert!(
        results["minhash"]["eurocurate"]["recall"].as_f64().unwrap() > 0.5,
        "{results}"
    );
}
