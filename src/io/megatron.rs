//! Megatron-LM indexed datasets: `.bin` (token ids back to back) and `.idx`
//! (header, then per-sequence lengths and byte offsets, then document
//! boundaries), byte for byte as `megatron/core/datasets/indexed_dataset.py`
//! writes and reads them:
//!
//! ```text
//! .idx: b"MMIDIDX\0\0" | u64 version = 1 | u8 dtype code | u64 sequence count
//!       | u64 document count (= sequences + 1) | i32 lengths[n] | i64 byte
//!       pointers[n] | i64 document indices [0, 1, .., n]
//! ```
//! One document is one sequence. Ids are uint16 when the vocabulary has fewer
//! than 65,500 entries (Megatron's `optimal_dtype`), else int32.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::atomic::AtomicFile;

/// The index header Megatron checks.
pub const MAGIC: &[u8; 9] = b"MMIDIDX\x00\x00";

/// Element type of the token ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenDtype {
    Uint16,
    Int32,
}

impl TokenDtype {
    /// Megatron's choice for a vocabulary of `size` entries.
    pub fn for_vocab(size: usize) -> Self {
        if size < 65_500 {
            TokenDtype::Uint16
        } else {
            TokenDtype::Int32
        }
    }

    /// Megatron's `DType` code.
    pub fn code(self) -> u8 {
        match self {
            TokenDtype::Uint16 => 8,
            TokenDtype::Int32 => 4,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        match c {
            8 => Some(TokenDtype::Uint16),
            4 => Some(TokenDtype::Int32),
            _ => None,
        }
    }

    /// Bytes per token.
    pub fn size(self) -> usize {
        match self {
            TokenDtype::Uint16 => 2,
            TokenDtype::Int32 => 4,
        }
    }
}

/// `prefix.bin` and `prefix.idx`.
pub fn paths(prefix: &Path) -> (PathBuf, PathBuf) {
    let s = prefix.as_os_str().to_string_lossy();
    (PathBuf::from(format!("{s}.bin")), PathBuf::from(format!("{s}.idx")))
}

/// Writes one shard; it appears (both files) only on [`finish`](Self::finish).
pub struct ShardWriter {
    prefix: PathBuf,
    dtype: TokenDtype,
    bin: AtomicFile,
    lengths: Vec<i32>,
    tokens: u64,
    buf: Vec<u8>,
}

/// What a finished shard holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ShardInfo {
    pub prefix: PathBuf,
    pub documents: u64,
    pub tokens: u64,
    pub dtype: TokenDtype,
}

impl ShardWriter {
    pub fn create(prefix: &Path, dtype: TokenDtype) -> anyhow::Result<Self> {
        Ok(ShardWriter {
            prefix: prefix.to_path_buf(),
            dtype,
            bin: AtomicFile::create(&paths(prefix).0)?,
            lengths: Vec::new(),
            tokens: 0,
            buf: Vec::new(),
        })
    }

