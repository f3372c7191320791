//! Counters kept per task and merged per phase: what came in, what each stage
//! kept and dropped (and why), what went out, per language.
//!
//! Stats are plain JSON so a partner can read them without eurocurate, and so
//! that `report`/`stats` can aggregate the files of any run, even an
//! interrupted one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Free-form named counters a stage or reader may bump (`duplicates`,
/// `skipped:image/png`, ...). Ordered so merged output is stable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Counters(pub BTreeMap<String, u64>);

impl Counters {
    /// Adds `n` to the counter `key`.
    pub fn add(&mut self, key: &str, n: u64) {
        if let Some(v) = self.0.get_mut(key) {
            *v += n;
        } else {
            self.0.insert(key.to_string(), n);
        }
    }

    /// Current value of `key` (0 when never bumped).
    pub fn get(&self, key: &str) -> u64 {
        self.0.get(key).copied().unwrap_or(0)
    }

    /// Raises `key` to `n` if it is lower. Keys named `max_*` hold maxima
    /// and merge by maximum instead of sum.
    pub fn max(&mut self, key: &str, n: u64) {
        let v = self.0.entry(key.to_string()).or_insert(0);
        *v = (*v).max(n);
    }

    /// Adds every counter of `other` (maximum for `max_*` keys).
    pub fn merge(&mut self, other: &Counters) {
        for (k, v) in &other.0 {
            if k.starts_with("max_") {
                self.max(k, *v);
            } else {
                self.add(k, *v);
            }
        }
    }

    /// True when nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Documents and bytes, the two sizes every funnel is measured in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    pub docs: u64,
    pub bytes: u64,
}

impl Volume {
    /// Counts one document of `bytes` bytes.
    pub fn add(&mut self, bytes: u64) {
        self.docs += 1;
        self.bytes += bytes;
    }

    /// Adds another volume.
    pub fn merge(&mut self, other: &Volume) {
        self.docs += other.docs;
        self.bytes += other.bytes;
    }
}

/// What the input side of a task saw: records, skips and damage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReaderStats {
    /// Input files (or file slices) opened.
    pub files: u64,
    /// Raw bytes consumed from the files (compressed size for .gz/.zst).
    pub bytes_read: u64,
    /// Documents handed to the first stage.
    pub docs: Volume,
    /// Records not turned into documents, by cause (`corrupt_record`,
    /// `truncated_file`, `not_json`, `record_type:request`, `mime:image/png`, ...).
    pub skipped: Counters,
    /// The first problems met, with file and line/offset (capped; the counts
    /// in `skipped` are complete).
    pub problems: Vec<String>,
    /// Data that could not be read at all — a whole file, a row group, the
    /// rest of a damaged stream — by cause. Unlike a skipped record, a loss
    /// fails the run unless the pipeline says `input.on_error: skip`.
    #[serde(default, skip_serializing_if = "Counters::is_empty")]
    pub lost: Counters,
    /// Where each loss happened (capped at [`MAX_LOSSES`]; `lost` counts all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub losses: Vec<Loss>,
}

/// One piece of input that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loss {
    /// The input file.
    pub file: String,
    /// What of it: `whole file`, `row group 3 (rows 2048..3071)`, `from compressed offset 81920`.
    pub at: String,
    /// Short cause, the key in [`ReaderStats::lost`] (`unreadable_file`, `corrupt_row_group`, ...).
    pub cause: String,
    /// The error as the reader saw it.
    pub detail: String,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, {}: {} ({})", self.file, self.at, self.cause, self.detail)
    }
}

/// Skip causes that are normal in crawls (record types and media types not
/// read, HTTP redirects and errors, policy rejections) rather than damage.
pub fn is_routine_skip(cause: &str) -> bool {
    ["record_type:", "mime:", "http_status:", "rejected:"]
        .iter()
        .any(|p| cause.starts_with(p))
        || cause == "warc_truncated_kept"
}

/// Most problems kept verbatim per task; the rest are only counted.
pub const MAX_PROBLEMS: usize = 50;
/// Most losses kept with their place; every one is counted in `lost`.
pub const MAX_LOSSES: usize = 1000;

impl ReaderStats {
    /// Counts a skipped record and remembers the message (up to a cap).
    pub fn skip(&mut self, cause: &str, message: String) {
        self.skipped.add(cause, 1);
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(message);
        }
    }

    /// Records input that could not be read (see [`ReaderStats::lost`]).
    pub fn lose(&mut self, cause: &str, file: &str, at: impl Into<String>, detail: impl std::fmt::Display) {
        self.lost.add(cause, 1);
        if self.losses.len() < MAX_LOSSES {
            self.losses.push(Loss {
                file: file.to_string(),
                at: at.into(),
                cause: cause.to_string(),
                detail: detail.to_string(),
            });
        }
    }

    /// Number of losses recorded.
    pub fn lost_total(&self) -> u64 {
        self.lost.0.values().sum()
    }

    /// Adds another task's reader stats.
    pub fn merge(&mut self, other: &ReaderStats) {
        self.files += other.files;
        self.bytes_read += other.bytes_read;
        self.docs.merge(&other.docs);
        self.skipped.merge(&other.skipped);
        for p in &other.problems {
            if self.problems.len() < MAX_PROBLEMS {
                self.problems.push(p.clone());
            }
        }
        self.lost.merge(&other.lost);
        for l in &other.losses {
            if self.losses.len() < MAX_LOSSES {
                self.losses.push(l.clone());
            }
        }
    }
}

