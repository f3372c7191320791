//! Required literals of a rule's regex: a small set of strings, one of which
//! every match contains, in the lowercase form [`super::normalize`] gives the
//! text. An Aho–Corasick automaton over them selects which regexes to run on
//! which line, so a thousand regexes cost one scan of the text plus the lines
//! that hold one of their literals (regex's own engines fall back to the
//! PikeVM on every Unicode `\b`, which made a `RegexSet` over whole texts
//! crawl).
//!
//! The analysis works on the pattern's HIR as the regex crate compiles it
//! (case-insensitive, multi-line), so case folding is already spelled out as
//! classes: a small class becomes the set of its members' lowercase forms
//! (`[Ssſ]` → `s`, `ſ`), and a literal set is only ever a superset of what
//! can match. When no useful set exists (a leading `\w+`, a class of
//! thousands), the regex runs on every line.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Most strings a set may hold before it is given up.
const MAX_SET: usize = 64;
/// Most characters a class may hold to be spelled out.
const MAX_CLASS: u32 = 16;

/// The lowercase form of a character, as the text is lowercased.
fn lower(c: char) -> String {
    c.to_lowercase().collect()
}

/// What one sub-expression can tell about its matches.
#[derive(Debug, Clone, Default)]
struct Info {
    /// Every string it can match, lowercase, when few.
    exact: Option<Vec<String>>,
    /// Strings of which every match contains one, when known.
    required: Option<Vec<String>>,
}

impl Info {
    fn exact(set: Vec<String>) -> Info {
        Info {
            exact: Some(set),
            required: None,
        }
    }

    /// The best set that every match contains one of.
    fn best(&self) -> Option<&Vec<String>> {
        let e = self.exact.as_ref().filter(|s| useful(s));
        let r = self.required.as_ref().filter(|s| useful(s));
        match (e, r) {
            (Some(a), Some(b)) => Some(if score(a) >= score(b) { a } else { b }),
            (a, b) => a.or(b),
        }
    }
}

/// A set that filters anything: non-empty, without the empty string.
fn useful(set: &[String]) -> bool {
    !set.is_empty() && set.iter().all(|s| !s.is_empty())
}

/// Longer shortest literal first (fewer false hits), then fewer literals.
fn score(set: &[String]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = set.iter().map(|s| s.chars().count()).min().unwrap_or(0);
    (shortest, std::cmp::Reverse(set.len()))
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Every `a + b`, or None when too many.
fn product(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() * b.len() > MAX_SET {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            out.push(format!("{x}{y}"));
        }
    }
    Some(dedup(out))
}

fn class(c: &Class) -> Option<Vec<String>> {
    let mut out = Vec::new();
    match c {
        Class::Unicode(u) => {
            let size: u32 = u.ranges().iter().map(|r| r.end() as u32 - r.start() as u32 + 1).sum();
            if size > MAX_CLASS {
                return None;
            }
            for r in u.ranges() {
                for c in r.start()..=r.end() {
                    out.push(lower(c));
                }
            }
        }
        Class::Bytes(b) => {
            let size: u32 = b.ranges().iter().map(|r| r.end() as u32 - r.start() as u32 + 1).sum();
            if size > MAX_CLASS || b.ranges().iter().any(|r| !r.end().is_ascii()) {
                return None;
            }
            for r in b.ranges() {
                for c in r.start()..=r.end() {
                    out.push(lower(c as char));
                }
            }
        }
    }
    Some(dedup(out))
}

