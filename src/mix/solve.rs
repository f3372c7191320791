//! Phase `plan`: per language, the scale that turns weights into copies so
//! the language's tokens meet its budget.
//!
//! A document of weight `w` gets `min(cap, floor(s·w + u))` copies, where
//! `u` in [0, 1) is drawn from the seed and the document's id: on average
//! `s·w` copies (repetition proportional to weight, a fraction drawn, never
//! more than the cap), and the total is monotone in `s`, so bisection finds
//! the `s` whose realised tokens are nearest the budget — exact up to one
//! document's tokens, not up to sampling error.

use std::collections::{BTreeMap, BinaryHeap};

use anyhow::{bail, Context};
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
    unit_draw(doc_key(seed, source, id))
}

/// The draw of a document from its key.
pub fn unit_draw(key: u64) -> f64 {
    (key >> 11) as f64 / (1u64 << 53) as f64
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
    /// Keys of the documents that get a copy more than the scale gives, once
    /// per extra copy, sorted (the fill between the scale and the next
    /// step of the search).
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

/// One document as the plan reads it from a count table.
struct PlanDoc {
    tokens: u64,
    w: f64,
    u: f64,
    key: u64,
}

/// Streams every document of every count table, in task order: the plan
/// holds no per-document state, so its memory does not grow with the input.
fn for_each_doc(mix: &MixRun, mut f: impl FnMut(&str, PlanDoc)) -> anyhow::Result<()> {
    for (t, unit) in mix.units.iter().enumerate() {
        let source = &mix.sources[unit.input];
        count::read_table(&mix.out, t, |row| {
            let key = doc_key(mix.spec.seed, source, &row.id);
            f(
                &row.lang,
                PlanDoc {
                    tokens: row.tokens,
                    w: row.w,
                    u: unit_draw(key),
                    key,
                },
            );
            Ok(())
        })?;
    }
    Ok(())
}

/// Grid points per pass of the scale search: each pass over the tables
/// narrows a language's bracket 4096-fold.
const GRID: usize = 4096;

/// The search stops once the bracket holds at most this many copy steps;
/// the last pass keeps them (about 40 bytes each) to fill the remainder.
const FILL_STEPS: u64 = 1 << 16;

/// One language during the plan.
struct LangSearch {
    cap: u32,
    budget: u64,
    target: u64,
    docs: u64,
    available: u64,
    weighted: u64,
    min_w: f64,
    /// Total at `lo` ≤ target < total at `hi` while searching.
    lo: f64,
    hi: f64,
    searching: bool,
    /// Per grid cell of the current pass: tokens and copy steps entering.
    cell_tokens: Vec<u64>,
    cell_steps: Vec<u64>,
    below: u64,
}

impl LangSearch {
    /// Adds a document's copy steps in (lo, hi] to the grid of this pass.
    fn add_to_grid(&mut self, d: &PlanDoc) {
        if d.w <= 0.0 {
            return;
        }
        let width = self.hi - self.lo;
        for c in 1..=self.cap {
            // copies() reaches c at scale (c - u) / w.
            let at = (c as f64 - d.u) / d.w;
            if at <= self.lo {
                self.below += d.tokens;
            } else if at > self.hi {
                break;
            } else {
                let j = (((at - self.lo) / width) * GRID as f64).ceil().clamp(1.0, GRID as f64) as usize;
                self.cell_tokens[j] += d.tokens;
                self.cell_steps[j] += 1;
            }
        }
    }

    /// Narrows the bracket to the grid cell where the total crosses the
    /// target; true when the search is over.
    fn narrow(&mut self) -> bool {
        let width = self.hi - self.lo;
        let mut total = self.below;
        let mut j = 0;
        while j + 1 < GRID && total + self.cell_tokens[j + 1] <= self.target {
            total += self.cell_tokens[j + 1];
            j += 1;
        }
        let (lo, hi) = (
            self.lo + width * j as f64 / GRID as f64,
            if j + 1 == GRID {
                self.hi
            } else {
                self.lo + width * (j + 1) as f64 / GRID as f64
            },
        );
        let steps = self.cell_steps[j + 1];
        self.cell_tokens.iter_mut().for_each(|x| *x = 0);
        self.cell_steps.iter_mut().for_each(|x| *x = 0);
        self.below = 0;
        let mid = lo + (hi - lo) / 2.0;
        let stuck = !(lo > self.lo || hi < self.hi) || mid <= lo || mid >= hi;
        (self.lo, self.hi) = (lo.max(self.lo), hi.min(self.hi));
        steps <= FILL_STEPS || stuck
    }
}

/// Copy steps above the scale the fill may use (about 40 bytes each per
/// language): twice what the search leaves in its last cell.
const FILL_KEPT: usize = 2 * FILL_STEPS as usize;

/// A copy a document gains as the scale grows past `at`.
struct Candidate {
    at: f64,
    key: u64,
    tokens: u64,
    /// Copies before this one.
    copies: u32,
}

impl Candidate {
    fn order(&self, o: &Self) -> std::cmp::Ordering {
        self.at
            .total_cmp(&o.at)
            .then(self.key.cmp(&o.key))
            .then(self.copies.cmp(&o.copies))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, o: &Self) -> bool {
        self.order(o).is_eq()
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Candidate {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.order(o)
    }
}

/// Runs the plan task: reads every document table, solves each language,
/// writes `plan.json`. Refuses an impossible plan with the reason.
///
/// Memory is bounded by construction: a first pass over the tables counts
/// per language; each further pass evaluates the total at 4096 scales of
/// the bracket at once and keeps the cell where it crosses the budget
/// (a 4096-ary bisection, a few passes); a last pass counts the copies at
/// the scale found and keeps the first 131 072 copy steps above it (every
/// step of the last cell and more), to fill the remainder in the order a
/// growing scale would. What stays in memory is per language, never per
/// document.
pub fn run(mix: &MixRun) -> anyhow::Result<MixPlan> {
    let spec = &mix.spec;
    let mut not_in_mix: BTreeMap<String, u64> = BTreeMap::new();
    let mut empty = 0;
    for t in 0..mix.units.len() {
        let p = layout::count_summary(&mix.out, t);
        let summary: CountSummary = serde_json::from_slice(
            &std::fs::read(&p).with_context(|| format!("cannot read {}; rerun the count phase", p.display()))?,
        )
        .with_context(|| format!("damaged {}; rerun with --restart", p.display()))?;
        for (l, n) in summary.not_in_mix {
            *not_in_mix.entry(l).or_default() += n;
        }
        empty += summary.empty;
    }
    let mut langs: BTreeMap<String, LangSearch> = spec
        .budgets
        .keys()
        .map(|l| {
            (
                l.clone(),
                LangSearch {
                    cap: spec.cap(l),
                    budget: spec.budget_tokens(l),
                    target: 0,
                    docs: 0,
                    available: 0,
                    weighted: 0,
                    min_w: f64::INFINITY,
                    lo: 0.0,
                    hi: 0.0,
                    searching: false,
                    cell_tokens: Vec::new(),
                    cell_steps: Vec::new(),
                    below: 0,
                },
            )
        })
        .collect();
    for_each_doc(mix, |lang, d| {
        if let Some(l) = langs.get_mut(lang) {
            l.docs += 1;
            l.available += d.tokens;
            if d.w > 0.0 {
                l.weighted += d.tokens;
                l.min_w = l.min_w.min(d.w);
            }
        }
    })?;
    let mut refusals = Vec::new();
    for (lang, l) in langs.iter_mut() {
        let most = l.weighted * l.cap as u64;
        if l.budget > most && spec.if_short == IfShort::Fail {
            refusals.push(if l.available == 0 {
                format!(
                    "`{lang}`: budget {} tokens, but the inputs hold no `{lang}` documents",
                    l.budget
                )
            } else {
                format!(
                    "`{lang}`: budget {} tokens, but {} tokens of weighted documents × max_repeat {} \
                     allow at most {most}; raise max_repeat (budgets.{lang}.max_repeat), lower the budget, \
                     or set `if_short: cap`",
                    l.budget, l.weighted, l.cap
                )
            });
        }
        l.target = l.budget.min(most);
        if l.target > 0 && l.min_w.is_finite() {
            // At `hi` every weighted document is at the cap.
            l.hi = (l.cap as f64 + 1.0) / l.min_w;
            if l.target < most {
                l.searching = true;
                l.cell_tokens = vec![0; GRID + 1];
                l.cell_steps = vec![0; GRID + 1];
            } else {
                l.lo = l.hi;
            }
        }
    }
    if !refusals.is_empty() {
        bail!("the mix cannot be planned:\n  {}", refusals.join("\n  "));
    }
    while langs.values().any(|l| l.searching) {
        for_each_doc(mix, |lang, d| {
            if let Some(l) = langs.get_mut(lang).filter(|l| l.searching) {
                l.add_to_grid(&d);
            }
        })?;
        for l in langs.values_mut().filter(|l| l.searching) {
            if l.narrow() {
                l.searching = false;
                l.cell_tokens = Vec::new();
                l.cell_steps = Vec::new();
            }
        }
    }
    // The last pass: copies at `lo`, and the documents whose next copy
    // comes before `hi`.
    let mut plans: BTreeMap<String, (LangPlan, BinaryHeap<Candidate>)> = langs
        .iter()
        .map(|(lang, l)| {
            let plan = LangPlan {
                lang: lang.clone(),
                documents_available: l.docs,
                tokens_available: l.available,
                budget: l.budget,
                target: l.target,
                capped: l.budget > l.target,
                max_repeat: l.cap,
                scale_bits: l.lo.to_bits(),
                scale: l.lo,
                planned_tokens: 0,
                planned_copies: 0,
                documents_touched: 0,
                documents_at_cap: 0,
                fill: Vec::new(),
                rate: 0.0,
            };
            (lang.clone(), (plan, BinaryHeap::new()))
        })
        .collect();
    for_each_doc(mix, |lang, d| {
        let (Some((plan, cands)), Some(l)) = (plans.get_mut(lang), langs.get(lang)) else {
            return;
        };
        let c = copies(l.lo, d.w, d.u, l.cap);
        plan.planned_tokens += d.tokens * c as u64;
        plan.planned_copies += c as u64;
        plan.documents_touched += (c > 0) as u64;
        plan.documents_at_cap += (c == l.cap) as u64;
        if l.lo < l.hi && d.w > 0.0 {
            // Keep the first FILL_KEPT copy steps above `lo`: all of the
            // last cell's, and more to fill with.
            for more in c..l.cap {
                let next = Candidate {
                    at: (more as f64 + 1.0 - d.u) / d.w,
                    key: d.key,
                    tokens: d.tokens,
                    copies: more,
                };
                if cands.len() < FILL_KEPT {
                    cands.push(next);
                } else if next < *cands.peek().expect("FILL_KEPT > 0") {
                    cands.pop();
                    cands.push(next);
                } else {
                    break;
                }
            }
        }
    })?;
    let mut languages = Vec::new();
    for (_, (mut plan, cands)) in plans {
        // Fill what the scale leaves, in the order a growing scale would.
        let cands = cands.into_sorted_vec();
        let mut left = plan.target.saturating_sub(plan.planned_tokens);
        for c in &cands {
            if left == 0 {
                break;
            }
            if c.tokens <= left {
                left -= c.tokens;
                plan.fill.push(c.key);
                plan.planned_tokens += c.tokens;
                plan.planned_copies += 1;
                plan.documents_touched += (c.copies == 0) as u64;
                plan.documents_at_cap += (c.copies + 1 == plan.max_repeat) as u64;
            }
        }
        plan.fill.sort_unstable();
        plan.rate = plan.planned_tokens as f64 / plan.tokens_available.max(1) as f64;
        languages.push(plan);
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
