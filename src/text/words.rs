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

use super::chars::{is_alphabetic, is_alphanumeric};

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
    /// Tokens never split (abbreviations such as `Mr.`, `Dr.`, `z.B.`).
    #[serde(default)]
    pub keep: Vec<String>,
    /// Split `%` off a number (`45%` → `45` `%`; default true). spaCy's
    /// Greek, Spanish, Hungarian, Dutch and Romanian rules keep `45%`.
    #[serde(default)]
    pub split_percent: Option<bool>,
    /// Split at `/` between words (`a/b`; default true). spaCy's Hungarian,
    /// Dutch and Romanian rules keep `és/vagy`.
    #[serde(default)]
    pub split_slash: Option<bool>,
    /// Split `-` between digits (`0-9`; default true).
    #[serde(default)]
    pub split_digit_hyphen: Option<bool>,
    /// Split a final dot off a number (`am 10.`; default true). spaCy's
    /// German, Hungarian and Slovenian rules keep ordinals like `10.` whole.
    #[serde(default)]
    pub split_digit_dot: Option<bool>,
    /// Split at `:` after a digit (`B2:B6`; default true). spaCy's German,
    /// Greek, Finnish, Hungarian, Dutch and Polish rules split a colon only
    /// between letters.
    #[serde(default)]
    pub split_colon_after_digit: Option<bool>,
    /// Polish rules (default false): every final dot is split (`3D.` →
    /// `3D` `.`, `e.g.` → `e.g` `.`) unless the word is in `keep`; a dot
    /// before a digit or a capital splits (`1.0` → `1` `.` `0`); a hyphen
    /// before a digit splits (`UTF-8` → `UTF` `-` `8`).
    #[serde(default)]
    pub split_dots_polish: Option<bool>,
}

/// A tokenizer built from [`WordRules`].
#[derive(Debug, Clone)]
pub struct WordSplitter {
    /// Every elision and clitic has an apostrophe, so a word of letters and
    /// digits only is one token.
    plain_words_whole: bool,
    keep: rustc_hash::FxHashSet<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    split_hyphens: bool,
    split_percent: bool,
    split_slash: bool,
    split_digit_hyphen: bool,
    split_digit_dot: bool,
    split_colon_after_digit: bool,
    split_dots_polish: bool,
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

/// spaCy's `LIST_PUNCT`: split off either end of a word.
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '…' | ','
            | ':'
            | ';'
            | '!'
            | '?'
            | '¿'
            | '؟'
            | '¡'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '<'
            | '>'
            | '_'
            | '#'
            | '*'
            | '&'
            | '。'
            | '？'
            | '！'
            | '，'
            | '、'
            | '；'
            | '：'
            | '～'
            | '·'
            | '।'
            | '،'
            | '۔'
            | '؛'
            | '٪'
    )
}

/// spaCy's `LIST_QUOTES`.
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '\'' | '"'
            | '”'
            | '“'
            | '`'
            | '‘'
            | '´'
            | '’'
            | '‚'
            | '„'
            | '»'
            | '«'
            | '「'
            | '」'
            | '『'
            | '』'
            | '（'
            | '）'
            | '〔'
            | '〕'
            | '【'
            | '】'
            | '《'
            | '》'
            | '〈'
            | '〉'
            | '⟦'
            | '⟧'
    )
}

/// Currency signs (Unicode `Sc`).
fn is_currency(c: char) -> bool {
    matches!(
        c,
        '$' | '¢' | '£' | '¤' | '¥' | '֏' | '؋' | '฿' | '៛' | '₠'..='₿' | '﷼' | '﹩' | '＄' | '￠' | '￡' | '￥' | '￦'
    )
}

/// Pictographs and other symbols (spaCy's `LIST_ICONS`, `So` but `°`),
/// approximated as any non-ASCII character that is not a letter, digit,
/// mark, space, punctuation of the lists above or currency.
fn is_icon(c: char) -> bool {
    !c.is_ascii()
        && c != '°'
        && !is_alphanumeric(c)
        && !c.is_whitespace()
        && !unicode_normalization::char::is_combining_mark(c)
        && !is_punct(c)
        && !is_quote(c)
        && !is_currency(c)
        && !matches!(c, '—' | '–' | '§' | '‐' | '‑')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '~')
}

