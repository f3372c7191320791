//! JSON-lines reader: one document per line, plain or compressed, with
//! configurable field names. Bad lines are skipped and reported as
//! `file:line`; everything else in the file is still read.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::compress::{self, Decoded};
use super::units::{Part, Unit};
use super::{DocReader, ReadItem};
use crate::document::Document;
use crate::pipeline::spec::InvalidUtf8;
use crate::stages::Verdict;
use crate::stats::ReaderStats;

/// Field names to read documents from.
#[derive(Debug, Clone)]
pub struct JsonlFields {
    pub text: String,
    pub id: String,
    pub url: String,
    pub lang: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            text: "text".into(),
            id: "id".into(),
            url: "url".into(),
            lang: "lang".into(),
        }
    }
}

/// Streams the documents of one JSONL unit.
pub struct JsonlReader {
    path: PathBuf,
    display: String,
    reader: BufReader<Decoded>,
    fields: JsonlFields,
    invalid_utf8: InvalidUtf8,
    /// Byte position (in the decoded stream) of the next line.
    pos: u64,
    /// Lines before `pos` are owned by the previous range when `end` is set.
    end: Option<u64>,
    /// 1-based line number of the next line, when known.
    line: Option<u64>,
    buf: Vec<u8>,
}

impl JsonlReader {
    /// Opens a unit; byte ranges start at the first line beginning inside them.
    pub fn open(
        unit: &Unit,
        fields: JsonlFields,
        invalid_utf8: InvalidUtf8,
        counter: Arc<AtomicU64>,
    ) -> anyhow::Result<Self> {
        let (start, end) = match unit.part {
            Part::Bytes { start, end } => (start, Some(end)),
            _ => (0, None),
        };
        let open_at = start.saturating_sub(1);
        let decoded = compress::open(&unit.path, open_at, counter)
            .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", unit.path.display()))?;
        let mut reader = BufReader::with_capacity(256 * 1024, decoded);
        let mut pos = open_at;
        if start > 0 {
            // Skip the tail of the line the previous range owns.
            let mut skip = Vec::new();
            pos += reader.read_until(b'\n', &mut skip)? as u64;
        }
        Ok(JsonlReader {
            path: unit.path.clone(),
            display: unit.path.display().to_string(),
            reader,
            fields,
            invalid_utf8,
            pos,
            end,
            line: if start == 0 { Some(1) } else { None },
            buf: Vec::with_capacity(64 * 1024),
        })
    }

    /// `file:line` of the current line (computed lazily inside split files).
    fn here(&mut self, line_start: u64) -> String {
        match self.line {
            Some(l) => format!("{}:{}", self.display, l - 1),
            None => match count_lines_before(&self.path, line_start) {
                Some(l) => format!("{}:{}", self.display, l + 1),
                None => format!("{}@{}", self.display, line_start),
            },
        }
    }
}

fn count_lines_before(path: &Path, offset: u64) -> Option<u64> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let mut r = BufReader::new(file.take(offset));
    let mut n = 0u64;
    loop {
        let buf = r.fill_buf().ok()?;
        if buf.is_empty() {
            return Some(n);
        }
        n += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let len = buf.len();
        r.consume(len);
    }
}

impl DocReader for JsonlReader {
    fn next_item(&mut self, stats: &mut ReaderStats) -> anyhow::Result<Option<ReadItem>> {
        loop {
            if let Some(end) = self.end {
                if self.pos >= end {
                    return Ok(None);
                }
            }
            self.buf.clear();
            let line_start = self.pos;
            let n = match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(n) => n,
                Err(e) => {
                    let at = self.here(line_start);
                    stats.skip("damaged_stream", format!("{at}: {e}"));
                    // The partial line cannot be trusted; the decoder has
                    // moved to whatever can be recovered.
                    self.line = None;
                    self.end = None;
                    continue;
                }
            };
            if n == 0 {
                return Ok(None);
            }
            self.pos += n as u64;
            if let Some(l) = self.line.as_mut() {
                *l += 1;
            }
            let (a, b) = trim_line(&self.buf);
            if a == b {
                continue;
            }
            let raw = std::mem::take(&mut self.buf);
            let item = self.parse_line(&raw[a..b], line_start, stats);
            self.buf = raw;
            if let Some(item) = item {
                return Ok(Some(item));
            }
        }
    }
}

