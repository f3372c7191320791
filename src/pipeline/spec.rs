//! The pipeline YAML: schema, parsing and the errors users see.
//!
//! Every error names file:line:column, the bad value and the valid choices,
//! with a did-you-mean for typos, because a wrong config must stop before
//! any work starts and tell the user exactly what to fix.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::interpolate::interpolate;
use super::registry;
use crate::stages::annotate::{Annotated, Mode};
use crate::stages::StageConfig;
use crate::text::suggest::did_you_mean;

/// A parsed pipeline file.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    /// Name shown in plans, progress and reports.
    pub name: String,
    pub input: InputSpec,
    #[serde(default)]
    pub stages: Vec<StageEntry>,
    pub output: OutputSpec,
    #[serde(default)]
    pub executor: ExecutorSpec,
}

pub use crate::io::spec::*;

/// Executors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExecutorKind {
    /// This machine, all cores (rayon).
    #[default]
    Local,
    /// Slurm job arrays, one per phase, chained by dependencies (`eurocurate submit`).
    Slurm,
}

/// `executor:` — how the work is split and run.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutorSpec {
    #[serde(default)]
    pub kind: ExecutorKind,
    /// Number of tasks of the first phase (default: one per input slice).
    /// Output depends on this number, never on the number of workers.
    #[serde(default)]
    pub tasks: Option<usize>,
    /// Threads for `run` (default: all cores); `--workers` overrides it.
    #[serde(default)]
    pub workers: Option<usize>,
    /// Slurm: partition (`--partition`).
    #[serde(default)]
    pub partition: Option<String>,
    /// Slurm: account to charge (`--account`).
    #[serde(default)]
    pub account: Option<String>,
    /// Slurm: quality of service (`--qos`).
    #[serde(default)]
    pub qos: Option<String>,
    /// Slurm: time limit per task (`--time`, e.g. `02:00:00`).
    #[serde(default)]
    pub time: Option<String>,
    /// Slurm: CPUs per task (`--cpus-per-task`).
    #[serde(default)]
    pub cpus_per_task: Option<u32>,
    /// Slurm: memory per CPU (`--mem-per-cpu`, e.g. `4G`).
    #[serde(default)]
    pub mem_per_cpu: Option<String>,
    /// Slurm: most tasks of a phase running at once (`--array=...%N`).
    #[serde(default)]
    pub max_array_parallel: Option<u32>,
    /// Slurm: more `#SBATCH` options, verbatim (e.g. `--constraint=cpu`).
    #[serde(default)]
    pub extra_sbatch: Vec<String>,
    /// Slurm: environment variables exported before each task.
    #[serde(default)]
    pub env: std::collections::BTreeMap<String, String>,
    /// Slurm: shell lines run before each task (`module load ...`, `source venv/bin/activate`).
    #[serde(default)]
    pub setup: Vec<String>,
    /// Slurm: the eurocurate binary compute nodes run (default: the one submitting).
    #[serde(default)]
    pub binary: Option<std::path::PathBuf>,
}

/// One entry of `stages:`: the kind and its typed parameters, with the
/// keys every stage takes (`name:`, and `mode:` for filters) applied by the
/// framework ([`crate::stages::annotate::Annotated`]).
#[derive(Debug)]
pub struct StageEntry {
    pub config: Box<dyn StageConfig>,
    /// The `name:` given, if any.
    pub name: Option<String>,
    pub mode: Mode,
    /// Prefix of the stage's annotation columns: its `name:`, else its kind.
    pub prefix: String,
}

