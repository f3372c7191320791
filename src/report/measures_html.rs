//! The report's "Annotated measures" section: per language, each measure's
//! (and each score's) histogram with the threshold the language was judged
//! by drawn in and the share of documents on each side, the worst-hit
//! measures first, so a partner sees where a threshold cuts their language.

use std::fmt::Write;

use super::dist::{Dist, Distributions, Mark, BINS, SHOWN_BINS};
use super::svg::{esc, marked_histogram, short, Marker};

fn pct(n: u64, of: u64) -> String {
    format!("{:.1}%", 100.0 * n as f64 / of.max(1) as f64)
}

/// `min_doc_words 50: 12.3% below · 87.7% at or above`.
fn side_note(m: &Mark, n: u64) -> String {
    if m.off {
        return format!("<code>{}</code> 0: check off", esc(&m.param));
    }
    let (fail, pass) = if m.bound == "min" {
        ("below", "at or above")
    } else {
        ("above", "at or below")
    };
    format!(
        "<code>{}</code> {}: <b>{}</b> {fail} · {} {pass}",
        esc(&m.param),
        short(m.value),
        pct(m.failing, n),
        pct(n - m.failing, n)
    )
}

fn chart(lang: &str, column: &str, d: &Dist) -> String {
    let group = BINS / SHOWN_BINS;
    let bins: Vec<u64> = d.bins.chunks(group).map(|c| c.iter().sum()).collect();
    let marks: Vec<Marker> = d
        .marks
        .iter()
        .filter(|m| !m.off)
        .map(|m| Marker {
            value: m.value,
            // A threshold beyond the drawn range sits at its edge, pointing out.
            label: if m.value > d.hi {
                format!("{} {} →", m.param, short(m.value))
            } else if m.value < d.lo {
                format!("← {} {}", m.param, short(m.value))
            } else {
                format!("{} {}", m.param, short(m.value))
            },
        })
        .collect();
    let caption = d
        .marks
        .iter()
        .map(|m| side_note(m, d.n))
        .collect::<Vec<_>>()
        .join("<br>");
    marked_histogram(
        &format!("m-{lang}-{column}"),
        column,
        &caption,
        (d.lo, d.hi),
        &bins,
        (d.below, d.above),
        &marks,
        &format!(" data-lang=\"{}\" data-column=\"{}\"", esc(lang), esc(column)),
    )
}

/// The section; empty when the run has no annotated measure or score.
pub fn section(dists: &Distributions) -> String {
    let langs: Vec<_> = dists.iter().filter(|(_, l)| !l.columns.is_empty()).collect();
    if langs.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<h2 id=\"measures\">Annotated measures</h2><p class=\"muted\">Every measure of the filters in \
         <code>mode: annotate</code> and every score, per language: red lines are the thresholds the language was \
         judged by (its langs file, else <code>defaults.yaml</code>, else the built-in value; the pipeline's own value \
         wins), with the share of measured documents on each side. The measures a threshold cuts most come first. \
         Grey edge bars hold values beyond the drawn range.</p>\
         <table id=\"measures-table\"><tr><th>lang</th><th>documents</th><th>kept by every annotated filter</th>\
         <th>worst-hit measure</th><th>fails its threshold</th></tr>",
    );
    for (lang, l) in &langs {
        let worst = l
            .worst_first()
            .into_iter()
            .find(|(_, d)| d.marks.iter().any(|m| !m.off));
        let (name, share) = worst.map_or(("–".to_string(), "–".to_string()), |(c, d)| {
            (
                format!("<code>{}</code>", esc(c)),
                format!("{:.1}%", 100.0 * d.worst_share()),
            )
        });
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{name}</td><td>{share}</td></tr>",
            esc(lang),
            l.docs,
            pct(l.kept, l.docs)
        );
    }
    h.push_str("</table>");
    let open = if langs.len() <= 4 { " open" } else { "" };
    for (lang, l) in &langs {
        let _ = write!(
            h,
            "<details id=\"measures-{}\"{open}><summary><b>{}</b>: {} documents, {} kept by every annotated filter</summary><div class=\"grid\">",
            esc(lang),
            esc(lang),
            l.docs,
            pct(l.kept, l.docs)
        );
        for (column, d) in l.worst_first() {
            h.push_str(&chart(lang, column, d));
        }
        h.push_str("</div></details>");
    }
    h
}
