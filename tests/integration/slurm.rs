//! `eurocurate submit` and `status` against real Slurm daemons
//! (scripts/slurm/start-local-slurm.sh; the test script starts them).
//! The tests that need the daemons are `#[ignore]`d with the reason, so a
//! machine without Slurm reports them as skipped, never as passed; `.ci/run`
//! starts Slurm and runs them (`--run-ignored all`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

fn require_slurm() {
    let ok = Command::new("sinfo")
        .arg("-h")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "Slurm is required but `sinfo` fails: start it with scripts/slurm/start-local-slurm.sh and export SLURM_CONF"
    );
}

/// A three-phase pipeline (exact_dedup) over the JSONL fixtures.
fn pipeline(dir: &Path, out: &Path, executor_extra: &str) -> PathBuf {
    let yaml = format!(
        "name: slurm-test\ninput:\n  kind: jsonl\n  paths: [\"{}\", \"{}\"]\nstages:\n  - kind: normalize\n  - kind: pii\n  - kind: length_filter\n    min_words: 20\n  - kind: exact_dedup\noutput:\n  kind: jsonl\n  path: {}\n  partition_by: lang\nexecutor:\n  kind: slurm\n  partition: debug\n  tasks: 4\n  time: \"00:10:00\"\n{executor_extra}",
        fixture("udhr-part1.jsonl.zst").display(),
        fixture("udhr-part2.jsonl.gz").display(),
        out.display()
    );
    let path = dir.join(format!("{}.yaml", out.file_name().unwrap().to_string_lossy()));
    std::fs::write(&path, yaml).unwrap();
    path
}

fn eurocurate(args: &[&str], file: &Path) -> std::process::Output {
    bin().args(args).arg(file).output().unwrap()
}

/// Job ids of a submit's output (`phase P: job ID ...`).
fn job_ids(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|l| {
            l.split("job ")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .map(str::to_string)
        })
        .collect()
}

