//! `eurocurate langs test ISO SAMPLE…`: a partner's bench for their rules.
//! For a sample of documents it shows which rule fired where (line and
//! matched text), and per rule the share of documents it drops or touches,
//! the share of characters it removes, and the documents only it removes —
//! the cost of a rule before it ships.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use crate::langs::Langs;
use crate::stages::rules::{apply, ByLang};

#[derive(Default)]
struct PerRule {
    docs_fired: u64,
    docs_dropped: u64,
    docs_only_this: u64,
    chars_removed: u64,
}

/// Runs the rules of `iso` over the documents of `samples` (JSONL).
pub fn run(langs: &Langs, iso: &str, samples: &[&Path], show: usize) -> anyhow::Result<String> {
    let rules = ByLang::build(langs)?;
    let c = rules.get(Some(iso));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "rules for {iso}: {} word lists, {} line rules, {} document patterns, {} URL lists (with defaults.yaml)",
        c.words.len(),
        c.lines.len(),
        c.documents.len(),
        c.urls.len()
    );
    let mut per: BTreeMap<String, PerRule> = BTreeMap::new();
    for id in c
        .words
        .iter()
        .map(|r| &r.id)
        .chain(c.lines.iter().map(|r| &r.id))
        .chain(c.documents.iter().map(|r| &r.id))
        .chain(c.urls.iter().map(|r| &r.id))
    {
        per.entry(id.clone()).or_default();
    }
    let (mut docs, mut chars, mut shown) = (0u64, 0u64, 0usize);
    for path in samples {
        for doc in crate::io::jsonl::read_documents(path, usize::MAX)? {
            docs += 1;
            chars += doc.text.chars().count() as u64;
            let o = apply(c, &doc.text, doc.url.as_deref(), true);
            for (id, _, _, removed) in &o.fired {
                let p = per.entry(id.clone()).or_default();
                p.docs_fired += 1;
                p.chars_removed += removed;
            }
            if let Some((id, _)) = &o.drop {
                let p = per.entry(id.clone()).or_default();
                p.docs_dropped += 1;
                p.chars_removed += doc.text.chars().count() as u64;
                if o.fired.len() == 1 {
                    p.docs_only_this += 1;
                }
            }
            if !o.hits.is_empty() && shown < show {
                shown += 1;
                let verdict = match &o.drop {
                    Some((_, detail)) => format!("dropped — {detail}"),
                    None if o.text.is_some() => "kept, lines removed".into(),
                    None => "kept".into(),
                };
                let _ = writeln!(s, "\n{} ({}): {verdict}", doc.id, doc.source);
                for h in o.hits.iter().take(12) {
                    let at = if h.line == 0 {
                        "url".to_string()
                    } else {
                        format!("line {}", h.line)
                    };
                    let _ = writeln!(s, "  {at:<9} {:<28} {}", h.rule, h.matched);
                }
                if o.hits.len() > 12 {
                    let _ = writeln!(s, "  … {} more", o.hits.len() - 12);
                }
            }
        }
    }
    let _ = writeln!(
        s,
        "\n{docs} documents, {chars} characters\n{:<30} {:>10} {:>10} {:>12} {:>12} {:>14}",
        "rule", "fired %", "dropped %", "chars rm %", "only it", "docs fired"
    );
    for (id, p) in &per {
        let pct = |n: u64, d: u64| 100.0 * n as f64 / d.max(1) as f64;
        let _ = writeln!(
            s,
            "{id:<30} {:>10.2} {:>10.2} {:>12.3} {:>12} {:>14}",
            pct(p.docs_fired, docs),
            pct(p.docs_dropped, docs),
            pct(p.chars_removed, chars),
            p.docs_only_this,
            p.docs_fired
        );
    }
    Ok(s)
}
