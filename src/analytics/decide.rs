//! Re-deciding annotated documents under changed thresholds.
//!
//! The run's own decision for a document is the AND of every annotated
//! stage's `<prefix>.keep`. A `--set` replaces, for the documents it applies
//! to, the checks of one parameter: the stage keeps a document when none of
//! its *other* checks failed (`<prefix>.fails` minus the reasons the
//! parameter governs) and every row of the parameter passes the new value.
//! Which measure a parameter bounds, in which direction and under which
//! reason comes from the stage's own table ([`FilterDecl`]); this file only
//! applies it.

use anyhow::bail;
use arrow_array::{Array, BooleanArray, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray, StructArray};

use super::grammar::{Set, Where};
use crate::exec::markers::StageSummary;
use crate::stages::annotate::{Bound, FilterDecl, Mode, BYTES_COLUMN, WORDS_COLUMN};

/// One parameter changed in one stage.
#[derive(Debug)]
struct ParamChange {
    /// Reasons of the parameter's rows: they no longer count from `fails`.
    reasons: Vec<&'static str>,
    /// (measure column, bound) of each row.
    rows: Vec<(String, Bound)>,
    /// New value for all languages, if given.
    all: Option<f64>,
    /// New values for single languages (these win over `all`).
    by_lang: Vec<(String, f64)>,
}

impl ParamChange {
    fn value_for(&self, lang: &str) -> Option<f64> {
        self.by_lang
            .iter()
            .rev()
            .find(|(l, _)| l == lang)
            .map(|(_, v)| *v)
            .or(self.all)
    }
}

/// How one annotated stage decides in the what-if.
#[derive(Debug)]
struct StageRule {
    keep: String,
    fails: String,
    changes: Vec<ParamChange>,
    zero_is_off: bool,
}

/// Everything needed to decide a batch: the stages, the conditions, and the
/// metadata columns they read.
#[derive(Debug)]
pub struct Rules {
    stages: Vec<StageRule>,
    wheres: Vec<Where>,
    /// Stage numbers (1-based) and kinds of annotating stages that precede
    /// a barrier, for the exactness note.
    pub notes: Vec<String>,
}