    /// Tokens written so far.
    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    /// Appends one document.
    pub fn add(&mut self, ids: &[u32]) -> anyhow::Result<()> {
        let n = i32::try_from(ids.len()).context("a document of more than 2^31 tokens")?;
        self.buf.clear();
        match self.dtype {
            TokenDtype::Uint16 => {
                for &id in ids {
                    let v = u16::try_from(id).map_err(|_| {
                        anyhow::anyhow!(
                            "token id {id} does not fit uint16; the vocabulary is larger than the shard dtype"
                        )
                    })?;
                    self.buf.extend_from_slice(&v.to_le_bytes());
                }
            }
            TokenDtype::Int32 => {
                for &id in ids {
                    let v = i32::try_from(id).map_err(|_| anyhow::anyhow!("token id {id} does not fit int32"))?;
                    self.buf.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        self.bin.write_all(&self.buf)?;
        self.lengths.push(n);
        self.tokens += ids.len() as u64;
        Ok(())
    }

    /// Appends one document given as its ids already encoded in this shard's
    /// dtype (little-endian), as another shard of the same dtype holds them.
    pub fn add_encoded(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        let size = self.dtype.size();
        anyhow::ensure!(
            bytes.len() % size == 0,
            "{} bytes are not whole {:?} token ids",
            bytes.len(),
            self.dtype
        );
        let n = i32::try_from(bytes.len() / size).context("a document of more than 2^31 tokens")?;
        self.bin.write_all(bytes)?;
        self.lengths.push(n);
        self.tokens += n as u64;
        Ok(())
    }

    /// Writes the index; the `.bin` is committed first, so a present `.idx`
    /// always has its complete `.bin`.
    pub fn finish(self) -> anyhow::Result<ShardInfo> {
        self.bin.commit()?;
        let mut idx = AtomicFile::create(&paths(&self.prefix).1)?;
        idx.write_all(MAGIC)?;
        idx.write_all(&1u64.to_le_bytes())?;
        idx.write_all(&[self.dtype.code()])?;
        let n = self.lengths.len() as u64;
        idx.write_all(&n.to_le_bytes())?;
        idx.write_all(&(n + 1).to_le_bytes())?;
        for l in &self.lengths {
            idx.write_all(&l.to_le_bytes())?;
        }
        let mut pointer = 0i64;
        for l in &self.lengths {
            idx.write_all(&pointer.to_le_bytes())?;
            pointer += *l as i64 * self.dtype.size() as i64;
        }
        for d in 0..=n as i64 {
            idx.write_all(&d.to_le_bytes())?;
        }
        idx.commit()?;
        Ok(ShardInfo {
            prefix: self.prefix,
            documents: n,
            tokens: self.tokens,
            dtype: self.dtype,
        })
    }
}

/// A shard opened for reading.
pub struct ShardReader {
    pub prefix: PathBuf,
    pub dtype: TokenDtype,
    pub lengths: Vec<i32>,
    pub pointers: Vec<i64>,
    pub document_indices: Vec<i64>,
    bin: File,
}

impl ShardReader {
    /// Opens `prefix.idx` / `prefix.bin`, checking the layout.
    pub fn open(prefix: &Path) -> anyhow::Result<Self> {
        let (bin_path, idx_path) = paths(prefix);
        let mut raw = Vec::new();
        File::open(&idx_path)
            .with_context(|| format!("cannot open {}", idx_path.display()))?
            .read_to_end(&mut raw)?;
        let bad = |what: &str| anyhow::anyhow!("{} is not a Megatron index: {what}", idx_path.display());
        if raw.len() < 34 || &raw[..9] != MAGIC {
            return Err(bad("bad header"));
        }
        let u64_at = |o: usize| u64::from_le_bytes(raw[o..o + 8].try_into().unwrap());
        if u64_at(9) != 1 {
            return Err(bad("version is not 1"));
        }
        let dtype = TokenDtype::from_code(raw[17]).ok_or_else(|| bad("dtype is neither uint16 nor int32"))?;
        // Counts come from the file: checked, so a damaged index is an
        // error, never an overflow or a huge allocation.
        let (n, docs) = (u64_at(18), u64_at(26));
        let need = n
            .checked_mul(12)
            .and_then(|x| docs.checked_mul(8).and_then(|d| x.checked_add(d)))
            .and_then(|x| x.checked_add(34))
            .ok_or_else(|| bad("sequence or document count out of range"))?;
        if (raw.len() as u64) < need {
            return Err(bad(&format!(
                "truncated: {n} sequences and {docs} documents need {need} bytes, the file has {}",
                raw.len()
            )));
        }
        let (n, docs) = (n as usize, docs as usize);
        let mut o = 34;
        let lengths = raw[o..o + 4 * n]
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        o += 4 * n;
        let pointers = raw[o..o + 8 * n]
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        o += 8 * n;
        let document_indices = raw[o..o + 8 * docs]
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let bin = File::open(&bin_path).with_context(|| format!("cannot open {}", bin_path.display()))?;
        let bin_len = bin.metadata()?.len();
        let size = dtype.size() as u64;
        for (i, (&len, &at)) in std::iter::zip(&lengths, &pointers).enumerate() {
            let (len, at): (i32, i64) = (len, at);
            let end = u64::try_from(len)
                .ok()
                .zip(u64::try_from(at).ok())
                .and_then(|(l, a)| l.checked_mul(size).and_then(|b| a.checked_add(b)));
            if end.is_none_or(|e| e > bin_len) {
                return Err(bad(&format!(
                    "sequence {i} (length {len} at byte {at}) lies outside {} ({bin_len} bytes)",
                    bin_path.display()
                )));
            }
        }
        Ok(ShardReader {
            prefix: prefix.to_path_buf(),
            dtype,
            lengths,
            pointers,
            document_indices,
            bin,
        })
    }

    /// Sequences (documents) in the shard.
    pub fn len(&self) -> usize {
        self.lengths.len()
    }

    /// True when the shard holds nothing.
    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// Total tokens.
    pub fn tokens(&self) -> u64 {
        self.lengths.iter().map(|l| *l as u64).sum()
    }

    /// The token ids of sequence `i`.
    pub fn get(&self, i: usize) -> anyhow::Result<Vec<u32>> {
        let (len, at) = (self.lengths[i] as usize, self.pointers[i] as u64);
        let mut raw = vec![0u8; len * self.dtype.size()];
        self.bin
            .read_exact_at(&mut raw, at)
            .with_context(|| format!("{}.bin is shorter than its index says", self.prefix.display()))?;
        Ok(match self.dtype {
            TokenDtype::Uint16 => raw
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]) as u32)
                .collect(),
            TokenDtype::Int32 => raw
                .chunks_exact(4)
                .map(|c| i32::from_le_bytes(c.try_into().unwrap()) as u32)
                .collect(),
        })
    }
}

