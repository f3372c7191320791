//! Parquet reader: row groups of one unit, configurable column names.
//! A file without the text column is an error naming the columns it has.

use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};
use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use serde_json::{Map, Value};

use super::units::{Part, Unit};
use super::{DocReader, ReadItem};
use crate::document::Document;
use crate::stats::ReaderStats;

/// Column names to read documents from.
#[derive(Debug, Clone)]
pub struct ParquetColumns {
    pub text: String,
    pub id: String,
    pub url: String,
    pub lang: String,
    pub meta: Vec<String>,
}

/// Streams the rows of some row groups of one Parquet file.
pub struct ParquetReader {
    display: String,
    batches: ParquetRecordBatchReader,
    batch: Option<RecordBatch>,
    row: usize,
    /// Row number (in the file) of the first row of `batch`.
    batch_first_row: u64,
    next_row: u64,
    cols: Cols,
    meta_names: Vec<String>,
}

/// Indices in the projected batch.
struct Cols {
    text: usize,
    id: Option<usize>,
    url: Option<usize>,
    lang: Option<usize>,
    meta: Vec<usize>,
}

/// Checks that a Parquet file has the text column, before any work.
pub fn check_schema(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
    let schema = builder.schema();
    if schema.index_of(text).is_err() {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        bail!(
            "{} has no text column `{text}`; its columns are: {}. Set `input.text_field` to the right one.",
            path.display(),
            names.join(", ")
        );
    }
    Ok(())
}

impl ParquetReader {
    /// Opens the row groups of `unit`.
    pub fn open(unit: &Unit, columns: &ParquetColumns, counter: Arc<AtomicU64>) -> anyhow::Result<Self> {
        let display = unit.path.display().to_string();
        let file = File::open(&unit.path).with_context(|| format!("cannot open {display}"))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .with_context(|| format!("{display} is not a readable Parquet file"))?;
        let schema = builder.schema().clone();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let Ok(text_idx) = schema.index_of(&columns.text) else {
            bail!(
                "{display} has no text column `{}`; its columns are: {}. Set `input.text_field` to the right one.",
                columns.text,
                names.join(", ")
            );
        };
        let mut wanted = vec![text_idx];
        let opt = |name: &str, wanted: &mut Vec<usize>| schema.index_of(name).ok().inspect(|i| wanted.push(*i));
        let id = opt(&columns.id, &mut wanted);
        let url = opt(&columns.url, &mut wanted);
        let lang = opt(&columns.lang, &mut wanted);
        let mut meta = Vec::new();
        for m in &columns.meta {
            match schema.index_of(m) {
                Ok(i) => {
                    wanted.push(i);
                    meta.push(i);
                }
                Err(_) => bail!(
                    "{display} has no column `{m}` listed in `meta_columns`; its columns are: {}",
                    names.join(", ")
                ),
            }
        }
        let (first_group, last_group) = match unit.part {
            Part::RowGroups { start, end } => (start, end),
            _ => (0, builder.metadata().num_row_groups()),
        };
        let first_row: u64 = (0..first_group)
            .map(|g| builder.metadata().row_group(g).num_rows() as u64)
            .sum();
        let group_bytes: u64 = (first_group..last_group)
            .map(|g| builder.metadata().row_group(g).compressed_size().max(0) as u64)
            .sum();
        let mut sorted = wanted.clone();
        sorted.sort_unstable();
        sorted.dedup();
        let pos = |i: usize| sorted.iter().position(|&s| s == i).expect("projected");
        let cols = Cols {
            text: pos(text_idx),
            id: id.map(pos),
            url: url.map(pos),
            lang: lang.map(pos),
            meta: meta.iter().map(|&i| pos(i)).collect(),
        };
        let mask = ProjectionMask::roots(builder.parquet_schema(), sorted.iter().copied());
        let batches = builder
            .with_row_groups((first_group..last_group).collect())
            .with_projection(mask)
            .with_batch_size(1024)
            .build()
            .with_context(|| format!("cannot read row groups of {display}"))?;
        counter.fetch_add(group_bytes, Ordering::Relaxed);
        Ok(ParquetReader {
            display,
            batches,
            batch: None,
            row: 0,
            batch_first_row: first_row,
            next_row: first_row,
            cols,
            meta_names: columns.meta.clone(),
        })
    }
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

fn json_at(col: &dyn Array, row: usize) -> Value {
    if col.is_null(row) {
        return Value::Null;
    }
    match col.data_type() {
        DataType::Float64 => Value::from(col.as_primitive::<arrow_array::types::Float64Type>().value(row)),
        DataType::Float32 => Value::from(col.as_primitive::<arrow_array::types::Float32Type>().value(row)),
        DataType::Boolean => Value::from(col.as_boolean().value(row)),
        DataType::Int64 | DataType::Int32 | DataType::UInt64 => string_at(col, row)
            .and_then(|s| s.parse::<i64>().ok())
            .map(Value::from)
            .unwrap_or(Value::Null),
        _ => string_at(col, row).map(Value::String).unwrap_or(Value::Null),
    }
}

impl DocReader for ParquetReader {
    fn next_item(&mut self, stats: &mut ReaderStats) -> anyhow::Result<Option<ReadItem>> {
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
                        lang: get(self.cols.lang).filter(|l| !l.is_empty()),
                        lang_score: None,
                        meta,
                        tokens: None,
                    };
                    return Ok(Some(ReadItem::Doc(doc)));
                }
            }
            match self.batches.next() {
                None => return Ok(None),
                Some(Ok(b)) => {
                    self.batch_first_row = self.next_row;
                    self.next_row += b.num_rows() as u64;
                    self.batch = Some(decode_dictionaries(b)?);
                    self.row = 0;
                }
                Some(Err(e)) => {
                    stats.skip(
                        "corrupt_row_group",
                        format!(
                            "{} near row {}: {e}; the rest of this slice is lost",
                            self.display, self.next_row
                        ),
                    );
                    return Ok(None);
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
            lang: "lang".into(),
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