impl StageEntry {
    /// Checks `name:` and `mode:` against the stage and wraps its config.
    pub fn new(inner: Box<dyn StageConfig>, name: Option<String>, mode: Mode) -> Result<StageEntry, String> {
        let kind = inner.kind();
        if let Some(n) = &name {
            let ok = !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !n.starts_with(|c: char| c.is_ascii_digit());
            if !ok || n == "annotate" {
                return Err(format!(
                    "stage name `{n}`: use lower-case letters, digits and `_`, starting with a letter (it prefixes metadata columns, `<name>.keep`), and not `annotate`"
                ));
            }
        }
        if mode == Mode::Annotate && inner.filter_decl().is_none() {
            return Err(format!(
                "`mode: annotate` applies to filter stages; `{kind}` is not one (filters: {})",
                registry::KINDS
                    .iter()
                    .filter(|k| crate::stages::registry::filter_decl(k).is_some())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let prefix = name.clone().unwrap_or_else(|| kind.to_string());
        Ok(StageEntry {
            config: Box::new(Annotated {
                inner,
                name: name.clone(),
                mode,
                prefix: prefix.clone(),
            }),
            name,
            mode,
            prefix,
        })
    }
}

/// One entry of `stages:`: `kind:` names the stage, the other keys are its
/// parameters, each kind with its own (from the registry).
impl schemars::JsonSchema for StageEntry {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Stage".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let kinds: Vec<serde_json::Value> = registry::schemas()
            .into_iter()
            .map(|(kind, schema)| stage_schema(kind, schema))
            .collect();
        schemars::json_schema!({
            "description": "A stage: `kind:` and that kind's parameters (`eurocurate stages KIND`).",
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"enum": registry::KINDS}},
            "oneOf": kinds
        })
    }
}

/// One kind's parameters as an alternative of `stages:` items: its own
/// definitions inlined, `kind:` fixed to its name.
fn stage_schema(kind: &str, mut schema: serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Value};
    let defs = schema
        .as_object_mut()
        .and_then(|m| m.remove("definitions"))
        .unwrap_or(Value::Null);
    fn inline(v: &mut Value, defs: &Value) {
        match v {
            Value::Object(m) => {
                if let Some(name) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
                    if let Some(mut d) = defs.get(name).cloned() {
                        inline(&mut d, defs);
                        m.remove("$ref");
                        if let Value::Object(dm) = d {
                            for (k, x) in dm {
                                m.entry(k).or_insert(x);
                            }
                        }
                    }
                }
                m.values_mut().for_each(|x| inline(x, defs));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| inline(x, defs)),
            _ => {}
        }
    }
    inline(&mut schema, &defs);
    if let Some(m) = schema.as_object_mut() {
        for k in ["$schema", "title"] {
            m.remove(k);
        }
        m.entry("properties").or_insert_with(|| json!({}));
        m["properties"]["kind"] = json!({"const": kind});
        m["properties"]["name"] = json!({
            "type": "string",
            "description": "Name of this stage: prefixes its annotation columns (`<name>.keep`); default: its kind."
        });
        if registry::filter_decl(kind).is_some() {
            m["properties"]["mode"] = json!({
                "enum": ["filter", "annotate"],
                "default": "filter",
                "description": "`filter` drops failing documents; `annotate` keeps every document and writes its measures and would-be verdict as metadata columns."
            });
        }
        let required = m.entry("required").or_insert_with(|| json!([]));
        if let Some(r) = required.as_array_mut() {
            r.insert(0, json!("kind"));
        }
    }
    schema
}

/// The JSON Schema of pipeline files, for editors (VS Code's YAML extension
/// completes and checks a file that names it) and `eurocurate schema`.
pub fn json_schema() -> serde_json::Value {
    let settings = schemars::generate::SchemaSettings::draft07();
    let schema = settings.into_generator().into_root_schema_for::<PipelineSpec>();
    serde_json::to_value(schema).expect("a schema is JSON")
}

impl<'de> Deserialize<'de> for StageEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = StageEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a stage: a mapping that starts with `kind:`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StageEntry, A::Error> {
                match map.next_key::<String>()? {
                    Some(k) if k == "kind" => {
                        let kind: String = map.next_value()?;
                        if !registry::KINDS.contains(&kind.as_str()) {
                            return Err(de::Error::custom(format!(
                                "unknown stage kind `{kind}`, expected one of {}",
                                registry::KINDS
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )));
                        }
                        let mut name = None;
                        let mut mode = None;
                        let inner = registry::parse(
                            &kind,
                            FrameworkKeys {
                                inner: map,
                                name: &mut name,
                                mode: &mut mode,
                            },
                        )?;
                        StageEntry::new(inner, name, mode.unwrap_or_default()).map_err(de::Error::custom)
                    }
                    Some(other) => Err(de::Error::custom(format!(
                        "a stage must start with `kind:`, found `{other}` first"
                    ))),
                    None => Err(de::Error::missing_field("kind")),
                }
            }
        }
        d.deserialize_map(EntryVisitor)
    }
}

