//! Phase `plan`: per language, the scale that turns weights into copies so
//! the language's tokens meet its budget.
//!
//! A document of weight `w` gets `min(cap, floor(s·w + u))` copies, where
//! `u` in [0, 1) is drawn from the seed and the document's id: on average
//! `s·w` copies (repetition proportional to weight, a fraction drawn, never
//! more than the cap), and the total is monotone in `s`, so bisection finds
//! the `s` whose realised tokens are nearest the budget — exact up to one
//! document's tokens, not up to sampling error.

use std::collections::BTreeMap;

use anyhow::bail;
use serde::{Deserialize, Serialize};

use super::count::{self, CountSummary};
use super::layout;
use super::spec::IfShort;
use super::MixRun;

/// Copies of a document: the one formula the plan and the scatter share.
pub fn copies(scale: f64, w: f64, u: f64, cap: u32) -> u32 {
    let x = (scale * w + u).floor();
    if x <= 0.0 {
        0
    } else if x >= cap as f64 {
        cap
    } else {
        x as u32
    }
}

/// The draw `u` of a document: uniform in [0, 1), from the seed and its id.
pub fn draw(seed: u64, source: &str, id: &str) -> f64 {
    (doc_key(seed, source, id) >> 11) as f64 / (1u64 << 53) as f64
}

/// A document's key: seed, source and id.
pub fn doc_key(seed: u64, source: &str, id: &str) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::with_seed(seed);
    h.update(source.as_bytes());
    h.update(&[0]);
    h.update(id.as_bytes());
    h.digest()
}

/// One language's line of the plan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LangPlan {
    pub lang: String,
    pub documents_available: u64,
    pub tokens_available: u64,
    pub budget: u64,
    /// What the plan aims at: the budget, or what the cap allows when short.
    pub target: u64,
    pub capped: bool,
    pub max_repeat: u32,
    /// The scale `s` (its f64 bits, so the scatter uses the very same number).
    pub scale_bits: u64,
    pub scale: f64,
    pub planned_tokens: u64,
    /// Document copies in the mix.
    pub planned_copies: u64,
    /// Documents with at least one copy.
    pub documents_touched: u64,
    /// Documents at the cap.
    pub documents_at_cap: u64,
    /// Keys of the documents that get one copy more than the scale gives
    /// (the fill of the last, partial document's worth of tokens).
    #[serde(default)]
    pub fill: Vec<u64>,
    /// planned / available tokens: above 1 repeats, below 1 subsamples.
    pub rate: f64,
}

/// The plan of a mix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MixPlan {
    pub name: String,
    pub seed: u64,
    pub languages: Vec<LangPlan>,
    /// Documents of languages without a budget, left out.
    pub not_in_mix: BTreeMap<String, u64>,
    /// Documents without text or tokens.
    pub empty: u64,
    pub planned_tokens: u64,
    pub buckets: usize,
}

impl MixPlan {
    /// The plan table printed before any shard is written.
    pub fn table(&self) -> String {
        let mut s = format!(
            "mix `{}` (seed {}): {} tokens planned in {} shuffle buckets\n\n  lang   docs avail  tokens avail        budget       planned    rate  docs touched  at cap  status\n",
            self.name, self.seed, self.planned_tokens, self.buckets
        );
        for l in &self.languages {
            let rate = if l.rate >= 1.0 {
                format!("×{:.2}", l.rate)
            } else {
                format!("{:.1}%", 100.0 * l.rate)
            };
            let status = if l.capped {
                format!("short: capped at {} copies", l.max_repeat)
            } else {
                let err = (l.planned_tokens as f64 - l.budget as f64) / l.budget.max(1) as f64;
                format!("ok ({:+.4}%)", 100.0 * err)
            };
            s.push_str(&format!(
                "  {:<5} {:>11} {:>13} {:>13} {:>13} {:>7} {:>13} {:>7}  {}\n",
                l.lang,
                l.documents_available,
                l.tokens_available,
                l.budget,
                l.planned_tokens,
                rate,
                l.documents_touched,
                l.documents_at_cap,
                status
            ));
        }
        if !self.not_in_mix.is_empty() {
            let list: Vec<String> = self.not_in_mix.iter().map(|(l, n)| format!("{l}: {n}")).collect();
            s.push_str(&format!("\n  left out (no budget): {}\n", list.join(", ")));
        }
        s
    }
}

/// A language's documents as the bisection needs them.
#[derive(Default)]
struct LangDocs {
    tokens: Vec<u32>,
    w: Vec<f64>,
    u: Vec<f64>,
    key: Vec<u64>,
}

impl LangDocs {
    fn total(&self, scale: f64, cap: u32) -> u64 {
        let mut t = 0u64;
        for i in 0..self.tokens.len() {
            t += self.tokens[i] as u64 * copies(scale, self.w[i], self.u[i], cap) as u64;
        }
        t
    }
}

