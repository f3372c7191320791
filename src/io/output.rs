//! The writers a task uses: final output (partitioned by language or not),
//! the spool between phases, and rejected/.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::jsonl_out::{DocJson, JsonlZstWriter, RejectionJson};
use super::megatron::{ShardWriter, TokenDtype};
use super::parquet_out::ParquetWriter;
use crate::document::Document;
use crate::document::Rejection;
use crate::io::spec::{OutputFormat, OutputSpec, PartitionBy, PartitionStyle};
use crate::meta_schema::MetaField;

enum FileWriter {
    Jsonl(JsonlZstWriter),
    Parquet(Box<ParquetWriter>),
    Megatron(MegatronShards),
}

/// The Megatron shards of one partition of one task:
/// `part-TTTTT-SSSS.{bin,idx}`, a new shard before one would pass
/// `max_tokens`.
struct MegatronShards {
    prefix: String,
    dtype: TokenDtype,
    max_tokens: u64,
    next: usize,
    current: Option<ShardWriter>,
}

impl MegatronShards {
    fn write(&mut self, doc: &Document) -> anyhow::Result<()> {
        let ids = doc.tokens.as_deref().ok_or_else(|| {
            anyhow::anyhow!(
                "document {} has no token ids; the megatron output needs `tokenize` as the last stage",
                doc.id
            )
        })?;
        if let Some(w) = &self.current {
            if w.tokens() > 0 && w.tokens() + ids.len() as u64 > self.max_tokens {
                self.current.take().expect("checked").finish()?;
            }
        }
        if self.current.is_none() {
            let prefix = PathBuf::from(format!("{}-{:04}", self.prefix, self.next));
            self.next += 1;
            self.current = Some(ShardWriter::create(&prefix, self.dtype)?);
        }
        self.current.as_mut().expect("opened above").add(ids)
    }

    fn commit(self) -> anyhow::Result<()> {
        if let Some(w) = self.current {
            w.finish()?;
        }
        Ok(())
    }
}

impl FileWriter {
    fn write(&mut self, doc: &Document) -> anyhow::Result<()> {
        match self {
            FileWriter::Jsonl(w) => w.write_doc(&DocJson::of(doc)),
            FileWriter::Parquet(w) => w.write(doc),
            FileWriter::Megatron(w) => w.write(doc),
        }
    }

    fn commit(self) -> anyhow::Result<()> {
        match self {
            FileWriter::Jsonl(w) => w.commit(),
            FileWriter::Parquet(w) => w.commit(),
            FileWriter::Megatron(w) => w.commit(),
        }
    }
}

/// Final output of one task: `<dir>/[<lang>/]part-<task>.<ext>`, files
/// opened on first use, all committed together.
pub struct OutputWriter {
    dir: PathBuf,
    format: OutputFormat,
    partition: Option<PartitionBy>,
    style: PartitionStyle,
    level: i32,
    /// Typed metadata fields of Parquet files.
    fields: Arc<Vec<MetaField>>,
    /// Megatron: id width and shard size.
    tokens: Option<(TokenDtype, u64)>,
    file_name: String,
    writers: BTreeMap<String, FileWriter>,
}

impl OutputWriter {
    /// Writer for task `task` of the output `spec`; Parquet files get the
    /// `metadata` columns of `fields`.
    pub fn new(spec: &OutputSpec, task: usize, fields: Arc<Vec<MetaField>>) -> Self {
        let format = spec.kind;
        let ext = match format {
            OutputFormat::Jsonl => ".jsonl.zst",
            OutputFormat::Parquet => ".parquet",
            OutputFormat::Megatron => "",
        };
        OutputWriter {
            dir: spec.path.clone(),
            format,
            partition: spec.partition_by,
            style: spec.partition_style,
            level: spec.compression_level,
            fields,
            tokens: None,
            file_name: format!("part-{task:05}{ext}"),
            writers: BTreeMap::new(),
        }
    }

    /// Path of the file a document with language `lang` goes to.
    /// For the megatron output: the token id width and the shard size.
    pub fn with_tokens(mut self, dtype: TokenDtype, max_tokens_per_shard: u64) -> Self {
        self.tokens = Some((dtype, max_tokens_per_shard));
        self
    }

    pub fn path_for(&self, lang: &str) -> PathBuf {
        match self.partition {
            Some(PartitionBy::Lang) => self.dir.join(self.style.folder(lang)).join(&self.file_name),
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
                OutputFormat::Parquet => {
                    FileWriter::Parquet(Box::new(ParquetWriter::create(&path, self.level, self.fields.clone())?))
                }
                OutputFormat::Megatron => {
                    let (dtype, max_tokens) = self
                        .tokens
                        .ok_or_else(|| anyhow::anyhow!("megatron output without a tokenizer vocabulary"))?;
                    FileWriter::Megatron(MegatronShards {
                        prefix: path.to_string_lossy().into_owned(),
                        dtype,
                        max_tokens,
                        next: 0,
                        current: None,
                    })
                }
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
