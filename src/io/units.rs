//! Splitting the input into slices ("units") and slices into tasks.
//!
//! Assignment is a pure function of the file list, their sizes and the task
//! count, so every worker, node and rerun agrees on who reads what. Large
//! uncompressed JSONL files are split by byte range and Parquet files by
//! row groups, so one huge file does not serialise a run.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Serialize;

use crate::io::spec::{InputFormat, InputSpec};

use super::compress::Compression;

/// Which part of a file a unit covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum Part {
    Whole,
    /// Lines starting in `[start, end)` (plain JSONL only).
    Bytes {
        start: u64,
        end: u64,
    },
    /// Row groups `[start, end)` (Parquet).
    RowGroups {
        start: usize,
        end: usize,
    },
}

/// A slice of one input file read by exactly one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub path: PathBuf,
    #[serde(flatten)]
    pub part: Part,
    /// Bytes on disk this unit covers (for balancing and progress).
    pub bytes: u64,
}

impl Unit {
    /// `path`, `path[bytes a..b]` or `path[row groups a..b]`, for plans and logs.
    pub fn describe(&self) -> String {
        match &self.part {
            Part::Whole => self.path.display().to_string(),
            Part::Bytes { start, end } => format!("{}[bytes {start}..{end}]", self.path.display()),
            Part::RowGroups { start, end } => {
                format!("{}[row groups {start}..{end}]", self.path.display())
            }
        }
    }
}

/// Expands the input globs into a sorted, de-duplicated file list. A pattern
/// that matches nothing is an error: a typo must not silently make an empty run.
pub fn expand_paths(input: &InputSpec) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for pattern in &input.paths {
        let mut matched = 0;
        let entries =
            glob::glob(pattern).with_context(|| format!("input path pattern `{pattern}` is not a valid glob"))?;
        for entry in entries {
            let path = entry.with_context(|| format!("cannot read a match of `{pattern}`"))?;
            if path.is_file() {
                files.push(path);
                matched += 1;
            }
        }
        if matched == 0 {
            bail!(
                "input path `{pattern}` matches no file (relative paths are resolved from {})",
                std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|_| ".".into())
            );
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Default slice size when `split_mb` is not given.
pub const DEFAULT_SPLIT_MB: f64 = 128.0;

/// Cuts the files into units.
pub fn units(input: &InputSpec, files: &[PathBuf]) -> anyhow::Result<Vec<Unit>> {
    let split = ((input.split_mb.unwrap_or(DEFAULT_SPLIT_MB) * 1024.0 * 1024.0) as u64).max(4096);
    let mut out = Vec::new();
    for path in files {
        let bytes = std::fs::metadata(path)
            .with_context(|| format!("cannot stat input file {}", path.display()))?
            .len();
        match input.kind {
            InputFormat::Parquet => match parquet_units(path, split) {
                Ok(u) => out.extend(u),
                // Unreadable: one unit, whose reader records the loss.
                Err(_) => out.push(Unit {
                    path: path.clone(),
                    part: Part::Whole,
                    bytes,
                }),
            },
            InputFormat::Jsonl if bytes > split && Compression::sniff(path) == Compression::None => {
                let mut start = 0;
                while start < bytes {
                    let end = (start + split).min(bytes);
                    out.push(Unit {
                        path: path.clone(),
                        part: Part::Bytes { start, end },
                        bytes: end - start,
                    });
                    start = end;
                }
            }
            _ => out.push(Unit {
                path: path.clone(),
                part: Part::Whole,
                bytes,
            }),
        }
    }
    Ok(out)
}

fn parquet_units(path: &Path, split: u64) -> anyhow::Result<Vec<Unit>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(file)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
    use parquet::file::reader::FileReader;
    let meta = reader.metadata();
    let mut out = Vec::new();
    let (mut start, mut acc) = (0usize, 0u64);
    let n = meta.num_row_groups();
    for i in 0..n {
        acc += meta.row_group(i).compressed_size().max(0) as u64;
        if acc >= split || i + 1 == n {
            out.push(Unit {
                path: path.to_path_buf(),
                part: Part::RowGroups { start, end: i + 1 },
                bytes: acc,
            });
            start = i + 1;
            acc = 0;
        }
    }
    Ok(out)
}

/// Assigns units to `tasks` tasks: contiguous runs of units balanced by
/// bytes, so task order is input order (first-occurrence rules rely on it).
pub fn assign(units: &[Unit], tasks: usize) -> Vec<Vec<Unit>> {
    let tasks = tasks.max(1);
    let mut out = vec![Vec::new(); tasks];
    let total: u64 = units.iter().map(|u| u.bytes.max(1)).sum();
    let mut acc = 0u64;
    for (i, unit) in units.iter().enumerate() {
        // Task by the midpoint of the unit on the cumulative byte axis, but
        // never fewer units left than tasks left when units are scarce.
        let mid = acc + unit.bytes.max(1) / 2;
        let by_bytes = ((mid as u128 * tasks as u128) / total.max(1) as u128) as usize;
        let t = if units.len() <= tasks {
            i * tasks / units.len()
        } else {
            by_bytes
        };
        out[t.min(tasks - 1)].push(unit.clone());
        acc += unit.bytes.max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, bytes: u64) -> Unit {
        Unit {
            path: name.into(),
            part: Part::Whole,
            bytes,
        }
    }

    #[test]
    fn assignment_is_contiguous_and_balanced() {
        let units: Vec<_> = (0..10).map(|i| unit(&format!("f{i}"), 100)).collect();
        let a = assign(&units, 3);
        assert_eq!(a.iter().map(Vec::len).sum::<usize>(), 10);
        let flat: Vec<_> = a.iter().flatten().cloned().collect();
        assert_eq!(flat, units, "order preserved");
        assert!(
            a.iter().all(|t| (3..=4).contains(&t.len())),
            "{:?}",
            a.iter().map(Vec::len).collect::<Vec<_>>()
        );
    }

    #[test]
    fn more_tasks_than_units_spreads_units() {
        let units: Vec<_> = (0..3).map(|i| unit(&format!("f{i}"), 100)).collect();
        let a = assign(&units, 6);
        assert_eq!(a.iter().filter(|t| !t.is_empty()).count(), 3);
    }
}
