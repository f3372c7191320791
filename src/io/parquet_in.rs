//! Parquet reader: row groups of one unit, configurable column names.
//!
//! A file without the text column is a configuration error naming the
//! columns it has. Damage is contained to what it hits: a file whose footer
//! cannot be read is lost whole, a row group that cannot be decoded (corrupt
//! page, a codec this build lacks) is lost alone and the next one is read.
//! Each loss is recorded with file and row group (see `ReaderStats::lose`).

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};
use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Schema};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use serde_json::{Map, Value};

use super::units::{Part, Unit};
use super::{DocReader, ReadItem};
use crate::document::Document;
use crate::meta_schema::{self, MetaField};
use crate::stats::ReaderStats;

/// Column names to read documents from.
#[derive(Debug, Clone)]
pub struct ParquetColumns {
    pub text: String,
    pub id: String,
    pub url: String,
    /// Candidates for the language column; the first the file has is used.
    pub lang: Vec<String>,
    /// Columns copied into metadata; `*` is every column not read above.
    pub meta: Vec<String>,
}

/// Where each wanted column is in one file's schema.
struct Resolved {
    text: usize,
    id: Option<usize>,
    url: Option<usize>,
    lang: Option<usize>,
    /// (name, index in the file) of the metadata columns.
    meta: Vec<(String, usize)>,
}

impl ParquetColumns {
    /// Finds the columns in `schema`; a missing text column or a missing
    /// listed metadata column is an error naming the columns the file has.
    fn resolve(&self, schema: &Schema, display: &str) -> anyhow::Result<Resolved> {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let Ok(text) = schema.index_of(&self.text) else {
            bail!(
                "{display} has no text column `{}`; its columns are: {}. Set `input.text_field` to the right one.",
                self.text,
                names.join(", ")
            );
        };
        let id = schema.index_of(&self.id).ok();
        let url = schema.index_of(&self.url).ok();
        let lang = self.lang.iter().find_map(|l| schema.index_of(l).ok());
        let first_class = [Some(text), id, url, lang];
        let mut meta = Vec::new();
        for m in &self.meta {
            if m == "*" {
                for (i, n) in names.iter().enumerate() {
                    if !first_class.contains(&Some(i)) && !meta.iter().any(|(_, j)| *j == i) {
                        meta.push((n.to_string(), i));
                    }
                }
                continue;
            }
            match schema.index_of(m) {
                Ok(i) => {
                    if !meta.iter().any(|(_, j)| *j == i) {
                        meta.push((m.clone(), i));
                    }
                }
                Err(_) => bail!(
                    "{display} has no column `{m}` listed in `meta_columns`; its columns are: {}",
                    names.join(", ")
                ),
            }
        }
        Ok(Resolved {
            text,
            id,
            url,
            lang,
            meta,
        })
    }
}

/// Checks a Parquet file against the configured columns before any work.
/// A file that cannot be read at all is not a configuration error: the run
/// records it as lost (or skips it with `on_error: skip`).
pub fn check_schema(path: &Path, columns: &ParquetColumns) -> anyhow::Result<()> {
    let Ok(meta) = load(path) else {
        return Ok(());
    };
    columns.resolve(meta.schema(), &path.display().to_string()).map(|_| ())
}

/// The metadata fields the first readable file of `files` yields, typed
/// from its schema.
pub fn metadata_fields(files: &[std::path::PathBuf], columns: &ParquetColumns) -> Vec<MetaField> {
    for f in files {
        let Ok(meta) = load(f) else { continue };
        let schema = meta.schema();
        let Ok(r) = columns.resolve(schema, &f.display().to_string()) else {
            continue;
        };
        return r
            .meta
            .iter()
            .map(|(name, i)| {
                MetaField::new(
                    name,
                    meta_schema::of_arrow(schema.field(*i).data_type()),
                    "input column",
                )
            })
            .collect();
    }
    Vec::new()
}

fn load(path: &Path) -> anyhow::Result<ArrowReaderMetadata> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    ArrowReaderMetadata::load(&file, Default::default()).with_context(|| "not a readable Parquet file".to_string())
}

/// Streams the rows of some row groups of one Parquet file, one row group
/// at a time so that damage in one loses only that one.
pub struct ParquetReader {
    display: String,
    file: Option<File>,
    meta: Option<ArrowReaderMetadata>,
    mask: Option<ProjectionMask>,
    /// Row groups still to open.
    groups: std::ops::Range<usize>,
    /// The open row group: its index and first row in the file.
    current: Option<(usize, u64)>,
    batches: Option<ParquetRecordBatchReader>,
    batch: Option<RecordBatch>,
    row: usize,
    /// Row number (in the file) of the first row of `batch`.
    batch_first_row: u64,
    next_row: u64,
    cols: Cols,
    meta_names: Vec<String>,
    counter: Arc<AtomicU64>,
    /// The whole file could not be read; reported on the first call.
    unreadable: Option<String>,
}

