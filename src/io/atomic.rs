//! Files that appear under their final name only when complete.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file written as `.<name>.<attempt>.tmp` next to its final path and
/// renamed on [`AtomicFile::commit`]. The temp name is unique to the process
/// and the file, so two attempts of one task (a Slurm requeue while the
/// first still runs) never write or rename each other's temp files; a file
/// dropped without commit removes its temp file, and `run` sweeps what a
/// killed process left.
pub struct AtomicFile {
    tmp: PathBuf,
    path: PathBuf,
    writer: Option<BufWriter<File>>,
}

/// A temp name for `path` that no other process or file uses.
pub fn tmp_path(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    path.with_file_name(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ))
}

impl AtomicFile {
    /// Creates the temp file (and parent folders).
    pub fn create(path: &Path) -> io::Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = tmp_path(path);
        let file = File::create(&tmp)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot create {}: {e}", tmp.display())))?;
        Ok(AtomicFile {
            tmp,
            path: path.to_path_buf(),
            writer: Some(BufWriter::with_capacity(256 * 1024, file)),
        })
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer
            .as_mut()
            .expect("an AtomicFile is written only before commit")
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        let writer = self.writer.take().expect("committed once");
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.tmp, &self.path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot rename {} to {}: {e}", self.tmp.display(), self.path.display()),
            )
        })?;
        Ok(self.path.clone())
    }
}

impl Drop for AtomicFile {
    /// An uncommitted file leaves nothing behind.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer().write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

/// Writes a small file atomically in one go (markers, stats, plan). Several
/// processes may write the same file at once (Slurm array tasks finishing
/// together), so the temp name is unique to this process and call.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let tmp = path.with_file_name(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}
