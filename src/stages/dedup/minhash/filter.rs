//! Phase 4, filter: streams the task's removal list (sorted by ordinal)
//! alongside its documents, so memory does not grow with the duplicates.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::document::Document;
use crate::stages::{Stage, Verdict};
use crate::stats::Counters;

/// Drops the documents the clusters phase listed for this task.
pub struct Filter {
    path: PathBuf,
    reader: BufReader<File>,
    /// Next removal: (ordinal, cluster size, kept id).
    next: Option<(u32, u32, String)>,
    ordinal: u64,
}

impl Filter {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let f = File::open(path)
            .with_context(|| format!("missing {}; the clusters phase did not finish", path.display()))?;
        let mut filter = Filter {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(256 * 1024, f),
            next: None,
            ordinal: 0,
        };
        filter.advance()?;
        Ok(filter)
    }

    fn advance(&mut self) -> anyhow::Result<()> {
        let mut head = [0u8; 12];
        match self.reader.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                self.next = None;
                return Ok(());
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.path.display())),
        }
        let ordinal = u32::from_le_bytes(head[0..4].try_into().unwrap());
        let size = u32::from_le_bytes(head[4..8].try_into().unwrap());
        let len = u32::from_le_bytes(head[8..12].try_into().unwrap()) as usize;
        let mut id = vec![0u8; len];
        self.reader
            .read_exact(&mut id)
            .with_context(|| format!("damaged {}; rerun the clusters phase", self.path.display()))?;
        self.next = Some((ordinal, size, String::from_utf8_lossy(&id).into_owned()));
        Ok(())
    }
}

impl Stage for Filter {
    fn process(&mut self, _doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let ord = self.ordinal;
        self.ordinal += 1;
        match &self.next {
            Some((o, size, kept)) if *o as u64 == ord => {
                let v = Verdict::drop_with(
                    "near_duplicate",
                    format!("near-duplicate of {kept} (cluster of {size})"),
                );
                self.advance()?;
                Ok(v)
            }
            _ => Ok(Verdict::Keep),
        }
    }

    fn finish(&mut self, _counters: &mut Counters) -> anyhow::Result<()> {
        if let Some((o, _, _)) = &self.next {
            bail!(
                "{} removes document {o} but the task saw only {} documents; the spool and the dedup state disagree, delete _work/ and rerun",
                self.path.display(),
                self.ordinal
            );
        }
        Ok(())
    }
}