fn info(h: &Hir) -> Info {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Info::exact(vec![String::new()]),
        HirKind::Literal(l) => match std::str::from_utf8(&l.0) {
            Ok(s) => Info::exact(vec![s.chars().map(lower).collect()]),
            Err(_) => Info::default(),
        },
        HirKind::Class(c) => Info {
            exact: class(c),
            required: None,
        },
        HirKind::Capture(c) => info(&c.sub),
        HirKind::Repetition(r) => {
            if r.min == 0 {
                return if r.max == Some(0) {
                    Info::exact(vec![String::new()])
                } else {
                    Info::default()
                };
            }
            let sub = info(&r.sub);
            let mut exact = None;
            if r.max == Some(r.min) {
                if let Some(e) = &sub.exact {
                    let mut acc = vec![String::new()];
                    for _ in 0..r.min {
                        match product(&acc, e) {
                            Some(p) => acc = p,
                            None => {
                                acc.clear();
                                break;
                            }
                        }
                    }
                    exact = (!acc.is_empty()).then_some(acc);
                }
            }
            Info {
                exact,
                required: sub.best().cloned(),
            }
        }
        HirKind::Concat(subs) => concat(subs),
        HirKind::Alternation(subs) => {
            let infos: Vec<Info> = subs.iter().map(info).collect();
            let exact = infos
                .iter()
                .map(|i| i.exact.clone())
                .collect::<Option<Vec<_>>>()
                .map(|v| dedup(v.concat()))
                .filter(|s| s.len() <= MAX_SET);
            let required = infos
                .iter()
                .map(|i| i.best().cloned())
                .collect::<Option<Vec<_>>>()
                .map(|v| dedup(v.concat()))
                .filter(|s| s.len() <= MAX_SET);
            Info { exact, required }
        }
    }
}

/// A concatenation: its exact set when every part has one, and as required
/// set the best of each part's own and of each run of consecutive exact
/// parts (`teilen` `\s+` `\d` gives `teilen`).
fn concat(subs: &[Hir]) -> Info {
    let infos: Vec<Info> = subs.iter().map(info).collect();
    let mut candidates: Vec<Vec<String>> = infos.iter().filter_map(|i| i.best().cloned()).collect();
    let mut whole = Some(vec![String::new()]);
    let mut run: Option<Vec<String>> = None;
    for i in &infos {
        whole = match (&whole, &i.exact) {
            (Some(w), Some(e)) => product(w, e),
            _ => None,
        };
        match &i.exact {
            Some(e) => {
                run = match run.take() {
                    Some(r) => match product(&r, e) {
                        Some(p) => Some(p),
                        None => {
                            candidates.push(r);
                            Some(e.clone())
                        }
                    },
                    None => Some(e.clone()),
                }
            }
            None => candidates.extend(run.take()),
        }
    }
    candidates.extend(run);
    let required = candidates
        .into_iter()
        .filter(|s| useful(s))
        .max_by(|a, b| score(a).cmp(&score(b)));
    Info { exact: whole, required }
}

/// The literals of which every match of `hir` contains one (lowercase), or
/// None when the regex has to run everywhere.
pub fn required(hir: &Hir) -> Option<Vec<String>> {
    info(hir).best().cloned()
}

/// True when every match of `hir` starts at the start of the haystack or of
/// a line (`^` in multi-line mode, `\A`): searched one line at a time, such
/// a regex is tried at the line's start only.
pub fn line_anchored(hir: &Hir) -> bool {
    use regex_syntax::hir::Look;
    let prefix = hir.properties().look_set_prefix();
    prefix.contains(Look::Start) || prefix.contains(Look::StartLF)
}

/// Parses `pattern` as the rules compile it (case-insensitive, multi-line).
pub fn parse(pattern: &str) -> Result<Hir, Box<regex_syntax::Error>> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .multi_line(true)
        .build()
        .parse(pattern)
        .map_err(Box::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str) -> Option<Vec<String>> {
        required(&parse(p).unwrap())
    }

    #[test]
    fn literals_every_match_contains() {
        assert_eq!(
            req(r"^\s*(share|teilen|condividi)\s+12\b"),
            Some(vec![
                "condividi".into(),
                "share".into(),
                "teilen".into(),
                "ſhare".into()
            ])
        );
        assert_eq!(req(r"kazino online"), Some(vec!["kazino online".into()]));
        assert_eq!(req(r"\w+"), None);
        assert_eq!(req(r"^.{0,3}$"), None);
        assert_eq!(req(r"(ab)+cd?"), Some(vec!["ab".into()]));
        // Case folding spelled out: `K` (Kelvin) lowercases to `k` itself.
        assert_eq!(req(r"ok\d"), Some(vec!["ok".into()]));
        // `Σ` folds with `σ` and `ς`, `φ` with `ϕ`: every form is a literal.
        assert_eq!(
            req(r"Σοφία"),
            Some(vec!["ςοφία".into(), "ςοϕία".into(), "σοφία".into(), "σοϕία".into()])
        );
        assert!(line_anchored(&parse(r"^\s*aqra").unwrap()));
        assert!(!line_anchored(&parse(r"aqra|^x").unwrap()));
    }
}
