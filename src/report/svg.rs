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
    }
}
