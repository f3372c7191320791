//! A word list's automaton, walked by hand: the leftmost-longest,
//! non-overlapping matches that `AhoCorasick::find_iter` reports, found by
//! the same loop over the same transition table but without a search call
//! per match. Real word lists match every few bytes inside longer words
//! (`a`, `de`), and the call per match cost more than the scan.

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, nfa, Anchored, MatchKind};

/// Pattern bytes up to which the list is a DFA (fastest, some MB per
/// thousand words); past it a contiguous NFA (a tenth of the memory).
const DFA_MAX_BYTES: usize = 200_000;

/// The automaton of one word list mode.
#[derive(Debug)]
pub enum WordAutomaton {
    Dfa(dfa::DFA),
    Nfa(nfa::contiguous::NFA),
}

impl WordAutomaton {
    /// Builds a leftmost-longest automaton over non-empty `patterns`.
    pub fn build(patterns: &[String]) -> anyhow::Result<Self> {
        let bytes: usize = patterns.iter().map(String::len).sum();
        Ok(if bytes <= DFA_MAX_BYTES {
            WordAutomaton::Dfa(
                dfa::DFA::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .prefilter(false)
                    .build(patterns)?,
            )
        } else {
            WordAutomaton::Nfa(
                nfa::contiguous::NFA::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .prefilter(false)
                    .build(patterns)?,
            )
        })
    }

    /// Calls `f(pattern, start, end)` for every leftmost-longest,
    /// non-overlapping match in `hay`, in order.
    pub fn for_each(&self, hay: &str, f: impl FnMut(usize, usize, usize)) {
        match self {
            WordAutomaton::Dfa(a) => scan(a, hay.as_bytes(), f),
            WordAutomaton::Nfa(a) => scan(a, hay.as_bytes(), f),
        }
    }
}

/// The loop of aho-corasick's own forward search (`try_find_fwd`, without
/// prefilter), restarted at the end of each match as its iterator does.
/// The patterns are non-empty, so no start state is a match state.
fn scan<A: Automaton>(a: &A, hay: &[u8], mut f: impl FnMut(usize, usize, usize)) {
    let Ok(start) = a.start_state(Anchored::No) else {
        return;
    };
    let mut pos = 0;
    while pos < hay.len() {
        let mut sid = start;
        let mut found = None;
        for (i, &b) in hay[pos..].iter().enumerate() {
            sid = a.next_state(Anchored::No, sid, b);
            if a.is_special(sid) {
                if a.is_dead(sid) {
                    break;
                }
                if a.is_match(sid) {
                    found = Some((a.match_pattern(sid, 0), pos + i + 1));
                }
            }
        }
        let Some((pid, end)) = found else { return };
        let start = end - a.pattern_len(pid);
        f(pid.as_usize(), start, end);
        pos = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against aho-corasick's own iterator on overlapping, nested patterns.
    #[test]
    fn the_same_matches_as_find_iter() {
        let pats: Vec<String> = ["a", "ab", "abc", "b c", "c", "bcd", "kazino", "ino", "zi"]
            .map(String::from)
            .to_vec();
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .unwrap();
        let hay = "xab c abcd kazino zino a b c bcd abc ab";
        let want: Vec<(usize, usize, usize)> = ac
            .find_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        for big in [false, true] {
            let a = if big {
                WordAutomaton::Nfa(
                    nfa::contiguous::NFA::builder()
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(&pats)
                        .unwrap(),
                )
            } else {
                WordAutomaton::build(&pats).unwrap()
            };
            let mut got = Vec::new();
            a.for_each(hay, |p, s, e| got.push((p, s, e)));
            assert_eq!(got, want);
        }
    }
}
