//! Opening input files by extension (.gz, .zst, plain) as one byte stream,
//! with damage contained: a corrupt gzip member is skipped up to the next
//! member, a truncated stream ends with an error naming the offset, and
//! everything decoded before the damage is kept.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Compression of a file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// Decides from the first bytes of a file, whatever its name says:
    /// crawls arrive with `.gz` files that are plain and plain names that are
    /// compressed.
    pub fn from_head(head: &[u8]) -> Self {
        match head {
            [0x1f, 0x8b, ..] => Compression::Gzip,
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
            _ => Compression::None,
        }
    }

    /// [`Compression::from_head`] of the file at `path` (plain when unreadable).
    pub fn sniff(path: &Path) -> Self {
        let mut head = [0u8; 4];
        let n = File::open(path)
            .and_then(|mut f| read_up_to(&mut f, &mut head))
            .unwrap_or(0);
        Compression::from_head(&head[..n])
    }
}

/// Counts bytes read from the file, shared with progress and stats.
pub struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A decoded stream that reports damage as an `io::Error` once and then goes
/// on with what follows it, if anything can be recovered.
///
/// Callers treat an error as "records lost here" (count it, log it) and keep
/// reading; `Ok(0)` is the real end.
pub struct Decoded {
    inner: DecodedInner,
}

enum DecodedInner {
    Plain(BufReader<CountingReader<File>>),
    Gzip(GzMembers),
    Zstd(
        Box<zstd::stream::read::Decoder<'static, BufReader<CountingReader<File>>>>,
        bool,
    ),
}

impl Read for Decoded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.inner {
            DecodedInner::Plain(r) => r.read(buf),
            DecodedInner::Gzip(g) => g.read(buf),
            DecodedInner::Zstd(z, failed) => {
                if *failed {
                    return Ok(0);
                }
                z.read(buf).map_err(|e| {
                    *failed = true;
                    Damage::error(
                        format!("zstd stream is damaged or truncated ({e}); the rest of the file is lost"),
                        false,
                    )
                })
            }
        }
    }
}

impl Decoded {
    /// True when the file is read as is (byte offsets are file offsets).
    pub fn is_plain(&self) -> bool {
        matches!(self.inner, DecodedInner::Plain(_))
    }
}

/// Opens `path`, decompressing by content (gzip and zstd magic numbers).
/// `counter` receives the number of raw (compressed) bytes read; `start`
/// seeks into plain files.
pub fn open(path: &Path, start: u64, counter: Arc<AtomicU64>) -> io::Result<Decoded> {
    let mut file = File::open(path)?;
    if start > 0 {
        file.seek(SeekFrom::Start(start))?;
    }
    let mut reader = BufReader::with_capacity(
        256 * 1024,
        CountingReader {
            inner: file,
            count: counter,
        },
    );
    let kind = if start == 0 {
        Compression::from_head(reader.fill_buf()?)
    } else {
        Compression::None
    };
    let inner = match kind {
        Compression::None => DecodedInner::Plain(reader),
        Compression::Gzip => DecodedInner::Gzip(GzMembers::new(reader)),
        Compression::Zstd => {
            let mut d = zstd::stream::read::Decoder::with_buffer(reader)?;
            d.window_log_max(31)?;
            DecodedInner::Zstd(Box::new(d), false)
        }
    };
    Ok(Decoded { inner })
}

/// Reads concatenated gzip members (as WARC.gz files are: one member per
/// record) and recovers from a damaged member by scanning for the next
/// member header.
pub struct GzMembers {
    src: BufReader<CountingReader<File>>,
    /// Compressed offset of the current member's first byte.
    member_start: u64,
    /// Compressed bytes consumed so far.
    pos: u64,
    decoder: Option<flate2::Decompress>,
    header_done: bool,
    trailer_left: usize,
    finished: bool,
}

const GZ_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

impl GzMembers {
    fn new(src: BufReader<CountingReader<File>>) -> Self {
        GzMembers {
            src,
            member_start: 0,
            pos: 0,
            decoder: None,
            header_done: false,
            trailer_left: 0,
            finished: false,
        }
    }