impl JsonlReader {
    fn parse_line(&mut self, raw: &[u8], line_start: u64, stats: &mut ReaderStats) -> Option<ReadItem> {
        {
            let (text, lossy) = match std::str::from_utf8(raw) {
                Ok(s) => (std::borrow::Cow::Borrowed(s), false),
                Err(e) => {
                    let at = self.here(line_start);
                    match self.invalid_utf8 {
                        InvalidUtf8::Skip => {
                            stats.skip(
                                "invalid_utf8",
                                format!("{at}: invalid UTF-8 at byte {} of the line", e.valid_up_to()),
                            );
                            return None;
                        }
                        _ => (String::from_utf8_lossy(raw), true),
                    }
                }
            };
            let obj: Map<String, Value> = match serde_json::from_str(&text) {
                Ok(o) => o,
                Err(e) => {
                    let at = self.here(line_start);
                    stats.skip("not_json", format!("{at}: not a JSON object ({e})"));
                    return None;
                }
            };
            let at_line = self.line.map(|l| l - 1);
            let source = match at_line {
                Some(l) => format!("{}:{}", self.display, l),
                None => format!("{}@{}", self.display, line_start),
            };
            match document_from_json(obj, &self.fields, source) {
                Ok(doc) => {
                    if lossy && self.invalid_utf8 == InvalidUtf8::Reject {
                        return Some(ReadItem::Reject(doc, Verdict::drop("invalid_utf8")));
                    }
                    Some(ReadItem::Doc(doc))
                }
                Err(msg) => {
                    let at = self.here(line_start);
                    stats.skip("bad_record", format!("{at}: {msg}"));
                    None
                }
            }
        }
    }
}

fn trim_line(buf: &[u8]) -> (usize, usize) {
    let mut end = buf.len();
    while end > 0 && matches!(buf[end - 1], b'\n' | b'\r' | b' ' | b'\t') {
        end -= 1;
    }
    let mut start = 0;
    while start < end && matches!(buf[start], b' ' | b'\t') {
        start += 1;
    }
    (start, end)
}

/// Builds a document from a JSON object: the configured fields become the
/// first-class fields, `metadata` (as eurocurate writes it) is merged, and
/// every other key is kept in `meta`.
pub fn document_from_json(
    mut obj: Map<String, Value>,
    fields: &JsonlFields,
    source: String,
) -> Result<Document, String> {
    let text = match obj.remove(&fields.text) {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(format!(
                "field `{}` is {} , not a string",
                fields.text,
                json_kind(&other)
            ))
        }
        None => {
            let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            return Err(format!(
                "no text field `{}` (the record has: {}); set `input.text_field`",
                fields.text,
                keys.join(", ")
            ));
        }
    };
    let id = match obj.remove(&fields.id) {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => source.clone(),
    };
    let url = match obj.remove(&fields.url) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    let lang = match obj.remove(&fields.lang) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    let lang_score = match obj.remove("lang_score") {
        Some(Value::Number(n)) => n.as_f64().map(|f| f as f32),
        _ => None,
    };
    let source = match obj.remove("source") {
        Some(Value::String(s)) => s,
        _ => source,
    };
    let mut meta = match obj.remove("metadata") {
        Some(Value::Object(m)) => m,
        Some(other) => {
            let mut m = Map::new();
            m.insert("metadata".into(), other);
            m
        }
        None => Map::new(),
    };
    meta.extend(obj);
    Ok(Document {
        id,
        text,
        url,
        source,
        lang,
        lang_score,
        meta,
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