/// Concatenates shards into one (Megatron's `merge_datasets` semantics: the
/// documents of each input in order), or in a seeded random document order.
pub fn merge(inputs: &[PathBuf], out: &Path, shuffle_seed: Option<u64>) -> anyhow::Result<ShardInfo> {
    let readers: Vec<ShardReader> = inputs
        .iter()
        .map(|p| ShardReader::open(p))
        .collect::<anyhow::Result<_>>()?;
    let Some(first) = readers.first() else {
        bail!("nothing to merge");
    };
    let dtype = first.dtype;
    if let Some(r) = readers.iter().find(|r| r.dtype != dtype) {
        bail!(
            "{} is {:?} but {} is {:?}; shards of one dataset share a dtype",
            r.prefix.display(),
            r.dtype,
            first.prefix.display(),
            dtype
        );
    }
    let mut order: Vec<(usize, usize)> = readers
        .iter()
        .enumerate()
        .flat_map(|(r, s)| (0..s.len()).map(move |i| (r, i)))
        .collect();
    if let Some(seed) = shuffle_seed {
        let mut rng = crate::rng::Rng::new(seed);
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
    }
    let mut w = ShardWriter::create(out, dtype)?;
    for (r, i) in order {
        w.add(&readers[r].get(i)?)?;
    }
    w.finish()
}