impl Rules {
    /// Builds the rules of a run's stages under `sets` and `wheres`; an
    /// unknown stage or parameter is an error listing the valid ones.
    pub fn new(stages: &[StageSummary], sets: &[Set], wheres: &[Where]) -> anyhow::Result<Rules> {
        let annotated: Vec<(usize, &StageSummary, &'static FilterDecl)> = stages
            .iter()
            .enumerate()
            .filter(|(_, s)| s.mode == Mode::Annotate)
            .filter_map(|(i, s)| crate::stages::registry::filter_decl(&s.kind).map(|d| (i, s, d)))
            .collect();
        // A `--where` on columns any stage writes (`classify`'s scores)
        // needs no annotated filter.
        if annotated.is_empty() && wheres.is_empty() {
            bail!(
                "the run has no stage with `mode: annotate`: rerun it with `mode: annotate` on the filters whose thresholds you want to try, or select with --where on its metadata columns (`classify.score_hq >= 0.5`)"
            );
        }
        let mut rules: Vec<StageRule> = annotated
            .iter()
            .map(|(_, s, d)| StageRule {
                keep: format!("{}.keep", s.prefix),
                fails: format!("{}.fails", s.prefix),
                changes: Vec::new(),
                zero_is_off: d.zero_is_off,
            })
            .collect();
        for set in sets {
            let Some(at) = annotated.iter().position(|(_, s, _)| s.prefix == set.stage) else {
                let names: Vec<&str> = annotated.iter().map(|(_, s, _)| s.prefix.as_str()).collect();
                let hint = crate::text::suggest::did_you_mean(&set.stage, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                bail!(
                    "--set {}.{}: no annotated stage `{}`; {hint}(annotated: {})",
                    set.stage,
                    set.param,
                    set.stage,
                    names.join(", ")
                );
            };
            let (_, summary, decl) = annotated[at];
            let rows = decl.rows_of(&set.param);
            if rows.is_empty() {
                let params = decl.params();
                if params.is_empty() {
                    bail!(
                        "--set {}.{}: `{}` has no thresholds to change (its verdict is kept as annotated)",
                        set.stage,
                        set.param,
                        summary.kind
                    );
                }
                let hint = crate::text::suggest::did_you_mean(&set.param, params.iter().copied())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                bail!(
                    "--set {}.{}: `{}` has no threshold `{}`; {hint}(thresholds: {})",
                    set.stage,
                    set.param,
                    summary.kind,
                    set.param,
                    params.join(", ")
                );
            }
            let changes = &mut rules[at].changes;
            let i = match changes.iter().position(|c| c.reasons[0] == rows[0].reason) {
                Some(i) => i,
                None => {
                    changes.push(ParamChange {
                        reasons: rows.iter().map(|r| r.reason).collect(),
                        rows: rows
                            .iter()
                            .map(|r| (format!("{}.{}", summary.prefix, r.measure), r.bound))
                            .collect(),
                        all: None,
                        by_lang: Vec::new(),
                    });
                    changes.len() - 1
                }
            };
            match &set.lang {
                Some(l) => changes[i].by_lang.push((l.clone(), set.value)),
                None => changes[i].all = Some(set.value),
            }
        }
        let mut notes = Vec::new();
        if let Some(&(first, s, _)) = annotated.first() {
            for (j, b) in stages.iter().enumerate().skip(first + 1).filter(|(_, b)| b.barrier) {
                notes.push(format!(
                    "not exact: barrier `{}` (stage {}) runs after annotated `{}` (stage {}); it saw documents a filter run would have dropped, so its decisions may differ from a rerun's",
                    b.kind,
                    j + 1,
                    s.prefix,
                    first + 1
                ));
            }
        }
        Ok(Rules {
            stages: rules,
            wheres: wheres.to_vec(),
            notes,
        })
    }

    /// Metadata columns a decision reads (the projection of a scan), and
    /// whether it reads the top-level `lang_score`.
    pub fn columns(&self) -> (Vec<String>, bool) {
        let mut out = vec![WORDS_COLUMN.to_string(), BYTES_COLUMN.to_string()];
        for s in &self.stages {
            out.push(s.keep.clone());
            if !s.changes.is_empty() {
                out.push(s.fails.clone());
                out.extend(s.changes.iter().flat_map(|c| c.rows.iter().map(|(m, _)| m.clone())));
            }
        }
        let mut lang_score = false;
        for w in &self.wheres {
            if w.column == "lang_score" {
                lang_score = true;
            } else {
                out.push(w.column.clone());
            }
        }
        out.sort();
        out.dedup();
        (out, lang_score)
    }

    /// `(run's decision, what-if decision)` of every row of `batch`, which
    /// must hold `lang`, `metadata` with [`Rules::columns`], and
    /// `lang_score` when a condition reads it.
    pub fn decide(&self, batch: &RecordBatch) -> anyhow::Result<(Vec<bool>, Vec<bool>)> {
        let n = batch.num_rows();
        let meta = batch
            .column_by_name("metadata")
            .and_then(|c| c.as_any().downcast_ref::<StructArray>());
        let child = |name: &str| meta.and_then(|m| m.column_by_name(name));
        let langs = batch
            .column_by_name("lang")
            .and_then(|c| c.as_any().downcast_ref::<StringArray>());
        let lang_of = |i: usize| langs.filter(|l| l.is_valid(i)).map_or("und", |l| l.value(i));
        let mut run = vec![true; n];
        let mut new = vec![true; n];
        for s in &self.stages {
            let keep = child(&s.keep)
                .and_then(|c| c.as_any().downcast_ref::<BooleanArray>())
                .ok_or_else(|| missing(&s.keep))?;
            // A null verdict: the stage did not see the document (it cannot
            // have dropped it).
            let kept = |i: usize| !keep.is_valid(i) || keep.value(i);
            if s.changes.is_empty() {
                for i in 0..n {
                    let k = kept(i);
                    run[i] &= k;
                    new[i] &= k;
                }
                continue;
            }
            let fails = child(&s.fails)
                .and_then(|c| c.as_any().downcast_ref::<StringArray>())
                .ok_or_else(|| missing(&s.fails))?;
            let measures: Vec<Vec<Numbers>> = s
                .changes
                .iter()
                .map(|c| {
                    c.rows
                        .iter()
                        .map(|(m, _)| child(m).and_then(Numbers::of).ok_or_else(|| missing(m)))
                        .collect::<anyhow::Result<Vec<_>>>()
                })
                .collect::<anyhow::Result<_>>()?;
            for i in 0..n {
                let k = kept(i);
                run[i] &= k;
                let lang = lang_of(i);
                let values: Vec<Option<f64>> = s.changes.iter().map(|c| c.value_for(lang)).collect();
                if values.iter().all(Option::is_none) {
                    new[i] &= k;
                    continue;
                }
                // Checks of unchanged parameters keep their verdicts.
                let other_fails = fails.is_valid(i)
                    && fails.value(i).split(',').any(|reason| {
                        !s.changes
                            .iter()
                            .zip(&values)
                            .any(|(c, v)| v.is_some() && c.reasons.contains(&reason))
                    });
                let mut keep_new = !other_fails;
                for ((c, v), cols) in s.changes.iter().zip(&values).zip(&measures) {
                    let Some(threshold) = *v else { continue };
                    if s.zero_is_off && threshold == 0.0 {
                        continue;
                    }
                    for ((_, bound), col) in c.rows.iter().zip(cols) {
                        // Null: the check does not apply to this document.
                        if let Some(x) = col.get(i) {
                            keep_new &= !bound.fails(x, threshold);
                        }
                    }
                }
                new[i] &= keep_new;
            }
        }
        for w in &self.wheres {
            let col = if w.column == "lang_score" {
                batch.column_by_name("lang_score")
            } else {
                child(&w.column)
            };
            let col = col.and_then(Numbers::of).ok_or_else(|| missing(&w.column))?;
            for (i, keep) in new.iter_mut().enumerate() {
                *keep &= col.get(i).is_some_and(|x| w.op.holds(x, w.value));
            }
        }
        Ok((run, new))
    }
}

fn missing(column: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "column `{column}` is missing or not numeric/boolean as expected; `whatif` reads the metadata columns of a run with `mode: annotate` (see `eurocurate inspect` for the columns a file has)"
    )
}

/// A numeric view of a Float64, Float32, Int64 or Boolean column.
pub enum Numbers<'a> {
    F64(&'a Float64Array),
    F32(&'a Float32Array),
    I64(&'a Int64Array),
    Bool(&'a BooleanArray),
}

impl<'a> Numbers<'a> {
    pub fn of(a: &'a std::sync::Arc<dyn Array>) -> Option<Numbers<'a>> {
        let any = a.as_any();
        any.downcast_ref::<Float64Array>()
            .map(Numbers::F64)
            .or_else(|| any.downcast_ref::<Float32Array>().map(Numbers::F32))
            .or_else(|| any.downcast_ref::<Int64Array>().map(Numbers::I64))
            .or_else(|| any.downcast_ref::<BooleanArray>().map(Numbers::Bool))
    }

    pub fn get(&self, i: usize) -> Option<f64> {
        match self {
            Numbers::F64(a) => a.is_valid(i).then(|| a.value(i)),
            Numbers::F32(a) => a.is_valid(i).then(|| a.value(i) as f64),
            Numbers::I64(a) => a.is_valid(i).then(|| a.value(i) as f64),
            Numbers::Bool(a) => a.is_valid(i).then(|| a.value(i) as u8 as f64),
        }
    }
}
