//! `eurocurate report OUTDIR`: one self-contained HTML file (inline CSS and
//! SVG, no script, no network) with what a run did: the funnel, drops by
//! stage and reason, documents/words/bytes for every EU language, length and
//! LID-score histograms per language, duplicate clusters, PII findings, time
//! and throughput per phase, and what is missing from an interrupted run.
//!
//! Numbers come from the stats files (`_stats/`, or the markers of an
//! unfinished phase) and, for histograms and words, one parallel pass over
//! the kept documents; the annotated measures' distributions from a second,
//! projected read of the Parquet outputs ([`super::dist`]).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::svg::{esc, hbars, histogram, short, Bar, Unit};
use super::{load_run, RunOnDisk};
use crate::exec::markers;
use crate::io::read_back::{self as scan, Which};
use crate::langs::EU24;
use crate::pipeline::plan::human_bytes;

/// Word-count histogram edges: 0, 1, 2–3, 4–7, … (powers of two).
const LEN_BINS: usize = 18;
/// LID score histogram: ten bins of 0.1.
const LID_BINS: usize = 10;

/// What one pass over the kept documents finds, per language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LangScan {
    pub docs: u64,
    pub words: u64,
    pub bytes: u64,
    pub lengths: [u64; LEN_BINS],
    pub lid: [u64; LID_BINS],
    pub lid_docs: u64,
}

impl LangScan {
    fn add(&mut self, o: &LangScan) {
        self.docs += o.docs;
        self.words += o.words;
        self.bytes += o.bytes;
        self.lid_docs += o.lid_docs;
        for i in 0..LEN_BINS {
            self.lengths[i] += o.lengths[i];
        }
        for i in 0..LID_BINS {
            self.lid[i] += o.lid[i];
        }
    }
}

/// Per-language scan of the kept documents.
pub type Scan = BTreeMap<String, LangScan>;

/// Scans every kept document of `outdir`.
pub fn scan_output(outdir: &Path) -> anyhow::Result<Scan> {
    let files = scan::data_files(outdir, Which::Kept);
    scan::fold_files(
        &files,
        |p| {
            let mut s = Scan::new();
            scan::for_each_record(p, |v| {
                let lang = v["lang"].as_str().unwrap_or("und").to_string();
                let text = v["text"].as_str().unwrap_or("");
                let e = s.entry(lang).or_default();
                let words = text.split_whitespace().count() as u64;
                e.docs += 1;
                e.words += words;
                e.bytes += text.len() as u64;
                let bin = if words == 0 {
                    0
                } else {
                    (64 - words.leading_zeros()) as usize
                };
                e.lengths[bin.min(LEN_BINS - 1)] += 1;
                if let Some(score) = v["lang_score"].as_f64() {
                    e.lid[((score * LID_BINS as f64) as usize).min(LID_BINS - 1)] += 1;
                    e.lid_docs += 1;
                }
            })?;
            Ok(s)
        },
        |mut a, b| {
            for (k, v) in b {
                a.entry(k).or_default().add(&v);
            }
            a
        },
    )
}

/// Tasks finished per phase, from the markers.
fn tasks_done(outdir: &Path, phase: usize) -> usize {
    std::fs::read_dir(outdir.join("_markers").join(format!("phase-{phase}")))
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("task-"))
                .count()
        })
        .unwrap_or(0)
}

