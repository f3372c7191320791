//! `normalize`: Unicode normalisation and whitespace clean-up, so that later
//! filters, hashes and tokenizers see one spelling of the same text.
//! Romanian's ş ţ Ş Ţ (cedilla, what legacy charsets and old keyboards
//! write) become ș ț Ș Ț (comma below, the language's letters) in Romanian
//! documents ([`is_romanian`]).

use serde::Deserialize;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::{Stage, StageConfig, TaskContext, Verdict};
use crate::document::Document;
use crate::stages::contract::Describe;
use crate::stats::Counters;
pub use crate::text::nfc::{nfc_stable_fast, to_nfc};

/// Unicode normalisation forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnicodeForm {
    /// Canonical composition: `e` + combining acute becomes `é`. Safe for all text.
    Nfc,
    /// Compatibility composition: also folds ligatures, full-width forms,
    /// superscripts. Changes meaning in places (² -> 2); use deliberately.
    Nfkc,
    /// Leave code points as they are.
    None,
}

/// Unicode NFC (or NFKC), whitespace and control-character clean-up; Romanian ş ţ (cedilla) become ș ț
/// (comma below) in Romanian documents (`romanian_comma`, on by default).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NormalizeConfig {
    /// Unicode normalisation form.
    #[serde(default = "nfc")]
    pub unicode: UnicodeForm,
    /// Collapse runs of spaces/tabs, trim lines, CRLF to LF.
    #[serde(default = "yes")]
    pub whitespace: bool,
    /// Most consecutive line breaks kept (2 = one blank line).
    #[serde(default = "two")]
    pub max_newlines: usize,
    /// Remove control characters and zero-width BOMs.
    #[serde(default = "yes")]
    pub strip_control: bool,
    /// Romanian ş ţ Ş Ţ to ș ț Ș Ț in Romanian documents.
    #[serde(default = "yes")]
    pub romanian_comma: bool,
}

fn nfc() -> UnicodeForm {
    UnicodeForm::Nfc
}
fn yes() -> bool {
    true
}
fn two() -> usize {
    2
}

impl Describe for NormalizeConfig {
    const KIND: &'static str = "normalize";
}

impl StageConfig for NormalizeConfig {
    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(self.clone()))
    }
}

impl Stage for NormalizeConfig {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let renormalized = match self.unicode {
            UnicodeForm::Nfc => to_nfc(&doc.text),
            UnicodeForm::Nfkc if is_nfkc_quick(doc.text.chars()) != IsNormalized::Yes => {
                Some(doc.text.nfkc().collect::<String>())
            }
            _ => None,
        };
        if let Some(t) = renormalized {
            if t != doc.text {
                counters.add("changed_unicode", 1);
                doc.text = t;
            }
        }
        if self.romanian_comma {
            if let Some(t) = romanian_comma_below(doc) {
                counters.add("changed_romanian_comma", 1);
                doc.text = t;
            }
        }
        if self.whitespace || self.strip_control {
            if let Some(t) = clean(&doc.text, self.whitespace, self.max_newlines.max(1), self.strip_control) {
                counters.add("changed_whitespace", 1);
                doc.text = t;
            }
        }
        if doc.text.is_empty() {
            return Ok(Verdict::drop("empty"));
        }
        Ok(Verdict::Keep)
    }
}

/// Cedilla letters Romanian text arrives with, and the comma-below
/// letters the language writes.
const CEDILLA: [(char, char); 4] = [('ş', 'ș'), ('ţ', 'ț'), ('Ş', 'Ș'), ('Ţ', 'Ț')];

/// Whether `doc` is Romanian as far as is known here (`normalize` runs
/// before `language_id`): its `lang` when set, else the page's declared
/// `html_lang` (from `html_extract`), else its letters: ă (no other EU
/// language has it) with no ğ ı İ (Turkish, which writes ş with a
/// cedilla).
pub fn is_romanian(doc: &Document) -> bool {
    let primary = |l: &str| {
        let l = l.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        matches!(l.as_str(), "ro" | "ron" | "rum" | "mo" | "mol")
    };
    if let Some(lang) = doc.lang.as_deref() {
        return primary(lang);
    }
    if let Some(lang) = doc.meta.get("html_lang").and_then(|v| v.as_str()) {
        if !lang.trim().is_empty() {
            return primary(lang.trim());
        }
    }
    doc.text.contains(['ă', 'Ă']) && !doc.text.contains(['ğ', 'Ğ', 'ı', 'İ'])
}

/// The text with Romanian's cedilla forms in comma-below form, when the
/// document is Romanian and has any.
fn romanian_comma_below(doc: &Document) -> Option<String> {
    if !doc.text.contains(['ş', 'ţ', 'Ş', 'Ţ']) || !is_romanian(doc) {
        return None;
    }
    Some(
        doc.text
            .chars()
            .map(|c| CEDILLA.iter().find(|p| p.0 == c).map_or(c, |p| p.1))
            .collect(),
    )
}

fn is_removable(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && c != '\r') || c == '\u{feff}' || c == '\u{200b}'
}

