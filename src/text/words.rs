//! Word splitting for the quality filters, right for each EU language and
//! close to the tokenizer the reference filters use (spaCy's rule-based
//! tokenizers, through datatrove), so thresholds keep their meaning.
//!
//! Rules, in spaCy's order: split on whitespace; peel punctuation and
//! symbols off both ends, one token each (a run of dots stays one token, an
//! abbreviation like `U.S.` keeps its dot); split language clitics
//! (`don't` → `do` `n't`) and elisions (`l'homme` → `l'` `homme`); split
//! infix hyphens, slashes, colons between letters (`well-known` → `well` `-`
//! `known`). URLs and e-mail addresses stay whole. Apostrophes `'` and `’`
//! are the same character for the clitic and elision lists.

use serde::Deserialize;

/// Per-language word rules, from `langs/<iso>.yaml` `words:`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WordRules {
    /// Word-initial elisions split off as their own token (`l'`, `d'`, `qu'`).
    #[serde(default)]
    pub split_prefixes: Vec<String>,
    /// Word-final clitics split off as their own token (`n't`, `'s`).
    #[serde(default)]
    pub split_suffixes: Vec<String>,
    /// Split compounds at hyphens between letters (spaCy does; default true).
    #[serde(default)]
    pub split_hyphens: Option<bool>,
}

/// A tokenizer built from [`WordRules`].
#[derive(Debug, Clone)]
pub struct WordSplitter {
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    split_hyphens: bool,
}

impl Default for WordSplitter {
    fn default() -> Self {
        WordSplitter::new(&WordRules::default())
    }
}

fn fold(s: &str) -> String {
    s.chars()
        .map(|c| if c == '’' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

#[inline]
fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c)
}

#[inline]
fn is_infix(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | ':' | '<' | '>' | '=' | '/')
}

impl WordSplitter {
    pub fn new(rules: &WordRules) -> Self {
        let mut prefixes: Vec<String> = rules.split_prefixes.iter().map(|p| fold(p)).collect();
        let mut suffixes: Vec<String> = rules.split_suffixes.iter().map(|s| fold(s)).collect();
        // longest first, so `qu'` wins over `u'` and `'ll` over `l`
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
        suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
        WordSplitter {
            prefixes,
            suffixes,
            split_hyphens: rules.split_hyphens.unwrap_or(true),
        }
    }

