//! WARC and WET reader (ISO 28500, WARC/1.0 and 1.1), plain or gzip with one
//! member per record. Response records are split into HTTP headers and body;
//! conversion (WET) and resource records give their content directly.
//!
//! Damage is contained: a record whose header block is unreadable is skipped
//! up to the next `WARC/` version line, a record cut short by the end of the
//! file is counted, and a corrupt gzip member is skipped (see `compress`).

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::compress::{self, Decoded};
use super::units::Unit;
use super::{DocReader, ReadItem};
use crate::document::Document;
use crate::document::Rejection;
use crate::io::spec::InvalidUtf8;
use crate::meta_schema::{MetaField, MetaType};
use crate::stats::ReaderStats;

/// Streams documents out of one WARC/WET file.
pub struct WarcReader {
    display: String,
    reader: Replay<BufReader<Decoded>>,
    record_types: Vec<String>,
    invalid_utf8: InvalidUtf8,
    /// Offset in the decoded stream.
    pos: u64,
    /// True after damage until the next version line.
    resyncing: bool,
    line: Vec<u8>,
    /// Records with a larger Content-Length are skipped, not read into memory.
    max_record_bytes: u64,
}

/// Default of `input.max_record_mb`: far above any page a crawler keeps
/// (Common Crawl truncates at 1 MiB), far below what a damaged
/// Content-Length can claim.
pub const DEFAULT_MAX_RECORD_MB: f64 = 256.0;

/// Media types that carry text a later stage can use.
fn is_text_mime(mime: &str) -> bool {
    mime.is_empty()
        || mime.starts_with("text/")
        || mime == "application/xhtml+xml"
        || mime == "application/xml"
        || mime == "application/rss+xml"
        || mime == "application/atom+xml"
}

impl WarcReader {
    /// Opens a WARC (`record_types` e.g. response/resource) or WET
    /// (conversion) file.
    pub fn open(
        unit: &Unit,
        record_types: Vec<String>,
        invalid_utf8: InvalidUtf8,
        counter: Arc<AtomicU64>,
    ) -> anyhow::Result<Self> {
        let decoded = compress::open(&unit.path, 0, counter)
            .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", unit.path.display()))?;
        Ok(WarcReader {
            display: unit.path.display().to_string(),
            reader: Replay {
                buf: Vec::new(),
                pos: 0,
                inner: BufReader::with_capacity(256 * 1024, decoded),
            },
            record_types,
            invalid_utf8,
            pos: 0,
            resyncing: false,
            line: Vec::with_capacity(256),
            max_record_bytes: (DEFAULT_MAX_RECORD_MB * 1024.0 * 1024.0) as u64,
        })
    }

    /// Skips (and counts) records whose Content-Length exceeds `bytes`.
    pub fn with_max_record_bytes(mut self, bytes: u64) -> Self {
        self.max_record_bytes = bytes;
        self
    }

    /// Reads one line into `self.line`; `Ok(false)` at end of stream.
    fn read_line(&mut self) -> std::io::Result<bool> {
        self.line.clear();
        let n = self.reader.read_until(b'\n', &mut self.line)?;
        self.pos += n as u64;
        Ok(n > 0)
    }

    /// Records damage and resynchronises on the next record.
    fn damaged(&mut self, stats: &mut ReaderStats, cause: &str, msg: String) {
        stats.skip(cause, msg);
        self.resyncing = true;
    }

    /// The file ends inside the record at `record_start`: what a truncated
    /// download looks like, and the rest of the file is lost.
    fn truncated(&self, stats: &mut ReaderStats, record_start: u64, present: u64, len: u64) {
        let msg = format!(
            "{}@{record_start}: file ends inside a record ({present} of {len} body bytes present); earlier records are kept",
            self.display
        );
        stats.lose(
            "truncated_file",
            &self.display,
            format!("from offset {record_start}"),
            msg,
        );
    }

    /// A read error of the decoded stream. A damaged gzip member after
    /// which reading resumes is one lost record (WARC files hold one record
    /// per member), skipped and counted; a stream that ends in damage loses
    /// an unknown number of records: that is a loss.
    fn stream_error(&mut self, stats: &mut ReaderStats, record_start: u64, e: std::io::Error) {
        let msg = format!("{}@{record_start}: {e}", self.display);
        if compress::Damage::resumes_after(&e) {
            self.damaged(stats, "damaged_stream", msg);
        } else {
            stats.lose(
                "damaged_stream",
                &self.display,
                format!("from offset {record_start}"),
                msg,
            );
            self.resyncing = true;
        }
    }
}