/// Writes the report (default `OUTDIR/report.html`) and returns its path.
pub fn write_report(outdir: &Path, to: Option<&Path>) -> anyhow::Result<PathBuf> {
    let run = load_run(outdir)?;
    let scan = scan_output(outdir)?;
    let plan: Option<markers::PlanSummary> = std::fs::read(markers::plan_summary_path(outdir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let dists = super::dist::scan(outdir)?;
    let html = render(outdir, &run, plan.as_ref(), &scan, &dists);
    let path = to.map(Path::to_path_buf).unwrap_or_else(|| outdir.join("report.html"));
    crate::io::atomic::write_file(&path, html.as_bytes())?;
    Ok(path)
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}\
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:.5em 0}\
td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}td:first-child,th:first-child{text-align:left}\
figure.chart{margin:1em 0}figcaption{font-weight:600;margin-bottom:4px}.b{fill:#3b6ea8}.l,.v,.t{font-size:11px;fill:#333}\
.grid{display:flex;flex-wrap:wrap;gap:6px 18px}.small figcaption{font-size:12px}.warn{background:#fff3cd;padding:8px;border-radius:4px}\
.muted{color:#777}.thr{stroke:#d62728;stroke-width:1.5}.thr-l{fill:#d62728}.o{fill:#9aa5b1}\
.cap{font-size:11px;color:#444;max-width:260px}details{margin:.6em 0}summary{cursor:pointer}";

/// Renders the report.
pub fn render(
    outdir: &Path,
    run: &RunOnDisk,
    plan: Option<&markers::PlanSummary>,
    scan: &Scan,
    dists: &super::dist::Distributions,
) -> String {
    let mut h = String::new();
    let name = plan.map(|p| p.pipeline.as_str()).unwrap_or("run");
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>eurocurate report: {}</title><style>{CSS}</style></head><body>",
        esc(name)
    );
    let _ = write!(
        h,
        "<h1>eurocurate report: {}</h1><p class=\"muted\">{}</p>",
        esc(name),
        esc(&outdir.display().to_string())
    );
    h.push_str(&completeness(outdir, run, plan));
    h.push_str(&lost_input(run, plan));
    h.push_str(&funnel(run));
    h.push_str(&drops(run));
    h.push_str(&languages(run, scan));
    h.push_str(&lang_stage(run));
    h.push_str(&super::measures_html::section(dists));
    h.push_str(&rules_fired(run));
    h.push_str(&duplicates(run));
    h.push_str(&pii(run));
    h.push_str(&phases(run));
    h.push_str("</body></html>\n");
    h
}

fn completeness(outdir: &Path, run: &RunOnDisk, plan: Option<&markers::PlanSummary>) -> String {
    let mut rows = Vec::new();
    let mut missing = false;
    if let Some(plan) = plan {
        for p in &plan.phases {
            let done = tasks_done(outdir, p.index);
            missing |= done < p.tasks;
            rows.push(format!(
                "<tr><td>{} <code>{}</code></td><td>{done} / {}</td><td>{}</td></tr>",
                p.index,
                esc(&p.name),
                p.tasks,
                if done == p.tasks {
                    "done"
                } else if done == 0 {
                    "not started"
                } else {
                    "incomplete"
                }
            ));
        }
    } else {
        missing = run.phases.iter().any(|p| !p.complete);
    }
    let mut s = String::from("<h2 id=\"status\">Status</h2>");
    if missing {
        s.push_str("<p class=\"warn\" id=\"incomplete\">This run is not finished: the numbers below cover the tasks that completed; tasks marked missing have written nothing yet. Rerun the pipeline to resume.</p>");
    }
    if !rows.is_empty() {
        let _ = write!(
            s,
            "<table><tr><th>phase</th><th>tasks done</th><th></th></tr>{}</table>",
            rows.join("")
        );
    }
    s
}

/// Input that could not be read (whole files, row groups, damaged
/// streams): where and why, and whether the run accepted it.
fn lost_input(run: &RunOnDisk, plan: Option<&markers::PlanSummary>) -> String {
    let mut rows = String::new();
    let mut causes: Vec<Bar> = Vec::new();
    let mut total = 0;
    for r in run.phases.iter().filter_map(|p| p.stats.reader.as_ref()) {
        total += r.lost_total();
        for (cause, n) in &r.lost.0 {
            causes.push(Bar::new(cause, *n as f64, String::new()));
        }
        for l in &r.losses {
            let _ = write!(
                rows,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&l.file),
                esc(&l.at),
                esc(&l.cause),
                esc(&l.detail)
            );
        }
    }
    if total == 0 {
        return String::new();
    }
    let accepted = plan.is_some_and(|p| p.on_error == crate::pipeline::spec::OnError::Skip);
    let verdict = if accepted {
        "The pipeline accepts lost input (<code>input.on_error: skip</code>): the run succeeded without it."
    } else {
        "The run failed because of it: replace the damaged files and rerun with <code>--restart</code>, or accept the losses with <code>input.on_error: skip</code>."
    };
    format!(
        "<h2 id=\"lost\">Lost input</h2><p class=\"warn\">{total} pieces of input could not be read. {verdict}</p>{}\
         <table><tr><th>file</th><th>where</th><th>cause</th><th>error</th></tr>{rows}</table>",
        hbars("lost", "Lost input by cause", &causes, false, Unit::Count)
    )
}

/// The partners' rules that fired, per language (top 10 each).
fn rules_fired(run: &RunOnDisk) -> String {
    let rows = super::lang_stage::rules(run);
    if rows.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<h2 id=\"rules\">Rules</h2><p class=\"muted\">The partners' rules (<code>rules:</code> in langs/) that fired, \
         per language, most dropped first.</p><table id=\"rules-table\"><tr><th>lang</th><th>rule</th><th>docs dropped</th>\
         <th>docs tagged</th><th>lines removed</th><th>chars removed</th><th>matches</th></tr>",
    );
    let mut per_lang: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in &rows {
        let n = per_lang.entry(r.lang.as_str()).or_default();
        *n += 1;
        if *n > 10 {
            continue;
        }
        let _ = write!(
            h,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.lang),
            esc(&r.id),
            r.dropped,
            r.tagged,
            r.lines_removed,
            r.chars_removed,
            r.fired
        );
    }
    h.push_str("</table>");
    h
}

