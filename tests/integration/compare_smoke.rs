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
    // Same documents, same tokenizer.json: both tools write the same number of tokens.
    let tokens: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("| tokenize |"))
        .filter_map(|l| l.split("tokens ").nth(1))
        .collect();
    assert_eq!(tokens.len(), 2, "{out}");
    assert_eq!(tokens[0], tokens[1], "token counts differ:\n{out}");
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.path().join("results.json")).unwrap()).unwrap();
    assert_eq!(results.as_array().unwrap().len(), 8);
}
