//! Side files of the dedup barriers: keyed chunks written by collectors and
//! read back, chunk by chunk, by reduce tasks.
//!
//! A collector buffers records per key (hash bucket, band) and appends them
//! as chunks when its buffer is full, so its memory stays bounded however
//! many documents its task sees. Layout: the chunks back to back, then the
//! index `[(key u32, offset u64, len u64)]*`, then `[chunks u64]`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::io::atomic::AtomicFile;

const INDEX_ENTRY: u64 = 20;

/// Appends keyed chunks to one side file; complete only after [`finish`](Self::finish).
pub struct ChunkWriter {
    file: AtomicFile,
    offset: u64,
    index: Vec<(u32, u64, u64)>,
}

impl ChunkWriter {
    /// Starts `path` (under a temp name until finished).
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        Ok(ChunkWriter {
            file: AtomicFile::create(path)?,
            offset: 0,
            index: Vec::new(),
        })
    }

    /// Appends one chunk of records for `key`. Empty chunks are skipped.
    pub fn write_chunk(&mut self, key: u32, bytes: &[u8]) -> anyhow::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.file.write_all(bytes)?;
        self.index.push((key, self.offset, bytes.len() as u64));
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Writes the index and moves the file into place.
    pub fn finish(mut self) -> anyhow::Result<PathBuf> {
        for (k, off, len) in &self.index {
            self.file.write_all(&k.to_le_bytes())?;
            self.file.write_all(&off.to_le_bytes())?;
            self.file.write_all(&len.to_le_bytes())?;
        }
        self.file.write_all(&(self.index.len() as u64).to_le_bytes())?;
        Ok(self.file.commit()?)
    }
}

/// Bytes a collector buffers before it appends its buckets as chunks.
pub const SPILL_BYTES: usize = 32 << 20;

/// A collector's records, buffered per hash bucket and appended to its side
/// file as chunks whenever [`SPILL_BYTES`] are held.
pub struct BucketedWriter {
    file: Option<ChunkWriter>,
    buffers: Vec<Vec<u8>>,
    buffered: usize,
}

impl BucketedWriter {
    pub fn create(path: &Path, buckets: usize) -> anyhow::Result<Self> {
        Ok(BucketedWriter {
            file: Some(ChunkWriter::create(path)?),
            buffers: vec![Vec::new(); buckets],
            buffered: 0,
        })
    }

    /// Number of buckets.
    pub fn buckets(&self) -> usize {
        self.buffers.len()
    }

    /// Appends one record to `bucket`.
    pub fn push(&mut self, bucket: usize, parts: &[&[u8]]) -> anyhow::Result<()> {
        let buf = &mut self.buffers[bucket];
        for p in parts {
            buf.extend_from_slice(p);
            self.buffered += p.len();
        }
        if self.buffered >= SPILL_BYTES {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> anyhow::Result<()> {
        let file = self.file.as_mut().expect("open until finish");
        for (b, buf) in self.buffers.iter_mut().enumerate() {
            file.write_chunk(b as u32, buf)?;
            buf.clear();
        }
        self.buffered = 0;
        Ok(())
    }

    /// Spills what is left and moves the file into place.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        self.spill()?;
        self.file.take().expect("finish once").finish()?;
        Ok(())
    }
}

/// A finished side file opened for reading its chunks.
pub struct ChunkFile {
    path: PathBuf,
    file: File,
    index: Vec<(u32, u64, u64)>,
}

impl ChunkFile {
    /// Opens `path` and reads its index. `what` names the phase that writes
    /// it, for the error when it is missing.
    pub fn open(path: &Path, what: &str) -> anyhow::Result<Self> {
        let mut file =
            File::open(path).with_context(|| format!("missing {}; {what} did not finish", path.display()))?;
        let len = file.metadata()?.len();
        if len < 8 {
            bail!("{} is too short to be a side file; rerun {what}", path.display());
        }
        file.seek(SeekFrom::Start(len - 8))?;
        let mut n = [0u8; 8];
        file.read_exact(&mut n)?;
        let n = u64::from_le_bytes(n);
        let index_bytes = n
            .checked_mul(INDEX_ENTRY)
            .filter(|b| *b + 8 <= len)
            .with_context(|| format!("{} has a damaged index; rerun {what}", path.display()))?;
        let data_end = len - 8 - index_bytes;
        file.seek(SeekFrom::Start(data_end))?;
        let mut raw = vec![0u8; index_bytes as usize];
        file.read_exact(&mut raw)?;
        let index: Vec<(u32, u64, u64)> = raw
            .chunks_exact(INDEX_ENTRY as usize)
            .map(|c| {
                (
                    u32::from_le_bytes(c[0..4].try_into().unwrap()),
                    u64::from_le_bytes(c[4..12].try_into().unwrap()),
                    u64::from_le_bytes(c[12..20].try_into().unwrap()),
                )
            })
            .collect();
        if index.iter().any(|(_, off, l)| off + l > data_end) {
            bail!("{} has a chunk past its end; rerun {what}", path.display());
        }
        Ok(ChunkFile {
            path: path.to_path_buf(),
            file,
            index,
        })
    }

