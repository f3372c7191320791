//! JSONL.zst writer, the default output and the format of rejected/ and of
//! the spool files between phases.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};

use super::atomic::AtomicFile;
use crate::document::Document;

/// The JSON shape of a document on disk (also read back by the JSONL reader).
#[derive(Serialize)]
pub struct DocJson<'a> {
    /// Set in rejected/ only: which stage dropped it and why (first, so
    /// `zstdcat rejected/* | head` shows the reason before the text).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<RejectionJson<'a>>,
    pub id: &'a str,
    pub text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang_score: Option<f32>,
    pub source: &'a str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub metadata: &'a Map<String, Value>,
}

/// Why a document is in rejected/.
#[derive(Serialize)]
pub struct RejectionJson<'a> {
    /// Pipeline phase that dropped it.
    pub phase: usize,
    /// Stage kind (`input` for the reader's own policies).
    pub stage: &'a str,
    /// Index of the stage in `stages:` (absent for `input`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage_index: Option<usize>,
    pub reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<&'a str>,
}

impl<'a> DocJson<'a> {
    /// Borrowed view of a document.
    pub fn of(doc: &'a Document) -> Self {
        DocJson {
            rejection: None,
            id: &doc.id,
            text: &doc.text,
            url: doc.url.as_deref(),
            lang: doc.lang.as_deref(),
            lang_score: doc.lang_score,
            source: &doc.source,
            metadata: &doc.meta,
        }
    }
}

/// Streams documents into one `.jsonl.zst` file, committed atomically.
pub struct JsonlZstWriter {
    encoder: zstd::stream::write::Encoder<'static, AtomicFile>,
    line: Vec<u8>,
    /// Uncompressed bytes written.
    pub bytes: u64,
}

impl JsonlZstWriter {
    /// Starts a file at `path` (written as a temp file until commit).
    pub fn create(path: &Path, level: i32) -> anyhow::Result<Self> {
        let file = AtomicFile::create(path)?;
        let encoder = zstd::stream::write::Encoder::new(file, level)?;
        Ok(JsonlZstWriter {
            encoder,
            line: Vec::with_capacity(64 * 1024),
            bytes: 0,
        })
    }

    /// Appends one JSON line.
    pub fn write<T: Serialize>(&mut self, record: &T) -> anyhow::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record)?;
        self.line.push(b'\n');
        self.encoder.write_all(&self.line)?;
        self.bytes += self.line.len() as u64;
        Ok(())
    }

    /// Finishes the zstd frame and renames the file into place.
    pub fn commit(self) -> anyhow::Result<()> {
        let file = self.encoder.finish()?;
        file.commit()?;
        Ok(())
    }
}