    /// The tokens of `text`, words and punctuation, in order.
    pub fn split<'a>(&self, text: &'a str, out: &mut Vec<&'a str>) {
        out.clear();
        for chunk in text.split_whitespace() {
            self.chunk(chunk, out);
        }
    }

    fn chunk<'a>(&self, s: &'a str, out: &mut Vec<&'a str>) {
        // leading punctuation
        let mut start = 0;
        while let Some(c) = s[start..].chars().next() {
            if !is_symbol(c) {
                break;
            }
            let len = if c == '.' {
                s[start..].bytes().take_while(|b| *b == b'.').count()
            } else {
                c.len_utf8()
            };
            out.push(&s[start..start + len]);
            start += len;
        }
        if start == s.len() {
            return;
        }
        // trailing punctuation, pushed after the core
        let mut end = s.len();
        let mut tail: Vec<&'a str> = Vec::new();
        while end > start {
            let c = s[start..end].chars().next_back().unwrap();
            if !is_symbol(c) {
                break;
            }
            if c == '.' {
                let dots = s[start..end].bytes().rev().take_while(|b| *b == b'.').count();
                let core = &s[start..end - dots];
                // `U.S.`, `e.g.`: an inner dot after a letter keeps the final one
                if dots == 1 && core.contains('.') && core.chars().next_back().is_some_and(char::is_alphabetic) {
                    break;
                }
                tail.push(&s[end - dots..end]);
                end -= dots;
            } else {
                tail.push(&s[end - c.len_utf8()..end]);
                end -= c.len_utf8();
            }
        }
        let core = &s[start..end];
        if core.contains("://") || core.starts_with("www.") || core.contains('@') {
            out.push(core);
        } else {
            self.core(core, out);
        }
        out.extend(tail.into_iter().rev());
    }

    fn core<'a>(&self, mut s: &'a str, out: &mut Vec<&'a str>) {
        if !self.prefixes.is_empty() {
            let folded = fold(s);
            if let Some(p) = self
                .prefixes
                .iter()
                .find(|p| folded.starts_with(p.as_str()) && folded.len() > p.len())
            {
                let n = p.chars().count();
                let cut = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
                out.push(&s[..cut]);
                s = &s[cut..];
            }
        }
        let mut clitic = None;
        if !self.suffixes.is_empty() {
            let folded = fold(s);
            if let Some(x) = self
                .suffixes
                .iter()
                .find(|x| folded.ends_with(x.as_str()) && folded.len() > x.len())
            {
                let n = x.chars().count();
                let cut = s.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i);
                clitic = Some(&s[cut..]);
                s = &s[..cut];
            }
        }
        self.infixes(s, out);
        out.extend(clitic);
    }

    fn infixes<'a>(&self, s: &'a str, out: &mut Vec<&'a str>) {
        let mut from = 0;
        let mut prev: Option<char> = None;
        let mut iter = s.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let next = iter.peek().map(|&(_, n)| n);
            let split = match (prev, next) {
                (Some(p), Some(n)) if is_infix(c) => {
                    (c != '-' || self.split_hyphens) && p.is_alphanumeric() && n.is_alphabetic()
                }
                (Some(p), Some(n)) if c == ',' => p.is_alphabetic() && n.is_alphabetic(),
                _ => false,
            };
            if split {
                out.push(&s[from..i]);
                out.push(&s[i..i + c.len_utf8()]);
                from = i + c.len_utf8();
            }
            prev = Some(c);
        }
        if from < s.len() {
            out.push(&s[from..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(rules: &WordRules, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        WordSplitter::new(rules).split(text, &mut out);
        out.into_iter().map(str::to_string).collect()
    }

    fn en() -> WordRules {
        WordRules {
            split_suffixes: ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"]
                .map(String::from)
                .to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn english_like_spacy() {
        // spaCy blank("en") gives exactly these tokens (checked with spaCy 3).
        assert_eq!(
            toks(
                &en(),
                "Hello, world! It's a well-known fact... (really) U.S. costs $3.50 — e-mail me at a@b.com #tag"
            ),
            [
                "Hello", ",", "world", "!", "It", "'s", "a", "well", "-", "known", "fact", "...", "(", "really", ")",
                "U.S.", "costs", "$", "3.50", "—", "e", "-", "mail", "me", "at", "a@b.com", "#", "tag"
            ]
        );
        assert_eq!(
            toks(&en(), "don't stop\n\n- bullet one\n• two"),
            ["do", "n't", "stop", "-", "bullet", "one", "•", "two"]
        );
        assert_eq!(
            toks(&en(), "see https://example.eu/a-b, now"),
            ["see", "https://example.eu/a-b", ",", "now"]
        );
    }

    #[test]
    fn elisions_and_clitics_per_language() {
        let fr = WordRules {
            split_prefixes: ["l'", "d'", "qu'", "j'"].map(String::from).to_vec(),
            ..Default::default()
        };
        assert_eq!(
            toks(&fr, "L’homme qu'il voit d'État."),
            ["L’", "homme", "qu'", "il", "voit", "d'", "État", "."]
        );
        let ga = WordRules {
            split_prefixes: ["d'", "b'", "m'"].map(String::from).to_vec(),
            ..Default::default()
        };
        assert_eq!(toks(&ga, "D'fhógair an tAire"), ["D'", "fhógair", "an", "tAire"]);
        let mt = WordRules {
            split_prefixes: ["f'", "b'", "m'"].map(String::from).to_vec(),
            ..Default::default()
        };
        assert_eq!(
            toks(&mt, "il-kelb f'Malta ħafna."),
            ["il", "-", "kelb", "f'", "Malta", "ħafna", "."]
        );
        let keep = WordRules {
            split_hyphens: Some(false),
            ..Default::default()
        };
        assert_eq!(toks(&keep, "E-Mail-Adresse"), ["E-Mail-Adresse"]);
        assert_eq!(
            toks(&WordRules::default(), "E-Mail-Adresse 3-4"),
            ["E", "-", "Mail", "-", "Adresse", "3-4"]
        );
    }

    #[test]
    fn greek_and_cyrillic_words_stay_whole() {
        let d = WordRules::default();
        assert_eq!(toks(&d, "Ο Άγιος; ναι."), ["Ο", "Άγιος", ";", "ναι", "."]);
        assert_eq!(toks(&d, "Здравей, свят!"), ["Здравей", ",", "свят", "!"]);
        assert_eq!(toks(&d, "...!!"), ["...", "!", "!"]);
        assert!(toks(&d, "   ").is_empty());
    }
}
