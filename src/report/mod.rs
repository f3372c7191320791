//! Reading a run folder's stats back and presenting them.

pub mod decont;
pub mod dist;
pub mod html;
pub mod inspect;
pub mod lang_stage;
pub mod measures_diff;
pub mod measures_html;

pub mod svg;

use std::fmt::Write;
use std::path::Path;

use anyhow::{bail, Context};

use crate::exec::markers;
use crate::pipeline::plan::human_bytes;
use crate::stats::TaskStats;

/// A phase as found on disk.
#[derive(Debug, serde::Serialize)]
pub struct PhaseOnDisk {
    pub stats: TaskStats,
    /// False when the phase's merged stats file is missing (interrupted run);
    /// `stats` then merges the markers that exist.
    pub complete: bool,
}

/// All phases of a run folder.
#[derive(Debug)]
pub struct RunOnDisk {
    pub phases: Vec<PhaseOnDisk>,
}

/// Loads the stats of every phase under `outdir`, merging markers for
/// phases that did not finish.
pub fn load_run(outdir: &Path) -> anyhow::Result<RunOnDisk> {
    let markers_dir = outdir.join("_markers");
    if !markers_dir.is_dir() {
        bail!(
            "{} is not a eurocurate output folder (no _markers/); give the `output.path` of a run",
            outdir.display()
        );
    }
    let mut phases = Vec::new();
    for p in 0.. {
        let phase_dir = markers_dir.join(format!("phase-{p}"));
        let merged = markers::phase_stats_path(outdir, p);
        if merged.is_file() {
            let bytes = std::fs::read(&merged)?;
            let stats = serde_json::from_slice(&bytes).with_context(|| format!("damaged {}", merged.display()))?;
            phases.push(PhaseOnDisk { stats, complete: true });
        } else if phase_dir.is_dir() {
            let mut tasks = Vec::new();
            let mut names: Vec<_> = std::fs::read_dir(&phase_dir)?.flatten().map(|e| e.path()).collect();
            names.sort();
            for path in names.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
                let bytes = std::fs::read(path)?;
                tasks.push(
                    serde_json::from_slice::<TaskStats>(&bytes)
                        .with_context(|| format!("damaged {}", path.display()))?,
                );
            }
            phases.push(PhaseOnDisk {
                stats: TaskStats::merge_phase(&tasks),
                complete: false,
            });
        } else {
            break;
        }
    }
    Ok(RunOnDisk { phases })
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "  {}", line(header.iter().map(|s| s.to_string()).collect()));
    for r in rows {
        let _ = writeln!(out, "  {}", line(r.clone()));
    }
}

/// The tables `eurocurate stats` prints.
pub fn tables(run: &RunOnDisk) -> String {
    let mut s = String::new();
    let ls = lang_stage::table(run);
    // Per-language counters are what the language × stage table shows.
    let per_lang = |k: &str| ls.rows.iter().any(|r| k.ends_with(&format!(":{}", r.lang)));
    for p in &run.phases {
        let st = &p.stats;
        let _ = writeln!(
            s,
            "phase {} `{}`: {} tasks{}, {:.1} task-seconds",
            st.phase,
            st.phase_name,
            st.task,
            if p.complete {
                ""
            } else {
                " finished so far (INCOMPLETE)"
            },
            st.seconds
        );
        if let Some(r) = &st.reader {
            let _ = writeln!(
                s,
                "  input: {} files, {} read, {} documents ({})",
                r.files,
                human_bytes(r.bytes_read),
                r.docs.docs,
                human_bytes(r.docs.bytes)
            );
            for (k, v) in &r.skipped.0 {
                let _ = writeln!(s, "    skipped {k}: {v}");
            }
            for (k, v) in &r.lost.0 {
                let _ = writeln!(s, "    LOST {k}: {v}");
            }
            for l in &r.losses {
                let _ = writeln!(s, "      {l}");
            }
        }
        if !st.stages.is_empty() {
            let rows: Vec<Vec<String>> = st
                .stages
                .iter()
                .map(|x| {
                    let drops = x.input.docs - x.output.docs;
                    vec![
                        format!("{}. {}", x.index + 1, x.kind),
                        x.input.docs.to_string(),
                        x.output.docs.to_string(),
                        drops.to_string(),
                        format!("{:.1}%", 100.0 * drops as f64 / x.input.docs.max(1) as f64),
                        human_bytes(x.output.bytes),
                    ]
                })
                .collect();
            table(
                &mut s,
                &["stage", "docs in", "docs out", "dropped", "drop %", "bytes out"],
                &rows,
            );
            let reasons: Vec<Vec<String>> = st
                .stages
                .iter()
                .flat_map(|x| {
                    x.dropped
                        .0
                        .iter()
                        .map(move |(r, n)| vec![x.kind.clone(), r.clone(), n.to_string()])
                })
                .collect();
            if !reasons.is_empty() {
                let _ = writeln!(s);
                table(&mut s, &["stage", "reason", "docs"], &reasons);
            }
            for x in &st.stages {
                for (k, v) in x.counters.0.iter().filter(|(k, _)| !per_lang(k)) {
                    let _ = writeln!(s, "  {} {k}: {v}", x.kind);
                }
            }
        }
        for (k, v) in &st.counters.0 {
            let _ = writeln!(s, "  {k}: {v}");
        }
        if st.output.docs > 0 || !st.output_by_lang.is_empty() {
            let rows: Vec<Vec<String>> = st
                .output_by_lang
                .iter()
                .map(|(l, v)| vec![l.clone(), v.docs.to_string(), human_bytes(v.bytes)])
                .collect();
            let _ = writeln!(
                s,
                "  written: {} documents ({}), rejected: {}",
                st.output.docs,
                human_bytes(st.output.bytes),
                st.rejected.docs
            );
            if rows.len() > 1 || rows.first().is_some_and(|r| r[0] != "und") {
                table(&mut s, &["lang", "docs", "bytes"], &rows);
            }
        }
        let _ = writeln!(s);
    }
    let rules = lang_stage::rules(run);
    if !rules.is_empty() {
        let _ = writeln!(s, "rules that fired, per language:");
        let rows: Vec<Vec<String>> = rules
            .iter()
            .map(|r| {
                vec![
                    r.lang.clone(),
                    r.id.clone(),
                    r.dropped.to_string(),
                    r.tagged.to_string(),
                    r.lines_removed.to_string(),
                    r.chars_removed.to_string(),
                    r.fired.to_string(),
                ]
            })
            .collect();
        table(
            &mut s,
            &[
                "lang",
                "rule",
                "docs dropped",
                "docs tagged",
                "lines removed",
                "chars removed",
                "matches",
            ],
            &rows,
        );
        let _ = writeln!(s);
    }
    if !ls.rows.is_empty() {
        let _ = writeln!(
            s,
            "documents dropped per language and stage (share of the language's documents in; `und`: no language yet):"
        );
        let mut head: Vec<&str> = vec!["lang", "docs in"];
        head.extend(ls.stages.iter().map(String::as_str));
        head.push("kept");
        let rows: Vec<Vec<String>> = ls
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![r.lang.clone(), r.docs_in.to_string()];
                row.extend(r.dropped.iter().map(|d| lang_stage::cell(r.pct(*d))));
                row.push(format!("{:.1}%", r.pct(r.kept)));
                row
            })
            .collect();
        table(&mut s, &head, &rows);
    }
    s
}
