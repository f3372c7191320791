//! The `whatif` grammar: `--set STAGE.PARAM[@ISO]=NUMBER` and
//! `--where "COLUMN OP NUMBER"`.
//!
//! `STAGE` is an annotated stage's `name:` (else its kind); `PARAM` one of
//! its thresholds (`eurocurate stages KIND` lists them; the stage's own table
//! says which measure it bounds and in which direction); `@ISO` limits the
//! change to one language. `COLUMN` is a metadata column (`gopher_quality.words`,
//! `classify.score`) or `lang_score`; `OP` is one of `< <= > >= == !=`. A
//! document whose column is null fails a `--where`.

use anyhow::{bail, Context};

/// One `--set`.
#[derive(Debug, Clone, PartialEq)]
pub struct Set {
    pub stage: String,
    pub param: String,
    /// Only documents of this language (`@fi`); all when `None`.
    pub lang: Option<String>,
    pub value: f64,
}

/// A comparison operator of `--where`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }
}

/// One `--where`.
#[derive(Debug, Clone, PartialEq)]
pub struct Where {
    pub column: String,
    pub op: Op,
    pub value: f64,
}

/// Parses `STAGE.PARAM[@ISO]=NUMBER`.
pub fn parse_set(s: &str) -> anyhow::Result<Set> {
    let usage = "write --set STAGE.PARAM=NUMBER (or STAGE.PARAM@ISO=NUMBER for one language), e.g. --set gopher_quality.min_doc_words=30";
    let (lhs, rhs) = s
        .split_once('=')
        .with_context(|| format!("--set `{s}`: no `=`; {usage}"))?;
    let (stage, param) = lhs
        .trim()
        .split_once('.')
        .with_context(|| format!("--set `{s}`: no `.` between stage and parameter; {usage}"))?;
    let (param, lang) = match param.split_once('@') {
        Some((p, l)) => (p, Some(l.trim().to_string())),
        None => (param, None),
    };
    let value: f64 = rhs
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("--set `{s}`: `{}` is not a number; {usage}", rhs.trim()))?;
    if stage.is_empty() || param.is_empty() || lang.as_deref() == Some("") {
        bail!("--set `{s}`: {usage}");
    }
    Ok(Set {
        stage: stage.trim().to_string(),
        param: param.trim().to_string(),
        lang,
        value,
    })
}

/// Parses `COLUMN OP NUMBER`.
pub fn parse_where(s: &str) -> anyhow::Result<Where> {
    let usage = "write --where \"COLUMN OP NUMBER\" with OP one of < <= > >= == !=, e.g. --where \"gopher_quality.words >= 100\"";
    // Two-character operators first, so `<=` is not read as `<`.
    for (text, op) in [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<", Op::Lt),
        (">", Op::Gt),
    ] {
        if let Some((col, num)) = s.split_once(text) {
            let column = col.trim();
            if column.is_empty() {
                bail!("--where `{s}`: no column; {usage}");
            }
            let value: f64 = num
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("--where `{s}`: `{}` is not a number; {usage}", num.trim()))?;
            return Ok(Where {
                column: column.to_string(),
                op,
                value,
            });
        }
    }
    bail!("--where `{s}`: no comparison operator; {usage}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_wheres_parse() {
        assert_eq!(
            parse_set("gopher_quality.max_non_alpha_words_ratio=0.7").unwrap(),
            Set {
                stage: "gopher_quality".into(),
                param: "max_non_alpha_words_ratio".into(),
                lang: None,
                value: 0.7
            }
        );
        assert_eq!(parse_set("gq.min_doc_words@fi=30").unwrap().lang.as_deref(), Some("fi"));
        assert!(parse_set("gopher_quality=3").is_err());
        assert!(parse_set("a.b=x").is_err());
        let w = parse_where("classify.score >= 0.4").unwrap();
        assert_eq!((w.column.as_str(), w.op, w.value), ("classify.score", Op::Ge, 0.4));
        assert_eq!(parse_where("a.b<1e3").unwrap().op, Op::Lt);
        assert!(parse_where("a.b ~ 3").is_err());
        assert!(parse_where("< 3").is_err());
    }
}
