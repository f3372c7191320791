//! Readers and writers of documents.
//!
//! Readers stream one record at a time and never stop at a bad record: they
//! skip it, count it in [`ReaderStats`] and go on. Writers write under a
//! temporary name and rename when complete, so a crash never leaves a file
//! that looks finished but is not.

pub mod atomic;
pub mod charset;
pub mod compress;
pub mod jsonl;
pub mod jsonl_out;
pub mod megatron;
pub mod output;
pub mod parquet_in;
pub mod parquet_out;
pub mod read_back;
pub mod spec;
pub mod units;
pub mod warc;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::document::Document;
use crate::document::Rejection;
use crate::io::spec::{InputFormat, InputSpec, Preset};
use crate::meta_schema::MetaField;
use crate::stats::ReaderStats;

pub use units::{Part, Unit};

/// One thing a reader produced.
#[derive(Debug)]
pub enum ReadItem {
    /// A document for the first stage.
    Doc(Document),
    /// A document that is already rejected by the input policy (e.g. invalid
    /// UTF-8 with `invalid_utf8: reject`); it goes straight to rejected/.
    Reject(Document, Rejection),
}

/// A stream of documents from one unit of input.
pub trait DocReader: Send {
    /// The next document, `None` at the end. Recoverable damage is counted in
    /// `stats` and skipped; `Err` means the unit cannot be read at all.
    fn next_item(&mut self, stats: &mut ReaderStats) -> anyhow::Result<Option<ReadItem>>;
}

/// The WARC record types read by default for an input kind.
pub fn default_record_types(kind: InputFormat) -> Vec<String> {
    match kind {
        InputFormat::Wet => vec!["conversion".into()],
        _ => vec!["response".into(), "resource".into()],
    }
}

/// Opens one unit of the pipeline input. `counter` receives raw bytes read.
pub fn open_unit(input: &InputSpec, unit: &Unit, counter: Arc<AtomicU64>) -> anyhow::Result<Box<dyn DocReader>> {
    let field = |f: &Option<String>, d: &str| f.clone().unwrap_or_else(|| d.to_string());
    Ok(match input.kind {
        InputFormat::Jsonl => Box::new(jsonl::JsonlReader::open(
            unit,
            jsonl::JsonlFields {
                text: field(&input.text_field, "text"),
                id: field(&input.id_field, "id"),
                url: field(&input.url_field, "url"),
                lang: field(&input.lang_field, "lang"),
            },
            input.invalid_utf8,
            counter,
        )?),
        InputFormat::Warc | InputFormat::Wet => Box::new(
            warc::WarcReader::open(
                unit,
                input
                    .record_types
                    .clone()
                    .unwrap_or_else(|| default_record_types(input.kind)),
                input.invalid_utf8,
                counter,
            )?
            .with_max_record_bytes(
                (input.max_record_mb.unwrap_or(warc::DEFAULT_MAX_RECORD_MB) * 1024.0 * 1024.0) as u64,
            ),
        ),
        InputFormat::Parquet => Box::new(parquet_in::ParquetReader::open(unit, &parquet_columns(input), counter)?),
    })
}

/// The columns a Parquet input is read from: the preset's, overridden by
/// the fields the pipeline sets.
pub fn parquet_columns(input: &InputSpec) -> parquet_in::ParquetColumns {
    let (lang, meta): (Vec<&str>, Vec<&str>) = match input.preset {
        None => (vec!["lang"], vec![]),
        Some(Preset::Fineweb | Preset::Fineweb2) => (vec!["language"], vec!["*"]),
        Some(Preset::Hf) => (vec!["lang", "language"], vec!["*"]),
    };
    let or = |f: &Option<String>, d: &str| f.clone().unwrap_or_else(|| d.to_string());
    parquet_in::ParquetColumns {
        text: or(&input.text_field, "text"),
        id: or(&input.id_field, "id"),
        url: or(&input.url_field, "url"),
        lang: match &input.lang_field {
            Some(l) => vec![l.clone()],
            None => lang.into_iter().map(String::from).collect(),
        },
        meta: if input.meta_columns.is_empty() {
            meta.into_iter().map(String::from).collect()
        } else {
            input.meta_columns.clone()
        },
    }
}

/// The metadata fields the input itself writes, typed: WARC headers for
/// WARC/WET, the metadata columns (typed from the first readable file) for
/// Parquet. JSONL fields are free-form and land in `metadata_extra`.
pub fn reader_metadata(input: &InputSpec, files: &[std::path::PathBuf]) -> Vec<MetaField> {
    match input.kind {
        InputFormat::Parquet => parquet_in::metadata_fields(files, &parquet_columns(input)),
        InputFormat::Warc | InputFormat::Wet => warc::metadata_fields(),
        InputFormat::Jsonl => Vec::new(),
    }
}