/// The language × stage table, each cell coloured by the share it drops.
fn lang_stage(run: &RunOnDisk) -> String {
    let t = super::lang_stage::table(run);
    if t.rows.is_empty() {
        return String::new();
    }
    let shade = |pct: f64| -> String {
        if pct == 0.0 {
            String::new()
        } else {
            // 0% white … 30% and more full red
            let a = (pct / 30.0).clamp(0.08, 1.0);
            format!(" style=\"background:rgba(214,39,40,{a:.2})\"")
        }
    };
    let mut h = String::from(
        "<h2 id=\"lang-stage\">Languages × stages</h2><p class=\"muted\">Share of each language's documents \
         dropped by each stage, and the share kept. <code>und</code>: documents without a language yet (before language ID).</p>\
         <table id=\"lang-stage-table\"><tr><th>lang</th><th>docs in</th>",
    );
    for s in &t.stages {
        let _ = write!(h, "<th>{}</th>", esc(s));
    }
    h.push_str("<th>kept</th></tr>");
    for r in &t.rows {
        let _ = write!(h, "<tr><td>{}</td><td>{}</td>", esc(&r.lang), r.docs_in);
        for d in &r.dropped {
            let pct = r.pct(*d);
            let _ = write!(
                h,
                "<td{} title=\"{d} documents\">{}</td>",
                shade(pct),
                super::lang_stage::cell(pct)
            );
        }
        let _ = write!(h, "<td>{:.1}%</td></tr>", r.pct(r.kept));
    }
    h.push_str("</table>");
    h
}

fn funnel(run: &RunOnDisk) -> String {
    let mut bars = Vec::new();
    if let Some(r) = run.phases.iter().find_map(|p| p.stats.reader.as_ref()) {
        bars.push(Bar::new("input", r.docs.docs as f64, human_bytes(r.docs.bytes)));
    }
    for p in &run.phases {
        for st in &p.stats.stages {
            if st.kind.ends_with(":collect") {
                continue;
            }
            bars.push(Bar {
                label: format!("{}. {}", st.index + 1, st.kind),
                value: st.output.docs as f64,
                note: human_bytes(st.output.bytes),
            });
        }
    }
    if let Some(last) = run
        .phases
        .iter()
        .rev()
        .find(|p| p.stats.output.docs > 0 || !p.stats.output_by_lang.is_empty())
    {
        bars.push(Bar::new(
            "written",
            last.stats.output.docs as f64,
            human_bytes(last.stats.output.bytes),
        ));
    }
    format!(
        "<h2>Funnel</h2>{}",
        hbars("funnel", "Documents after each stage", &bars, false, Unit::Count)
    )
}

