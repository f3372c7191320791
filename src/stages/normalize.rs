//! `normalize`: Unicode normalisation and whitespace clean-up, so that later
//! filters, hashes and tokenizers see one spelling of the same text.

use serde::Deserialize;
use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::{Stage, StageConfig, TaskContext, Verdict};
use crate::document::Document;
use crate::pipeline::registry::{Describe, ParamDoc, StageDoc};
use crate::stats::Counters;

/// Unicode normalisation forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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

/// Parameters of `normalize`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormalizeConfig {
    #[serde(default = "nfc")]
    pub unicode: UnicodeForm,
    #[serde(default = "yes")]
    pub whitespace: bool,
    #[serde(default = "two")]
    pub max_newlines: usize,
    #[serde(default = "yes")]
    pub strip_control: bool,
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
    const DOC: StageDoc = StageDoc {
        kind: "normalize",
        summary: "Unicode normalisation (NFC) and whitespace clean-up; drops documents left empty",
        barrier: false,
        params: &[
            ParamDoc {
                name: "unicode",
                ty: "nfc | nfkc | none",
                default: "nfc",
                doc: "Unicode normalisation form",
            },
            ParamDoc {
                name: "whitespace",
                ty: "bool",
                default: "true",
                doc: "collapse runs of spaces/tabs, trim lines, CRLF to LF",
            },
            ParamDoc {
                name: "max_newlines",
                ty: "integer",
                default: "2",
                doc: "most consecutive line breaks kept (2 = one blank line)",
            },
            ParamDoc {
                name: "strip_control",
                ty: "bool",
                default: "true",
                doc: "remove control characters and zero-width BOMs",
            },
        ],
    };
}

impl StageConfig for NormalizeConfig {
    fn kind(&self) -> &'static str {
        "normalize"
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(self.clone()))
    }
}

impl Stage for NormalizeConfig {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let renormalized = match self.unicode {
            UnicodeForm::Nfc if is_nfc_quick(doc.text.chars()) != IsNormalized::Yes => {
                Some(doc.text.nfc().collect::<String>())
            }
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

fn is_removable(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && c != '\r') || c == '\u{feff}' || c == '\u{200b}'
}

/// Quick check on bytes: does the text need any whitespace/control work?
fn needs_clean(s: &str, whitespace: bool, max_newlines: usize, strip_control: bool) -> bool {
    let b = s.as_bytes();
    if whitespace
        && (b.first().is_some_and(|c| c.is_ascii_whitespace()) || b.last().is_some_and(|c| c.is_ascii_whitespace()))
    {
        return true;
    }
    let mut run_nl = 0usize;
    let mut prev = 0u8;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\n' => {
                run_nl += 1;
                if whitespace && (prev == b' ' || run_nl > max_newlines) {
                    return true;
                }
            }
            b' ' => {
                if whitespace && (prev == b' ' || prev == b'\n') {
                    return true;
                }
                run_nl = 0;
            }
            b'\t' | b'\r' | 0x0b | 0x0c => {
                if whitespace {
                    return true;
                }
                run_nl = 0;
            }
            0..=0x1f | 0x7f => {
                if strip_control {
                    return true;
                }
            }
            // C1 controls U+0080..U+009F, BOM U+FEFF, zero-width space U+200B.
            0xc2 if strip_control && matches!(b.get(i + 1), Some(0x80..=0x9f)) => return true,
            0xef if strip_control && b.get(i + 1..i + 3) == Some(&[0xbb, 0xbf]) => return true,
            0xe2 if strip_control && b.get(i + 1..i + 3) == Some(&[0x80, 0x8b]) => return true,
            _ => run_nl = 0,
        }
        prev = c;
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

    fn norm(text: &str) -> (Verdict, String) {
        let mut cfg: NormalizeConfig = serde_json::from_str("{}").unwrap();
        let mut doc = Document::new("d", text);
        let v = cfg.process(&mut doc, &mut Counters::default()).unwrap();
        (v, doc.text)
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