/// Waits until Slurm no longer lists any of `ids`.
fn wait_for(ids: &[String]) {
    let t0 = Instant::now();
    loop {
        let out = Command::new("squeue")
            .args(["-h", "-j", &ids.join(",")])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&out.stdout).trim().is_empty() {
            return;
        }
        assert!(t0.elapsed() < Duration::from_secs(240), "jobs {ids:?} did not finish");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn local_reference(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let p = pipeline(dir, &out, "");
    let o = eurocurate(&["--quiet", "run"], &p);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
#[ignore = "needs a running Slurm (scripts/slurm/start-local-slurm.sh, SLURM_CONF); .ci/run starts one"]
fn submit_gives_the_same_bytes_as_a_local_run() {
    require_slurm();
    let tmp = tempfile::tempdir().unwrap();
    let reference = local_reference(tmp.path(), "local");
    let out = tmp.path().join("slurm");
    let p = pipeline(tmp.path(), &out, "");
    let o = eurocurate(&["submit"], &p);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ids = job_ids(&o.stdout);
    assert_eq!(
        ids.len(),
        3,
        "one array per phase: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    wait_for(&ids);
    let status = String::from_utf8_lossy(&eurocurate(&["status"], &out).stdout).into_owned();
    assert_eq!(status.matches("4 of 4 done").count(), 3, "{status}");
    assert_eq!(
        data_files(&reference),
        data_files(&out),
        "Slurm and local outputs differ"
    );
    assert_eq!(
        phase_stats(&reference, 2)["output_by_lang"],
        phase_stats(&out, 2)["output_by_lang"]
    );
    // Logs per task.
    assert!(out.join("_slurm/logs").read_dir().unwrap().count() >= 12);
    // Nothing left to do.
    let again = eurocurate(&["submit"], &p);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to submit"));
}

#[test]
#[ignore = "needs a running Slurm (scripts/slurm/start-local-slurm.sh, SLURM_CONF); .ci/run starts one"]
fn a_cancelled_task_is_finished_by_a_second_submit_without_redoing_others() {
    require_slurm();
    let tmp = tempfile::tempdir().unwrap();
    let reference = local_reference(tmp.path(), "local");
    let out = tmp.path().join("slurm");
    let p = pipeline(tmp.path(), &out, "  max_array_parallel: 1\n");
    let o = eurocurate(&["submit"], &p);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ids = job_ids(&o.stdout);
    // A second submit while the first still runs is refused (it would run tasks twice).
    let twice = eurocurate(&["submit"], &p);
    assert!(!twice.status.success() && String::from_utf8_lossy(&twice.stderr).contains("still queued or running"));
    // One task at a time: the last index of phase 0 is still pending; cancel it.
    let status = Command::new("scancel").arg(format!("{}_3", ids[0])).status().unwrap();
    assert!(status.success());
    wait_for(&ids);
    let st = String::from_utf8_lossy(&eurocurate(&["status"], &out).stdout).into_owned();
    assert!(
        st.contains("phase 0 `normalize > pii > length_filter > exact_dedup:collect`: 3 of 4 done"),
        "{st}"
    );
    assert!(
        st.contains("phase 2 `exact_dedup:filter`: 0 of 4 done"),
        "dependents did not run: {st}"
    );
    let marker = |t: usize| out.join(format!("_markers/phase-0/task-{t:05}.json"));
    let before: Vec<_> = (0..3)
        .map(|t| std::fs::metadata(marker(t)).unwrap().modified().unwrap())
        .collect();

    let o = eurocurate(&["submit"], &p);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.contains("phase 0: job") && text.contains("(array 3%1)"),
        "only the cancelled task: {text}"
    );
    wait_for(&job_ids(&o.stdout));
    let after: Vec<_> = (0..3)
        .map(|t| std::fs::metadata(marker(t)).unwrap().modified().unwrap())
        .collect();
    assert_eq!(before, after, "finished tasks were not redone");
    assert_eq!(data_files(&reference), data_files(&out));
}

#[test]
#[ignore = "needs a running Slurm (scripts/slurm/start-local-slurm.sh, SLURM_CONF); .ci/run starts one"]
fn a_failing_phase_blocks_its_dependents_and_status_shows_the_log() {
    require_slurm();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("slurm");
    let fail = "  setup:\n    - 'if [ \"$EUROCURATE_PHASE\" = 1 ]; then echo \"simulated failure in phase 1\" >&2; exit 3; fi'\n";
    let p = pipeline(tmp.path(), &out, fail);
    let o = eurocurate(&["submit"], &p);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    wait_for(&job_ids(&o.stdout));
    let st = String::from_utf8_lossy(&eurocurate(&["status"], &out).stdout).into_owned();
    assert!(st.contains("collect`: 4 of 4 done"), "{st}");
    assert!(
        st.contains("find_duplicates`: 0 of 4 done, 0 running, 0 pending, 4 failed"),
        "{st}"
    );
    assert!(
        st.contains("phase 2 `exact_dedup:filter`: 0 of 4 done, 0 running, 0 pending, 0 failed, 4 not started"),
        "{st}"
    );
    assert!(
        st.contains("| simulated failure in phase 1"),
        "the failed task's log tail: {st}"
    );
    assert!(st.contains("_slurm/logs/phase-1-task-0-job-"), "{st}");
}

#[test]
#[ignore = "needs a running Slurm (scripts/slurm/start-local-slurm.sh, SLURM_CONF); .ci/run starts one"]
fn slurm_refusing_a_job_is_a_clear_error_and_leaves_nothing_queued() {
    require_slurm();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("slurm");
    let p = pipeline(tmp.path(), &out, "");
    let yaml = std::fs::read_to_string(&p)
        .unwrap()
        .replace("partition: debug", "partition: no-such-partition");
    std::fs::write(&p, yaml).unwrap();
    let o = eurocurate(&["submit"], &p);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Slurm refused phase 0") && err.contains("nothing was submitted"),
        "{err}"
    );
    assert!(err.to_lowercase().contains("partition"), "{err}");
}

#[test]
fn missing_sbatch_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("slurm");
    let p = pipeline(tmp.path(), &out, "");
    let o = bin()
        .args(["submit"])
        .arg(&p)
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`sbatch` is not on PATH"), "{err}");
}