/// The rest of a stage's map with the framework's keys (`name:`, `mode:`)
/// taken out, so the stage's own config (with `deny_unknown_fields`) sees
/// only its parameters, and its errors keep their file:line.
struct FrameworkKeys<'a, A> {
    inner: A,
    name: &'a mut Option<String>,
    mode: &'a mut Option<Mode>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for FrameworkKeys<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(key) = self.inner.next_key::<String>()? else {
                return Ok(None);
            };
            match key.as_str() {
                "name" => *self.name = Some(self.inner.next_value()?),
                "mode" => *self.mode = Some(self.inner.next_value()?),
                _ => {
                    return seed
                        .deserialize(de::value::StringDeserializer::<A::Error>::new(key))
                        .map(Some)
                }
            }
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

/// A pipeline error pointing into the file.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending source line, for the snippet.
    pub source_line: Option<String>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string().len();
            write!(
                f,
                "\n{:gutter$} |\n{} | {}\n{:gutter$} | {:>col$}",
                "",
                self.line,
                src.trim_end(),
                "",
                "^",
                col = self.column
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// Parses and validates a pipeline file from disk.
pub fn load(path: &Path) -> anyhow::Result<PipelineSpec> {
    let src = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read pipeline file {}: {e}", path.display()))?;
    Ok(parse(path, &src, |k| std::env::var(k).ok())?)
}

/// Parses a pipeline from text; `file` is only used in messages.
pub fn parse(file: &Path, src: &str, env: impl Fn(&str) -> Option<String>) -> Result<PipelineSpec, SpecError> {
    let line_of = |n: usize| src.lines().nth(n.saturating_sub(1)).map(str::to_string);
    let text = interpolate(src, env).map_err(|e| SpecError {
        file: file.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
        source_line: line_of(e.line),
    })?;
    if let Some((n, line)) = text.lines().enumerate().find(|(_, l)| {
        let indent: &str = &l[..l.len() - l.trim_start().len()];
        indent.contains('\t')
    }) {
        let col = line.find('\t').unwrap_or(0) + 1;
        return Err(SpecError {
            file: file.to_path_buf(),
            line: n + 1,
            column: col,
            message: "tab character in indentation; YAML indents with spaces only".into(),
            source_line: Some(line.to_string()),
        });
    }
    let spec: PipelineSpec = serde_saphyr::from_str(&text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((0, 0));
        let plain = e.without_snippet();
        let raw = plain.to_string();
        let raw = strip_location(&raw);
        let source_line = line_of(line);
        let src_line = source_line.as_deref().unwrap_or("");
        let mut message = explain(raw);
        let mut column = column;
        // Point at the offending value rather than at its key.
        if let Some(bad) = raw.split('`').nth(1) {
            if let Some(pos) = src_line.get(column.saturating_sub(1)..).and_then(|rest| rest.find(bad)) {
                column += src_line[column.saturating_sub(1)..][..pos].chars().count();
            }
        }
        if let Some(expected) = type_name(raw) {
            let found = src_line
                .get(column.saturating_sub(1)..)
                .map(|rest| rest.split(['#', ',', ']', '}']).next().unwrap_or("").trim())
                .unwrap_or("");
            message = format!("expected {expected}, found `{found}`");
        }
        SpecError {
            file: file.to_path_buf(),
            line,
            column,
            message,
            source_line,
        }
    })?;
    check(file, &text, &spec)?;
    Ok(spec)
}

/// Removes the `at line X, column Y` tail the YAML parser adds; we print the
/// position ourselves, in `file:line:col` form.
fn strip_location(msg: &str) -> &str {
    let msg = msg.trim();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].trim_end_matches(','),
        None => msg,
    }
}

/// Turns serde's "unknown variant/field `x`, expected ..." into a message
/// with a did-you-mean.
fn explain(msg: &str) -> String {
    let re = regex::Regex::new(r"^unknown (variant|field|stage kind) `([^`]*)`, expected (?:one of )?(.*)$")
        .expect("static regex");
    let Some(c) = re.captures(msg) else {
        return msg.to_string();
    };
    let what = match &c[1] {
        "variant" => "value",
        "field" => "key",
        other => other,
    };
    let bad = &c[2];
    let choices: Vec<&str> = c[3]
        .split(", ")
        .map(|s| s.trim().trim_matches('`'))
        .filter(|s| !s.is_empty())
        .collect();
    let mut out = format!("unknown {what} `{bad}`");
    if let Some(s) = did_you_mean(bad, choices.iter().copied()) {
        out.push_str(&format!("; did you mean `{s}`?"));
    }
    out.push_str(&format!(" (valid: {})", choices.join(", ")));
    out
}