/// Position of the first `WARC/1.` version line inside `data` (at a line
/// start, not at offset 0), where a swallowed next record begins.
fn find_version_line(data: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(data, b"\nWARC/1.").next().map(|i| i + 1)
}

/// A buffered reader with bytes pushed back in front of it, so data read
/// past a damaged record can be parsed again as the records it holds.
struct Replay<R> {
    buf: Vec<u8>,
    pos: usize,
    inner: R,
}

impl<R> Replay<R> {
    fn push_back(&mut self, mut data: Vec<u8>) {
        data.extend_from_slice(&self.buf[self.pos..]);
        self.buf = data;
        self.pos = 0;
    }
}

impl<R: BufRead> Read for Replay<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos < self.buf.len() {
            let n = out.len().min(self.buf.len() - self.pos);
            out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        self.inner.read(out)
    }
}

impl<R: BufRead> BufRead for Replay<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos < self.buf.len() {
            return Ok(&self.buf[self.pos..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.pos < self.buf.len() {
            self.pos += n;
        } else {
            self.inner.consume(n);
        }
    }
}

/// The metadata fields WARC and WET records carry.
pub fn metadata_fields() -> Vec<MetaField> {
    let s = |name: &str, doc: &str| MetaField::new(name, MetaType::Str, doc);
    vec![
        s("warc_type", "WARC record type (`response`, `conversion`, ...)"),
        s("warc_date", "WARC-Date of the record"),
        s(
            "warc_truncated",
            "WARC-Truncated reason, when the crawler cut the record",
        ),
        s("warc_refers_to", "WARC-Refers-To of a WET record"),
        MetaField::new("http_status", MetaType::Int, "HTTP status of a response record"),
        MetaField::new(
            "http_headers",
            MetaType::Json,
            "HTTP response headers, lower-cased names (JSON object text)",
        ),
        s("content_type", "Content-Type of the payload"),
        s("charset", "character set the page was decoded from"),
        s(
            "charset_source",
            "how the charset was found (header, meta, detected, ...)",
        ),
    ]
}

/// A parsed WARC header block.
struct WarcHeaders {
    fields: Vec<(String, String)>,
}

impl WarcHeaders {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl DocReader for WarcReader {
    fn next_item(&mut self, stats: &mut ReaderStats) -> anyhow::Result<Option<ReadItem>> {
        'records: loop {
            let record_start = self.pos;
            match self.read_line() {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(e) => {
                    self.stream_error(stats, record_start, e);
                    continue;
                }
            }
            if self.line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if !self.line.starts_with(b"WARC/") {
                if !self.resyncing {
                    let shown = String::from_utf8_lossy(&self.line[..self.line.len().min(40)])
                        .trim()
                        .to_string();
                    let msg = format!(
                        "{}@{}: corrupt WARC record: expected a `WARC/1.x` version line, found `{shown}`; skipping to the next record",
                        self.display, record_start
                    );
                    self.damaged(stats, "corrupt_record", msg);
                }
                continue;
            }
            self.resyncing = false;
            // Header block.
            let mut fields: Vec<(String, String)> = Vec::new();
            let mut bad: Option<String> = None;
            loop {
                match self.read_line() {
                    Ok(true) => {}
                    Ok(false) => {
                        bad = Some("file ends inside the WARC header block".into());
                        break;
                    }
                    Err(e) if compress::Damage::resumes_after(&e) => {
                        bad = Some(e.to_string());
                        break;
                    }
                    Err(e) => {
                        self.stream_error(stats, record_start, e);
                        continue 'records;
                    }
                }
                let l = String::from_utf8_lossy(&self.line);
                let l = l.trim_end_matches(['\r', '\n']);
                if l.is_empty() {
                    break;
                }
                if l.starts_with([' ', '\t']) {
                    if let Some(last) = fields.last_mut() {
                        last.1.push(' ');
                        last.1.push_str(l.trim());
                        continue;
                    }
                }
                match l.split_once(':') {
                    Some((k, v)) if !k.is_empty() && !k.contains(' ') => {
                        fields.push((k.to_string(), v.trim().to_string()))
                    }
                    _ => {
                        bad = Some(format!("malformed WARC header line `{}`", &l[..l.len().min(60)]));
                        break;
                    }
                }
            }
            if let Some(why) = bad {
                let msg = format!(
                    "{}@{}: corrupt WARC record: {why}; skipping to the next record",
                    self.display, record_start
                );
                self.damaged(stats, "corrupt_record", msg);
                continue;
            }
            let headers = WarcHeaders { fields };
            let Some(len) = headers.get("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()) else {
                let msg = format!(
                    "{}@{}: corrupt WARC record: missing or invalid Content-Length; skipping to the next record",
                    self.display, record_start
                );
                self.damaged(stats, "corrupt_record", msg);
                continue;
            };
            if len > self.max_record_bytes {
                // A Content-Length is trusted for reading, never for an
                // allocation: an oversized record is streamed past.
                let skipped = std::io::copy(&mut (&mut self.reader).take(len), &mut std::io::sink());
                match skipped {
                    Ok(n) if n == len => {
                        self.pos += n;
                        stats.skip(
                            "record_too_large",
                            format!(
                                "{}@{record_start}: record of {len} bytes is over input.max_record_mb ({} bytes); skipped",
                                self.display, self.max_record_bytes
                            ),
                        );
                        continue;
                    }
                    Ok(n) => {
                        self.pos += n;
                        self.truncated(stats, record_start, n, len);
                        return Ok(None);
                    }
                    Err(e) => {
                        self.stream_error(stats, record_start, e);
                        continue;
                    }
                }
            }
            let mut body = Vec::with_capacity(len.min(16 << 20) as usize);
            match (&mut self.reader).take(len).read_to_end(&mut body) {
                Ok(n) => self.pos += n as u64,
                Err(e) => {
                    self.stream_error(stats, record_start, e);
                    continue;
                }
            }
            let body_start = self.pos - body.len() as u64;
            let short = (body.len() as u64) < len;
            // A record must be followed by its blank separator line, the next
            // `WARC/` line, or the end of the file; anything else means the
            // Content-Length is wrong and the body has swallowed (or cut) data.
            let ends_well = short
                || self.reader.fill_buf().is_ok_and(|next| {
                    next.is_empty()
                        || next.starts_with(b"\r\n")
                        || next.starts_with(b"\n")
                        || next.starts_with(b"WARC/")
                });
            if short || !ends_well {
                if let Some(i) = find_version_line(&body) {
                    // Give back what belongs to the following records.
                    let tail = body.split_off(i);
                    self.pos = body_start + i as u64;
                    self.reader.push_back(tail);
                    let msg = format!(
                        "{}@{}: corrupt WARC record: its Content-Length ({len}) runs into the next record at offset {}; skipped",
                        self.display, record_start, self.pos
                    );
                    stats.skip("corrupt_record", msg);
                    continue;
                }
                if short {
                    self.truncated(stats, record_start, body.len() as u64, len);
                    return Ok(None);
                }
                let msg = format!(
                    "{}@{}: corrupt WARC record: data after its {len}-byte body is not a record boundary; skipping to the next record",
                    self.display, record_start
                );
                self.damaged(stats, "corrupt_record", msg);
                continue;
            }
            let wtype = headers.get("WARC-Type").unwrap_or("").to_ascii_lowercase();
            if !self.record_types.contains(&wtype) {
                stats.skipped.add(&format!("record_type:{wtype}"), 1);
                continue;
            }
            match self.record_to_doc(&headers, &wtype, body, record_start, stats) {
                Some(item) => return Ok(Some(item)),
                None => continue,
            }
        }
    }
}

impl WarcReader {
    fn record_to_doc(
        &self,
        headers: &WarcHeaders,
        wtype: &str,
        body: Vec<u8>,
        record_start: u64,
        stats: &mut ReaderStats,
    ) -> Option<ReadItem> {
        let mut meta = Map::new();
        meta.insert("warc_type".into(), Value::String(wtype.to_string()));
        if let Some(d) = headers.get("WARC-Date") {
            meta.insert("warc_date".into(), Value::String(d.to_string()));
        }
        if let Some(t) = headers.get("WARC-Truncated") {
            meta.insert("warc_truncated".into(), Value::String(t.to_string()));
            stats.skipped.add("warc_truncated_kept", 1);
        }
        if let Some(r) = headers.get("WARC-Refers-To") {
            meta.insert("warc_refers_to".into(), Value::String(r.to_string()));
        }
        let warc_ct = headers.get("Content-Type").unwrap_or("").to_ascii_lowercase();
        let (payload, mime) = if wtype == "response" && warc_ct.starts_with("application/http") {
            let (status, http, payload) = match parse_http(&body) {
                Some(p) => p,
                None => {
                    stats.skip(
                        "bad_http",
                        format!(
                            "{}@{}: response record without a readable HTTP header",
                            self.display, record_start
                        ),
                    );
                    return None;
                }
            };
            // Redirects, errors and "not modified" carry no page text worth keeping.
            if !(200..300).contains(&status) {
                stats.skipped.add(&format!("http_status:{status}"), 1);
                return None;
            }
            meta.insert("http_status".into(), Value::from(status));
            let mime = http
                .get("content-type")
                .and_then(Value::as_str)
                .map(|ct| ct.to_string())
                .unwrap_or_default();
            let payload = match decode_transfer(&http, payload) {
                Ok(p) => p,
                Err(why) => {
                    stats.skip("bad_http", format!("{}@{}: {why}", self.display, record_start));
                    return None;
                }
            };
            meta.insert("http_headers".into(), Value::Object(http));
            (payload, mime)
        } else {
            (body, warc_ct.clone())
        };
        let base_mime = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !mime.is_empty() {
            meta.insert("content_type".into(), Value::String(mime.clone()));
        }
        if !is_text_mime(&base_mime) {
            stats.skipped.add(&format!("mime:{base_mime}"), 1);
            return None;
        }
        let id = headers
            .get("WARC-Record-ID")
            .map(|s| s.trim_matches(['<', '>']).to_string())
            .unwrap_or_else(|| format!("{}@{}", self.display, record_start));
        let url = headers
            .get("WARC-Target-URI")
            .map(|s| s.trim_matches(['<', '>']).to_string());
        let source = format!("{}@{}", self.display, record_start);
        let (text, lossy) = match super::charset::decode(&payload, &mime, url.as_deref()) {
            Some((text, encoding, how)) => {
                meta.insert("charset".into(), Value::String(encoding.name().to_string()));
                meta.insert("charset_source".into(), Value::String(how.as_str().to_string()));
                (text, false)
            }
            None => {
                if self.invalid_utf8 == InvalidUtf8::Skip {
                    let at = std::str::from_utf8(&payload)
                        .err()
                        .map(|e| e.valid_up_to())
                        .unwrap_or(0);
                    stats.skip(
                        "invalid_utf8",
                        format!("{source}: payload is not valid UTF-8 (byte {at}) and declares no charset"),
                    );
                    return None;
                }
                (String::from_utf8_lossy(&payload).into_owned(), true)
            }
        };
        let doc = Document {
            id,
            text,
            url,
            source,
            lang: None,
            lang_score: None,
            meta,
            tokens: None,
        };
        if lossy && self.invalid_utf8 == InvalidUtf8::Reject {
            return Some(ReadItem::Reject(doc, Rejection::new("invalid_utf8")));
        }
        Some(ReadItem::Doc(doc))
    }
}

/// Splits an HTTP response into status, lower-cased headers and body.
fn parse_http(body: &[u8]) -> Option<(u16, Map<String, Value>, &[u8])> {
    let (head_len, sep) = find_head_end(body)?;
    let head = String::from_utf8_lossy(&body[..head_len]);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    if !status_line.starts_with("HTTP/") {
        return None;
    }
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut headers = Map::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            let v = v.trim();
            match headers.get_mut(&k) {
                Some(Value::String(prev)) => {
                    prev.push_str(", ");
                    prev.push_str(v);
                }
                _ => {
                    headers.insert(k, Value::String(v.to_string()));
                }
            }
        }
    }
    Some((status, headers, &body[head_len + sep..]))
}