/// Indices in the projected batch.
#[derive(Default)]
struct Cols {
    text: usize,
    id: Option<usize>,
    url: Option<usize>,
    lang: Option<usize>,
    meta: Vec<usize>,
}

impl ParquetReader {
    /// Opens the row groups of `unit`. A file that is not readable Parquet
    /// yields no rows and records the loss; a file missing a configured
    /// column is an error.
    pub fn open(unit: &Unit, columns: &ParquetColumns, counter: Arc<AtomicU64>) -> anyhow::Result<Self> {
        let display = unit.path.display().to_string();
        let mut reader = ParquetReader {
            display: display.clone(),
            file: None,
            meta: None,
            mask: None,
            groups: 0..0,
            current: None,
            batches: None,
            batch: None,
            row: 0,
            batch_first_row: 0,
            next_row: 0,
            cols: Cols::default(),
            meta_names: Vec::new(),
            counter,
            unreadable: None,
        };
        let meta = match load(&unit.path) {
            Ok(m) => m,
            Err(e) => {
                reader.unreadable = Some(format!("{e:#}"));
                return Ok(reader);
            }
        };
        let file = File::open(&unit.path).with_context(|| format!("cannot open {display}"))?;
        let r = columns.resolve(meta.schema(), &display)?;
        let mut wanted: Vec<usize> = [Some(r.text), r.id, r.url, r.lang].into_iter().flatten().collect();
        wanted.extend(r.meta.iter().map(|(_, i)| *i));
        let mut sorted = wanted.clone();
        sorted.sort_unstable();
        sorted.dedup();
        let pos = |i: usize| sorted.iter().position(|&s| s == i).expect("projected");
        reader.cols = Cols {
            text: pos(r.text),
            id: r.id.map(pos),
            url: r.url.map(pos),
            lang: r.lang.map(pos),
            meta: r.meta.iter().map(|(_, i)| pos(*i)).collect(),
        };
        reader.meta_names = r.meta.into_iter().map(|(n, _)| n).collect();
        let groups = match unit.part {
            Part::RowGroups { start, end } => start..end,
            _ => 0..meta.metadata().num_row_groups(),
        };
        reader.mask = Some(ProjectionMask::roots(meta.parquet_schema(), sorted.iter().copied()));
        reader.groups = groups;
        reader.file = Some(file);
        reader.meta = Some(meta);
        Ok(reader)
    }

    /// Opens the next row group; `false` when none is left.
    fn open_next_group(&mut self, stats: &mut ReaderStats) -> bool {
        let (Some(meta), Some(file), Some(mask)) = (&self.meta, &self.file, &self.mask) else {
            return false;
        };
        for g in self.groups.by_ref() {
            let md = meta.metadata();
            let first_row: u64 = (0..g).map(|i| md.row_group(i).num_rows() as u64).sum();
            let rows = md.row_group(g).num_rows() as u64;
            self.counter
                .fetch_add(md.row_group(g).compressed_size().max(0) as u64, Ordering::Relaxed);
            let built = file.try_clone().map_err(anyhow::Error::from).and_then(|f| {
                Ok(ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
                    .with_row_groups(vec![g])
                    .with_projection(mask.clone())
                    .with_batch_size(1024)
                    .build()?)
            });
            match built {
                Ok(b) => {
                    self.batches = Some(b);
                    self.current = Some((g, first_row));
                    self.next_row = first_row;
                    return true;
                }
                Err(e) => stats.lose(
                    "corrupt_row_group",
                    &self.display,
                    group_place(g, first_row, rows),
                    format!("{e:#}"),
                ),
            }
        }
        false
    }
}

/// `row group 3 (rows 2048..3071)`.
fn group_place(g: usize, first_row: u64, rows: u64) -> String {
    format!(
        "row group {g} (rows {first_row}..{})",
        (first_row + rows).saturating_sub(1)
    )
}