fn drops(run: &RunOnDisk) -> String {
    let mut bars = Vec::new();
    for p in &run.phases {
        for st in &p.stats.stages {
            for (reason, n) in &st.dropped.0 {
                bars.push(Bar {
                    label: format!("{} · {reason}", st.kind),
                    value: *n as f64,
                    note: format!("{:.1}% of its input", 100.0 * *n as f64 / st.input.docs.max(1) as f64),
                });
            }
        }
    }
    if bars.is_empty() {
        return "<h2>Drops</h2><p id=\"drops\">Nothing was dropped.</p>".into();
    }
    format!(
        "<h2>Drops</h2>{}",
        hbars(
            "drops",
            "Dropped documents by stage and reason",
            &bars,
            false,
            Unit::Count
        )
    )
}

fn languages(run: &RunOnDisk, scan: &Scan) -> String {
    let last = run.phases.iter().rev().find(|p| !p.stats.output_by_lang.is_empty());
    let by_lang = last.map(|p| p.stats.output_by_lang.clone()).unwrap_or_default();
    let mut langs: Vec<String> = EU24.iter().map(|s| s.to_string()).collect();
    for l in by_lang.keys().chain(scan.keys()) {
        if !langs.contains(l) {
            langs.push(l.clone());
        }
    }
    let bar = |f: &dyn Fn(&str) -> (f64, String)| -> Vec<Bar> {
        langs
            .iter()
            .map(|l| {
                let (value, note) = f(l);
                Bar::new(l.clone(), value, note)
            })
            .collect()
    };
    let total: u64 = by_lang.values().map(|v| v.docs).sum();
    let docs = bar(&|l| {
        let d = by_lang.get(l).map_or(0, |v| v.docs);
        (d as f64, format!("{:.2}%", 100.0 * d as f64 / total.max(1) as f64))
    });
    let words = bar(&|l| (scan.get(l).map_or(0, |s| s.words) as f64, String::new()));
    // tokens per language, from the tokenize stage's counters
    let mut tokens_by: BTreeMap<String, u64> = BTreeMap::new();
    for p in &run.phases {
        for st in p.stats.stages.iter().filter(|s| s.kind == "tokenize") {
            for (k, v) in &st.counters.0 {
                if let Some(l) = k.strip_prefix("tokens:") {
                    *tokens_by.entry(l.to_string()).or_default() += v;
                }
            }
        }
    }
    let tokens = bar(&|l| (tokens_by.get(l).copied().unwrap_or(0) as f64, String::new()));
    let bytes = bar(&|l| (by_lang.get(l).map_or(0, |v| v.bytes) as f64, String::new()));
    let mut s = String::from("<h2>Languages</h2><p>All 24 EU languages are listed, with any other language found; bar lengths are logarithmic so small languages stay visible, the numbers are exact.</p>");
    s.push_str(&hbars("lang-docs", "Documents per language", &docs, true, Unit::Count));
    s.push_str(&hbars(
        "lang-words",
        "Words per language (whitespace-separated)",
        &words,
        true,
        Unit::Count,
    ));
    s.push_str(&hbars(
        "lang-bytes",
        "Bytes of text per language",
        &bytes,
        true,
        Unit::Bytes,
    ));
    if !tokens_by.is_empty() {
        s.push_str(&hbars("lang-tokens", "Tokens per language", &tokens, true, Unit::Count));
    }
    s.push_str("<h3>Document length (words) per language</h3><div class=\"grid\">");
    for (l, sc) in scan {
        let bins: Vec<(String, u64)> = sc
            .lengths
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    if i == 0 {
                        "0".to_string()
                    } else {
                        short((1u64 << (i - 1)) as f64)
                    },
                    *c,
                )
            })
            .collect();
        s.push_str(&histogram(&format!("len-{l}"), l, &bins));
    }
    s.push_str("</div><h3>Language-ID score per language</h3><div class=\"grid\">");
    for (l, sc) in scan.iter().filter(|(_, s)| s.lid_docs > 0) {
        let bins: Vec<(String, u64)> = sc
            .lid
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("{:.1}", i as f64 / 10.0), *c))
            .collect();
        s.push_str(&histogram(&format!("lid-{l}"), l, &bins));
    }
    s.push_str("</div>");
    s
}

