//! What a pipeline file says about its input and output (`input:` and
//! `output:`): the readers and writers are configured by these types; the
//! pipeline parser (`pipeline::spec`) reads them with the rest of the file.

use std::path::PathBuf;

use serde::Deserialize;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// One JSON object per line (.jsonl, .jsonl.gz, .jsonl.zst).
    Jsonl,
    /// WARC files of HTTP responses (.warc, .warc.gz).
    Warc,
    /// WET files: WARC `conversion` records of extracted text.
    Wet,
    /// Apache Parquet with a text column.
    Parquet,
}

/// What to do with bytes that are not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvalidUtf8 {
    /// Replace bad sequences with U+FFFD and keep the document.
    #[default]
    Replace,
    /// Send the document to rejected/ with reason `invalid_utf8`.
    Reject,
    /// Skip the record and count it.
    Skip,
}

/// What a run does when input is lost: a file that cannot be opened, a
/// Parquet row group that cannot be decoded, the rest of a damaged stream.
/// (A single bad record is always skipped and counted.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Read everything that can be read, then fail the run with a list of
    /// what was lost; reruns keep failing until `--restart` or `skip`.
    #[default]
    Fail,
    /// Count the losses per cause in stats, the run summary and the report,
    /// and succeed.
    Skip,
}

/// Column layouts of published datasets, so they read without listing columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// FineWeb / FineWeb-Edu Parquet: `text`, `id`, `url`, `language`
    /// (ISO 639-1); `dump`, `date`, `language_score`, `token_count`, `score`
    /// ... carried into metadata.
    Fineweb,
    /// FineWeb-2 Parquet: `text`, `id`, `url`, `language` (ISO 639-3, e.g.
    /// `mlt`, mapped to `mt`), `language_script`, `language_score`,
    /// `minhash_cluster_size`, `top_langs` ... carried into metadata.
    Fineweb2,
    /// Any Hugging Face dataset Parquet export: `text`, `id`, `url`, `lang`
    /// or `language` when present; every other column into metadata.
    Hf,
}

/// `input:` — where documents come from.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    pub kind: InputFormat,
    /// Glob patterns; matches are sorted so task assignment is deterministic.
    pub paths: Vec<String>,
    /// Column layout of a published dataset (`fineweb`, `fineweb2`, `hf`);
    /// explicit `*_field`/`meta_columns` settings override it.
    #[serde(default)]
    pub preset: Option<Preset>,
    /// Lost input (unreadable file, corrupt row group, damaged stream):
    /// `fail` (default) or `skip`.
    #[serde(default)]
    pub on_error: OnError,
    /// JSONL/Parquet: field holding the text (default `text`).
    #[serde(default)]
    pub text_field: Option<String>,
    /// JSONL/Parquet: field holding the id (default `id`; `file:line` when absent).
    #[serde(default)]
    pub id_field: Option<String>,
    /// JSONL/Parquet: field holding the URL (default `url`).
    #[serde(default)]
    pub url_field: Option<String>,
    /// JSONL/Parquet: field holding a known language code (default `lang`).
    #[serde(default)]
    pub lang_field: Option<String>,
    /// Parquet: extra columns copied into the document metadata; `"*"` is
    /// every column not read as text, id, url or language.
    #[serde(default)]
    pub meta_columns: Vec<String>,
    /// WARC/WET: record types turned into documents
    /// (default `[response, resource]` for warc, `[conversion]` for wet).
    #[serde(default)]
    pub record_types: Option<Vec<String>>,
    /// What to do with invalid UTF-8.
    #[serde(default)]
    pub invalid_utf8: InvalidUtf8,
    /// WARC/WET: records whose Content-Length is over this many MB are
    /// skipped and counted (`record_too_large`), never read into memory
    /// (default 256).
    #[serde(default)]
    pub max_record_mb: Option<f64>,
    /// Uncompressed JSONL and Parquet files larger than this many MB are
    /// split across tasks (default 128).
    #[serde(default)]
    pub split_mb: Option<f64>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// JSON lines compressed with zstd (`.jsonl.zst`).
    Jsonl,
    /// Parquet with zstd, columns id, text, url, lang, lang_score, source, metadata.
    Parquet,
    /// Megatron-LM indexed dataset shards (`.bin`/`.idx`) of the token ids of
    /// a final `tokenize` stage, plus `manifest.json`.
    Megatron,
}

/// How output files are grouped into folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PartitionBy {
    /// One folder per language code (`und` when unknown).
    Lang,
}

/// How partition folders are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PartitionStyle {
    /// `mt/part-00003.parquet`.
    #[default]
    Folder,
    /// Hive style, `lang=mt/part-00003.parquet`, which DuckDB, polars,
    /// pyarrow and Spark turn into a column when scanning the folder.
    Hive,
}

impl PartitionStyle {
    /// The folder name of language `lang`.
    pub fn folder(self, lang: &str) -> String {
        match self {
            PartitionStyle::Folder => lang.to_string(),
            PartitionStyle::Hive => format!("lang={lang}"),
        }
    }

    /// The language of a partition folder of either style (`mt`, `lang=mt`).
    pub fn lang_of(folder: &str) -> &str {
        folder.strip_prefix("lang=").unwrap_or(folder)
    }
}

/// `output:` — where kept and rejected documents go.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub kind: OutputFormat,
    /// Output folder; also holds markers (`_markers/`), stats (`_stats/`) and
    /// scratch data of barriers (`_work/`).
    pub path: PathBuf,
    #[serde(default)]
    pub partition_by: Option<PartitionBy>,
    /// Partition folder names: `folder` (`mt/`, default) or `hive` (`lang=mt/`).
    #[serde(default)]
    pub partition_style: PartitionStyle,
    /// Where dropped documents go (default `<path>/rejected`).
    #[serde(default)]
    pub rejected: Option<PathBuf>,
    /// Set to false to not write dropped documents (they are still counted).
    #[serde(default = "yes")]
    pub keep_rejected: bool,
    /// zstd level for outputs, 1..=19 (default 3).
    #[serde(default = "default_level")]
    pub compression_level: i32,
    /// `megatron` output: a shard is closed before it exceeds this many tokens.
    #[serde(default = "default_shard_tokens")]
    pub max_tokens_per_shard: u64,
}

fn default_shard_tokens() -> u64 {
    1_000_000_000
}

fn yes() -> bool {
    true
}

fn default_level() -> i32 {
    3
}

impl OutputSpec {
    /// The rejected folder, resolved.
    pub fn rejected_dir(&self) -> Option<PathBuf> {
        self.keep_rejected
            .then(|| self.rejected.clone().unwrap_or_else(|| self.path.join("rejected")))
    }
}
