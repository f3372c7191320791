//! Inline SVG charts for the HTML report: no script, no network, readable
//! when printed. Every chart is a `<figure class="chart">` with a title.

use std::fmt::Write;

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `1.2k`, `3.4M` style counts for chart labels.
pub fn short(n: f64) -> String {
    let a = n.abs();
    if a >= 1e9 {
        format!("{:.1}G", n / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", n / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", n / 1e3)
    } else if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.2}")
    }
}

/// One bar of a horizontal bar chart.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Shown after the value (`12.3%`, `of its input`).
    pub note: String,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: f64, note: impl Into<String>) -> Self {
        Bar {
            label: label.into(),
            value,
            note: note.into(),
        }
    }
}

/// How a bar's value is printed next to it.
#[derive(Clone, Copy, PartialEq)]
pub enum Unit {
    Count,
    Bytes,
}

/// Horizontal bars, one row per item. With `log`, bar length follows
/// log10(1 + value) so a language with 40 documents stays visible next to
/// one with 4 million; the number is always printed.
pub fn hbars(id: &str, title: &str, bars: &[Bar], log: bool, unit: Unit) -> String {
    let row = 18.0;
    let (label_w, bar_w, value_w) = (170.0, 420.0, 170.0);
    let height = row * bars.len().max(1) as f64 + 8.0;
    let width = label_w + bar_w + value_w;
    let scale = |v: f64| if log { (1.0 + v.max(0.0)).log10() } else { v.max(0.0) };
    let max = bars.iter().map(|b| scale(b.value)).fold(0.0f64, f64::max).max(1e-9);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<figure class="chart" id="{id}"><figcaption>{}{}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}">"#,
        esc(title),
        if log { " <small>(log scale)</small>" } else { "" },
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let w = (bar_w - 4.0) * scale(b.value) / max;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="l">{}</text><rect x="{label_w}" y="{}" width="{:.1}" height="{}" class="b"><title>{}: {}</title></rect><text x="{}" y="{}" class="v">{} {}</text>"#,
            label_w - 6.0,
            y + 13.0,
            esc(&b.label),
            y + 2.0,
            w.max(if b.value > 0.0 { 1.5 } else { 0.0 }),
            row - 4.0,
            esc(&b.label),
            b.value,
            label_w + w + 6.0,
            y + 13.0,
            match unit {
                Unit::Count => short(b.value),
                Unit::Bytes => crate::pipeline::plan::human_bytes(b.value as u64),
            },
            esc(&b.note)
        );
    }
    s.push_str("</svg></figure>\n");
    s
}

/// A small vertical histogram (`bins` of (label, count)), for small multiples.
pub fn histogram(id: &str, title: &str, bins: &[(String, u64)]) -> String {
    let (w, h, pad) = (220.0, 90.0, 14.0);
    let n = bins.len().max(1) as f64;
    let max = bins.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let bw = w / n;
    let mut s = String::new();
    let total: u64 = bins.iter().map(|b| b.1).sum();
    let _ = write!(
        s,
        r#"<figure class="chart small" id="{id}"><figcaption>{} <small>n={}</small></figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {}" width="{w}" height="{}" role="img" aria-label="{}">"#,
        esc(title),
        total,
        h + pad,
        h + pad,
        esc(title)
    );
    for (i, (label, c)) in bins.iter().enumerate() {
        let bh = (h - 2.0) * *c as f64 / max;
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" class="b"><title>{}: {c}</title></rect>"#,
            i as f64 * bw + 0.5,
            h - bh,
            (bw - 1.0).max(0.5),
            bh,
            esc(label)
        );
    }
    if let (Some(first), Some(last)) = (bins.first(), bins.last()) {
        let _ = write!(
            s,
            r#"<text x="0" y="{}" class="t">{}</text><text x="{w}" y="{}" text-anchor="end" class="t">{}</text>"#,
            h + pad - 2.0,
            esc(&first.0),
            h + pad - 2.0,
            esc(&last.0)
        );
    }
    s.push_str("</svg></figure>\n");
    s
}

/// A threshold drawn on a [`marked_histogram`].
pub struct Marker {
    pub value: f64,
    /// Shown next to the line (`min_doc_words 50`).
    pub label: String,
}

