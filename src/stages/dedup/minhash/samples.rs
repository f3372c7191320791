//! Reads the shingle samples of documents of any upstream task, for
//! verifying candidate pairs; a bounded number of files stays open.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::paths;

/// Files opened at most at once.
const OPEN_FILES: usize = 128;

/// Open sample files of the upstream tasks (at most [`OPEN_FILES`]).
pub struct Samples {
    work: PathBuf,
    files: HashMap<u32, (File, File)>,
    raw: Vec<u8>,
}

impl Samples {
    pub fn new(work: &Path) -> Self {
        Samples {
            work: work.to_path_buf(),
            files: HashMap::new(),
            raw: Vec::new(),
        }
    }

    /// The sample of document `ordinal` of upstream task `task`.
    pub fn read(&mut self, task: u32, ordinal: u32, out: &mut Vec<u32>) -> anyhow::Result<()> {
        if !self.files.contains_key(&task) {
            if self.files.len() >= OPEN_FILES {
                self.files.clear();
            }
            let idx = paths::sample_offsets(&self.work, task as usize);
            let bin = paths::samples(&self.work, task as usize);
            let open = |p: &Path| {
                File::open(p).with_context(|| format!("missing {}; the signatures phase did not finish", p.display()))
            };
            self.files.insert(task, (open(&idx)?, open(&bin)?));
        }
        let (idx, bin) = &self.files[&task];
        let mut b = [0u8; 16];
        idx.read_exact_at(&mut b, ordinal as u64 * 8)
            .with_context(|| format!("no sample for document {ordinal} of task {task}; rerun the signatures phase"))?;
        let start = u64::from_le_bytes(b[0..8].try_into().unwrap());
        let end = u64::from_le_bytes(b[8..16].try_into().unwrap());
        anyhow::ensure!(
            start <= end && (end - start) % 4 == 0,
            "damaged sample index of task {task}"
        );
        self.raw.resize((end - start) as usize, 0);
        bin.read_exact_at(&mut self.raw, start)?;
        out.clear();
        out.extend(
            self.raw
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap())),
        );
        Ok(())
    }
}
