//! The mix file (`eurocurate mix MIX.yaml`): inputs, per-language token
//! budgets, weights, the cap on repetitions, the seed and the output. Its
//! types are its contract: serde reads them (unknown keys are errors with
//! file:line), schemars turns them and their doc comments into the schema
//! `eurocurate mix --schema` prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::pipeline::spec::ExecutorSpec;

fn one() -> u64 {
    1
}

fn default_max_repeat() -> u32 {
    4
}

fn default_buffer() -> u64 {
    50_000_000
}

/// A training mix made from the outputs of eurocurate runs.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MixSpec {
    /// Name shown in plans, progress and the manifest.
    pub name: String,
    /// Run outputs to draw from, in this order.
    pub inputs: Vec<MixInput>,
    /// Hugging Face `tokenizer.json` for text inputs (the same tokenizer path
    /// the `tokenize` stage uses). Not needed when every input is Megatron shards.
    #[serde(default)]
    pub tokenizer: Option<PathBuf>,
    /// Token put before every text document (e.g. `<s>`).
    #[serde(default)]
    pub bos: Option<String>,
    /// Token put after every text document (e.g. `</s>`, Megatron's end of document).
    #[serde(default)]
    pub eos: Option<String>,
    /// Token budget of each language (ISO 639-1 code as the outputs write it).
    /// Documents of languages not listed are left out (and counted in the plan).
    pub budgets: BTreeMap<String, Budget>,
    /// The total that `share` budgets are fractions of.
    #[serde(default)]
    pub total_tokens: Option<u64>,
    /// Most copies of one document in the mix.
    #[serde(default = "default_max_repeat")]
    pub max_repeat: u32,
    /// When a budget is larger than `max_repeat` copies of every document of
    /// its language allow: `fail` (refuse the plan) or `cap` (take the most
    /// the cap allows, stated in the plan and manifest).
    #[serde(default)]
    pub if_short: IfShort,
    /// How many copies each document gets relative to the others of its
    /// language (default: every document weighs 1).
    #[serde(default)]
    pub weight: Option<WeightSpec>,
    /// Seed of every random choice (repetitions, subsampling, the shuffle).
    /// Same inputs, mix file and seed give the same bytes.
    #[serde(default = "one")]
    pub seed: u64,
    pub output: MixOutput,
    #[serde(default)]
    pub executor: ExecutorSpec,
}

/// One input: a run's output folder (JSONL or Parquet documents, read with
/// the tokenizer) or a folder of Megatron shards, each with its
/// `<prefix>.docs.jsonl[.zst]` sidecar (one record per sequence, in shard order:
/// `id`, `lang`, `metadata`), as `mix` itself writes them.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MixInput {
    /// The folder (or one file / one shard prefix).
    pub path: PathBuf,
    /// Source name in the manifest (default: the folder's name).
    #[serde(default)]
    pub name: Option<String>,
}

impl MixInput {
    /// The source name the manifest uses.
    pub fn source_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            self.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.path.display().to_string())
        })
    }
}

/// A language's budget: absolute tokens or a share of `total_tokens`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Tokens of this language in the mix.
    #[serde(default)]
    pub tokens: Option<u64>,
    /// Fraction (0..=1) of `total_tokens`.
    #[serde(default)]
    pub share: Option<f64>,
    /// This language's own cap on copies of one document (default: `max_repeat`).
    #[serde(default)]
    pub max_repeat: Option<u32>,
}

/// What to do when a budget exceeds what repetition allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IfShort {
    /// Refuse the plan, naming the language and what the cap allows.
    #[default]
    Fail,
    /// Take every document `max_repeat` times and say so.
    Cap,
}

/// Weights by a numeric metadata field.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightSpec {
    /// Metadata field (`quality_score`, `minhash_cluster_size`, ...).
    pub column: String,
    /// A FineWeb-2 rehydration table file (`misc/rehydration/weights/up_to_N_reps.json`):
    /// per language (`ita_Latn`, matched to `it`) cluster-size thresholds → weight.
    /// Without a table (and without `steps`) the field's value is the weight.
    #[serde(default)]
    pub rehydration: Option<PathBuf>,
    /// Thresholds → weight for every language, as in FineWeb-2's tables: a
    /// value gets the weight of the largest threshold at or below it.
    #[serde(default)]
    pub steps: Option<BTreeMap<u64, f64>>,
    /// Weight of a document without the field (default: such a document is an
    /// error naming its file and record).
    #[serde(default)]
    pub default: Option<f64>,
}