/// Dictionary-encoded columns (pandas categoricals, polars `Categorical`)
/// become plain arrays, once per batch.
fn decode_dictionaries(batch: RecordBatch) -> anyhow::Result<RecordBatch> {
    if !batch
        .columns()
        .iter()
        .any(|c| matches!(c.data_type(), DataType::Dictionary(..)))
    {
        return Ok(batch);
    }
    let mut fields = Vec::new();
    let mut columns = Vec::new();
    for (field, col) in batch.schema().fields().iter().zip(batch.columns()) {
        if let Some(dict) = col.as_any_dictionary_opt() {
            let plain = arrow_select::take::take(dict.values().as_ref(), dict.keys(), None)?;
            fields.push(arrow_schema::Field::new(field.name(), plain.data_type().clone(), true));
            columns.push(plain);
        } else {
            fields.push(field.as_ref().clone());
            columns.push(col.clone());
        }
    }
    Ok(RecordBatch::try_new(
        std::sync::Arc::new(arrow_schema::Schema::new(fields)),
        columns,
    )?)
}

fn string_at(col: &dyn Array, row: usize) -> Option<String> {
    if col.is_null(row) {
        return None;
    }
    match col.data_type() {
        DataType::Utf8 => Some(col.as_string::<i32>().value(row).to_string()),
        DataType::LargeUtf8 => Some(col.as_string::<i64>().value(row).to_string()),
        DataType::Utf8View => Some(col.as_string_view().value(row).to_string()),
        DataType::Binary => Some(String::from_utf8_lossy(col.as_binary::<i32>().value(row)).into_owned()),
        DataType::LargeBinary => Some(String::from_utf8_lossy(col.as_binary::<i64>().value(row)).into_owned()),
        DataType::Int64 => Some(
            col.as_primitive::<arrow_array::types::Int64Type>()
                .value(row)
                .to_string(),
        ),
        DataType::Int32 => Some(
            col.as_primitive::<arrow_array::types::Int32Type>()
                .value(row)
                .to_string(),
        ),
        DataType::UInt64 => Some(
            col.as_primitive::<arrow_array::types::UInt64Type>()
                .value(row)
                .to_string(),
        ),
        _ => None,
    }
}

/// One cell as JSON, recursively for lists and structs, so any column can
/// be carried into metadata.
fn json_at(col: &dyn Array, row: usize) -> Value {
    use arrow_array::types::*;
    if col.is_null(row) {
        return Value::Null;
    }
    macro_rules! num {
        ($t:ty) => {
            Value::from(col.as_primitive::<$t>().value(row))
        };
    }
    match col.data_type() {
        DataType::Float64 => num!(Float64Type),
        DataType::Float32 => num!(Float32Type),
        DataType::Float16 => Value::from(f32::from(col.as_primitive::<Float16Type>().value(row))),
        DataType::Int8 => num!(Int8Type),
        DataType::Int16 => num!(Int16Type),
        DataType::Int32 => num!(Int32Type),
        DataType::Int64 => num!(Int64Type),
        DataType::UInt8 => num!(UInt8Type),
        DataType::UInt16 => num!(UInt16Type),
        DataType::UInt32 => num!(UInt32Type),
        DataType::UInt64 => num!(UInt64Type),
        DataType::Date32 => num!(Date32Type),
        DataType::Date64 => num!(Date64Type),
        DataType::Timestamp(arrow_schema::TimeUnit::Second, _) => num!(TimestampSecondType),
        DataType::Timestamp(arrow_schema::TimeUnit::Millisecond, _) => num!(TimestampMillisecondType),
        DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, _) => num!(TimestampMicrosecondType),
        DataType::Timestamp(arrow_schema::TimeUnit::Nanosecond, _) => num!(TimestampNanosecondType),
        DataType::Boolean => Value::from(col.as_boolean().value(row)),
        DataType::List(_) => list_json(col.as_list::<i32>().value(row).as_ref()),
        DataType::LargeList(_) => list_json(col.as_list::<i64>().value(row).as_ref()),
        DataType::FixedSizeList(..) => list_json(col.as_fixed_size_list().value(row).as_ref()),
        DataType::Struct(fields) => {
            let s = col.as_struct();
            Value::Object(
                fields
                    .iter()
                    .zip(s.columns())
                    .map(|(f, c)| (f.name().clone(), json_at(c.as_ref(), row)))
                    .collect(),
            )
        }
        DataType::Map(..) => {
            let m = col.as_map();
            let entries = m.value(row);
            let (keys, values) = (entries.column(0), entries.column(1));
            Value::Object(
                (0..entries.len())
                    .map(|i| {
                        let k = match json_at(keys.as_ref(), i) {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (k, json_at(values.as_ref(), i))
                    })
                    .collect(),
            )
        }
        DataType::Dictionary(..) => {
            let d = col.as_any_dictionary();
            let key = d.normalized_keys()[row];
            json_at(d.values().as_ref(), key)
        }
        _ => string_at(col, row).map(Value::String).unwrap_or(Value::Null),
    }
}

