//! The language × stage view: for every language, the documents that came
//! in, the share each stage dropped and the share kept — so a language
//! partner sees at a glance when a stage eats their language. `stats` prints
//! it, the HTML report colours it.

use std::collections::BTreeMap;

use super::RunOnDisk;

/// One row: a language and its funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct LangRow {
    pub lang: String,
    /// Documents of the language the pipeline saw (the most any stage saw
    /// of it: before language ID every document is `und`).
    pub docs_in: u64,
    /// Documents dropped by each stage (in [`LangStage::stages`] order).
    pub dropped: Vec<u64>,
    /// Documents of the language written.
    pub kept: u64,
}

impl LangRow {
    /// A share of `docs_in`, in percent.
    pub fn pct(&self, n: u64) -> f64 {
        100.0 * n as f64 / self.docs_in.max(1) as f64
    }
}

/// The table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LangStage {
    /// Stage labels (`3. gopher_quality`), in pipeline order; barrier
    /// collectors, which drop nothing, are left out.
    pub stages: Vec<String>,
    /// Languages by documents in, most first; `und` last.
    pub rows: Vec<LangRow>,
}

/// Builds the table from a run's stats.
pub fn table(run: &RunOnDisk) -> LangStage {
    let mut stages: Vec<String> = Vec::new();
    let mut per: BTreeMap<String, (u64, BTreeMap<usize, u64>)> = BTreeMap::new();
    for p in &run.phases {
        for st in &p.stats.stages {
            if st.kind.ends_with(":collect") {
                continue;
            }
            let col = stages.len();
            stages.push(format!("{}. {}", st.index + 1, st.kind));
            for (lang, f) in &st.by_lang {
                let e = per.entry(lang.clone()).or_default();
                e.0 = e.0.max(f.docs);
                *e.1.entry(col).or_default() += f.dropped_total();
            }
        }
    }
    let kept = run
        .phases
        .iter()
        .rev()
        .find(|p| p.stats.output.docs > 0 || !p.stats.output_by_lang.is_empty())
        .map(|p| p.stats.output_by_lang.clone())
        .unwrap_or_default();
    let mut rows: Vec<LangRow> = per
        .into_iter()
        .map(|(lang, (docs_in, drops))| LangRow {
            kept: kept.get(&lang).map_or(0, |v| v.docs),
            dropped: (0..stages.len()).map(|c| drops.get(&c).copied().unwrap_or(0)).collect(),
            docs_in,
            lang,
        })
        .collect();
    rows.sort_by(|a, b| (a.lang == "und", b.docs_in, &a.lang).cmp(&(b.lang == "und", a.docs_in, &b.lang)));
    LangStage { stages, rows }
}

/// What one rule of the `rules` stage did in one language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleRow {
    pub lang: String,
    pub id: String,
    pub fired: u64,
    pub dropped: u64,
    pub tagged: u64,
    pub lines_removed: u64,
    pub chars_removed: u64,
}

/// The rules that fired, per language, most dropped first (from the
/// `rules` stage's `fired:<id>:<lang>`, ... counters).
pub fn rules(run: &RunOnDisk) -> Vec<RuleRow> {
    let mut rows: BTreeMap<(String, String), RuleRow> = BTreeMap::new();
    for p in &run.phases {
        for st in p.stats.stages.iter().filter(|s| s.kind == "rules") {
            for (k, v) in &st.counters.0 {
                let mut parts = k.splitn(2, ':');
                let (Some(what), Some(rest)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let Some((id, lang)) = rest.rsplit_once(':') else {
                    continue;
                };
                let r = rows
                    .entry((lang.to_string(), id.to_string()))
                    .or_insert_with(|| RuleRow {
                        lang: lang.to_string(),
                        id: id.to_string(),
                        ..Default::default()
                    });
                match what {
                    "fired" => r.fired += v,
                    "dropped" => r.dropped += v,
                    "tagged" => r.tagged += v,
                    "lines_removed" => r.lines_removed += v,
                    "chars_removed" => r.chars_removed += v,
                    _ => {}
                }
            }
        }
    }
    let mut out: Vec<RuleRow> = rows.into_values().collect();
    out.sort_by(|a, b| (&a.lang, b.dropped, b.lines_removed, &a.id).cmp(&(&b.lang, a.dropped, a.lines_removed, &b.id)));
    out
}

/// `12.3%`, or `·` for nothing.
pub fn cell(pct: f64) -> String {
    if pct == 0.0 {
        "·".into()
    } else if pct < 0.1 {
        "<0.1%".into()
    } else {
        format!("{pct:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::PhaseOnDisk;
    use crate::stats::{StageStats, TaskStats, Volume};

    #[test]
    fn rows_hold_each_languages_funnel() {
        let mut lid = StageStats {
            index: 0,
            kind: "language_id".into(),
            ..Default::default()
        };
        let mut gq = StageStats {
            index: 1,
            kind: "gopher_quality".into(),
            ..Default::default()
        };
        for _ in 0..10 {
            lid.count_lang("mt", None);
        }
        lid.count_lang("mt", Some("low_score"));
        for i in 0..10 {
            gq.count_lang("mt", (i < 4).then_some("gopher_short_doc"));
        }
        for _ in 0..3 {
            gq.count_lang("ga", None);
        }
        let mut stats = TaskStats {
            stages: vec![lid, gq],
            ..Default::default()
        };
        stats.output_by_lang.insert("mt".into(), Volume { docs: 6, bytes: 1 });
        stats.output_by_lang.insert("ga".into(), Volume { docs: 3, bytes: 1 });
        stats.output.docs = 9;
        let run = RunOnDisk {
            phases: vec![PhaseOnDisk { stats, complete: true }],
        };
        let t = table(&run);
        assert_eq!(t.stages, ["1. language_id", "2. gopher_quality"]);
        assert_eq!(t.rows[0].lang, "mt");
        assert_eq!(
            (t.rows[0].docs_in, t.rows[0].dropped.clone(), t.rows[0].kept),
            (11, vec![1, 4], 6)
        );
        assert_eq!((t.rows[1].docs_in, t.rows[1].kept), (3, 3));
        assert_eq!(cell(t.rows[0].pct(4)), "36.4%");
    }
}
