//! Added (special) tokens: found in the text before pre-tokenization, as the
//! library's `AddedVocabulary` does: first the tokens matched on the raw
//! text (`normalized: false`), then, in the pieces between them, those
//! matched on the normalized text (with no normalizer, the same text); each
//! pass takes the leftmost, then longest, match.

use aho_corasick::{AhoCorasick, MatchKind};

/// One matcher and the id of each of its patterns.
struct Pass {
    ac: AhoCorasick,
    ids: Vec<u32>,
}

pub struct Added {
    raw: Option<Pass>,
    normalized: Option<Pass>,
}

/// A piece of a document: text to pre-tokenize, or an added token.
pub enum Piece<'a> {
    Text(&'a str),
    Token(u32),
}

fn pass(tokens: Vec<(String, u32)>) -> Result<Option<Pass>, String> {
    if tokens.is_empty() {
        return Ok(None);
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(tokens.iter().map(|(t, _)| t))
        .map_err(|e| format!("added tokens: {e}"))?;
    Ok(Some(Pass {
        ac,
        ids: tokens.into_iter().map(|(_, id)| id).collect(),
    }))
}

impl Added {
    /// `(content, id, normalized)` of each added token.
    pub fn new(tokens: Vec<(String, u32, bool)>) -> Result<Added, String> {
        let (n, r): (Vec<_>, Vec<_>) = tokens.into_iter().partition(|t| t.2);
        let strip = |v: Vec<(String, u32, bool)>| v.into_iter().map(|(c, id, _)| (c, id)).collect();
        Ok(Added {
            raw: pass(strip(r))?,
            normalized: pass(strip(n))?,
        })
    }

    /// Calls `piece` with the document's pieces in order; no empty text.
    pub fn split<'a>(&self, text: &'a str, mut piece: impl FnMut(Piece<'a>)) {
        each(self.raw.as_ref(), text, &mut |p| match p {
            Piece::Text(t) => each(self.normalized.as_ref(), t, &mut piece),
            token => piece(token),
        });
    }
}

fn each<'a>(pass: Option<&Pass>, text: &'a str, piece: &mut dyn FnMut(Piece<'a>)) {
    let Some(p) = pass else {
        if !text.is_empty() {
            piece(Piece::Text(text));
        }
        return;
    };
    let mut at = 0;
    for m in p.ac.find_iter(text) {
        if m.start() > at {
            piece(Piece::Text(&text[at..m.start()]));
        }
        piece(Piece::Token(p.ids[m.pattern().as_usize()]));
        at = m.end();
    }
    if at < text.len() {
        piece(Piece::Text(&text[at..]));
    }
}
