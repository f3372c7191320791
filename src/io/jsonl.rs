//! JSON-lines reader: one document per line, plain or compressed, with
//! configurable field names. Bad lines are skipped and reported as
//! `file:line`; everything else in the file is still read.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::compress::{self, Decoded};
use super::units::{Part, Unit};
use super::{DocReader, ReadItem};
use crate::document::Document;
use crate::document::Rejection;
use crate::io::spec::InvalidUtf8;
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
    /// Uncompressed file: line numbers can be recomputed from byte offsets.
    plain: bool,
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
        let plain = decoded.is_plain();
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
            plain,
            buf: Vec::with_capacity(64 * 1024),
        })
    }

    /// `file:line` of the current line (computed lazily inside split files).
    fn here(&mut self, line_start: u64) -> String {
        match self.line {
            Some(l) => format!("{}:{}", self.display, l - 1),
            None if self.plain => match count_lines_before(&self.path, line_start) {
                Some(l) => format!("{}:{}", self.display, l + 1),
                None => format!("{}@{}", self.display, line_start),
            },
            None => format!("{}@{} (decompressed offset)", self.display, line_start),
        }
    }
}

/// Reads up to `limit` documents of a whole JSONL(.gz/.zst) file with the
/// default field names (for tools, benchmarks and tests; pipelines stream).
pub fn read_documents(path: &Path, limit: usize) -> anyhow::Result<Vec<Document>> {
    let unit = Unit {
        path: path.to_path_buf(),
        part: Part::Whole,
        bytes: 1,
    };
    let counter = Arc::new(AtomicU64::new(0));
    let mut r = JsonlReader::open(&unit, JsonlFields::default(), InvalidUtf8::Replace, counter)?;
    let mut stats = ReaderStats::default();
    let mut docs = Vec::new();
    while docs.len() < limit {
        match r.next_item(&mut stats)? {
            Some(ReadItem::Doc(d)) => docs.push(d),
            Some(ReadItem::Reject(..)) => {}
            None => break,
        }
    }
    Ok(docs)
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
                    let at = match self.line {
                        Some(l) => format!("{}:{l}", self.display),
                        None => self.here(line_start),
                    };
                    stats.lose("damaged_stream", &self.display, format!("from {at}"), e);
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
            let (mut a, b) = trim_line(&self.buf);
            // A UTF-8 byte-order mark on the first line is not part of the JSON.
            if line_start == 0 && self.buf[a..b].starts_with(b"\xef\xbb\xbf") {
                a += 3;
            }
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
        let source = match self.line {
            Some(l) => format!("{}:{}", self.display, l - 1),
            None => format!("{}@{}", self.display, line_start),
        };
        // Fast path: one pass that parses and validates UTF-8 together.
        let (parsed, lossy) = match parse_document(raw, &self.fields, source.clone()) {
            Err(LineError::NotJson(e)) => match std::str::from_utf8(raw) {
                Ok(_) => (Err(LineError::NotJson(e)), false),
                Err(bad) => {
                    if self.invalid_utf8 == InvalidUtf8::Skip {
                        let at = self.here(line_start);
                        let msg = format!("{at}: invalid UTF-8 at byte {} of the line", bad.valid_up_to());
                        stats.skip("invalid_utf8", msg);
                        return None;
                    }
                    let fixed = String::from_utf8_lossy(raw);
                    (parse_document(fixed.as_bytes(), &self.fields, source), true)
                }
            },
            other => (other, false),
        };
        match parsed {
            Ok(doc) if lossy && self.invalid_utf8 == InvalidUtf8::Reject => {
                Some(ReadItem::Reject(doc, Rejection::new("invalid_utf8")))
            }
            Ok(doc) => Some(ReadItem::Doc(doc)),
            Err(LineError::NotJson(e)) => {
                let at = self.here(line_start);
                stats.skip("not_json", format!("{at}: not a JSON object ({e})"));
                None
            }
            Err(LineError::BadRecord(msg)) => {
                let at = self.here(line_start);
                stats.skip("bad_record", format!("{at}: {msg}"));
                None
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

/// Why a line did not become a document.
#[derive(Debug)]
pub enum LineError {
    /// Not a JSON object (or invalid UTF-8 inside it).
    NotJson(String),
    /// Valid JSON, but without a usable text field.
    BadRecord(String),
}

/// Parses one JSON object straight into a document: the configured fields
/// become the first-class fields, `metadata` (as eurocurate writes it) is
/// merged, and every other key is kept in `meta`. No intermediate map.
pub fn parse_document(bytes: &[u8], fields: &JsonlFields, source: String) -> Result<Document, LineError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = DocSeed { fields, source };
    let result = seed
        .deserialize(&mut de)
        .map_err(|e| LineError::NotJson(e.to_string()))?;
    de.end().map_err(|e| LineError::NotJson(e.to_string()))?;
    result.map_err(LineError::BadRecord)
}

struct DocSeed<'a> {
    fields: &'a JsonlFields,
    source: String,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Result<Document, String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = Result<Document, String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let f = self.fields;
        let mut doc = Document {
            source: self.source,
            ..Default::default()
        };
        let mut text: Option<Value> = None;
        let mut id: Option<String> = None;
        let mut source: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == f.text {
                text = Some(map.next_value()?);
            } else if key == f.id {
                id = match map.next_value::<Value>()? {
                    Value::String(s) => Some(s),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                };
            } else if key == f.url {
                doc.url = map.next_value::<Option<String>>().ok().flatten();
            } else if key == f.lang {
                doc.lang = map
                    .next_value::<Option<String>>()?
                    .filter(|l| !l.is_empty())
                    .map(|l| crate::text::lang_code::to_iso639_1(&l).to_string());
            } else if key == "lang_score" {
                doc.lang_score = map.next_value::<Option<f32>>()?;
            } else if key == "source" {
                source = map.next_value::<Option<String>>()?;
            } else if key == "metadata" {
                match map.next_value::<Value>()? {
                    Value::Object(m) => {
                        for (k, v) in m {
                            doc.meta.insert(k, v);
                        }
                    }
                    other => {
                        doc.meta.insert(key, other);
                    }
                }
            } else {
                let v: Value = map.next_value()?;
                doc.meta.insert(key, v);
            }
        }
        match text {
            Some(Value::String(t)) => doc.text = t,
            Some(other) => {
                return Ok(Err(format!(
                    "field `{}` is {}, not a string",
                    f.text,
                    json_kind(&other)
                )))
            }
            None => {
                let mut keys: Vec<&str> = doc.meta.keys().map(String::as_str).collect();
                for (present, name) in [(id.is_some(), f.id.as_str()), (doc.url.is_some(), f.url.as_str())] {
                    if present {
                        keys.insert(0, name);
                    }
                }
                return Ok(Err(format!(
                    "no text field `{}` (the record has: {}); set `input.text_field`",
                    f.text,
                    keys.join(", ")
                )));
            }
        }
        doc.id = id.unwrap_or_else(|| doc.source.clone());
        if let Some(s) = source {
            doc.source = s;
        }
        Ok(Ok(doc))
    }
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
