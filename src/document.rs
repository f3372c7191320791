//! The unit of work that flows through every stage.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// One text document on its way from a crawl to a training shard.
///
/// Stages read and rewrite it in place; everything a stage learns that is not
/// one of the first-class fields goes into `meta`, so later stages, the
/// rejected log and the outputs can all see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Stable identifier: the input's id field, the WARC-Record-ID, or `file:line`.
    pub id: String,
    /// The text itself (UTF-8). For WARC responses this is the HTTP body until
    /// `html_extract` turns it into main text.
    pub text: String,
    /// Where the text was found on the web, when known.
    pub url: Option<String>,
    /// Input file and position (`path:line`, `path@offset`, `path#row`), for audits.
    pub source: String,
    /// ISO 639-1 language code once a language has been identified or given.
    pub lang: Option<String>,
    /// Confidence of `lang`, in 0..=1.
    pub lang_score: Option<f32>,
    /// Everything else: input fields, HTTP headers, stage annotations.
    pub meta: Map<String, Value>,
    /// Token ids once `tokenize` ran (written by the `megatron` output).
    pub tokens: Option<Vec<u32>>,
}

impl Document {
    /// A document with just an id and a text; used by readers and tests.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }

    /// Size used for byte counters: the UTF-8 length of the text.
    pub fn text_bytes(&self) -> u64 {
        self.text.len() as u64
    }

    /// The language partition the document belongs to (`und` when unknown).
    pub fn lang_or_und(&self) -> &str {
        self.lang.as_deref().unwrap_or("und")
    }
}

/// Why a document was removed. `reason` is a short, low-cardinality label
/// (it keys the stats); `detail` carries the specifics for the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub reason: Cow<'static, str>,
    pub detail: Option<String>,
}

impl Rejection {
    /// A rejection with a fixed reason and no detail.
    pub fn new(reason: &'static str) -> Self {
        Rejection {
            reason: Cow::Borrowed(reason),
            detail: None,
        }
    }
}