/// A histogram over [lo, hi] with threshold lines: `bins` equal-width
/// counts, `below`/`above` the values outside the range as edge bars of
/// their own (shaded), each bar carrying its count (`data-count`) so the
/// chart can be checked against the data. A threshold outside the range is
/// drawn at the edge it lies beyond.
#[allow(clippy::too_many_arguments)]
pub fn marked_histogram(
    id: &str,
    title: &str,
    caption: &str,
    (lo, hi): (f64, f64),
    bins: &[u64],
    (below, above): (u64, u64),
    marks: &[Marker],
    attrs: &str,
) -> String {
    let (w, h, top, pad) = (260.0, 80.0, 12.0 * marks.len().max(1) as f64, 14.0);
    let edge = |n: u64| if n > 0 { 1.0 } else { 0.0 };
    let slots = bins.len() as f64 + edge(below) + edge(above);
    let bw = w / slots.max(1.0);
    let x0 = edge(below) * bw;
    let plot = bins.len() as f64 * bw;
    let max = bins.iter().chain([&below, &above]).copied().max().unwrap_or(0).max(1) as f64;
    let total: u64 = bins.iter().sum::<u64>() + below + above;
    let height = top + h + pad;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<figure class="chart small" id="{id}" data-n="{total}"{attrs}><figcaption>{} <small>n={total}</small></figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" width="{w}" height="{height}" role="img" aria-label="{}">"#,
        esc(title),
        esc(title)
    );
    // Empty bins draw nothing (a report holds hundreds of these charts).
    let bar = |s: &mut String, x: f64, c: u64, class: &str, label: &str| {
        if c == 0 {
            return;
        }
        let bh = (h - 2.0) * c as f64 / max;
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" class="{class}" data-count="{c}"><title>{}: {c}</title></rect>"#,
            top + h - bh,
            (bw - 0.5).max(0.3),
            esc(label)
        );
    };
    let width = (hi - lo) / bins.len().max(1) as f64;
    if below > 0 {
        bar(&mut s, 0.0, below, "o", &format!("< {}", short(lo)));
    }
    for (i, c) in bins.iter().enumerate() {
        let a = lo + i as f64 * width;
        bar(
            &mut s,
            x0 + i as f64 * bw,
            *c,
            "b",
            &format!("{} – {}", short(a), short(a + width)),
        );
    }
    if above > 0 {
        bar(&mut s, x0 + plot, above, "o", &format!("> {}", short(hi)));
    }
    for (i, m) in marks.iter().enumerate() {
        let x = if m.value < lo {
            0.0
        } else if m.value > hi {
            w
        } else {
            x0 + plot * (m.value - lo) / (hi - lo)
        };
        let y = 10.0 + 12.0 * i as f64;
        let anchor = if x > w / 2.0 { "end" } else { "start" };
        let tx = if x > w / 2.0 { x - 3.0 } else { x + 3.0 };
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" class="thr" data-threshold="{}"/><text x="{tx:.1}" y="{y:.1}" text-anchor="{anchor}" class="t thr-l">{}</text>"#,
            y - 8.0,
            top + h,
            m.value,
            esc(&m.label)
        );
    }
    let _ = write!(
        s,
        r#"<text x="0" y="{}" class="t">{}</text><text x="{w}" y="{}" text-anchor="end" class="t">{}</text>"#,
        height - 2.0,
        esc(&short(lo)),
        height - 2.0,
        esc(&short(hi))
    );
    s.push_str("</svg>");
    if !caption.is_empty() {
        let _ = write!(s, r#"<div class="cap">{caption}</div>"#);
    }
    s.push_str("</figure>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_well_formed_and_escaped() {
        let bars = [
            Bar::new("en", 4_000_000.0, ""),
            Bar::new("mt<", 40.0, "0.0%"),
            Bar::new("ga", 0.0, ""),
        ];
        let s = hbars("langs", "Documents & languages", &bars, true, Unit::Count);
        assert!(s.contains("mt&lt;") && s.contains("Documents &amp; languages"));
        assert_eq!(s.matches("<rect").count(), 3);
        // log scale: 40 documents still get a visible bar (> 10% of the longest)
        let widths: Vec<f64> = s
            .split("width=\"")
            .skip(2)
            .filter_map(|x| x.split('"').next()?.parse().ok())
            .collect();
        assert!(widths[1] > 0.2 * widths[0], "{widths:?}");
        let h = histogram("h", "Lengths", &[("0".into(), 3), ("1".into(), 0), ("2+".into(), 9)]);
        assert!(h.contains("n=12") && h.matches("<rect").count() == 3);
        assert_eq!(short(1234567.0), "1.2M");
        let m = marked_histogram(
            "m",
            "q.x",
            "",
            (0.0, 1.0),
            &[1, 2, 3, 4],
            (5, 0),
            &[Marker {
                value: 0.5,
                label: "min_x 0.5".into(),
            }],
            "",
        );
        let counts: u64 = m
            .split("data-count=\"")
            .skip(1)
            .map(|x| x.split('"').next().unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(counts, 15);
        assert!(m.contains("data-n=\"15\"") && m.contains("data-threshold=\"0.5\""));
        // the line sits in the middle of the range's bars (after the one edge bar)
        assert!(m.contains(r#"x1="156.0""#), "{m}");
    }
}
