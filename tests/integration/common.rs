//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use eurocurate::exec::local::{self, RunOptions, RunSummary};
use eurocurate::exec::progress::ProgressMode;
use eurocurate::pipeline::{plan, spec};

/// The repository root (tests run with it as the working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Path of a shipped fixture.
pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// Parses, plans and runs a pipeline given as YAML text, in-process.
pub fn run_yaml(dir: &Path, yaml: &str) -> anyhow::Result<RunSummary> {
    let file = dir.join("pipeline.yaml");
    std::fs::write(&file, yaml)?;
    let spec = spec::parse(&file, yaml, |_| None)?;
    let plan = plan::build(spec, &file)?;
    local::run(
        &plan,
        RunOptions {
            workers: Some(2),
            restart: false,
            force: false,
            progress: ProgressMode::Quiet,
        },
    )
}

/// The `eurocurate` binary.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eurocurate"));
    c.current_dir(root());
    c
}

/// Runs `pipelines/quickstart.yaml` into `out` with `extra` arguments;
/// panics with its stderr when it fails.
pub fn quickstart(out: &Path, extra: &[&str]) -> std::process::Output {
    let o = bin()
        .args(["--quiet", "run", "pipelines/quickstart.yaml"])
        .args(extra)
        .env("EUROCURATE_OUT", out)
        .output()
        .unwrap();
    assert!(o.status.success(), "run failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

/// `eurocurate task PIPELINE --phase P --task T`, as a launcher runs it,
/// with `EUROCURATE_OUT=out` when given. The caller checks the status.
pub fn task(pipeline: &Path, phase: usize, task: usize, out: Option<&Path>) -> std::process::Output {
    let mut cmd = bin();
    cmd.args(["--quiet", "task"])
        .arg(pipeline)
        .args(["--phase", &phase.to_string(), "--task", &task.to_string()]);
    if let Some(out) = out {
        cmd.env("EUROCURATE_OUT", out);
    }
    cmd.output().unwrap()
}

/// Decompresses a .zst file.
pub fn unzstd(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(std::fs::File::open(path).unwrap())
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// All JSON records of the `.jsonl.zst` files directly under `dir` or in
/// its language sub-folders, in file-name order.
pub fn read_records(dir: &Path) -> Vec<serde_json::Value> {
    let mut files: Vec<PathBuf> = Vec::new();
    collect(dir, &mut files);
    files.sort();
    files
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".jsonl.zst"))
        .flat_map(|p| {
            String::from_utf8(unzstd(p))
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !name.starts_with('_') && name != "rejected" {
                collect(&p, out);
            }
        } else {
            out.push(p);
        }
    }
}

/// Every data file under `dir` (outputs, rejected, spool, barrier files)
/// with its bytes; markers, stats (which hold timings) and Slurm scripts
/// and logs are left out.
pub fn data_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if rel.starts_with("_markers") || rel.starts_with("_stats") || rel.starts_with("_slurm") {
                continue;
            }
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Merged stats of phase `p` of a run folder.
pub fn phase_stats(out: &Path, p: usize) -> serde_json::Value {
    let bytes = std::fs::read(out.join("_stats").join(format!("phase-{p}.json"))).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}