/// The funnel through one stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageStats {
    /// Position in the pipeline's `stages:` list (barrier halves share it).
    pub index: usize,
    /// YAML kind, with `:collect`/`:filter` for barrier halves.
    pub kind: String,
    pub input: Volume,
    pub output: Volume,
    /// Dropped documents by reason.
    pub dropped: Counters,
    /// Anything else the stage counted.
    pub counters: Counters,
    /// The funnel per language: the document's language once the stage has
    /// seen it (`und` before language ID), so a partner sees which stage
    /// eats their language — counted whether or not rejected/ is written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_lang: BTreeMap<String, LangFunnel>,
}

/// One stage's documents of one language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LangFunnel {
    /// Documents the stage saw.
    pub docs: u64,
    /// Of them dropped, by reason.
    #[serde(default, skip_serializing_if = "Counters::is_empty")]
    pub dropped: Counters,
}

impl LangFunnel {
    /// Documents dropped, all reasons.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.0.values().sum()
    }
}

impl StageStats {
    /// Adds another task's numbers for the same stage.
    pub fn merge(&mut self, other: &StageStats) {
        self.input.merge(&other.input);
        self.output.merge(&other.output);
        self.dropped.merge(&other.dropped);
        self.counters.merge(&other.counters);
        for (lang, f) in &other.by_lang {
            let mine = self.by_lang.entry(lang.clone()).or_default();
            mine.docs += f.docs;
            mine.dropped.merge(&f.dropped);
        }
    }

    /// Counts one document of `lang` seen, and its drop reason if dropped.
    pub fn count_lang(&mut self, lang: &str, dropped: Option<&str>) {
        let f = match self.by_lang.get_mut(lang) {
            Some(f) => f,
            None => self.by_lang.entry(lang.to_string()).or_default(),
        };
        f.docs += 1;
        if let Some(reason) = dropped {
            f.dropped.add(reason, 1);
        }
    }
}

/// Everything one task (or, merged, one phase) did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskStats {
    pub phase: usize,
    pub phase_name: String,
    /// Task number, or the number of tasks merged for a phase.
    pub task: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader: Option<ReaderStats>,
    pub stages: Vec<StageStats>,
    /// Documents written to the phase's output (final output or spool).
    pub output: Volume,
    /// Output per language (`und` when no language is known).
    pub output_by_lang: BTreeMap<String, Volume>,
    /// Documents written to rejected/.
    pub rejected: Volume,
    /// Counters of reduce steps (barriers).
    #[serde(default, skip_serializing_if = "Counters::is_empty")]
    pub counters: Counters,
    /// Examples a reduce step shows for auditing (largest duplicate
    /// clusters, most repeated lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// Wall time of the task in seconds (sum over tasks when merged).
    pub seconds: f64,
}

impl TaskStats {
    /// Adds another task of the same phase.
    pub fn merge(&mut self, other: &TaskStats) {
        match (&mut self.reader, &other.reader) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.reader = Some(b.clone()),
            _ => {}
        }
        for s in &other.stages {
            match self.stages.iter_mut().find(|m| m.index == s.index && m.kind == s.kind) {
                Some(m) => m.merge(s),
                None => self.stages.push(s.clone()),
            }
        }
        self.output.merge(&other.output);
        for (lang, v) in &other.output_by_lang {
            self.output_by_lang.entry(lang.clone()).or_default().merge(v);
        }
        self.rejected.merge(&other.rejected);
        self.counters.merge(&other.counters);
        self.examples.extend(other.examples.iter().cloned());
        self.seconds += other.seconds;
    }

    /// Merges the tasks of one phase into a phase summary (`task` = count).
    pub fn merge_phase(tasks: &[TaskStats]) -> TaskStats {
        let mut total = TaskStats::default();
        if let Some(first) = tasks.first() {
            total.phase = first.phase;
            total.phase_name = first.phase_name.clone();
        }
        for t in tasks {
            total.merge(t);
        }
        total.task = tasks.len();
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_stage_funnels_and_languages() {
        let mut a = TaskStats::default();
        a.stages.push(StageStats {
            index: 0,
            kind: "length_filter".into(),
            input: Volume { docs: 3, bytes: 30 },
            output: Volume { docs: 2, bytes: 25 },
            ..Default::default()
        });
        a.stages[0].dropped.add("too_short", 1);
        a.output_by_lang.insert("mt".into(), Volume { docs: 2, bytes: 25 });
        let mut b = a.clone();
        b.output_by_lang.insert("ga".into(), Volume { docs: 1, bytes: 5 });
        let m = TaskStats::merge_phase(&[a, b]);
        assert_eq!(m.task, 2);
        assert_eq!(m.stages[0].input.docs, 6);
        assert_eq!(m.stages[0].dropped.get("too_short"), 2);
        assert_eq!(m.output_by_lang["mt"].docs, 4);
        assert_eq!(m.output_by_lang["ga"].bytes, 5);
    }
}
