//! The writers a task uses: final output (partitioned by language or not),
//! the spool between phases, and rejected/.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::jsonl_out::{DocJson, JsonlZstWriter, RejectionJson};
use super::parquet_out::ParquetWriter;
use crate::document::Document;
use crate::pipeline::spec::{OutputFormat, PartitionBy};
use crate::stages::Rejection;

enum FileWriter {
    Jsonl(JsonlZstWriter),
    Parquet(Box<ParquetWriter>),
}

impl FileWriter {
    fn write(&mut self, doc: &Document) -> anyhow::Result<()> {
        match self {
            FileWriter::Jsonl(w) => w.write_doc(&DocJson::of(doc)),
            FileWriter::Parquet(w) => w.write(doc),
        }
    }

    fn commit(self) -> anyhow::Result<()> {
        match self {
            FileWriter::Jsonl(w) => w.commit(),
            FileWriter::Parquet(w) => w.commit(),
        }
    }
}

/// Final output of one task: `<dir>/[<lang>/]part-<task>.<ext>`, files
/// opened on first use, all committed together.
pub struct OutputWriter {
    dir: PathBuf,
    format: OutputFormat,
    partition: Option<PartitionBy>,
    level: i32,
    file_name: String,
    writers: BTreeMap<String, FileWriter>,
}

impl OutputWriter {
    /// Writer for task `task`.
    pub fn new(dir: &Path, format: OutputFormat, partition: Option<PartitionBy>, level: i32, task: usize) -> Self {
        let ext = match format {
            OutputFormat::Jsonl => "jsonl.zst",
            OutputFormat::Parquet => "parquet",
        };
        OutputWriter {
            dir: dir.to_path_buf(),
            format,
            partition,
            level,
            file_name: format!("part-{task:05}.{ext}"),
            writers: BTreeMap::new(),
        }
    }

    /// Path of the file a document with language `lang` goes to.
    pub fn path_for(&self, lang: &str) -> PathBuf {
        match self.partition {
            Some(PartitionBy::Lang) => self.dir.join(lang).join(&self.file_name),
            None => self.dir.join(&self.file_name),
        }
    }

    /// Writes one document.
    pub fn write(&mut self, doc: &Document) -> anyhow::Result<()> {
        let key = match self.partition {
            Some(PartitionBy::Lang) => doc.lang_or_und(),
            None => "",
        };
        if !self.writers.contains_key(key) {
            let path = self.path_for(if key.is_empty() { "und" } else { key });
            let w = match self.format {
                OutputFormat::Jsonl => FileWriter::Jsonl(JsonlZstWriter::create(&path, self.level)?),
                OutputFormat::Parquet => FileWriter::Parquet(Box::new(ParquetWriter::create(&path, self.level)?)),
            };
            self.writers.insert(key.to_string(), w);
        }
        self.writers.get_mut(key).expect("inserted above").write(doc)
    }

    /// Renames every file into place.
    pub fn commit(self) -> anyhow::Result<()> {
        for (_, w) in self.writers {
            w.commit()?;
        }
        Ok(())
    }
}

/// rejected/ of one task of one phase, opened on the first drop.
pub struct RejectedWriter {
    path: Option<PathBuf>,
    level: i32,
    writer: Option<JsonlZstWriter>,
}

impl RejectedWriter {
    /// `dir` None disables writing (drops are still counted).
    pub fn new(dir: Option<&Path>, phase: usize, task: usize, level: i32) -> Self {
        RejectedWriter {
            path: dir.map(|d| d.join(format!("phase-{phase}-part-{task:05}.jsonl.zst"))),
            level,
            writer: None,
        }
    }

    /// Records a dropped document with who dropped it and why.
    pub fn write(
        &mut self,
        doc: &Document,
        phase: usize,
        stage: &str,
        stage_index: Option<usize>,
        why: &Rejection,
    ) -> anyhow::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.writer.is_none() {
            self.writer = Some(JsonlZstWriter::create(path, self.level)?);
        }
        let mut rec = DocJson::of(doc);
        rec.rejection = Some(RejectionJson {
            phase,
            stage,
            stage_index,
            reason: &why.reason,
            detail: why.detail.as_deref(),
        });
        self.writer.as_mut().expect("opened above").write_doc(&rec)
    }

    /// Renames the file into place (if anything was dropped).
    pub fn commit(self) -> anyhow::Result<()> {
        match self.writer {
            Some(w) => w.commit(),
            None => Ok(()),
        }
    }
}
