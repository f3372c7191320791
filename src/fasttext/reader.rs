//! Reading the fastText binary layout (little-endian, no padding) from a
//! stream whose length is known, so every declared size is checked against
//! the bytes left before anything is allocated: a truncated or damaged file
//! is a [`FormatError`] naming what was cut, never a huge allocation or a
//! panic.

use std::fmt;
use std::io::BufRead;

/// Why a file is not a usable fastText model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The first four bytes are not fastText's magic number.
    NotFastText,
    /// A format version newer than this reader knows.
    Version(i32),
    /// A model kind prediction cannot use (word vectors, not a classifier).
    NotClassifier(&'static str),
    /// The bytes contradict the layout: truncated, damaged, or inconsistent.
    Damaged(String),
    /// The stream itself failed (not the content).
    Io(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::NotFastText => {
                write!(
                    f,
                    "is not a fastText model (wrong magic number); give a .bin or .ftz made by fastText"
                )
            }
            FormatError::Version(v) => write!(
                f,
                "uses fastText file format version {v}, newer than the supported {}; save it with fastText 0.9",
                super::args::MAX_VERSION
            ),
            FormatError::NotClassifier(kind) => write!(
                f,
                "is a {kind} word-vector model, not a classifier; give a model trained with `fasttext supervised`"
            ),
            FormatError::Damaged(why) => write!(f, "is damaged or truncated ({why}); download or save it again"),
            FormatError::Io(why) => write!(f, "cannot be read: {why}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// Shorthand for a [`FormatError::Damaged`].
pub fn damaged(why: impl Into<String>) -> FormatError {
    FormatError::Damaged(why.into())
}

/// A cursor over a stream of `len` bytes.
pub struct Reader<R> {
    inner: R,
    pos: u64,
    len: u64,
}

impl<R: BufRead> Reader<R> {
    pub fn new(inner: R, len: u64) -> Self {
        Reader { inner, pos: 0, len }
    }

    /// Bytes not read yet.
    pub fn left(&self) -> u64 {
        self.len - self.pos
    }

    /// Fails unless `n` more bytes are there for `what`.
    fn need(&self, n: u64, what: &str) -> Result<(), FormatError> {
        if n > self.left() {
            return Err(damaged(format!(
                "{what} needs {n} bytes at offset {}, the file has {}",
                self.pos, self.len
            )));
        }
        Ok(())
    }

    /// Fills `buf` with the next bytes, part of `what`.
    pub fn fill(&mut self, buf: &mut [u8], what: &str) -> Result<(), FormatError> {
        self.need(buf.len() as u64, what)?;
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => damaged(format!("{what} is cut off at offset {}", self.pos)),
            _ => FormatError::Io(e.to_string()),
        })?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], FormatError> {
        let mut b = [0u8; N];
        self.fill(&mut b, what)?;
        Ok(b)
    }

    pub fn u8(&mut self, what: &str) -> Result<u8, FormatError> {
        Ok(self.array::<1>(what)?[0])
    }

    /// A C++ `bool`: one byte, 0 or 1.
    pub fn bool(&mut self, what: &str) -> Result<bool, FormatError> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(damaged(format!(
                "{what} is {b}, not 0 or 1, at offset {}",
                self.pos - 1
            ))),
        }
    }

    pub fn i32(&mut self, what: &str) -> Result<i32, FormatError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    pub fn i64(&mut self, what: &str) -> Result<i64, FormatError> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    pub fn f64(&mut self, what: &str) -> Result<f64, FormatError> {
        Ok(f64::from_le_bytes(self.array(what)?))
    }

    /// A non-negative `i32` count or size.
    pub fn count32(&mut self, what: &str) -> Result<usize, FormatError> {
        let v = self.i32(what)?;
        usize::try_from(v).map_err(|_| damaged(format!("{what} is negative ({v})")))
    }

    /// A non-negative `i64` count or size.
    pub fn count64(&mut self, what: &str) -> Result<usize, FormatError> {
        let v = self.i64(what)?;
        usize::try_from(v).map_err(|_| damaged(format!("{what} is negative ({v})")))
    }

    /// `n` bytes, checked against the bytes left before allocating.
    pub fn bytes(&mut self, n: usize, what: &str) -> Result<Vec<u8>, FormatError> {
        self.need(n as u64, what)?;
        let mut v = vec![0u8; n];
        self.fill(&mut v, what)?;
        Ok(v)
    }

    /// `n` little-endian `f32`, checked against the bytes left before
    /// allocating, converted in chunks so a large matrix is not held twice.
    pub fn f32s(&mut self, n: usize, what: &str) -> Result<Vec<f32>, FormatError> {
        let size = (n as u64)
            .checked_mul(4)
            .ok_or_else(|| damaged(format!("{what} size overflows")))?;
        self.need(size, what)?;
        let mut out = Vec::with_capacity(n);
        let mut chunk = vec![0u8; 4 * 16_384];
        let mut todo = n;
        while todo > 0 {
            let m = todo.min(16_384);
            self.fill(&mut chunk[..4 * m], what)?;
            out.extend(
                chunk[..4 * m]
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes"))),
            );
            todo -= m;
        }
        Ok(out)
    }

    /// A NUL-terminated string (the NUL is consumed, not returned).
    pub fn cstring(&mut self, what: &str) -> Result<Vec<u8>, FormatError> {
        let mut v = Vec::new();
        let n = self
            .inner
            .read_until(0, &mut v)
            .map_err(|e| FormatError::Io(e.to_string()))?;
        self.pos += n as u64;
        if self.pos > self.len {
            return Err(FormatError::Io("the stream is longer than its stated length".into()));
        }
        if v.pop() != Some(0) {
            return Err(damaged(format!(
                "{what} is cut off (no terminating NUL before the end)"
            )));
        }
        Ok(v)
    }

    /// Fails if bytes are left after the last matrix.
    pub fn finish(mut self) -> Result<(), FormatError> {
        let left = self.left();
        let more = self.inner.fill_buf().map(|b| !b.is_empty()).unwrap_or(false);
        if left > 0 || more {
            return Err(damaged(format!("{left} bytes after the output matrix")));
        }
        Ok(())
    }
}
