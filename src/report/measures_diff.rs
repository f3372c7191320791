//! `diff`'s comparison of two annotated runs: per language, the documents
//! every annotated filter keeps, and per measure the shift of its
//! distribution (p10/p50/p90) and of the share failing its threshold.

use std::fmt::Write;
use std::path::Path;

use super::dist::{self, Dist, Distributions};

/// One language's kept documents in A and B.
#[derive(Debug, serde::Serialize)]
pub struct KeptShift {
    pub lang: String,
    pub docs_a: u64,
    pub docs_b: u64,
    pub kept_a: u64,
    pub kept_b: u64,
}

/// One measure of one language in A and B (absent side: `None`).
#[derive(Debug, serde::Serialize)]
pub struct MeasureShift {
    pub lang: String,
    pub column: String,
    pub n_a: u64,
    pub n_b: u64,
    /// p10, p50, p90 (interpolated within the histogram's bins).
    pub quantiles_a: Option<[f64; 3]>,
    pub quantiles_b: Option<[f64; 3]>,
    /// Share of the measured documents failing the language's thresholds
    /// (the worst threshold of the measure).
    pub failing_a: Option<f64>,
    pub failing_b: Option<f64>,
    /// The thresholds drawn on the measure (`min_doc_words=50`), in A and B.
    pub thresholds_a: Vec<String>,
    pub thresholds_b: Vec<String>,
}

/// What `diff` adds for annotated runs.
#[derive(Debug, serde::Serialize)]
pub struct MeasuresDiff {
    pub kept: Vec<KeptShift>,
    pub measures: Vec<MeasureShift>,
    /// Why nothing is compared, when nothing is.
    pub note: Option<String>,
}

const PS: [f64; 3] = [0.1, 0.5, 0.9];

fn quantiles(d: &Dist) -> [f64; 3] {
    PS.map(|p| d.quantile(p))
}

fn thresholds(d: Option<&Dist>) -> Vec<String> {
    d.into_iter()
        .flat_map(|d| &d.marks)
        .map(|m| {
            if m.off {
                format!("{}=off", m.param)
            } else {
                format!("{}={}", m.param, num(m.value))
            }
        })
        .collect()
}

fn failing(d: &Dist) -> Option<f64> {
    d.marks.iter().any(|m| !m.off).then(|| d.worst_share())
}

/// Compares the distributions of two runs; with `all`, unchanged measures too.
pub fn compare(a: &Distributions, b: &Distributions, all: bool) -> MeasuresDiff {
    let note = match (a.is_empty(), b.is_empty()) {
        (true, true) => Some("neither run has annotated measures".to_string()),
        (false, true) => Some("only A has annotated measures: nothing to compare them with".to_string()),
        (true, false) => Some("only B has annotated measures: nothing to compare them with".to_string()),
        _ => None,
    };
    let mut out = MeasuresDiff {
        kept: Vec::new(),
        measures: Vec::new(),
        note,
    };
    if out.note.is_some() {
        return out;
    }
    let mut langs: Vec<&String> = a.keys().chain(b.keys()).collect();
    langs.sort();
    langs.dedup();
    for lang in langs {
        let (la, lb) = (a.get(lang), b.get(lang));
        let k = KeptShift {
            lang: lang.clone(),
            docs_a: la.map_or(0, |l| l.docs),
            docs_b: lb.map_or(0, |l| l.docs),
            kept_a: la.map_or(0, |l| l.kept),
            kept_b: lb.map_or(0, |l| l.kept),
        };
        if all || k.docs_a != k.docs_b || k.kept_a != k.kept_b {
            out.kept.push(k);
        }
        let mut columns: Vec<&String> = la
            .iter()
            .flat_map(|l| l.columns.keys())
            .chain(lb.iter().flat_map(|l| l.columns.keys()))
            .collect();
        columns.sort();
        columns.dedup();
        for column in columns {
            let (da, db) = (
                la.and_then(|l| l.columns.get(column)),
                lb.and_then(|l| l.columns.get(column)),
            );
            let m = MeasureShift {
                lang: lang.clone(),
                column: column.clone(),
                n_a: da.map_or(0, |d| d.n),
                n_b: db.map_or(0, |d| d.n),
                quantiles_a: da.map(quantiles),
                quantiles_b: db.map(quantiles),
                failing_a: da.and_then(failing),
                failing_b: db.and_then(failing),
                thresholds_a: thresholds(da),
                thresholds_b: thresholds(db),
            };
            let same = m.n_a == m.n_b
                && da.map(|d| (&d.bins, d.below, d.above)) == db.map(|d| (&d.bins, d.below, d.above))
                && m.failing_a == m.failing_b
                && m.thresholds_a == m.thresholds_b
                && m.quantiles_a == m.quantiles_b;
            if all || !same {
                out.measures.push(m);
            }
        }
    }
    out
}

