//! The rules engine as first written: every regex of a kind in one
//! `RegexSet` run on every line (or the whole text), the word lists through
//! `AhoCorasick::find_iter` over the lowercased text, the phrases searched
//! in each lowercased line. Slow (Unicode `\b` keeps a `RegexSet` on the
//! PikeVM) but plain: the oracle the prefiltered engine must agree with.
//! One difference on purpose: a line pattern is tried on the line alone
//! (the first engine also required the set to match the whole text, which
//! only differs for `\A`, `\z` and `(?-m)` anchors).

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};
use eurocurate::langs::rules::{Action, Rules};
use regex::{Regex, RegexSet, RegexSetBuilder};
use unicode_normalization::UnicodeNormalization;

/// What the engine decides for one text (no URL).
#[derive(Debug, PartialEq)]
pub struct Decision {
    pub drop: Option<String>,
    pub tags: Vec<(String, u64)>,
    pub text: Option<String>,
    /// id → (matches, lines removed, characters removed).
    pub fired: BTreeMap<String, (u64, u64, u64)>,
}

fn normalize(s: &str, fold: bool) -> String {
    if fold {
        s.nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .map(|c| match c {
                'ħ' => 'h',
                'đ' => 'd',
                'ł' => 'l',
                'ø' => 'o',
                'ı' => 'i',
                other => other,
            })
            .collect()
    } else {
        s.chars().flat_map(char::to_lowercase).collect()
    }
}

fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

fn set(pats: &[String]) -> Option<RegexSet> {
    (!pats.is_empty()).then(|| {
        RegexSetBuilder::new(pats)
            .case_insensitive(true)
            .multi_line(true)
            .size_limit(1 << 30)
            .build()
            .unwrap()
    })
}

/// The first engine, built once per rule set.
pub struct Reference {
    rules: Rules,
    words: Vec<(bool, AhoCorasick, Vec<Vec<usize>>)>,
    phrases: Option<(AhoCorasick, Vec<usize>)>,
    line_set: Option<(RegexSet, Vec<usize>)>,
    doc_set: Option<RegexSet>,
}

impl Reference {
    pub fn new(rules: &Rules) -> Self {
        let mut words = Vec::new();
        for fold in [false, true] {
            let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, w) in rules
                .words
                .iter()
                .enumerate()
                .filter(|(_, w)| w.ignore_diacritics == fold)
            {
                for word in &w.words {
                    let e = index.entry(normalize(word.trim(), fold)).or_default();
                    if !e.contains(&i) {
                        e.push(i);
                    }
                }
            }
            if !index.is_empty() {
                let (pats, lists): (Vec<String>, Vec<Vec<usize>>) = index.into_iter().unzip();
                let ac = AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&pats)
                    .unwrap();
                words.push((fold, ac, lists));
            }
        }
        let (mut pp, mut pr, mut lp, mut lr) = (vec![], vec![], vec![], vec![]);
        for (i, l) in rules.lines.iter().enumerate() {
            for p in &l.phrases {
                pp.push(normalize(p, false));
                pr.push(i);
            }
            for p in &l.patterns {
                lp.push(p.clone());
                lr.push(i);
            }
        }
        let doc_pats: Vec<String> = rules.documents.iter().map(|d| d.pattern.clone()).collect();
        Reference {
            rules: rules.clone(),
            words,
            phrases: (!pp.is_empty()).then(|| (AhoCorasick::new(&pp).unwrap(), pr)),
            line_set: set(&lp).map(|s| (s, lr)),
            doc_set: set(&doc_pats),
        }
    }

    pub fn apply(&self, text: &str) -> Decision {
        let r = &self.rules;
        let mut d = Decision {
            drop: None,
            tags: vec![],
            text: None,
            fired: BTreeMap::new(),
        };
        let fire = |d: &mut Decision, id: &str, action: Action, n: u64| {
            d.fired.entry(id.to_string()).or_default().0 += n;
            match action {
                Action::Drop => {
                    d.drop.get_or_insert_with(|| id.to_string());
                }
                Action::Tag => d.tags.push((id.to_string(), n)),
            }
        };
        if let Some(s) = &self.doc_set {
            for i in s.matches(text).iter() {
                fire(&mut d, &r.documents[i].id, r.documents[i].action, 1);
            }
        }
        if !self.words.is_empty() {
            let mut counts = vec![0u64; r.words.len()];
            let mut total = 0;
            for (fold, ac, lists) in &self.words {
                let norm = normalize(text, *fold);
                total = total.max(norm.split_whitespace().count());
                for m in ac.find_iter(&norm) {
                    if whole_word(&norm, m.start(), m.end()) {
                        for &l in &lists[m.pattern().as_usize()] {
                            counts[l] += 1;
                        }
                    }
                }
            }
            for (l, &n) in counts.iter().enumerate() {
                let w = &r.words[l];
                let share = n as f64 / total.max(1) as f64;
                if n > 0 && n as usize >= w.min_count && share >= w.min_share {
                    fire(&mut d, &w.id, w.action, n);
                } else if n > 0 {
                    d.fired.entry(w.id.clone()).or_default().0 += n;
                }
            }
        }
        if self.phrases.is_some() || self.line_set.is_some() {
            let mut kept: Vec<&str> = Vec::new();
            let mut removed = false;
            for line in text.split('\n') {
                let mut rule = None;
                if let Some((ac, rules)) = &self.phrases {
                    rule = ac.find(&normalize(line, false)).map(|m| rules[m.pattern().as_usize()]);
                }
                if rule.is_none() {
                    if let Some((s, rules)) = &self.line_set {
                        rule = s.matches(line).iter().next().map(|i| rules[i]);
                    }
                }
                match rule {
                    Some(i) => {
                        removed = true;
                        let e = d.fired.entry(r.lines[i].id.clone()).or_default();
                        e.0 += 1;
                        e.1 += 1;
                        e.2 += line.chars().count() as u64 + 1;
                    }
                    None => kept.push(line),
                }
            }
            if removed {
                d.text = Some(kept.join("\n"));
            }
        }
        d
    }
}

/// A regex compiles as the rules compile it.
pub fn valid(pattern: &str) -> bool {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .multi_line(true)
        .build()
        .is_ok_and(|re: Regex| !re.is_match(""))
}
