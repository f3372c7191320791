//! One writer per output and per task: a second `run` on a held output is
//! refused with the holder named, and two attempts of one task racing (a
//! Slurm requeue while the first still runs) leave exactly one committed
//! result, byte-identical to a single attempt.

use std::path::Path;

use crate::common::*;

fn pipeline(dir: &Path, out: &Path) -> std::path::PathBuf {
    let p = dir.join(format!("{}.yaml", out.file_name().unwrap().to_string_lossy()));
    std::fs::write(
        &p,
        format!(
            "name: w\ninput:\n  kind: jsonl\n  paths: [\"{}\", \"{}\"]\nstages:\n  - kind: normalize\n  - kind: pii\n  - kind: exact_dedup\noutput:\n  kind: parquet\n  path: {}\n  partition_by: lang\nexecutor:\n  tasks: 2\n",
            fixture("udhr-part1.jsonl.zst").display(),
            fixture("udhr-part2.jsonl.gz").display(),
            out.display()
        ),
    )
    .unwrap();
    p
}

#[test]
fn a_second_run_on_a_held_output_is_refused_with_the_holder_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = pipeline(tmp.path(), &out);
    // This test process holds the output, as a running `run` would.
    std::fs::create_dir_all(&out).unwrap();
    let host = String::from_utf8(std::process::Command::new("hostname").output().unwrap().stdout).unwrap();
    let me = serde_json::json!({"host": host.trim(), "pid": std::process::id(), "started": 1});
    std::fs::write(out.join("_lock.json"), me.to_string()).unwrap();
    let o = bin().args(["--quiet", "run"]).arg(&p).output().unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains(&format!("pid {}", std::process::id())) && e.contains("another run"),
        "{e}"
    );
    // When the holder is gone the lock is stale: taken over, the run resumes.
    std::fs::write(
        out.join("_lock.json"),
        me.to_string().replace(&std::process::id().to_string(), "99999999"),
    )
    .unwrap();
    let o = bin().args(["--quiet", "run"]).arg(&p).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("_lock.json").exists(), "released at the end");
}

#[test]
fn two_attempts_of_one_task_leave_one_result_identical_to_a_single_attempt() {
    let tmp = tempfile::tempdir().unwrap();
    // Reference: every task once.
    let single = tmp.path().join("single");
    let p1 = pipeline(tmp.path(), &single);
    let o = bin().args(["--quiet", "run"]).arg(&p1).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Racing: each task of each phase run by two processes at once.
    let raced = tmp.path().join("raced");
    let p2 = pipeline(tmp.path(), &raced);
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(single.join("_markers/plan.json")).unwrap()).unwrap();
    for ph in plan["phases"].as_array().unwrap() {
        let (phase, tasks) = (ph["index"].as_u64().unwrap(), ph["tasks"].as_u64().unwrap());
        for t in 0..tasks {
            let spawn = || {
                bin()
                    .args(["--quiet", "task"])
                    .arg(&p2)
                    .args(["--phase", &phase.to_string(), "--task", &t.to_string()])
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            };
            let (a, b) = (spawn(), spawn());
            for c in [a, b] {
                let o = c.wait_with_output().unwrap();
                assert!(
                    o.status.success(),
                    "phase {phase} task {t}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        }
    }
    let (x, y) = (data_files(&single), data_files(&raced));
    assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
    for (k, v) in &x {
        assert!(*v == y[k], "{k} differs between a single attempt and racing attempts");
    }
    assert!(
        !y.keys().any(|k| k.ends_with(".tmp")),
        "temp files left: {:?}",
        y.keys()
    );
}
