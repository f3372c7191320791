//! Digests of the files a run reads (langs files, rules, block lists,
//! models, tokenizers): the run identity compares them on resume.

use std::path::Path;

/// A file a run reads, named as the user knows it, and a digest of its bytes.
pub type FileDigest = (String, String);

/// The digest of a file on disk.
pub fn file_digest(path: &Path) -> anyhow::Result<FileDigest> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for_each_chunk(path, |chunk| h.update(chunk))?;
    Ok((path.display().to_string(), format!("{:032x}", h.digest128())))
}

/// Feeds the bytes of the file at `path` to `f`, a megabyte at a time, so
/// a digest of a large file (a shard, a model) needs no more memory.
pub fn for_each_chunk(path: &Path, mut f: impl FnMut(&[u8])) -> anyhow::Result<()> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            return Ok(());
        }
        f(&buf[..n]);
    }
}

/// The digest of text compiled into the binary (built-in langs, rules).
pub fn text_digest(name: &str, text: &str) -> FileDigest {
    (
        name.to_string(),
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes())),
    )
}