/// One row of a batch as a JSON object of its non-null columns.
pub fn row_json(batch: &RecordBatch, row: usize) -> Map<String, Value> {
    batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .filter(|(_, c)| !c.is_null(row))
        .map(|(f, c)| (f.name().clone(), json_at(c.as_ref(), row)))
        .collect()
}

fn list_json(items: &dyn Array) -> Value {
    Value::Array((0..items.len()).map(|i| json_at(items, i)).collect())
}

impl DocReader for ParquetReader {
    fn next_item(&mut self, stats: &mut ReaderStats) -> anyhow::Result<Option<ReadItem>> {
        if let Some(e) = self.unreadable.take() {
            stats.lose("unreadable_file", &self.display, "whole file", e);
            return Ok(None);
        }
        loop {
            if let Some(batch) = &self.batch {
                if self.row < batch.num_rows() {
                    let r = self.row;
                    self.row += 1;
                    let row_no = self.batch_first_row + r as u64;
                    let source = format!("{}#{}", self.display, row_no);
                    let Some(text) = string_at(batch.column(self.cols.text).as_ref(), r) else {
                        stats.skip("null_text", format!("{source}: text is null or not a string"));
                        continue;
                    };
                    let get = |c: Option<usize>| c.and_then(|c| string_at(batch.column(c).as_ref(), r));
                    let mut meta = Map::new();
                    for (name, &c) in self.meta_names.iter().zip(&self.cols.meta) {
                        meta.insert(name.clone(), json_at(batch.column(c).as_ref(), r));
                    }
                    let doc = Document {
                        id: get(self.cols.id).unwrap_or_else(|| source.clone()),
                        text,
                        url: get(self.cols.url),
                        source,
                        lang: get(self.cols.lang)
                            .filter(|l| !l.is_empty())
                            .map(|l| crate::text::lang_code::to_iso639_1(&l).to_string()),
                        lang_score: None,
                        meta,
                        tokens: None,
                    };
                    return Ok(Some(ReadItem::Doc(doc)));
                }
                self.batch = None;
            }
            let Some(batches) = self.batches.as_mut() else {
                if self.open_next_group(stats) {
                    continue;
                }
                return Ok(None);
            };
            match batches.next() {
                None => {
                    self.batches = None;
                    self.current = None;
                }
                Some(Ok(b)) => {
                    self.batch_first_row = self.next_row;
                    self.next_row += b.num_rows() as u64;
                    self.batch = Some(decode_dictionaries(b)?);
                    self.row = 0;
                }
                Some(Err(e)) => {
                    let (g, first) = self.current.take().expect("a row group is open");
                    let rows = self
                        .meta
                        .as_ref()
                        .map(|m| m.metadata().row_group(g).num_rows() as u64)
                        .unwrap_or(0);
                    let mut place = group_place(g, first, rows);
                    if self.next_row > first {
                        place.push_str(&format!(", from row {}", self.next_row));
                    }
                    stats.lose("corrupt_row_group", &self.display, place, e);
                    self.batches = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::types::Int32Type;
    use arrow_array::{ArrayRef, DictionaryArray, StringArray};
    use std::sync::Arc;

    #[test]
    fn dictionary_encoded_text_columns_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dict.parquet");
        let text: DictionaryArray<Int32Type> = vec!["Bonġu", "Dia duit", "Bonġu"].into_iter().collect();
        let ids: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "c"]));
        let batch = RecordBatch::try_from_iter(vec![("id", ids), ("text", Arc::new(text) as ArrayRef)]).unwrap();
        let file = File::create(&path).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let unit = Unit {
            path: path.clone(),
            part: Part::Whole,
            bytes: 1,
        };
        let cols = ParquetColumns {
            text: "text".into(),
            id: "id".into(),
            url: "url".into(),
            lang: vec!["lang".into()],
            meta: vec![],
        };
        let mut r = ParquetReader::open(&unit, &cols, Arc::new(AtomicU64::new(0))).unwrap();
        let mut stats = ReaderStats::default();
        let mut texts = Vec::new();
        while let Some(ReadItem::Doc(d)) = r.next_item(&mut stats).unwrap() {
            texts.push((d.id, d.text));
        }
        let expect = [("a", "Bonġu"), ("b", "Dia duit"), ("c", "Bonġu")].map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(texts, expect);
    }
}