#[test]
fn dry_run_scripts_match_the_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dry");
    let extra = "  account: eu-llm\n  qos: normal\n  cpus_per_task: 2\n  mem_per_cpu: 4G\n  max_array_parallel: 8\n  extra_sbatch: [\"--constraint=cpu\"]\n  env: {HF_HOME: \"/scratch/hf cache\"}\n  setup: [\"module load rust\"]\n";
    let p = pipeline(tmp.path(), &out, extra);
    let o = bin()
        .args(["submit", "--dry-run", "--retries", "2"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout).replace(&out.display().to_string(), "OUT");
    assert_eq!(
        stdout,
        "phase 0: would run `sbatch --parsable --array=0-3%8 OUT/_slurm/phase-0.sbatch`\n\
         phase 1: would run `sbatch --parsable --array=0-3%8 --dependency=afterok:<job of phase 0> OUT/_slurm/phase-1.sbatch`\n\
         phase 2: would run `sbatch --parsable --array=0-3%8 --dependency=afterok:<job of phase 1> OUT/_slurm/phase-2.sbatch`\n"
    );
    let script = std::fs::read_to_string(out.join("_slurm/phase-1.sbatch"))
        .unwrap()
        .replace(env!("CARGO_BIN_EXE_eurocurate"), "BIN")
        .replace(&p.display().to_string(), "PIPELINE")
        .replace(&out.display().to_string(), "OUT")
        .replace(&root().display().to_string(), "CWD");
    assert_eq!(
        script,
        r#"#!/bin/bash
# eurocurate: pipeline `slurm-test`, phase 1 `exact_dedup:find_duplicates` (4 tasks).
# Written by `eurocurate submit`, which passes --array and --dependency.
#SBATCH --job-name=ec-slurm-test-p1
#SBATCH --chdir=CWD
#SBATCH --output=OUT/_slurm/logs/phase-1-task-%a-job-%A.log
#SBATCH --partition=debug
#SBATCH --account=eu-llm
#SBATCH --qos=normal
#SBATCH --time=00:10:00
#SBATCH --cpus-per-task=2
#SBATCH --mem-per-cpu=4G
#SBATCH --constraint=cpu
set -euo pipefail
export EUROCURATE_PHASE=1
export EUROCURATE_TASK="$SLURM_ARRAY_TASK_ID"
export HF_HOME='/scratch/hf cache'
module load rust
attempt=0
until 'BIN' task 'PIPELINE' --phase 1 --task "$SLURM_ARRAY_TASK_ID" --tasks 4; do
  attempt=$((attempt + 1))
  if [ "$attempt" -gt 2 ]; then
    echo "eurocurate: phase 1 task $SLURM_ARRAY_TASK_ID failed ($attempt attempt(s))" >&2
    exit 1
  fi
  echo "eurocurate: phase 1 task $SLURM_ARRAY_TASK_ID failed; retry $attempt of 2" >&2
done
"#
    );
    assert!(!out.join("_markers").exists(), "a dry run starts no run");
}

#[test]
fn slurm_settings_are_validated() {
    let tmp = tempfile::tempdir().unwrap();
    for (bad, expect) in [
        ("  qos: normal\n  time: soon\n", "is not a Slurm time"),
        ("  extra_sbatch: [\"--array=0-9\"]\n", "`--array` is set by eurocurate"),
        ("  max_array_parallel: 0\n", "must be at least 1"),
        ("  partiton: debug\n", "did you mean `partition`?"),
    ] {
        let out = tmp.path().join("v");
        let p = pipeline(tmp.path(), &out, bad);
        // The base pipeline sets a valid time; a case that sets its own replaces it.
        if bad.contains("time:") {
            let yaml = std::fs::read_to_string(&p)
                .unwrap()
                .replace("  time: \"00:10:00\"\n", "");
            std::fs::write(&p, yaml).unwrap();
        }
        let o = bin().args(["validate"]).arg(&p).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && err.contains(expect), "{bad}: {err}");
    }
}

#[test]
#[ignore = "needs a running Slurm (scripts/slurm/start-local-slurm.sh, SLURM_CONF); .ci/run starts one"]
fn the_quickstart_runs_through_submit() {
    require_slurm();
    let tmp = tempfile::tempdir().unwrap();
    let (local, slurm) = (tmp.path().join("local"), tmp.path().join("slurm"));
    let run = bin()
        .args(["--quiet", "run", "pipelines/quickstart.yaml"])
        .env("EUROCURATE_OUT", &local)
        .output()
        .unwrap();
    assert!(run.status.success());
    let o = bin()
        .args(["submit", "pipelines/quickstart.yaml"])
        .env("EUROCURATE_OUT", &slurm)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    wait_for(&job_ids(&o.stdout));
    assert_eq!(data_files(&local), data_files(&slurm));
}
