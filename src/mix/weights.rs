//! Document weights: a numeric metadata field taken as is (a quality
//! score), or mapped through thresholds (FineWeb-2's rehydration tables:
//! cluster size → number of copies). A document's expected number of copies
//! is proportional to its weight.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context};

use super::spec::WeightSpec;
use crate::text::lang_code::to_iso639_1;

/// Thresholds → weight: a value gets the weight of the largest threshold at
/// or below it, 1 below the smallest (FineWeb-2's `Rehydrater`).
#[derive(Debug, Clone, PartialEq)]
pub struct Steps(pub BTreeMap<u64, f64>);

impl Steps {
    pub fn weight(&self, value: f64) -> f64 {
        let v = if value.is_finite() && value > 0.0 {
            value.floor() as u64
        } else {
            0
        };
        self.0.range(..=v).next_back().map(|(_, w)| *w).unwrap_or(1.0)
    }
}

/// How the weight of a document of one language is computed.
#[derive(Debug, Clone)]
pub struct Weigher {
    column: Option<String>,
    steps: Option<Steps>,
    default: Option<f64>,
}

impl Weigher {
    /// Every document weighs 1.
    pub fn uniform() -> Self {
        Weigher {
            column: None,
            steps: None,
            default: None,
        }
    }

    /// The weight of a document with this `metadata`, or why there is none.
    pub fn weight(&self, metadata: Option<&serde_json::Value>) -> Result<f64, String> {
        let Some(col) = &self.column else {
            return Ok(1.0);
        };
        let raw = metadata.and_then(|m| m.get(col));
        let value = match raw {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::Bool(b)) => Some(*b as u8 as f64),
            Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        let w = match (value, self.default) {
            (Some(v), _) => match &self.steps {
                Some(s) => s.weight(v),
                None => v,
            },
            (None, Some(d)) => d,
            (None, None) => {
                return Err(match raw {
                    None => format!("no metadata field `{col}` (set `weight.default` to weigh such documents)"),
                    Some(v) => format!("metadata field `{col}` is {v}, not a number"),
                })
            }
        };
        if !(w.is_finite() && w >= 0.0) {
            return Err(format!("weight {w} from `{col}` is not a finite number ≥ 0"));
        }
        Ok(w)
    }
}

/// The weigher of each budget language.
pub fn weighers(spec: Option<&WeightSpec>, langs: &[String], base: &Path) -> anyhow::Result<BTreeMap<String, Weigher>> {
    let Some(w) = spec else {
        return Ok(langs.iter().map(|l| (l.clone(), Weigher::uniform())).collect());
    };
    let tables = match &w.rehydration {
        Some(file) => Some(read_rehydration(&resolve(base, file))?),
        None => None,
    };
    langs
        .iter()
        .map(|lang| {
            let steps = match (&tables, &w.steps) {
                (Some(t), _) => Some(t.get(lang.as_str()).cloned().with_context(|| {
                    format!(
                        "the rehydration table {} has no entry for `{lang}` (its keys are FineWeb-2's, e.g. `ita_Latn` for `it`)",
                        w.rehydration.as_ref().unwrap().display()
                    )
                })?),
                (None, Some(s)) => Some(Steps(s.clone())),
                (None, None) => None,
            };
            Ok((
                lang.clone(),
                Weigher {
                    column: Some(w.column.clone()),
                    steps,
                    default: w.default,
                },
            ))
        })
        .collect()
}

/// A path of the mix file under `base` (empty: the working directory).
pub fn resolve(base: &Path, p: &Path) -> std::path::PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// Reads a FineWeb-2 rehydration table (`{"ita_Latn": {"1": 1, "2": 3, ...}, ...}`),
/// keyed by ISO 639-1 where the language is an EU one.
pub fn read_rehydration(path: &Path) -> anyhow::Result<BTreeMap<String, Steps>> {
    let raw: BTreeMap<String, BTreeMap<String, f64>> = serde_json::from_slice(
        &std::fs::read(path).with_context(|| format!("cannot read rehydration table {}", path.display()))?,
    )
    .with_context(|| {
        format!(
            "{} is not a rehydration table: expected {{\"lang_Script\": {{\"cluster size\": weight, ...}}, ...}}",
            path.display()
        )
    })?;
    let mut out = BTreeMap::new();
    for (key, steps) in raw {
        let mut map = BTreeMap::new();
        for (k, v) in steps {
            let Ok(t) = k.trim().parse::<u64>() else {
                bail!("{}: `{key}`: threshold `{k}` is not a whole number", path.display());
            };
            if !(v.is_finite() && v >= 0.0) {
                bail!(
                    "{}: `{key}`: weight {v} of threshold {t} is not a number ≥ 0",
                    path.display()
                );
            }
            map.insert(t, v);
        }
        // `lvs_Latn` and `lav_Latn` both map to `lv`: the first in name order wins.
        out.entry(to_iso639_1(&key).to_string()).or_insert(Steps(map));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_fineweb2s_rehydrater() {
        // The Italian table of FineWeb-2's README (up to 10 repetitions).
        let it: BTreeMap<u64, f64> = [
            (1, 1.0),
            (2, 3.0),
            (3, 4.0),
            (4, 5.0),
            (5, 6.0),
            (7, 7.0),
            (8, 8.0),
            (11, 9.0),
            (17, 10.0),
            (26, 9.0),
            (145, 1.0),
        ]
        .into();
        let s = Steps(it);
        // The README: "documents that had 16-24 duplicates should be repeated 9 times (weight=10)",
        // i.e. cluster sizes 17..=25.
        for (size, w) in [
            (1, 1.0),
            (2, 3.0),
            (6, 6.0),
            (16, 9.0),
            (17, 10.0),
            (25, 10.0),
            (26, 9.0),
            (500, 1.0),
        ] {
            assert_eq!(s.weight(size as f64), w, "cluster size {size}");
        }
        assert_eq!(Steps([(2, 5.0)].into()).weight(1.0), 1.0);
    }
}
