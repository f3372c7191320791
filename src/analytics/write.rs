//! `whatif --write DIR`: the documents the what-if keeps, as Parquet files
//! with the run's schema, one per input file at the same relative path,
//! each written under a temporary name and renamed when complete.

use std::path::{Path, PathBuf};

use anyhow::Context;
use arrow_array::RecordBatchReader;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::decide::Rules;
use crate::io::atomic::AtomicFile;

/// Writes the kept rows of `file` (under `outdir`) below `dir`; returns the
/// number of rows written.
pub fn write_file(file: &Path, outdir: &Path, dir: &Path, rules: &Rules) -> anyhow::Result<u64> {
    let rel = file.strip_prefix(outdir).unwrap_or(file);
    let target: PathBuf = dir.join(rel);
    let reader = super::scan::open(file, None)?;
    let schema = reader.schema();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
        .set_max_row_group_row_count(Some(100_000))
        .build();
    let out = AtomicFile::create(&target).with_context(|| format!("cannot create {}", target.display()))?;
    let mut writer = ArrowWriter::try_new(out, schema, Some(props))?;
    let mut rows = 0u64;
    for batch in reader {
        let batch = batch.with_context(|| format!("{}: damaged row group", file.display()))?;
        let (_, keep) = rules.decide(&batch).with_context(|| file.display().to_string())?;
        let mask = arrow_array::BooleanArray::from(keep);
        let kept = arrow_select::filter::filter_record_batch(&batch, &mask)?;
        rows += kept.num_rows() as u64;
        writer.write(&kept)?;
    }
    let out = writer.into_inner()?;
    out.commit()
        .with_context(|| format!("cannot write {}", target.display()))?;
    Ok(rows)
}