    /// Every chunk of `key`, read whole.
    pub fn read_key(&mut self, key: u32) -> anyhow::Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        for &(k, off, len) in &self.index {
            if k != key {
                continue;
            }
            self.file.seek(SeekFrom::Start(off))?;
            let mut raw = vec![0u8; len as usize];
            self.file
                .read_exact(&mut raw)
                .with_context(|| format!("reading {}", self.path.display()))?;
            out.push(raw);
        }
        Ok(out)
    }

    /// `(offset, len)` of every chunk of `key`, for readers that bring their own buffers.
    pub fn locate(&self, key: u32) -> Vec<(u64, u64)> {
        self.index
            .iter()
            .filter(|(k, _, _)| *k == key)
            .map(|&(_, off, len)| (off, len))
            .collect()
    }

    /// The file's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Writes a reduce step's per-upstream-task results into one file: records
/// in task order, then the offset of each task's slice, then the task count,
/// so a filter task reads only its own slice.
pub struct TaskSlicedWriter {
    file: AtomicFile,
    offsets: Vec<u64>,
    pos: u64,
    next_task: usize,
}

impl TaskSlicedWriter {
    /// Starts `path` for `tasks` upstream tasks.
    pub fn create(path: &Path, tasks: usize) -> anyhow::Result<Self> {
        Ok(TaskSlicedWriter {
            file: AtomicFile::create(path)?,
            offsets: vec![0; tasks + 1],
            pos: 0,
            next_task: 0,
        })
    }

    /// Appends one record of `task`; tasks must come in ascending order.
    pub fn write(&mut self, task: usize, record: &[u8]) -> anyhow::Result<()> {
        anyhow::ensure!(task + 1 >= self.next_task, "records out of task order");
        while self.next_task <= task {
            self.offsets[self.next_task] = self.pos;
            self.next_task += 1;
        }
        self.file.write_all(record)?;
        self.pos += record.len() as u64;
        Ok(())
    }

    /// Writes the offset table and moves the file into place.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let tasks = self.offsets.len() - 1;
        while self.next_task <= tasks {
            self.offsets[self.next_task] = self.pos;
            self.next_task += 1;
        }
        for o in &self.offsets {
            self.file.write_all(&o.to_le_bytes())?;
        }
        self.file.write_all(&(tasks as u64).to_le_bytes())?;
        self.file.commit()?;
        Ok(())
    }
}

/// The records of upstream task `task` in a file of [`TaskSlicedWriter`].
pub fn read_task_slice(path: &Path, tasks: usize, task: usize, what: &str) -> anyhow::Result<Vec<u8>> {
    let mut f = File::open(path).with_context(|| format!("missing {}; {what} did not finish", path.display()))?;
    let len = f.metadata()?.len();
    let table = (tasks as u64 + 1) * 8;
    if len < table + 8 {
        bail!("damaged {}; rerun {what}", path.display());
    }
    f.seek(SeekFrom::Start(len - 8 - table + task as u64 * 8))?;
    let mut w = [0u8; 16];
    f.read_exact(&mut w)?;
    let start = u64::from_le_bytes(w[0..8].try_into().unwrap());
    let end = u64::from_le_bytes(w[8..16].try_into().unwrap());
    if start > end || end > len - 8 - table {
        bail!("damaged {}; rerun {what}", path.display());
    }
    f.seek(SeekFrom::Start(start))?;
    let mut raw = vec![0u8; (end - start) as usize];
    f.read_exact(&mut raw)?;
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_round_trip_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/side.bin");
        let mut w = ChunkWriter::create(&p).unwrap();
        w.write_chunk(1, b"one").unwrap();
        w.write_chunk(0, b"zero").unwrap();
        w.write_chunk(1, b"uno").unwrap();
        w.write_chunk(2, b"").unwrap();
        w.finish().unwrap();
        let mut f = ChunkFile::open(&p, "test").unwrap();
        assert_eq!(f.read_key(1).unwrap(), vec![b"one".to_vec(), b"uno".to_vec()]);
        assert_eq!(f.read_key(0).unwrap(), vec![b"zero".to_vec()]);
        assert!(f.read_key(2).unwrap().is_empty());
        assert_eq!(f.locate(1), vec![(0, 3), (7, 3)]);
    }

    #[test]
    fn task_slices_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sliced.bin");
        let mut w = TaskSlicedWriter::create(&p, 4).unwrap();
        w.write(1, b"ab").unwrap();
        w.write(1, b"c").unwrap();
        w.write(3, b"d").unwrap();
        assert!(w.write(0, b"x").is_err());
        w.finish().unwrap();
        let slice = |t| read_task_slice(&p, 4, t, "test").unwrap();
        assert_eq!(
            (slice(0), slice(1), slice(2), slice(3)),
            (vec![], b"abc".to_vec(), vec![], b"d".to_vec())
        );
        assert!(read_task_slice(&p, 9, 0, "the test").is_err());
    }

    #[test]
    fn damaged_files_name_the_phase_to_rerun() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("side.bin");
        std::fs::write(&p, [0xff; 12]).unwrap();
        let e = ChunkFile::open(&p, "the collect phase").err().unwrap().to_string();
        assert!(e.contains("rerun the collect phase"), "{e}");
        let e = ChunkFile::open(&dir.path().join("none"), "the collect phase")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("missing") && e.contains("did not finish"), "{e}");
    }
}
