//! A set of rule regexes behind a literal prefilter: one Aho–Corasick scan
//! of the lowercase text finds the required literals of every regex
//! ([`super::literals`]); a regex then runs only on the lines (or documents)
//! that hold one of its literals, plus the few regexes without any, which run
//! everywhere. The answers are those of running every regex on every line:
//! the prefilter only skips lines where a regex cannot match.
//!
//! The work is linear in the text whatever the rules: one scan, then each
//! line is searched at most once per regex (regex's engines are linear), and
//! a regex anchored at the line start (`^…`) is tried at that position only.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::meta;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};

use super::{literals, REGEX_SIZE_LIMIT};

/// Compiled regexes with their literal prefilter.
#[derive(Debug)]
pub struct Patterns {
    regexes: Vec<meta::Regex>,
    /// Per regex: every match starts at the start of a line.
    anchored: Vec<bool>,
    /// The literals (lowercase) of every regex that has some.
    literals: Option<AhoCorasick>,
    /// Literal → the regexes it selects.
    selects: Vec<Vec<u32>>,
    /// Regexes without literals: tried on every line.
    always: Vec<u32>,
}

/// Reusable buffers for [`Patterns`] searches.
#[derive(Debug, Default)]
pub struct PatternScratch {
    /// Per regex: 1 + the last line it was selected for (0: never).
    stamp: Vec<u32>,
    /// Regexes selected for the current line.
    selected: Vec<u32>,
}

/// Compiles one rule regex as the rules run it (case-insensitive, `(?m)`).
fn compile(pattern: &str) -> Result<meta::Regex, String> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .hybrid_cache_capacity(2 << 20)
                .utf8_empty(true)
                .which_captures(regex_automata::nfa::thompson::WhichCaptures::None),
        )
        .syntax(syntax::Config::new().case_insensitive(true).multi_line(true).utf8(true))
        .build(pattern)
        .map_err(|e| e.to_string())
}

impl Patterns {
    /// Compiles `patterns` (already checked by [`super::Rules::check`]).
    pub fn build(patterns: &[String]) -> anyhow::Result<Self> {
        let mut regexes = Vec::with_capacity(patterns.len());
        let mut anchored = Vec::with_capacity(patterns.len());
        let mut lits: Vec<String> = Vec::new();
        let mut selects: Vec<Vec<u32>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut always = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            regexes.push(compile(p).map_err(|e| anyhow::anyhow!("pattern `{p}`: {e}"))?);
            let hir = literals::parse(p).map_err(|e| anyhow::anyhow!("pattern `{p}`: {e}"))?;
            anchored.push(literals::line_anchored(&hir));
            match literals::required(&hir) {
                Some(set) => {
                    for l in set {
                        let k = *index.entry(l.clone()).or_insert_with(|| {
                            lits.push(l);
                            selects.push(Vec::new());
                            lits.len() - 1
                        });
                        selects[k].push(i as u32);
                    }
                }
                None => always.push(i as u32),
            }
        }
        let literals = if lits.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA).filter(|_| lits.len() <= 2000))
                    .build(&lits)?,
            )
        };
        Ok(Patterns {
            regexes,
            anchored,
            literals,
            selects,
            always,
        })
    }

    /// True when some regex has literals (the lowercase text is read).
    pub fn has_literals(&self) -> bool {
        self.literals.is_some()
    }

    /// The number of regexes.
    pub fn len(&self) -> usize {
        self.regexes.len()
    }

    /// True when there is no regex.
    pub fn is_empty(&self) -> bool {
        self.regexes.is_empty()
    }

    /// Does regex `i` match `hay` (one line when `line`)?
    fn matches(&self, i: usize, hay: &str, line: bool) -> bool {
        let anchored = if line && self.anchored[i] {
            Anchored::Yes
        } else {
            Anchored::No
        };
        self.regexes[i].is_match(Input::new(hay).anchored(anchored))
    }

    /// The first match of regex `i` in `hay`, as a byte span.
    pub fn find(&self, i: usize, hay: &str) -> Option<(usize, usize)> {
        self.regexes[i].find(hay).map(|m| (m.start(), m.end()))
    }

    /// The regexes matching the whole `text`, in order; `lower` is the
    /// text's lowercase form ([`super::normalize`]).
    pub fn document_matches(&self, text: &str, lower: &str, s: &mut PatternScratch, ops: &mut u64) -> Vec<usize> {
        s.selected.clear();
        s.selected.extend_from_slice(&self.always);
        if let Some(ac) = &self.literals {
            s.stamp.resize(self.regexes.len(), 0);
            s.stamp.fill(0);
            *ops += lower.len() as u64;
            for m in ac.find_overlapping_iter(lower) {
                for &r in &self.selects[m.pattern().as_usize()] {
                    if s.stamp[r as usize] == 0 {
                        s.stamp[r as usize] = 1;
                        s.selected.push(r);
                    }
                }
            }
        }
        s.selected.sort_unstable();
        let mut out = Vec::new();
        for &r in &s.selected {
            *ops += text.len() as u64;
            if self.matches(r as usize, text, false) {
                out.push(r as usize);
            }
        }
        out
    }

    /// Calls `line(no, first)` for every line of `text` (split at `\n`)
    /// that some regex matches, with the 0-based line number and the first
    /// matching regex. `lower` is the text's lowercase form, whose lines are
    /// those of `text` lowercased one by one.
    pub fn lines(
        &self,
        text: &str,
        lower: &str,
        s: &mut PatternScratch,
        ops: &mut u64,
        mut line: impl FnMut(usize, usize),
    ) {
        let Some(ac) = &self.literals else {
            if !self.always.is_empty() {
                for (no, l) in text.split('\n').enumerate() {
                    if let Some(r) = self.first(&self.always, l, ops) {
                        line(no, r);
                    }
                }
            }
            return;
        };
        s.stamp.resize(self.regexes.len(), 0);
        s.stamp.fill(0);
        s.selected.clear();
        *ops += lower.len() as u64;
        // Hits come in order of their end: a line takes those ending in it
        // and keeps those that also start in it (a literal across a line
        // break cannot be part of a match within one line).
        let bytes = lower.as_bytes();
        let mut hits = ac.find_overlapping_iter(lower).peekable();
        let mut start = 0usize;
        for (no, l) in text.split('\n').enumerate() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |x| start + x);
            while let Some(m) = hits.next_if(|m| m.end() <= end) {
                if m.start() < start {
                    continue;
                }
                for &r in &self.selects[m.pattern().as_usize()] {
                    if s.stamp[r as usize] != no as u32 + 1 {
                        s.stamp[r as usize] = no as u32 + 1;
                        s.selected.push(r);
                    }
                }
            }
            if !s.selected.is_empty() || !self.always.is_empty() {
                s.selected.extend_from_slice(&self.always);
                s.selected.sort_unstable();
                let selected = std::mem::take(&mut s.selected);
                if let Some(r) = self.first(&selected, l, ops) {
                    line(no, r);
                }
                s.selected = selected;
                s.selected.clear();
            }
            start = end + 1;
        }
    }

    /// The first of `ids` (ascending) that matches the line `l`.
    fn first(&self, ids: &[u32], l: &str, ops: &mut u64) -> Option<usize> {
        ids.iter().map(|&r| r as usize).find(|&r| {
            *ops += l.len() as u64;
            self.matches(r, l, true)
        })
    }
}