impl WordSplitter {
    pub fn new(rules: &WordRules) -> Self {
        let mut prefixes: Vec<String> = rules.split_prefixes.iter().map(|p| fold(p)).collect();
        let mut suffixes: Vec<String> = rules.split_suffixes.iter().map(|s| fold(s)).collect();
        // longest first, so `qu'` wins over `u'` and `'ll` over `l`
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
        suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let apostrophe = |a: &String| a.contains('\'');
        WordSplitter {
            plain_words_whole: prefixes.iter().all(apostrophe) && suffixes.iter().all(apostrophe),
            keep: rules.keep.iter().cloned().collect(),
            prefixes,
            suffixes,
            split_hyphens: rules.split_hyphens.unwrap_or(true),
            split_percent: rules.split_percent.unwrap_or(true),
            split_slash: rules.split_slash.unwrap_or(true),
            split_digit_hyphen: rules.split_digit_hyphen.unwrap_or(true),
            split_digit_dot: rules.split_digit_dot.unwrap_or(true),
            split_colon_after_digit: rules.split_colon_after_digit.unwrap_or(true),
            split_dots_polish: rules.split_dots_polish.unwrap_or(false),
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
        // most words: letters and digits only, nothing to split
        // (a word of letters and digits in any script takes no prefix,
        // suffix or infix rule: every one starts or ends at another character)
        if self.plain_words_whole && (s.bytes().all(|b| b.is_ascii_alphanumeric()) || s.chars().all(is_alphanumeric)) {
            out.push(s);
            return;
        }
        // prefixes: punctuation, quotes, currency, icons, `§ % = — – +`, dot runs
        let mut start = 0;
        while let Some(c) = s[start..].chars().next() {
            let rest = &s[start..];
            let len = if c == '.' {
                let dots = rest.bytes().take_while(|b| *b == b'.').count();
                if dots < 2 {
                    break;
                }
                dots
            } else if is_punct(c)
                || is_quote(c)
                || is_currency(c)
                || is_icon(c)
                || matches!(c, '§' | '%' | '=' | '—' | '–')
                || (c == '+' && !rest[1..].starts_with(|n: char| n.is_ascii_digit()))
            {
                c.len_utf8()
            } else {
                break;
            };
            if self.keep.contains(rest) {
                break;
            }
            out.push(&rest[..len]);
            start += len;
        }
        if start == s.len() {
            return;
        }
        // suffixes, pushed after the core
        let mut end = s.len();
        let mut tail: Vec<&'a str> = Vec::new();
        while end > start {
            let core = &s[start..end];
            if self.keep.contains(core) {
                break;
            }
            let mut back = core.chars().rev();
            let c = back.next().unwrap();
            let prev = back.next();
            let len = if c == '.' {
                let dots = core.bytes().rev().take_while(|b| *b == b'.').count();
                if self.split_dots_polish {
                    // one dot at a time, as spaCy's Polish `\.` suffix
                    1
                } else if dots >= 2 {
                    dots
                } else {
                    let stem = &core[..core.len() - 1];
                    let mut up = stem.chars().rev();
                    let two_upper =
                        matches!((up.next(), up.next()), (Some(a), Some(b)) if a.is_uppercase() && b.is_uppercase());
                    let splits = prev.is_some_and(|p| {
                        (p.is_numeric() && self.split_digit_dot)
                            || p.is_lowercase()
                            || is_punct(p)
                            || is_quote(p)
                            || p == '%'
                    }) || two_upper;
                    // `e.g.`, `a.m.`: an inner dot keeps the final one
                    if !splits || (stem.contains('.') && prev.is_some_and(is_alphabetic)) {
                        break;
                    }
                    1
                }
            } else if is_punct(c)
                || is_quote(c)
                || is_icon(c)
                || matches!(c, '—' | '–')
                || ((c == '+' || (c == '%' && self.split_percent)) && prev.is_some_and(|p| p.is_ascii_digit()))
                || (is_currency(c) && prev.is_some_and(|p| p.is_ascii_digit()))
            {
                c.len_utf8()
            } else {
                break;
            };
            tail.push(&s[end - len..end]);
            end -= len;
        }
        let core = &s[start..end];
        if core.is_empty() {
        } else if self.keep.contains(core) || core.contains("://") || core.starts_with("www.") || core.contains('@') {
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
        if s.chars().all(is_alphanumeric) {
            out.push(s);
            return;
        }
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let mut from = 0;
        let mut i = 1;
        while i + 1 < chars.len() {
            let (at, c) = chars[i];
            let p = chars[i - 1].1;
            // the infix: a run of hyphens or dots, else one character
            let mut j = i + 1;
            if is_hyphen(c) || c == '.' {
                while j < chars.len() && chars[j].1 == c {
                    j += 1;
                }
            }
            let Some(&(_, n)) = chars.get(j) else {
                break;
            };
            let split = if is_hyphen(c) {
                (c != '-' || j > i + 1 || self.split_hyphens) && is_alphanumeric(p) && is_alphabetic(n)
                    || (c == '-'
                        && j == i + 1
                        && self.split_digit_hyphen
                        && p.is_ascii_digit()
                        && (n.is_ascii_digit() || n == '-'))
                    || (c == '-' && j == i + 1 && self.split_dots_polish && is_alphanumeric(p) && n.is_ascii_digit())
            } else if c == '.' {
                // a dot run between words, or spaCy's `ein.Die`: one dot
                // between a lowercase and an uppercase letter
                (j > i + 1 && is_alphanumeric(p) && is_alphanumeric(n))
                    || (j == i + 1 && p.is_lowercase() && n.is_uppercase())
                    || (j == i + 1
                        && self.split_dots_polish
                        && is_alphanumeric(p)
                        && (n.is_ascii_digit() || n.is_uppercase()))
            } else if c == '…' {
                is_alphanumeric(p) && is_alphanumeric(n)
            } else if matches!(c, '+' | '*' | '^') {
                p.is_ascii_digit() && (n.is_ascii_digit() || n == '-')
            } else if c == '/' {
                self.split_slash && is_alphanumeric(p) && is_alphabetic(n)
            } else if c == ':' {
                (is_alphabetic(p) || (self.split_colon_after_digit && p.is_numeric())) && is_alphabetic(n)
            } else if matches!(c, '<' | '>' | '=') {
                is_alphanumeric(p) && is_alphabetic(n)
            } else if c == ',' {
                is_alphabetic(p) && is_alphabetic(n)
            } else {
                false
            };
            if split {
                let end = chars[j].0;
                out.push(&s[from..at]);
                out.push(&s[at..end]);
                from = end;
            }
            i = j.max(i + 1);
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
            ["E", "-", "Mail", "-", "Adresse", "3", "-", "4"]
        );
    }

    /// The options against spaCy 3.8's blank tokenizers (the outputs below
    /// are spaCy's, for the probes `45%`, `a/b`, `0-9`, `am 10.`, `B2:B6`,
    /// `ein.Die` and the clitics of `într-un` and `Windows-ul`).
    #[test]
    fn options_split_as_spacy_does_per_language() {
        let probe = |r: &WordRules| -> Vec<String> {
            ["45%", "a/b", "0-9", "am 10.", "B2:B6", "ein.Die"]
                .iter()
                .map(|p| toks(r, p).join(" "))
                .collect()
        };
        // spaCy blank("en"), the defaults
        assert_eq!(
            probe(&WordRules::default()),
            ["45 %", "a / b", "0 - 9", "am 10 .", "B2 : B6", "ein . Die"]
        );
        // spaCy blank("hu")
        let hu = WordRules {
            split_hyphens: Some(false),
            split_percent: Some(false),
            split_slash: Some(false),
            split_digit_hyphen: Some(false),
            split_digit_dot: Some(false),
            split_colon_after_digit: Some(false),
            ..Default::default()
        };
        assert_eq!(probe(&hu), ["45%", "a/b", "0-9", "am 10.", "B2:B6", "ein . Die"]);
        // spaCy blank("de")
        let de = WordRules {
            split_hyphens: Some(false),
            split_digit_dot: Some(false),
            split_colon_after_digit: Some(false),
            ..Default::default()
        };
        assert_eq!(probe(&de), ["45 %", "a / b", "0 - 9", "am 10.", "B2:B6", "ein . Die"]);
        // spaCy blank("ro"): UD_Romanian-RRT clitics, no hyphen infix
        let ro = WordRules {
            split_hyphens: Some(false),
            split_prefixes: vec!["într-".into(), "s-".into()],
            split_suffixes: vec!["-ul".into(), "-l".into()],
            ..Default::default()
        };
        assert_eq!(
            toks(&ro, "într-un Windows-ul alb-negru să-l"),
            ["într-", "un", "Windows", "-ul", "alb-negru", "să", "-l"]
        );
    }

    /// spaCy blank("pl") gives these tokens (spaCy 3.8).
    #[test]
    fn polish_dots_as_spacy() {
        let pl = WordRules {
            split_dots_polish: Some(true),
            keep: vec!["o.O".into()],
            ..Default::default()
        };
        assert_eq!(
            toks(&pl, "13.12.2030 1.0 3D. Y. e.g. UTF-8 np. słowo... ... o.O"),
            [
                "13", ".", "12", ".", "2030", "1", ".", "0", "3D", ".", "Y", ".", "e.g", ".", "UTF", "-", "8", "np",
                ".", "słowo", ".", ".", ".", "...", "o.O"
            ]
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