    fn consume(&mut self, n: usize) {
        self.src.consume(n);
        self.pos += n as u64;
    }

    /// Parses a gzip member header (RFC 1952) at the current position.
    fn read_header(&mut self) -> io::Result<bool> {
        let mut fixed = [0u8; 10];
        let got = read_up_to(&mut self.src, &mut fixed)?;
        self.pos += got as u64;
        if got == 0 {
            return Ok(false);
        }
        if got < 10 || fixed[..3] != GZ_MAGIC {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "not a gzip member header"));
        }
        let flags = fixed[3];
        if flags & 0x04 != 0 {
            let mut xlen = [0u8; 2];
            self.read_exact_counted(&mut xlen)?;
            let mut skip = vec![0u8; u16::from_le_bytes(xlen) as usize];
            self.read_exact_counted(&mut skip)?;
        }
        for flag in [0x08u8, 0x10] {
            if flags & flag != 0 {
                loop {
                    let mut b = [0u8; 1];
                    self.read_exact_counted(&mut b)?;
                    if b[0] == 0 {
                        break;
                    }
                }
            }
        }
        if flags & 0x02 != 0 {
            let mut crc = [0u8; 2];
            self.read_exact_counted(&mut crc)?;
        }
        Ok(true)
    }

    fn read_exact_counted(&mut self, buf: &mut [u8]) -> io::Result<()> {
        self.src.read_exact(buf)?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    /// Skips forward to the next gzip member header; false at end of file.
    fn resync(&mut self) -> io::Result<bool> {
        // Move at least one byte past the damaged member's start.
        loop {
            let buf = self.src.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let found = buf.windows(3).position(|w| w == GZ_MAGIC);
            match found {
                Some(i) => {
                    self.consume(i);
                    return Ok(true);
                }
                None => {
                    let keep = buf.len().min(2);
                    let n = buf.len() - keep;
                    if n == 0 {
                        // Fewer than three bytes left: no further member.
                        let len = buf.len();
                        self.consume(len);
                        return Ok(false);
                    }
                    self.consume(n);
                }
            }
        }
    }

    fn damaged(&mut self, what: &str) -> io::Error {
        let at = self.member_start;
        self.decoder = None;
        self.header_done = false;
        self.trailer_left = 0;
        // Skip the first byte of the damaged member so resync finds the next one.
        if self.pos == at {
            if let Ok(buf) = self.src.fill_buf() {
                if !buf.is_empty() {
                    self.consume(1);
                }
            }
        }
        let recovered = self.resync().unwrap_or(false);
        if !recovered {
            self.finished = true;
        }
        let tail = if recovered {
            format!("; reading resumes at the next gzip member (offset {})", self.pos)
        } else {
            "; no further gzip member, the rest of the file is lost".to_string()
        };
        Damage::error(
            format!("{what} in the gzip member at compressed offset {at}{tail}"),
            recovered,
        )
    }
}

/// Damage in a compressed stream, carried inside the `io::Error` the
/// decoded stream returns, so readers can tell "one damaged gzip member,
/// reading resumes after it" from "the rest of the file is lost".
#[derive(Debug)]
pub struct Damage {
    message: String,
    /// Reading resumes at the next gzip member.
    pub resumes: bool,
}

impl Damage {
    fn error(message: String, resumes: bool) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, Damage { message, resumes })
    }

    /// True when `e` is damage after which the stream goes on.
    pub fn resumes_after(e: &io::Error) -> bool {
        e.get_ref()
            .and_then(|x| x.downcast_ref::<Damage>())
            .is_some_and(|d| d.resumes)
    }
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Damage {}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

