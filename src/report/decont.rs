//! The contamination section: what the `decontaminate` stages of a run
//! found, per benchmark and language (items found, documents affected, top
//! domains), and the most contaminated items with their documents, so a team
//! can review them before purging (`eurocurate decont report OUTDIR`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

use crate::stages::decontaminate::findings::{self, Finding};

/// Benchmark, language, item id.
type ItemKey = (String, String, String);

#[derive(Default)]
struct PerBenchmark {
    items: BTreeSet<String>,
    docs: BTreeSet<String>,
    domains: BTreeMap<String, BTreeSet<String>>,
}

/// The section as text; empty when the run has no findings files.
pub fn section(outdir: &Path, top_items: usize, docs_per_item: usize) -> anyhow::Result<String> {
    let files = findings::files(outdir)?;
    if files.is_empty() {
        return Ok(String::new());
    }
    let all = findings::read_all(outdir)?;
    Ok(render(&all, files.len(), top_items, docs_per_item))
}

fn host(url: &str) -> String {
    crate::text::url::host(url).unwrap_or_else(|| "(no host)".into())
}

fn render(all: &[Finding], files: usize, top_items: usize, docs_per_item: usize) -> String {
    let mut s = String::new();
    let docs: BTreeSet<&str> = all.iter().map(|f| f.doc.as_str()).collect();
    let _ = writeln!(
        s,
        "contamination: {} benchmark items found in {} documents ({} findings files)",
        all.iter()
            .map(|f| (&f.benchmark, &f.item))
            .collect::<BTreeSet<_>>()
            .len(),
        docs.len(),
        files
    );
    let mut per: BTreeMap<(String, String), PerBenchmark> = BTreeMap::new();
    let mut by_item: BTreeMap<ItemKey, Vec<&Finding>> = BTreeMap::new();
    for f in all {
        let p = per.entry((f.benchmark.clone(), f.lang.clone())).or_default();
        p.items.insert(f.item.clone());
        p.docs.insert(f.doc.clone());
        let d = f.url.as_deref().map(host).unwrap_or_else(|| "(no url)".into());
        p.domains.entry(d).or_default().insert(f.doc.clone());
        by_item
            .entry((f.benchmark.clone(), f.lang.clone(), f.item.clone()))
            .or_default()
            .push(f);
    }
    let _ = writeln!(s, "  benchmark  lang  items  documents  top domains (documents)");
    for ((b, l), p) in &per {
        let mut doms: Vec<(&String, usize)> = p.domains.iter().map(|(d, ds)| (d, ds.len())).collect();
        doms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = doms.iter().take(3).map(|(d, n)| format!("{d} ({n})")).collect();
        let _ = writeln!(s, "  {b}  {l}  {}  {}  {}", p.items.len(), p.docs.len(), top.join(", "));
    }
    let mut items: Vec<(&ItemKey, &Vec<&Finding>)> = by_item.iter().collect();
    items.sort_by(|a, b| {
        let docs = |v: &Vec<&Finding>| v.iter().map(|f| &f.doc).collect::<BTreeSet<_>>().len();
        docs(b.1).cmp(&docs(a.1)).then(a.0.cmp(b.0))
    });
    let _ = writeln!(s, "  most contaminated items (documents, best overlap, document ids):");
    for ((b, l, id), fs) in items.into_iter().take(top_items) {
        let mut fs = fs.clone();
        fs.sort_by(|a, b| b.overlap.total_cmp(&a.overlap).then(a.doc.cmp(&b.doc)));
        fs.dedup_by(|a, b| a.doc == b.doc);
        let ids: Vec<&str> = fs.iter().take(docs_per_item).map(|f| f.doc.as_str()).collect();
        let more = if fs.len() > docs_per_item {
            format!(" … +{}", fs.len() - docs_per_item)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "    {b}/{l}/{id}: {} documents, overlap {:.2}: {}{more}",
            fs.len(),
            fs[0].overlap,
            ids.join(", ")
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(doc: &str, item: &str, url: &str, overlap: f64) -> Finding {
        Finding {
            doc: doc.into(),
            url: Some(url.into()),
            doc_lang: Some("de".into()),
            benchmark: "mmlu".into(),
            lang: "de".into(),
            item: item.into(),
            overlap,
            matched: 5,
            ngrams: 10,
            action: "tag".into(),
        }
    }

    #[test]
    fn lists_items_by_documents_with_their_ids_and_domains() {
        let all = [
            f("d1", "q7", "https://a.example.de/x", 0.5),
            f("d2", "q7", "https://a.example.de/y", 0.9),
            f("d3", "q1", "https://b.example.at/z", 0.3),
        ];
        let s = render(&all, 1, 10, 5);
        assert!(s.contains("2 benchmark items found in 3 documents"), "{s}");
        assert!(s.contains("mmlu  de  2  3  a.example.de (2), b.example.at (1)"), "{s}");
        let q7 = s.find("mmlu/de/q7: 2 documents, overlap 0.90: d2, d1").unwrap();
        assert!(q7 < s.find("mmlu/de/q1").unwrap(), "{s}");
    }
}
