//! `eurocurate inspect` and `eurocurate diff`: look at sample documents a
//! threshold keeps or removes, and compare two runs stage by stage.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use super::{load_run, RunOnDisk};
use crate::io::read_back::{self as scan, Which};

/// What `inspect` selects.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub lang: Option<String>,
    pub rejected: bool,
    pub stage: Option<String>,
    pub reason: Option<String>,
    /// Only documents dropped by this rule id of the `rules` stage.
    pub rule: Option<String>,
}

impl Filter {
    fn matches(&self, v: &serde_json::Value) -> bool {
        let eq =
            |field: &str, want: &Option<String>| want.as_ref().is_none_or(|w| v[field].as_str() == Some(w.as_str()));
        let rule = self.rule.as_ref().is_none_or(|id| {
            v["reason"] == "rule" && v["detail"].as_str().is_some_and(|d| d.starts_with(&format!("{id}:")))
        });
        eq("lang", &self.lang) && eq("stage", &self.stage) && eq("reason", &self.reason) && rule
    }
}

/// `n` matching records, a uniform sample (reservoir) drawn with `seed`;
/// the same folder, filter and seed give the same sample.
pub fn sample(outdir: &Path, f: &Filter, n: usize, seed: u64) -> anyhow::Result<(Vec<serde_json::Value>, u64)> {
    let which = if f.rejected { Which::Rejected } else { Which::Kept };
    let files = scan::data_files(outdir, which);
    if files.is_empty() {
        anyhow::bail!(
            "no {} documents under {}",
            if f.rejected { "rejected" } else { "kept" },
            outdir.display()
        );
    }
    let mut rng = crate::rng::Rng::new(seed);
    let mut seen = 0u64;
    let mut keep: Vec<serde_json::Value> = Vec::with_capacity(n);
    for p in &files {
        scan::for_each_record(p, |v| {
            if !f.matches(&v) {
                return;
            }
            seen += 1;
            if keep.len() < n {
                keep.push(v);
            } else if n > 0 {
                let j = rng.below(seen.min(usize::MAX as u64) as usize);
                if j < n {
                    keep[j] = v;
                }
            }
        })?;
    }
    Ok((keep, seen))
}

/// The sample as text: metadata first, then the start of the text.
pub fn render(records: &[serde_json::Value], matched: u64, chars: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} of {matched} matching documents\n", records.len());
    for v in records {
        let _ = write!(s, "── {}", v["id"].as_str().unwrap_or("?"));
        if let Some(l) = v["lang"].as_str() {
            let _ = write!(s, "  lang {l}");
            if let Some(sc) = v["lang_score"].as_f64() {
                let _ = write!(s, " ({sc:.2})");
            }
        }
        if let Some(u) = v["url"].as_str() {
            let _ = write!(s, "  {u}");
        }
        s.push('\n');
        if let Some(reason) = v["reason"].as_str() {
            let _ = writeln!(
                s,
                "   dropped by {} (phase {}): {reason}{}",
                v["stage"].as_str().unwrap_or("?"),
                v["phase"],
                v["detail"].as_str().map(|d| format!(" — {d}")).unwrap_or_default()
            );
        }
        if let Some(m) = v
            .get("metadata")
            .filter(|m| m.as_object().is_some_and(|o| !o.is_empty()))
        {
            let _ = writeln!(s, "   metadata {m}");
        }
        let text = v["text"].as_str().unwrap_or("");
        let head: String = text.chars().take(chars).collect();
        for line in head.lines() {
            let _ = writeln!(s, "   │ {line}");
        }
        if head.len() < text.len() {
            let _ = writeln!(
                s,
                "   │ … ({} more characters)",
                text.chars().count() - head.chars().count()
            );
        }
        s.push('\n');
    }
    s
}

/// Per-stage and per-language numbers of a run, keyed for comparison.
fn numbers(run: &RunOnDisk) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for p in &run.phases {
        let st = &p.stats;
        if let Some(r) = &st.reader {
            *m.entry("input documents".into()).or_default() += r.docs.docs;
        }
        for x in &st.stages {
            let key = format!("stage {}. {}", x.index + 1, x.kind);
            *m.entry(format!("{key} out")).or_default() += x.output.docs;
            for (reason, n) in &x.dropped.0 {
                *m.entry(format!("{key} dropped {reason}")).or_default() += n;
            }
        }
        for (l, v) in &st.output_by_lang {
            *m.entry(format!("phase {} written {l}", st.phase)).or_default() += v.docs;
        }
    }
    m
}

/// One number of [`diff_rows`]: its key, its value in A and in B.
#[derive(Debug, serde::Serialize)]
pub struct NumberChange {
    pub key: String,
    pub a: u64,
    pub b: u64,
}

/// Every per-stage and per-language number that differs between the run
/// folders `a` and `b` (with `all`, every number).
pub fn diff_rows(a: &Path, b: &Path, all: bool) -> anyhow::Result<Vec<NumberChange>> {
    let (na, nb) = (numbers(&load_run(a)?), numbers(&load_run(b)?));
    let mut keys: Vec<&String> = na.keys().chain(nb.keys()).collect();
    keys.sort();
    keys.dedup();
    Ok(keys
        .into_iter()
        .map(|k| NumberChange {
            key: k.clone(),
            a: na.get(k).copied().unwrap_or(0),
            b: nb.get(k).copied().unwrap_or(0),
        })
        .filter(|r| all || r.a != r.b)
        .collect())
}

/// `eurocurate diff A B`: every number that differs, with the change.
pub fn diff(a: &Path, b: &Path, all: bool) -> anyhow::Result<String> {
    let rows = diff_rows(a, b, all)?;
    let mut s = String::new();
    let _ = writeln!(s, "A = {}\nB = {}\n", a.display(), b.display());
    if rows.is_empty() {
        s.push_str("no differences in documents per stage, reason or language\n");
        return Ok(s);
    }
    let w = rows.iter().map(|r| r.key.chars().count()).max().unwrap_or(10);
    let _ = writeln!(s, "{:<w$}  {:>10}  {:>10}  {:>10}  {:>8}", "", "A", "B", "B - A", "");
    for r in rows {
        let (k, x, y) = (r.key, r.a, r.b);
        let c = y as i64 - x as i64;
        let p = if x > 0 {
            format!("{:+.1}%", 100.0 * c as f64 / x as f64)
        } else {
            "new".into()
        };
        let _ = writeln!(s, "{k:<w$}  {x:>10}  {y:>10}  {c:>+10}  {p:>8}");
    }
    Ok(s)
}