impl Read for GzMembers {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.finished {
                return Ok(0);
            }
            if self.trailer_left > 0 {
                let buf = self.src.fill_buf()?;
                if buf.is_empty() {
                    return Err(self.damaged("truncated gzip trailer"));
                }
                let n = buf.len().min(self.trailer_left);
                self.consume(n);
                self.trailer_left -= n;
                continue;
            }
            if !self.header_done {
                self.member_start = self.pos;
                match self.read_header() {
                    Ok(true) => {
                        self.header_done = true;
                        self.decoder = Some(flate2::Decompress::new(false));
                    }
                    Ok(false) => {
                        self.finished = true;
                        return Ok(0);
                    }
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                        return Err(self.damaged("truncated gzip header"))
                    }
                    Err(_) => return Err(self.damaged("bad gzip header")),
                }
            }
            let input = self.src.fill_buf()?;
            let eof = input.is_empty();
            let dec = self.decoder.as_mut().expect("decoder exists after header");
            let before_in = dec.total_in();
            let before_out = dec.total_out();
            let status = dec.decompress(input, out, flate2::FlushDecompress::None);
            let used = (dec.total_in() - before_in) as usize;
            let produced = (dec.total_out() - before_out) as usize;
            self.consume(used);
            match status {
                Ok(flate2::Status::StreamEnd) => {
                    self.header_done = false;
                    self.decoder = None;
                    self.trailer_left = 8;
                    if produced > 0 {
                        return Ok(produced);
                    }
                }
                Ok(_) => {
                    if produced > 0 {
                        return Ok(produced);
                    }
                    if eof {
                        return Err(self.damaged("file ends inside a gzip member (truncated download?)"));
                    }
                    if used == 0 {
                        return Err(self.damaged("gzip decoder made no progress"));
                    }
                }
                Err(_) => return Err(self.damaged("corrupt deflate data")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(path: &Path) -> (Vec<u8>, Vec<String>) {
        let mut r = open(path, 0, Arc::new(AtomicU64::new(0))).unwrap();
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut buf = [0u8; 7];
        loop {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => errors.push(e.to_string()),
            }
        }
        (out, errors)
    }

    #[test]
    fn reads_multi_member_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.gz");
        let mut bytes = gz(b"first\n");
        bytes.extend(gz(b"second\n"));
        std::fs::write(&p, bytes).unwrap();
        let (out, errors) = read_all(&p);
        assert_eq!(out, b"first\nsecond\n");
        assert!(errors.is_empty());
    }

    #[test]
    fn skips_a_corrupt_member_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.gz");
        let a = gz(b"first\n");
        let mut b = gz(&b"second line that is long enough to matter\n".repeat(20));
        let mid = b.len() / 2;
        for x in &mut b[12..mid] {
            *x = 0xff;
        }
        let c = gz(b"third\n");
        let bad_at = a.len();
        std::fs::write(&p, [a, b, c].concat()).unwrap();
        let (out, errors) = read_all(&p);
        let text = String::from_utf8_lossy(&out);
        assert!(text.starts_with("first\n"), "{text}");
        assert!(text.ends_with("third\n"), "{text}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains(&format!("offset {bad_at}")), "{errors:?}");
    }

    #[test]
    fn truncated_gzip_keeps_what_came_before() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.gz");
        let a = gz(b"first\n");
        let b = gz(&b"second\n".repeat(1000));
        let cut = a.len() + b.len() / 2;
        std::fs::write(&p, &[a, b].concat()[..cut]).unwrap();
        let (out, errors) = read_all(&p);
        assert!(out.starts_with(b"first\n"));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].contains("truncated") || errors[0].contains("ends inside"),
            "{errors:?}"
        );
    }

    #[test]
    fn content_decides_not_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let plain_named_gz = dir.path().join("a.jsonl.gz");
        std::fs::write(&plain_named_gz, b"plain\n").unwrap();
        let gz_named_plain = dir.path().join("b.jsonl");
        std::fs::write(&gz_named_plain, gz(b"zipped\n")).unwrap();
        assert_eq!(read_all(&plain_named_gz).0, b"plain\n");
        assert_eq!(read_all(&gz_named_plain).0, b"zipped\n");
    }

    #[test]
    fn empty_gzip_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.gz");
        std::fs::write(&p, b"").unwrap();
        let (out, errors) = read_all(&p);
        assert!(out.is_empty() && errors.is_empty());
    }
}