/// Where the mix goes.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MixOutput {
    /// Output folder: `part-NNNNN.bin/.idx` shards, their `.docs.jsonl.zst`
    /// sidecars, `manifest.json`, `md5sums.txt`.
    pub path: PathBuf,
    /// Tokens one shuffle task holds in memory (and about one output shard's
    /// size): the bound on memory of the global shuffle.
    #[serde(default = "default_buffer")]
    pub shuffle_buffer_tokens: u64,
}

impl MixSpec {
    /// Budget of `lang` in tokens.
    pub fn budget_tokens(&self, lang: &str) -> u64 {
        let b = &self.budgets[lang];
        match (b.tokens, b.share) {
            (Some(t), _) => t,
            (None, Some(s)) => (s * self.total_tokens.unwrap_or(0) as f64).round() as u64,
            (None, None) => 0,
        }
    }

    /// Sum of every budget: the most tokens the mix can hold.
    pub fn total_budget(&self) -> u64 {
        self.budgets.keys().map(|l| self.budget_tokens(l)).sum()
    }

    /// The cap of `lang`.
    pub fn cap(&self, lang: &str) -> u32 {
        self.budgets
            .get(lang)
            .and_then(|b| b.max_repeat)
            .unwrap_or(self.max_repeat)
    }

    /// Checks what can be checked without reading the inputs.
    pub fn check(&self, file: &Path) -> anyhow::Result<()> {
        let f = file.display();
        if self.inputs.is_empty() {
            bail!("{f}: `inputs` is empty; list the run outputs to mix");
        }
        if self.budgets.is_empty() {
            bail!("{f}: `budgets` is empty; give each language's tokens (`tokens:`) or share (`share:`)");
        }
        let mut shares = 0.0;
        for (lang, b) in &self.budgets {
            match (b.tokens, b.share) {
                (Some(_), Some(_)) => bail!("{f}: budgets.{lang}: give `tokens` or `share`, not both"),
                (None, None) => bail!("{f}: budgets.{lang}: give `tokens` or `share`"),
                (None, Some(s)) => {
                    if !(0.0..=1.0).contains(&s) {
                        bail!("{f}: budgets.{lang}.share is {s}; a share is in 0..=1");
                    }
                    if self.total_tokens.is_none() {
                        bail!("{f}: budgets.{lang} is a share, so `total_tokens` must be set");
                    }
                    shares += s;
                }
                (Some(_), None) => {}
            }
            if b.max_repeat == Some(0) {
                bail!("{f}: budgets.{lang}.max_repeat is 0; at least 1");
            }
        }
        if shares > 1.0 + 1e-9 {
            bail!("{f}: the shares of `budgets` add up to {shares:.4}, more than 1");
        }
        if self.max_repeat == 0 {
            bail!("{f}: max_repeat is 0; at least 1 (1 = no document repeated)");
        }
        if self.output.shuffle_buffer_tokens < 1_000 {
            bail!(
                "{f}: output.shuffle_buffer_tokens is {}; at least 1000",
                self.output.shuffle_buffer_tokens
            );
        }
        if let Some(w) = &self.weight {
            if w.rehydration.is_some() && w.steps.is_some() {
                bail!("{f}: weight: give `rehydration` (a file) or `steps`, not both");
            }
            if let Some(d) = w.default {
                if !(d >= 0.0 && d.is_finite()) {
                    bail!("{f}: weight.default is {d}; a weight is a finite number ≥ 0");
                }
            }
        }
        Ok(())
    }
}

/// Reads and checks a mix file; errors name file:line:column.
pub fn load(path: &Path) -> anyhow::Result<MixSpec> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read mix file {}", path.display()))?;
    let spec = parse(path, &text)?;
    Ok(spec)
}

/// Parses mix-file text; `file` names it in messages.
pub fn parse(file: &Path, text: &str) -> anyhow::Result<MixSpec> {
    let spec: MixSpec = serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((0, 0));
        let msg = e.without_snippet().to_string();
        let msg = match msg.rfind(" at line ") {
            Some(i) => msg[..i].trim_end_matches(',').to_string(),
            None => msg,
        };
        let src = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        anyhow::anyhow!("{}:{line}:{column}: {msg}\n  | {src}", file.display())
    })?;
    spec.check(file)?;
    Ok(spec)
}

/// The JSON Schema of mix files, for editors.
pub fn json_schema() -> serde_json::Value {
    let settings = schemars::generate::SchemaSettings::draft07();
    let schema = settings.into_generator().into_root_schema_for::<MixSpec>();
    serde_json::to_value(schema).expect("a schema is JSON")
}
