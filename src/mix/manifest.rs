//! Phase `manifest`: `manifest.json` (per language: budget, planned and
//! realised tokens; per source; every shard; the seed and the plan) and
//! `md5sums.txt` over every file of the mix (`md5sum -c md5sums.txt`
//! checks a copy), as released datasets publish them.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

use super::layout;
use super::shuffle::ShardSummary;
use super::solve;
use super::MixRun;

/// The MD5 of a file, as `md5sum` prints it.
pub fn md5_file(path: &Path) -> anyhow::Result<String> {
    let mut ctx = md5::Context::new();
    crate::digest::for_each_chunk(path, |chunk| ctx.consume(chunk))?;
    Ok(format!("{:x}", ctx.finalize()))
}

/// Runs the manifest task; returns the documents in the mix.
pub fn run(mix: &MixRun) -> anyhow::Result<u64> {
    let plan = solve::read(&mix.out)?;
    let mut shards = Vec::new();
    let mut langs: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut sources: BTreeMap<String, BTreeMap<String, (u64, u64)>> = BTreeMap::new();
    let mut files = Vec::new();
    for b in 0..mix.buckets {
        let p = layout::shuffle_summary(&mix.out, b);
        let s: ShardSummary =
            serde_json::from_slice(&std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?)?;
        for (l, v) in &s.languages {
            let e = langs.entry(l.clone()).or_default();
            e.0 += v.0;
            e.1 += v.1;
        }
        for (src, per) in &s.sources {
            for (l, v) in per {
                let e = sources.entry(src.clone()).or_default().entry(l.clone()).or_default();
                e.0 += v.0;
                e.1 += v.1;
            }
        }
        if let Some(name) = &s.shard {
            for ext in [".bin", ".idx", ".docs.jsonl.zst"] {
                files.push(format!("{name}{ext}"));
            }
            shards.push(serde_json::json!({"prefix": name, "documents": s.documents, "tokens": s.tokens}));
        }
    }
    let languages: serde_json::Map<String, serde_json::Value> = plan
        .languages
        .iter()
        .map(|l| {
            let (docs, tokens) = langs.get(&l.lang).copied().unwrap_or_default();
            let err = (tokens as f64 - l.target as f64) / l.target.max(1) as f64;
            (
                l.lang.clone(),
                serde_json::json!({
                    "budget": l.budget,
                    "target": l.target,
                    "capped": l.capped,
                    "tokens_available": l.tokens_available,
                    "documents_available": l.documents_available,
                    "planned_tokens": l.planned_tokens,
                    "realised_tokens": tokens,
                    "realised_documents": docs,
                    "relative_error": err,
                    "rate": l.rate,
                    "max_repeat": l.max_repeat,
                }),
            )
        })
        .collect();
    let by_source: serde_json::Map<String, serde_json::Value> = sources
        .iter()
        .map(|(s, per)| {
            let tokens: u64 = per.values().map(|v| v.1).sum();
            let docs: u64 = per.values().map(|v| v.0).sum();
            let langs: serde_json::Map<String, serde_json::Value> = per
                .iter()
                .map(|(l, v)| (l.clone(), serde_json::json!({"documents": v.0, "tokens": v.1})))
                .collect();
            (
                s.clone(),
                serde_json::json!({"documents": docs, "tokens": tokens, "languages": langs}),
            )
        })
        .collect();
    let mut md5s = BTreeMap::new();
    for f in &files {
        md5s.insert(f.clone(), md5_file(&mix.out.join(f))?);
    }
    let documents: u64 = langs.values().map(|v| v.0).sum();
    let manifest = serde_json::json!({
        "name": plan.name,
        "format": "megatron indexed dataset (.bin/.idx), one sequence per document copy, globally shuffled; \
                   part-NNNNN.docs.jsonl.zst lists each sequence's id, lang, source and copy in shard order",
        "dtype": mix.dtype,
        "seed": plan.seed,
        "documents": documents,
        "tokens": langs.values().map(|v| v.1).sum::<u64>(),
        "languages": languages,
        "sources": by_source,
        "shards": shards,
        "md5": md5s,
        "plan": plan,
    });
    let manifest_path = mix.out.join("manifest.json");
    crate::io::atomic::write_file(&manifest_path, &serde_json::to_vec_pretty(&manifest)?)?;
    let mut sums = String::new();
    for (f, h) in &md5s {
        sums.push_str(&format!("{h}  {f}\n"));
    }
    sums.push_str(&format!("{}  manifest.json\n", md5_file(&manifest_path)?));
    crate::io::atomic::write_file(&mix.out.join("md5sums.txt"), sums.as_bytes())?;
    Ok(documents)
}

#[cfg(test)]
mod tests {
    #[test]
    fn md5_matches_rfc_1321_test_suite() {
        // RFC 1321, appendix A.5.
        let dir = tempfile::tempdir().unwrap();
        for (text, want) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ] {
            let p = dir.path().join("f");
            std::fs::write(&p, text).unwrap();
            assert_eq!(super::md5_file(&p).unwrap(), want);
        }
    }
}