fn duplicates(run: &RunOnDisk) -> String {
    let mut bars = Vec::new();
    let mut examples = String::new();
    for p in &run.phases {
        for (k, v) in &p.stats.counters.0 {
            if let Some(size) = k.strip_prefix("cluster_size:") {
                bars.push(Bar::new(format!("{size} documents"), *v as f64, "clusters"));
            }
        }
        for (k, v) in &p.stats.counters.0 {
            if k == "duplicates" {
                let _ = write!(
                    examples,
                    "<p>{} (phase {}): {v} documents removed as duplicates.</p>",
                    esc(&p.stats.phase_name),
                    p.stats.phase
                );
            }
        }
        for e in &p.stats.examples {
            let _ = write!(
                examples,
                "<p class=\"muted\">cluster of {}: kept <code>{}</code>, removed {}</p>",
                e["size"],
                esc(e["kept"].as_str().unwrap_or("")),
                esc(&e["removed"].to_string())
            );
        }
    }
    let mut s = String::from("<h2>Duplicates</h2>");
    if bars.is_empty() {
        s.push_str("<p id=\"clusters\">No near-duplicate clusters in this run.</p>");
    } else {
        s.push_str(&hbars(
            "clusters",
            "Near-duplicate clusters by size",
            &bars,
            true,
            Unit::Count,
        ));
    }
    s.push_str(&examples);
    s
}

fn pii(run: &RunOnDisk) -> String {
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for p in &run.phases {
        for st in p.stats.stages.iter().filter(|s| s.kind == "pii") {
            for (k, v) in &st.counters.0 {
                if !k.contains(':')
                    && k != "documents_with_pii"
                    && k.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                {
                    *by_type.entry(k.clone()).or_default() += v;
                }
            }
        }
    }
    if by_type.is_empty() {
        return "<h2>PII</h2><p id=\"pii\">No pii stage in this run, or nothing found.</p>".into();
    }
    let bars: Vec<Bar> = by_type
        .into_iter()
        .map(|(k, v)| Bar::new(k, v as f64, String::new()))
        .collect();
    format!(
        "<h2>PII</h2>{}",
        hbars("pii", "PII findings by type", &bars, true, Unit::Count)
    )
}

fn phases(run: &RunOnDisk) -> String {
    let mut rows = String::new();
    let mut bars = Vec::new();
    for p in &run.phases {
        let st = &p.stats;
        let docs_in = st
            .reader
            .as_ref()
            .map(|r| r.docs.docs)
            .or_else(|| st.stages.first().map(|s| s.input.docs))
            .unwrap_or(0);
        let rate = docs_in as f64 / st.seconds.max(1e-9);
        let _ = write!(
            rows,
            "<tr><td>{} <code>{}</code></td><td>{}</td><td>{:.1}</td><td>{}</td><td>{}</td></tr>",
            st.phase,
            esc(&st.phase_name),
            st.task,
            st.seconds,
            docs_in,
            if docs_in > 0 {
                format!("{rate:.0}")
            } else {
                "–".into()
            }
        );
        bars.push(Bar {
            label: format!("phase {}", st.phase),
            value: st.seconds,
            note: "task-seconds".into(),
        });
    }
    format!(
        "<h2>Phases</h2><table><tr><th>phase</th><th>tasks</th><th>task-seconds</th><th>documents in</th><th>docs per task-second</th></tr>{rows}</table>{}",
        hbars("phase-time", "Time per phase (sum over tasks)", &bars, false, Unit::Count)
    )
}