fn find_head_end(body: &[u8]) -> Option<(usize, usize)> {
    let crlf = body.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, 4));
    let lf = body.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Undoes chunked transfer encoding and gzip/deflate content encoding, which
/// crawlers store as they were sent.
fn decode_transfer(http: &Map<String, Value>, payload: &[u8]) -> Result<Vec<u8>, String> {
    let header = |k: &str| http.get(k).and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
    let mut data = if header("transfer-encoding").contains("chunked") {
        dechunk(payload).unwrap_or_else(|| payload.to_vec())
    } else {
        payload.to_vec()
    };
    let enc = header("content-encoding");
    if enc.contains("gzip") || enc.contains("deflate") {
        let mut out = Vec::new();
        let ok = if enc.contains("gzip") {
            flate2::read::MultiGzDecoder::new(&data[..])
                .read_to_end(&mut out)
                .is_ok()
        } else {
            flate2::read::ZlibDecoder::new(&data[..]).read_to_end(&mut out).is_ok() || {
                out.clear();
                flate2::read::DeflateDecoder::new(&data[..])
                    .read_to_end(&mut out)
                    .is_ok()
            }
        };
        // Many crawlers store the decoded body but keep the header; only
        // replace the payload when decoding worked.
        if ok {
            data = out;
        }
    } else if enc.contains("br") || enc.contains("zstd") {
        return Err(format!("content encoding `{enc}` is not supported"));
    }
    Ok(data)
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let nl = data.iter().position(|&b| b == b'\n')?;
        let size_line = std::str::from_utf8(&data[..nl]).ok()?.trim();
        let size = usize::from_str_radix(size_line.split(';').next()?.trim(), 16).ok()?;
        data = &data[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size {
            out.extend_from_slice(data);
            return Some(out);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        while data.first().is_some_and(|b| *b == b'\r' || *b == b'\n') {
            data = &data[1..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WARC response record around an HTTP response.
    fn response(http: &[u8]) -> Vec<u8> {
        let head = format!(
            "WARC/1.1\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            http.len()
        );
        [head.as_bytes(), http, b"\r\n\r\n"].concat()
    }

    /// Every document of a WARC file made of `bytes`, and the reader's stats.
    fn read_all(bytes: &[u8]) -> (Vec<Document>, ReaderStats) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.warc");
        std::fs::write(&path, bytes).unwrap();
        let unit = Unit {
            path,
            part: crate::io::Part::Whole,
            bytes: 1,
        };
        let counter = Arc::new(AtomicU64::new(0));
        let mut r = WarcReader::open(&unit, vec!["response".into()], InvalidUtf8::Replace, counter).unwrap();
        let mut stats = ReaderStats::default();
        let mut docs = Vec::new();
        while let Some(ReadItem::Doc(d)) = r.next_item(&mut stats).unwrap() {
            docs.push(d);
        }
        (docs, stats)
    }

    #[test]
    fn non_2xx_responses_are_skipped_and_counted() {
        let rec = |status: &str, body: &str| {
            response(format!("HTTP/1.1 {status}\r\nContent-Type: text/html\r\n\r\n{body}").as_bytes())
        };
        let (docs, stats) = read_all(
            &[
                rec("200 OK", "<p>kept</p>"),
                rec("301 Moved", ""),
                rec("404 Not Found", "<p>gone</p>"),
            ]
            .concat(),
        );
        let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["<p>kept</p>"]);
        assert_eq!(
            (
                stats.skipped.get("http_status:301"),
                stats.skipped.get("http_status:404")
            ),
            (1, 1)
        );
    }

    #[test]
    fn legacy_charsets_are_decoded_and_recorded() {
        let body = encoding_rs::WINDOWS_1250
            .encode("<p>Příliš žluťoučký kůň</p>")
            .0
            .into_owned();
        let http = [
            &b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1250\r\n\r\n"[..],
            &body,
        ]
        .concat();
        let (docs, _) = read_all(&response(&http));
        assert_eq!(docs[0].text, "<p>Příliš žluťoučký kůň</p>");
        assert_eq!(
            (
                docs[0].meta["charset"].as_str(),
                docs[0].meta["charset_source"].as_str()
            ),
            (Some("windows-1250"), Some("http"))
        );
    }

    #[test]
    fn http_head_and_chunked_body() {
        let body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        let (status, headers, payload) = parse_http(body).unwrap();
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "text/html");
        assert_eq!(decode_transfer(&headers, payload).unwrap(), b"hello world");
    }
}
