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
    /// Appends the record as one JSON object, byte-identical to
    /// `serde_json::to_writer(self)` but with a string escaper that copies
    /// clean runs of text in bulk (text is most of every record).
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.push(b'{');
        if let Some(r) = &self.rejection {
            out.extend_from_slice(b"\"phase\":");
            out.extend_from_slice(r.phase.to_string().as_bytes());
            out.extend_from_slice(b",\"stage\":");
            write_json_str(out, r.stage);
            if let Some(i) = r.stage_index {
                out.extend_from_slice(b",\"stage_index\":");
                out.extend_from_slice(i.to_string().as_bytes());
            }
            out.extend_from_slice(b",\"reason\":");
            write_json_str(out, r.reason);
            if let Some(d) = r.detail {
                out.extend_from_slice(b",\"detail\":");
                write_json_str(out, d);
            }
            out.push(b',');
        }
        out.extend_from_slice(b"\"id\":");
        write_json_str(out, self.id);
        out.extend_from_slice(b",\"text\":");
        write_json_str(out, self.text);
        if let Some(url) = self.url {
            out.extend_from_slice(b",\"url\":");
            write_json_str(out, url);
        }
        if let Some(lang) = self.lang {
            out.extend_from_slice(b",\"lang\":");
            write_json_str(out, lang);
        }
        if let Some(score) = self.lang_score {
            out.extend_from_slice(b",\"lang_score\":");
            serde_json::to_writer(&mut *out, &score)?;
        }
        out.extend_from_slice(b",\"source\":");
        write_json_str(out, self.source);
        if !self.metadata.is_empty() {
            out.extend_from_slice(b",\"metadata\":");
            serde_json::to_writer(&mut *out, self.metadata)?;
        }
        out.push(b'}');
        Ok(())
    }

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

/// Writes `s` as a JSON string with serde_json's escaping rules.
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if i + 32 <= b.len() {
            let mut special = false;
            for &c in &b[i..i + 32] {
                special |= (c < 0x20) | (c == b'"') | (c == b'\\');
            }
            if !special {
                i += 32;
                continue;
            }
        }
        let c = b[i];
        if c < 0x20 || c == b'"' || c == b'\\' {
            out.extend_from_slice(&b[start..i]);
            match c {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0c => out.extend_from_slice(b"\\f"),
                _ => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]),
            }
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// Uncompressed bytes per zstd frame. Independent frames compress faster
/// than one long stream (no cross-buffer match search), cost ~1% in size,
/// and any zstd reader decodes the concatenation as one stream.
const FRAME_BYTES: usize = 4 << 20;

/// Streams documents into one `.jsonl.zst` file, committed atomically.
pub struct JsonlZstWriter {
    file: AtomicFile,
    compressor: zstd::bulk::Compressor<'static>,
    buf: Vec<u8>,
    frame: Vec<u8>,
    /// Uncompressed bytes written.
    pub bytes: u64,
}

impl JsonlZstWriter {
    /// Starts a file at `path` (written as a temp file until commit).
    pub fn create(path: &Path, level: i32) -> anyhow::Result<Self> {
        Ok(JsonlZstWriter {
            file: AtomicFile::create(path)?,
            compressor: zstd::bulk::Compressor::new(level)?,
            buf: Vec::with_capacity(FRAME_BYTES + (64 << 10)),
            frame: Vec::new(),
            bytes: 0,
        })
    }

    /// Appends one document (outputs, spool and rejected/).
    pub fn write_doc(&mut self, doc: &DocJson) -> anyhow::Result<()> {
        let before = self.buf.len();
        doc.write_json(&mut self.buf)?;
        self.buf.push(b'\n');
        self.bytes += (self.buf.len() - before) as u64;
        if self.buf.len() >= FRAME_BYTES {
            self.flush_frame()?;
        }
        Ok(())
    }

    /// Appends any serializable record as one line (side tables of `mix`).
    pub fn write_record<T: Serialize>(&mut self, rec: &T) -> anyhow::Result<()> {
        let before = self.buf.len();
        serde_json::to_writer(&mut self.buf, rec)?;
        self.buf.push(b'\n');
        self.bytes += (self.buf.len() - before) as u64;
        if self.buf.len() >= FRAME_BYTES {
            self.flush_frame()?;
        }
        Ok(())
    }

    fn flush_frame(&mut self) -> anyhow::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.frame.clear();
        self.frame.reserve(zstd::zstd_safe::compress_bound(self.buf.len()));
        self.compressor.compress_to_buffer(&self.buf, &mut self.frame)?;
        self.file.write_all(&self.frame)?;
        self.buf.clear();
        Ok(())
    }

    /// Writes the last frame and renames the file into place. A file with
    /// no records still holds one empty frame, so it is valid zstd.
    pub fn commit(mut self) -> anyhow::Result<()> {
        if self.bytes == 0 {
            let empty = self.compressor.compress(&[])?;
            self.file.write_all(&empty)?;
        }
        self.flush_frame()?;
        self.file.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_writer_matches_serde_json_byte_for_byte() {
        let mut doc = Document::new(
            "id \"1\"",
            "Tab\there, quote \" and \\ back\u{1}slash\n\r\u{8}\u{c}\u{1f}\u{7f} Ħ “Ελλάδα” 😀".repeat(3),
        );
        doc.url = Some("https://ex.eu/a?b=\"c\"".into());
        doc.lang = Some("mt".into());
        doc.lang_score = Some(0.912_345);
        doc.meta.insert("k".into(), serde_json::json!({"a": [1, "x\ny"]}));
        let mut rec = DocJson::of(&doc);
        let mut fast = Vec::new();
        rec.write_json(&mut fast).unwrap();
        assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&rec).unwrap());
        rec.rejection = Some(RejectionJson {
            phase: 2,
            stage: "length_filter",
            stage_index: Some(1),
            reason: "too_few_words",
            detail: Some("3 < 50"),
        });
        let mut fast = Vec::new();
        rec.write_json(&mut fast).unwrap();
        assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&rec).unwrap());
        let plain = Document::new("a", "");
        let rec = DocJson::of(&plain);
        let mut fast = Vec::new();
        rec.write_json(&mut fast).unwrap();
        assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&rec).unwrap());
    }
}