/// A readable type name for the parser's terse "invalid u64"-style errors.
fn type_name(msg: &str) -> Option<&'static str> {
    let what = msg.strip_prefix("invalid ")?;
    Some(match what.trim() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number >= 0",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "bool" | "boolean" => "true or false",
        _ => return None,
    })
}

/// Semantic checks serde cannot express, located by searching the key.
fn check(file: &Path, text: &str, spec: &PipelineSpec) -> Result<(), SpecError> {
    let err_at = |(line, column): (usize, usize), message: String| SpecError {
        file: file.to_path_buf(),
        line,
        column,
        message,
        source_line: text.lines().nth(line.saturating_sub(1)).map(str::to_string),
    };
    let at = |key: &str, message: String| err_at(find_key(text, key), message);
    // Two annotating stages with one prefix would write the same columns.
    for (i, e) in spec.stages.iter().enumerate() {
        if e.mode != Mode::Annotate {
            continue;
        }
        if let Some(first) = spec.stages[..i]
            .iter()
            .position(|o| o.mode == Mode::Annotate && o.prefix == e.prefix)
        {
            let kind = e.config.kind();
            let nth = spec.stages[..=i].iter().filter(|o| o.config.kind() == kind).count();
            return Err(err_at(
                find_nth_kind(text, kind, nth),
                format!(
                    "stages {} and {} both annotate as `{}`: their columns would collide; give each a `name:` (e.g. `name: {}_{}`)",
                    first + 1,
                    i + 1,
                    e.prefix,
                    kind,
                    i + 1
                ),
            ));
        }
    }
    let input = &spec.input;
    if input.paths.is_empty() {
        return Err(at(
            "paths",
            "`input.paths` is empty; give at least one file or glob".into(),
        ));
    }
    let tabular = matches!(input.kind, InputFormat::Jsonl | InputFormat::Parquet);
    for (key, set) in [
        ("text_field", input.text_field.is_some()),
        ("id_field", input.id_field.is_some()),
        ("url_field", input.url_field.is_some()),
        ("lang_field", input.lang_field.is_some()),
    ] {
        if set && !tabular {
            return Err(at(
                key,
                format!("`{key}` applies to jsonl and parquet input, not {:?}", input.kind).to_lowercase(),
            ));
        }
    }
    if !input.meta_columns.is_empty() && input.kind != InputFormat::Parquet {
        return Err(at(
            "meta_columns",
            "`meta_columns` applies to parquet input only".into(),
        ));
    }
    if let Some(types) = &input.record_types {
        if tabular {
            return Err(at(
                "record_types",
                "`record_types` applies to warc and wet input only".into(),
            ));
        }
        const TYPES: &[&str] = &[
            "response",
            "resource",
            "conversion",
            "request",
            "metadata",
            "revisit",
            "warcinfo",
        ];
        for t in types {
            if !TYPES.contains(&t.as_str()) {
                let hint = did_you_mean(t, TYPES.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(at(
                    "record_types",
                    format!("unknown WARC record type `{t}`{hint} (valid: {})", TYPES.join(", ")),
                ));
            }
        }
    }
    if !(1..=19).contains(&spec.output.compression_level) {
        return Err(at(
            "compression_level",
            format!(
                "`compression_level: {}` is out of range; zstd levels are 1..=19",
                spec.output.compression_level
            ),
        ));
    }
    // Ordering comes from what each stage declares it produces: token ids
    // travel through no later stage or barrier, and megatron needs them.
    use crate::stages::contract::Produces;
    let n = spec.stages.len();
    if let Some(i) = spec.stages.iter().position(|e| e.config.produces() == Produces::Tokens) {
        if i + 1 != n {
            let kind = spec.stages[i].config.kind();
            return Err(err_at(
                find_kind(text, kind),
                format!(
                    "`{kind}` is stage {} of {n} and produces token ids; it must be the last stage (token ids do not travel through later stages or barriers)",
                    i + 1
                ),
            ));
        }
    }
    let ends_in_tokens = spec
        .stages
        .last()
        .is_some_and(|e| e.config.produces() == Produces::Tokens);
    if spec.output.kind == OutputFormat::Megatron && !ends_in_tokens {
        return Err(err_at(
            find_kind(text, "megatron"),
            "`output.kind: megatron` writes token ids: end `stages:` with `- kind: tokenize` and a `tokenizer:` path"
                .into(),
        ));
    }
    if spec.output.max_tokens_per_shard == 0 {
        return Err(at(
            "max_tokens_per_shard",
            "`max_tokens_per_shard: 0`; a shard holds at least one token".into(),
        ));
    }
    if let Some(mb) = input.split_mb {
        if mb.is_nan() || mb <= 0.0 {
            return Err(at(
                "split_mb",
                format!("`split_mb: {mb}` must be a positive number of MB"),
            ));
        }
    }
    if spec.executor.tasks == Some(0) {
        return Err(at("tasks", "`tasks: 0`; a phase needs at least one task".into()));
    }
    let ex = &spec.executor;
    if ex.kind == ExecutorKind::Local {
        for (key, set) in [
            ("partition", ex.partition.is_some()),
            ("account", ex.account.is_some()),
            ("qos", ex.qos.is_some()),
            ("time", ex.time.is_some()),
            ("cpus_per_task", ex.cpus_per_task.is_some()),
            ("mem_per_cpu", ex.mem_per_cpu.is_some()),
            ("max_array_parallel", ex.max_array_parallel.is_some()),
            ("extra_sbatch", !ex.extra_sbatch.is_empty()),
            ("env", !ex.env.is_empty()),
            ("setup", !ex.setup.is_empty()),
            ("binary", ex.binary.is_some()),
        ] {
            if set {
                return Err(at(key, format!("`{key}` applies to `executor.kind: slurm`, not local")));
            }
        }
    }
    if ex.max_array_parallel == Some(0) || ex.cpus_per_task == Some(0) {
        return Err(at(
            if ex.max_array_parallel == Some(0) {
                "max_array_parallel"
            } else {
                "cpus_per_task"
            },
            "must be at least 1".into(),
        ));
    }
    for line in &ex.extra_sbatch {
        if !line.starts_with("--") || line.contains('\n') {
            return Err(at(
                "extra_sbatch",
                format!("extra_sbatch entry `{line}` must be one `--option[=value]`"),
            ));
        }
        for managed in [
            "--array",
            "--dependency",
            "--output",
            "--error",
            "--chdir",
            "--job-name",
            "--parsable",
        ] {
            if line.starts_with(managed) {
                return Err(at(
                    "extra_sbatch",
                    format!("`{managed}` is set by eurocurate; remove it from extra_sbatch"),
                ));
            }
        }
    }
    if let Some(t) = &ex.time {
        let ok = regex::Regex::new(r"^(\d+-)?\d+(:\d{1,2}){0,2}$")
            .expect("static regex")
            .is_match(t);
        if !ok {
            return Err(at(
                "time",
                format!("`time: {t}` is not a Slurm time (MM, HH:MM:SS, D-HH:MM:SS)"),
            ));
        }
    }
    if spec.executor.workers == Some(0) {
        return Err(at("workers", "`workers: 0`; use at least one worker".into()));
    }
    Ok(())
}

/// Line and column of the first `key:` in the text (1-based), for semantic errors.
/// Line and column of the first `kind: <value>` (a stage or the output).
pub fn find_kind(text: &str, value: &str) -> (usize, usize) {
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start().trim_start_matches("- ");
        if t.strip_prefix("kind:")
            .is_some_and(|v| v.split('#').next().unwrap_or("").trim() == value)
        {
            return (n + 1, line.len() - t.len() + 1);
        }
    }
    (1, 1)
}

/// Line and column of the `nth` (1-based) `kind: <value>`.
pub fn find_nth_kind(text: &str, value: &str, nth: usize) -> (usize, usize) {
    let mut seen = 0;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start().trim_start_matches("- ");
        if t.strip_prefix("kind:")
            .is_some_and(|v| v.split('#').next().unwrap_or("").trim() == value)
        {
            seen += 1;
            if seen == nth {
                return (n + 1, line.len() - t.len() + 1);
            }
        }
    }
    find_kind(text, value)
}

/// Line and column of the first `key:` in the YAML text (for messages).
pub fn find_key(text: &str, key: &str) -> (usize, usize) {
    let pat = format!("{key}:");
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start().trim_start_matches("- ");
        if t.starts_with(&pat) {
            return (n + 1, line.len() - t.len() + 1);
        }
    }
    (1, 1)
}
