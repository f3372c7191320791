//! Parquet writer (zstd): columns id, text, url, lang, lang_score, source,
//! `metadata` (a struct of the typed fields the run declares, see
//! [`crate::meta_schema`]) and `metadata_extra` (JSON text of anything
//! undeclared), readable by pyarrow, polars, DuckDB and HF `datasets`.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Float32Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::atomic::AtomicFile;
use crate::document::Document;
use crate::meta_schema::{self, MetaField};

/// Rows buffered before they become an Arrow batch.
const BATCH_ROWS: usize = 1024;
/// Text bytes buffered before a batch is cut early.
const BATCH_BYTES: usize = 16 << 20;
/// Encoded bytes after which a row group is flushed (bounds memory).
const ROW_GROUP_BYTES: usize = 128 << 20;

/// The output schema of a run whose documents carry `fields`. With no
/// declared field there is no `metadata` column (Parquet has no empty struct).
pub fn schema(fields: &[MetaField]) -> SchemaRef {
    let mut cols = vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("url", DataType::Utf8, true),
        Field::new("lang", DataType::Utf8, true),
        Field::new("lang_score", DataType::Float32, true),
        Field::new("source", DataType::Utf8, false),
    ];
    if !fields.is_empty() {
        cols.push(Field::new("metadata", meta_schema::struct_type(fields), true));
    }
    cols.push(Field::new("metadata_extra", DataType::Utf8, true));
    Arc::new(Schema::new(cols))
}

/// Streams documents into one Parquet file, committed atomically.
pub struct ParquetWriter {
    writer: ArrowWriter<AtomicFile>,
    schema: SchemaRef,
    fields: Arc<Vec<MetaField>>,
    rows: Vec<Row>,
    buffered_bytes: usize,
    /// Text bytes written.
    pub bytes: u64,
}

struct Row {
    id: String,
    text: String,
    url: Option<String>,
    lang: Option<String>,
    lang_score: Option<f32>,
    source: String,
    meta: serde_json::Map<String, serde_json::Value>,
}

impl ParquetWriter {
    /// Starts a file at `path` with zstd at `level`, with the `metadata`
    /// columns of `fields`.
    pub fn create(path: &Path, level: i32, fields: Arc<Vec<MetaField>>) -> anyhow::Result<Self> {
        let file = AtomicFile::create(path)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(level)?))
            .set_max_row_group_row_count(Some(100_000))
            .build();
        let schema = schema(&fields);
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
        Ok(ParquetWriter {
            writer,
            schema,
            fields,
            rows: Vec::with_capacity(BATCH_ROWS),
            buffered_bytes: 0,
            bytes: 0,
        })
    }

    /// Appends one document.
    pub fn write(&mut self, doc: &Document) -> anyhow::Result<()> {
        self.buffered_bytes += doc.text.len();
        self.bytes += doc.text.len() as u64;
        self.rows.push(Row {
            id: doc.id.clone(),
            text: doc.text.clone(),
            url: doc.url.clone(),
            lang: doc.lang.clone(),
            lang_score: doc.lang_score,
            source: doc.source.clone(),
            meta: doc.meta.clone(),
        });
        if self.rows.len() >= BATCH_ROWS || self.buffered_bytes >= BATCH_BYTES {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> anyhow::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let n = self.rows.len();
        let mut id = StringBuilder::with_capacity(n, n * 16);
        let mut text = StringBuilder::with_capacity(n, self.buffered_bytes);
        let mut url = StringBuilder::new();
        let mut lang = StringBuilder::new();
        let mut score = Float32Builder::with_capacity(n);
        let mut source = StringBuilder::new();
        let mut extra = StringBuilder::new();
        for r in &self.rows {
            id.append_value(&r.id);
            text.append_value(&r.text);
            url.append_option(r.url.as_deref());
            lang.append_option(r.lang.as_deref());
            score.append_option(r.lang_score);
            source.append_value(&r.source);
            extra.append_option(meta_schema::extra_json(&self.fields, &r.meta));
        }
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(id.finish()),
            Arc::new(text.finish()),
            Arc::new(url.finish()),
            Arc::new(lang.finish()),
            Arc::new(score.finish()),
            Arc::new(source.finish()),
        ];
        if !self.fields.is_empty() {
            let metas: Vec<&serde_json::Map<String, serde_json::Value>> = self.rows.iter().map(|r| &r.meta).collect();
            cols.push(meta_schema::struct_column(&self.fields, &metas));
        }
        cols.push(Arc::new(extra.finish()));
        self.rows.clear();
        let batch = RecordBatch::try_new(self.schema.clone(), cols)?;
        self.writer.write(&batch)?;
        self.buffered_bytes = 0;
        if self.writer.in_progress_size() >= ROW_GROUP_BYTES {
            self.writer.flush()?;
        }
        Ok(())
    }

    /// Writes the footer and renames the file into place.
    pub fn commit(mut self) -> anyhow::Result<()> {
        self.flush_batch()?;
        let file = self.writer.into_inner()?;
        file.commit()?;
        Ok(())
    }
}