/// Runs the plan task: reads every document table, solves each language,
/// writes `plan.json`. Refuses an impossible plan with the reason.
pub fn run(mix: &MixRun) -> anyhow::Result<MixPlan> {
    let spec = &mix.spec;
    let mut docs: BTreeMap<String, LangDocs> = BTreeMap::new();
    let mut not_in_mix: BTreeMap<String, u64> = BTreeMap::new();
    let mut empty = 0;
    for (t, unit) in mix.units.iter().enumerate() {
        let source = &mix.sources[unit.input];
        count::read_table(&mix.out, t, |row| {
            let d = docs.entry(row.lang).or_default();
            d.tokens.push(u32::try_from(row.tokens).unwrap_or(u32::MAX));
            d.w.push(row.w);
            d.u.push(draw(spec.seed, source, &row.id));
            d.key.push(doc_key(spec.seed, source, &row.id));
            Ok(())
        })?;
        let summary: CountSummary = serde_json::from_slice(&std::fs::read(layout::count_summary(&mix.out, t))?)?;
        for (l, n) in summary.not_in_mix {
            *not_in_mix.entry(l).or_default() += n;
        }
        empty += summary.empty;
    }
    let mut languages = Vec::new();
    let mut refusals = Vec::new();
    for lang in spec.budgets.keys() {
        let d = docs.remove(lang).unwrap_or_default();
        let cap = spec.cap(lang);
        let budget = spec.budget_tokens(lang);
        let available: u64 = d.tokens.iter().map(|&t| t as u64).sum();
        let weighted: u64 = d
            .tokens
            .iter()
            .zip(&d.w)
            .filter(|(_, w)| **w > 0.0)
            .map(|(t, _)| *t as u64)
            .sum();
        let most = weighted * cap as u64;
        let capped = budget > most;
        if capped && spec.if_short == IfShort::Fail {
            refusals.push(if available == 0 {
                format!("`{lang}`: budget {budget} tokens, but the inputs hold no `{lang}` documents")
            } else {
                format!(
                    "`{lang}`: budget {budget} tokens, but {weighted} tokens of weighted documents × max_repeat {cap} \
                     allow at most {most}; raise max_repeat (budgets.{lang}.max_repeat), lower the budget, \
                     or set `if_short: cap`"
                )
            });
        }
        let target = budget.min(most);
        let (scale, fill) = solve(&d, target, cap);
        let fill_set: std::collections::BTreeSet<u64> = fill.iter().copied().collect();
        let mut plan = LangPlan {
            lang: lang.clone(),
            documents_available: d.tokens.len() as u64,
            tokens_available: available,
            budget,
            target,
            capped,
            max_repeat: cap,
            scale_bits: scale.to_bits(),
            scale,
            planned_tokens: 0,
            planned_copies: 0,
            documents_touched: 0,
            documents_at_cap: 0,
            fill,
            rate: 0.0,
        };
        for i in 0..d.tokens.len() {
            let c = copies(scale, d.w[i], d.u[i], cap) + fill_set.contains(&d.key[i]) as u32;
            plan.planned_tokens += d.tokens[i] as u64 * c as u64;
            plan.planned_copies += c as u64;
            plan.documents_touched += (c > 0) as u64;
            plan.documents_at_cap += (c == cap) as u64;
        }
        plan.rate = plan.planned_tokens as f64 / available.max(1) as f64;
        languages.push(plan);
    }
    if !refusals.is_empty() {
        bail!("the mix cannot be planned:\n  {}", refusals.join("\n  "));
    }
    let plan = MixPlan {
        name: spec.name.clone(),
        seed: spec.seed,
        planned_tokens: languages.iter().map(|l| l.planned_tokens).sum(),
        languages,
        not_in_mix,
        empty,
        buckets: mix.buckets,
    };
    crate::io::atomic::write_file(&layout::plan_file(&mix.out), &serde_json::to_vec_pretty(&plan)?)?;
    Ok(plan)
}

/// The largest scale whose total stays at or below `target`, and the
/// documents that get one more copy to fill what is left.
fn solve(d: &LangDocs, target: u64, cap: u32) -> (f64, Vec<u64>) {
    if target == 0 || d.tokens.is_empty() {
        return (0.0, Vec::new());
    }
    let min_w = d.w.iter().copied().filter(|w| *w > 0.0).fold(f64::INFINITY, f64::min);
    if !min_w.is_finite() {
        return (0.0, Vec::new());
    }
    // At `hi` every weighted document is at the cap.
    let (mut lo, mut hi) = (0.0f64, (cap as f64 + 1.0) / min_w);
    if d.total(hi, cap) <= target {
        return (hi, Vec::new());
    }
    for _ in 0..200 {
        let mid = lo + (hi - lo) / 2.0;
        if mid <= lo || mid >= hi {
            break;
        }
        if d.total(mid, cap) > target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let mut left = target - d.total(lo, cap);
    // Documents in the order they would get their next copy as the scale grows.
    let mut next: Vec<(f64, usize)> = (0..d.tokens.len())
        .filter_map(|i| {
            let c = copies(lo, d.w[i], d.u[i], cap);
            (c < cap && d.w[i] > 0.0).then(|| ((c as f64 + 1.0 - d.u[i]) / d.w[i], i))
        })
        .collect();
    next.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut fill = Vec::new();
    for &(_, i) in next.iter().take(100_000) {
        if left == 0 {
            break;
        }
        let t = d.tokens[i] as u64;
        if t <= left {
            left -= t;
            fill.push(d.key[i]);
        }
    }
    fill.sort_unstable();
    (lo, fill)
}

/// The plan written by the plan phase.
pub fn read(out: &std::path::Path) -> anyhow::Result<MixPlan> {
    let p = layout::plan_file(out);
    let bytes =
        std::fs::read(&p).map_err(|e| anyhow::anyhow!("cannot read {}: {e}; run the plan phase first", p.display()))?;
    Ok(serde_json::from_slice(&bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_average_scale_times_weight_and_respect_the_cap() {
        // Over a fine grid of u in [0, 1), the mean of floor(x + u) is x.
        for x in [0.0, 0.3, 1.0, 2.75, 3.5] {
            let n = 10_000;
            let sum: u64 = (0..n).map(|i| copies(x, 1.0, i as f64 / n as f64, 100) as u64).sum();
            assert!((sum as f64 / n as f64 - x).abs() < 1e-3, "{x}");
        }
        assert_eq!(copies(10.0, 1.0, 0.5, 4), 4);
        assert_eq!(copies(1.0, 0.0, 0.99, 4), 0);
    }
}
