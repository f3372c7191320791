//! Phase 4, filter: streams the task's list from the clusters phase (sorted
//! by ordinal) alongside its documents, so memory does not grow with the
//! duplicates. Removed documents are dropped naming the one they duplicate;
//! every kept document gets `minhash_cluster_size`, the number of documents
//! its cluster had (1 when it had no duplicate), as FineWeb-2 publishes it, so
//! a later mix can upsample by it.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::clusters::SURVIVOR;
use crate::document::Document;
use crate::stages::{Stage, Verdict};
use crate::stats::Counters;

/// Metadata field holding a kept document's cluster size.
pub const CLUSTER_SIZE_FIELD: &str = "minhash_cluster_size";

/// What the clusters phase decided for one document.
enum Entry {
    /// Removed as a duplicate of the document with this id.
    Removed { size: u32, kept: String },
    /// Kept, standing for a cluster of this many documents.
    Survivor { size: u32 },
}

/// Drops the documents the clusters phase listed for this task and records
/// the cluster size on the ones it keeps.
pub struct Filter {
    path: PathBuf,
    reader: BufReader<File>,
    next: Option<(u32, Entry)>,
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
        let len = u32::from_le_bytes(head[8..12].try_into().unwrap());
        let entry = if len == SURVIVOR {
            Entry::Survivor { size }
        } else {
            let mut id = vec![0u8; len as usize];
            self.reader
                .read_exact(&mut id)
                .with_context(|| format!("damaged {}; rerun the clusters phase", self.path.display()))?;
            Entry::Removed {
                size,
                kept: String::from_utf8_lossy(&id).into_owned(),
            }
        };
        self.next = Some((ordinal, entry));
        Ok(())
    }
}

impl Stage for Filter {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let ord = self.ordinal;
        self.ordinal += 1;
        let (verdict, size) = match &self.next {
            Some((o, entry)) if *o as u64 == ord => {
                let v = match entry {
                    Entry::Removed { size, kept } => (
                        Verdict::drop_with(
                            "near_duplicate",
                            format!("near-duplicate of {kept} (cluster of {size})"),
                        ),
                        *size,
                    ),
                    Entry::Survivor { size } => (Verdict::Keep, *size),
                };
                self.advance()?;
                v
            }
            _ => (Verdict::Keep, 1),
        };
        if verdict == Verdict::Keep {
            doc.meta.insert(CLUSTER_SIZE_FIELD.into(), size.into());
        }
        Ok(verdict)
    }

    fn finish(&mut self, _counters: &mut Counters) -> anyhow::Result<()> {
        if let Some((o, _)) = &self.next {
            bail!(
                "{} lists document {o} but the task saw only {} documents; the spool and the dedup state disagree, delete _work/ and rerun",
                self.path.display(),
                self.ordinal
            );
        }
        Ok(())
    }
}