/// Quick check on bytes: does the text need any whitespace/control work?
/// Written as a few vectorisable passes, because almost all web text is
/// already clean and this check is on the hot path of every document.
fn needs_clean(s: &str, whitespace: bool, max_newlines: usize, strip_control: bool) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if whitespace && (first.is_ascii_whitespace() || last.is_ascii_whitespace()) {
        return true;
    }
    // Control bytes other than the line feed: one branch-free pass per chunk.
    for chunk in b.chunks(64) {
        let mut hit = false;
        for &c in chunk {
            hit |= (c < 0x20 && c != b'\n') | (c == 0x7f);
        }
        if hit
            && chunk.iter().any(|&c| match c {
                b'\t' | b'\r' => whitespace,
                0x0b | 0x0c => whitespace || strip_control,
                b'\n' => false,
                0..=0x1f | 0x7f => strip_control,
                _ => false,
            })
        {
            return true;
        }
    }
    if whitespace {
        let newlines = vec![b'\n'; max_newlines + 1];
        for pat in [&b"  "[..], b" \n", b"\n ", &newlines] {
            if memchr::memmem::find(b, pat).is_some() {
                return true;
            }
        }
    }
    if strip_control {
        // C1 controls U+0080..U+009F, BOM U+FEFF, zero-width space U+200B.
        for i in memchr::memchr3_iter(0xc2, 0xef, 0xe2, b) {
            let next = &b[i + 1..];
            let bad = match b[i] {
                0xc2 => matches!(next.first(), Some(0x80..=0x9f)),
                0xef => next.starts_with(&[0xbb, 0xbf]),
                _ => next.starts_with(&[0x80, 0x8b]),
            };
            if bad {
                return true;
            }
        }
    }
    false
}

/// Returns the cleaned text, or `None` when nothing changes.
pub fn clean(s: &str, whitespace: bool, max_newlines: usize, strip_control: bool) -> Option<String> {
    if !needs_clean(s, whitespace, max_newlines, strip_control) {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut newlines = 0usize;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let c = if c == '\r' {
            if chars.peek() == Some(&'\n') {
                continue;
            }
            '\n'
        } else {
            c
        };
        if whitespace {
            match c {
                '\n' => {
                    newlines += 1;
                    pending_space = false;
                    continue;
                }
                ' ' | '\t' | '\x0b' | '\x0c' => {
                    pending_space = true;
                    continue;
                }
                _ => {}
            }
        }
        if strip_control && is_removable(c) {
            continue;
        }
        if newlines > 0 {
            if !out.is_empty() {
                for _ in 0..newlines.min(max_newlines) {
                    out.push('\n');
                }
            }
            newlines = 0;
        } else if pending_space && !out.is_empty() && !out.ends_with('\n') {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    (out != s).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanian_cedilla_to_comma_below_when_the_document_is_romanian() {
        let mut cfg: NormalizeConfig = serde_json::from_str("{}").unwrap();
        let run = |cfg: &mut NormalizeConfig, text: &str, lang: Option<&str>, html_lang: Option<&str>| {
            let mut doc = Document::new("d", text);
            doc.lang = lang.map(String::from);
            if let Some(h) = html_lang {
                doc.meta.insert("html_lang".into(), h.into());
            }
            cfg.process(&mut doc, &mut Counters::default()).unwrap();
            doc.text
        };
        let ro = "Ştiinţa şi ţara: aşa este";
        assert_eq!(run(&mut cfg, ro, Some("ro"), None), "Știința și țara: așa este");
        assert_eq!(run(&mut cfg, ro, None, Some("ro-RO")), "Știința și țara: așa este");
        // Decomposed cedillas compose first, then map.
        assert_eq!(run(&mut cfg, "s\u{327}i t\u{327}ara", Some("ro"), None), "și țara");
        // Unknown language: Romanian by its ă.
        assert_eq!(run(&mut cfg, "Ţara şi maşină", None, None), "Țara și mașină");
        // Turkish keeps its ş, as does any document of another language.
        assert_eq!(
            run(&mut cfg, "Türkçe şarkı ve ağaç", None, None),
            "Türkçe şarkı ve ağaç"
        );
        assert_eq!(run(&mut cfg, "şă", Some("tr"), None), "şă");
        assert_eq!(run(&mut cfg, "şă", None, Some("tr")), "şă");
        cfg.romanian_comma = false;
        assert_eq!(run(&mut cfg, ro, Some("ro"), None), ro);
    }

    fn norm(text: &str) -> (Verdict, String) {
        let mut cfg: NormalizeConfig = serde_json::from_str("{}").unwrap();
        let mut doc = Document::new("d", text);
        let v = cfg.process(&mut doc, &mut Counters::default()).unwrap();
        (v, doc.text)
    }

    #[test]
    fn needs_clean_agrees_with_clean() {
        for s in [
            "a  b",
            "a \nb",
            "a\n b",
            "a\n\n\nb",
            "a\tb",
            "a\rb",
            "a\u{85}b",
            "a\u{feff}b",
            "a\u{200b}b",
            " a",
            "a ",
            "a\u{1}b",
            "ok\n\nfine — “yes”",
        ] {
            let needs = needs_clean(s, true, 2, true);
            let cleaned = clean(s, true, 2, true);
            assert_eq!(needs, cleaned.is_some(), "{s:?}");
        }
    }

    #[test]
    fn composes_to_nfc() {
        // "Ħal" is fine; "e" + U+0301 must become "é".
        assert_eq!(norm("cafe\u{301} Ħal Qormi").1, "café Ħal Qormi");
    }

    #[test]
    fn collapses_whitespace_and_blank_lines() {
        let (_, t) = norm("  Dia  duit\t a chara \r\n\r\n\r\n\r\nSlán  \n");
        assert_eq!(t, "Dia duit a chara\n\nSlán");
    }

    #[test]
    fn keeps_clean_text_untouched_and_nbsp() {
        let s = "Bonjour\u{a0}! Ça va ?\nOui.";
        assert_eq!(clean(s, true, 2, true), None);
        assert_eq!(norm(s).1, s);
    }

    #[test]
    fn strips_controls_and_drops_empty() {
        assert_eq!(norm("a\u{0}b\u{feff}c").1, "abc");
        assert_eq!(norm(" \n\t ").0, Verdict::drop("empty"));
    }
}