/// Scans both run folders and compares them.
pub fn diff(a: &Path, b: &Path, all: bool) -> anyhow::Result<MeasuresDiff> {
    Ok(compare(&dist::scan(a)?, &dist::scan(b)?, all))
}

/// Four significant digits: the quantiles are read off histogram bins.
fn num(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else if x != 0.0 && (x.abs() >= 1e6 || x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else {
        let digits = (3 - x.abs().max(1e-3).log10().floor() as i32).clamp(0, 6) as usize;
        let s = format!("{x:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

fn share(x: Option<f64>) -> String {
    x.map_or("–".into(), |s| format!("{:.1}%", 100.0 * s))
}

/// The text `diff` prints after its counts.
pub fn render(d: &MeasuresDiff) -> String {
    let mut s = String::new();
    if let Some(n) = &d.note {
        if !n.starts_with("neither") {
            let _ = writeln!(s, "\nannotated measures: {n}");
        }
        return s;
    }
    let _ = writeln!(
        s,
        "\nannotated runs, documents every annotated filter keeps, per language:"
    );
    if d.kept.is_empty() {
        let _ = writeln!(s, "  no change");
    } else {
        let _ = writeln!(
            s,
            "  {:<6} {:>10} {:>10} {:>10} {:>10} {:>12}",
            "lang", "docs A", "docs B", "kept A", "kept B", "kept B - A"
        );
        for k in &d.kept {
            let _ = writeln!(
                s,
                "  {:<6} {:>10} {:>10} {:>10} {:>10} {:>+12}",
                k.lang,
                k.docs_a,
                k.docs_b,
                k.kept_a,
                k.kept_b,
                k.kept_b as i64 - k.kept_a as i64
            );
        }
    }
    let _ = writeln!(
        s,
        "\nmeasures whose distribution moved, per language (p10 / p50 / p90 from {}-bin histograms; fails: share beyond the language's threshold):",
        dist::BINS
    );
    if d.measures.is_empty() {
        let _ = writeln!(s, "  none");
        return s;
    }
    let w = d.measures.iter().map(|m| m.column.len()).max().unwrap_or(8).max(7);
    let q = |x: &Option<[f64; 3]>| x.map_or("–".to_string(), |q| q.map(num).join(" / "));
    let _ = writeln!(
        s,
        "  {:<6} {:<w$} {:>9} {:>9} {:>24} {:>24} {:>8} {:>8}  thresholds A → B",
        "lang", "measure", "n A", "n B", "A p10 / p50 / p90", "B p10 / p50 / p90", "fails A", "fails B"
    );
    for m in &d.measures {
        let _ = writeln!(
            s,
            "  {:<6} {:<w$} {:>9} {:>9} {:>24} {:>24} {:>8} {:>8}  {}",
            m.lang,
            m.column,
            m.n_a,
            m.n_b,
            q(&m.quantiles_a),
            q(&m.quantiles_b),
            share(m.failing_a),
            share(m.failing_b),
            if m.thresholds_a == m.thresholds_b {
                m.thresholds_a.join(" ")
            } else {
                format!("{} → {}", m.thresholds_a.join(" "), m.thresholds_b.join(" "))
            }
        );
    }
    s
}

/// What `eurocurate diff A B` prints: the counts per stage, reason and
/// language, then, for annotated runs, the measures; as text or JSON.
pub fn diff_output(a: &Path, b: &Path, all: bool, json: bool) -> anyhow::Result<String> {
    let measures = diff(a, b, all)?;
    if json {
        let v = serde_json::json!({
            "a": a.display().to_string(),
            "b": b.display().to_string(),
            "numbers": super::inspect::diff_rows(a, b, all)?,
            "annotated": measures,
        });
        return Ok(format!("{}\n", serde_json::to_string_pretty(&v)?));
    }
    Ok(super::inspect::diff(a, b, all)? + &render(&measures))
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn quantiles_print_with_four_significant_digits() {
        assert_eq!(num(41.4758), "41.48");
        assert_eq!(num(120.2075), "120.2");
        assert_eq!(num(0.66412), "0.6641");
        assert_eq!(num(50.0), "50");
        assert_eq!(num(100000.0), "100000");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(2.5e-5), "2.500e-5");
    }
}
