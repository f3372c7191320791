//! Digests of the files a run reads (langs files, rules, block lists,
//! models, tokenizers): the run identity compares them on resume.

use std::path::Path;

/// A file a run reads, named as the user knows it, and a digest of its bytes.
pub type FileDigest = (String, String);

/// The digest of a file on disk.
pub fn file_digest(path: &Path) -> anyhow::Result<FileDigest> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok((path.display().to_string(), format!("{:032x}", h.digest128())))
}

/// The digest of text compiled into the binary (built-in langs, rules).
pub fn text_digest(name: &str, text: &str) -> FileDigest {
    (
        name.to_string(),
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes())),
    )
}