/// Every shard under `dir` (not `_*` folders or rejected/), by path.
pub fn find_shards(dir: &Path) -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(d) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || name.starts_with('.') || name == "rejected" {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else if let Some(prefix) = name.strip_suffix(".idx") {
                out.push(p.with_file_name(prefix));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// Writes `dir/manifest.json`: every shard with its language (its folder
/// when partitioned by language), documents and tokens, and the totals per
/// language — what a training job's data blend is built from.
pub fn write_manifest(dir: &Path) -> anyhow::Result<serde_json::Value> {
    use std::collections::BTreeMap;
    let mut shards = Vec::new();
    let mut langs: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    let mut dtype = None;
    for prefix in find_shards(dir) {
        let r = ShardReader::open(&prefix)?;
        let rel = prefix.strip_prefix(dir).unwrap_or(&prefix).to_path_buf();
        let lang = if rel.components().count() > 1 {
            let folder = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .into_owned();
            crate::io::spec::PartitionStyle::lang_of(&folder).to_string()
        } else {
            "all".to_string()
        };
        let (docs, tokens) = (r.len() as u64, r.tokens());
        let e = langs.entry(lang.clone()).or_default();
        e.0 += 1;
        e.1 += docs;
        e.2 += tokens;
        dtype = Some(r.dtype);
        shards.push(serde_json::json!({
            "prefix": rel.to_string_lossy(),
            "lang": lang,
            "documents": docs,
            "tokens": tokens,
        }));
    }
    let languages: serde_json::Map<String, serde_json::Value> = langs
        .iter()
        .map(|(l, (s, d, t))| (l.clone(), serde_json::json!({"shards": s, "documents": d, "tokens": t})))
        .collect();
    let manifest = serde_json::json!({
        "format": "megatron indexed dataset (.bin/.idx)",
        "dtype": dtype,
        "documents": langs.values().map(|v| v.1).sum::<u64>(),
        "tokens": langs.values().map(|v| v.2).sum::<u64>(),
        "languages": languages,
        "shards": shards,
    });
    super::atomic::write_file(&dir.join("manifest.json"), &serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_index_is_an_error_never_an_overflow() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s");
        let mut w = ShardWriter::create(&p, TokenDtype::Uint16).unwrap();
        w.add(&[1, 2, 3]).unwrap();
        w.finish().unwrap();
        let idx = dir.path().join("s.idx");
        let good = std::fs::read(&idx).unwrap();
        let damage = |at: usize, bytes: &[u8]| {
            let mut b = good.clone();
            b[at..at + bytes.len()].copy_from_slice(bytes);
            std::fs::write(&idx, b).unwrap();
            ShardReader::open(&p)
                .err()
                .expect("damage must be an error")
                .to_string()
        };
        assert!(damage(18, &u64::MAX.to_le_bytes()).contains("out of range"));
        assert!(damage(26, &(1u64 << 40).to_le_bytes()).contains("truncated"));
        assert!(damage(34, &(-5i32).to_le_bytes()).contains("outside"));
        assert!(damage(38, &(1i64 << 50).to_le_bytes()).contains("outside"));
    }

    #[test]
    fn layout_is_megatrons() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s");
        let mut w = ShardWriter::create(&p, TokenDtype::Uint16).unwrap();
        w.add(&[1, 2, 3]).unwrap();
        w.add(&[65_000]).unwrap();
        let info = w.finish().unwrap();
        assert_eq!((info.documents, info.tokens), (2, 4));
        let bin = std::fs::read(dir.path().join("s.bin")).unwrap();
        assert_eq!(bin, [1, 0, 2, 0, 3, 0, 0xe8, 0xfd]);
        let idx = std::fs::read(dir.path().join("s.idx")).unwrap();
        let mut want = b"MMIDIDX\x00\x00".to_vec();
        want.extend(1u64.to_le_bytes());
        want.push(8);
        want.extend(2u64.to_le_bytes());
        want.extend(3u64.to_le_bytes());
        want.extend(3i32.to_le_bytes());
        want.extend(1i32.to_le_bytes());
        want.extend(0i64.to_le_bytes());
        want.extend(6i64.to_le_bytes());
        for d in 0..3i64 {
            want.extend(d.to_le_bytes());
        }
        assert_eq!(idx, want);
        let r = ShardReader::open(&p).unwrap();
        assert_eq!((r.get(0).unwrap(), r.get(1).unwrap()), (vec![1, 2, 3], vec![65_000]));
    }

    #[test]
    fn dtype_follows_the_vocabulary_and_ids_are_checked() {
        assert_eq!(TokenDtype::for_vocab(32_000), TokenDtype::Uint16);
        assert_eq!(TokenDtype::for_vocab(65_500), TokenDtype::Int32);
        let dir = tempfile::tempdir().unwrap();
        let mut w = ShardWriter::create(&dir.path().join("s"), TokenDtype::Uint16).unwrap();
        assert!(w
            .add(&[70_000])
            .unwrap_err()
            .to_string()
            .contains("does not fit uint16"));
        let mut w = ShardWriter::create(&dir.path().join("t"), TokenDtype::Int32).unwrap();
        w.add(&[70_000, 5]).unwrap();
        w.finish().unwrap();
        assert_eq!(
            ShardReader::open(&dir.path().join("t")).unwrap().get(0).unwrap(),
            vec![70_000, 5]
        );
    }

    #[test]
    fn merge_concatenates_or_shuffles_with_a_seed() {
        let dir = tempfile::tempdir().unwrap();
        let mk = |name: &str, docs: &[&[u32]]| {
            let mut w = ShardWriter::create(&dir.path().join(name), TokenDtype::Uint16).unwrap();
            for d in docs {
                w.add(d).unwrap();
            }
            w.finish().unwrap();
            dir.path().join(name)
        };
        let a = mk("a", &[&[1], &[2, 2]]);
        let b = mk("b", &[&[3, 3, 3]]);
        let m = merge(&[a.clone(), b.clone()], &dir.path().join("m"), None).unwrap();
        assert_eq!((m.documents, m.tokens), (3, 6));
        let r = ShardReader::open(&dir.path().join("m")).unwrap();
        assert_eq!(r.get(2).unwrap(), vec![3, 3, 3]);
        assert_eq!(r.pointers, vec![0, 2, 6]);
        let s1 = merge(&[a.clone(), b.clone()], &dir.path().join("s1"), Some(9)).unwrap();
        merge(&[a, b], &dir.path().join("s2"), Some(9)).unwrap();
        assert_eq!(s1.tokens, 6);
        assert_eq!(
            std::fs::read(dir.path().join("s1.bin")).unwrap(),
            std::fs::read(dir.path().join("s2.bin")).unwrap()
        );
        assert!(ShardReader::open(&dir.path().join("nope")).is_err());
    }
}
