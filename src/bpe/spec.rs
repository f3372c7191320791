//! Reads tokenizer.json and decides whether the fast path implements its
//! pipeline exactly; if not, says which part it does not (the stage then
//! uses the `tokenizers` crate and reports why).

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::Value;

use super::pattern::Kind;

/// Where `ByteLevel`'s `add_prefix_space` puts its space: before each piece
/// that reaches the pre-tokenizer without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    None,
    /// Before each text piece between added tokens (ByteLevel splits).
    Piece,
    /// Before each word (a Split ran first).
    Word,
}

/// What the fast path needs from a tokenizer.json.
pub struct Spec {
    pub pattern: Kind,
    pub prefix: Prefix,
    pub vocab: FxHashMap<String, u32>,
    pub merges: Vec<(String, String)>,
    pub ignore_merges: bool,
    /// `(content, id, normalized)`.
    pub added: Vec<(String, u32, bool)>,
    /// Ids before and after the text when the post-processor adds special
    /// tokens.
    pub template: (Vec<u32>, Vec<u32>),
}

#[derive(Deserialize)]
struct Json {
    #[serde(default)]
    truncation: Value,
    #[serde(default)]
    padding: Value,
    #[serde(default)]
    added_tokens: Vec<AddedJson>,
    #[serde(default)]
    normalizer: Value,
    #[serde(default)]
    pre_tokenizer: Value,
    #[serde(default)]
    post_processor: Value,
    model: ModelJson,
}

#[derive(Deserialize)]
struct AddedJson {
    content: String,
    #[serde(default)]
    single_word: bool,
    #[serde(default)]
    lstrip: bool,
    #[serde(default)]
    rstrip: bool,
    #[serde(default = "yes")]
    normalized: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct ModelJson {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    dropout: Option<f32>,
    #[serde(default)]
    continuing_subword_prefix: Option<String>,
    #[serde(default)]
    end_of_word_suffix: Option<String>,
    #[serde(default)]
    byte_fallback: bool,
    #[serde(default)]
    ignore_merges: bool,
    #[serde(default)]
    vocab: FxHashMap<String, u32>,
    #[serde(default)]
    merges: Vec<MergeJson>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MergeJson {
    Pair(String, String),
    Line(String),
}

fn ty(v: &Value) -> &str {
    v.get("type").and_then(Value::as_str).unwrap_or("")
}

fn flag(v: &Value, name: &str) -> Result<bool, String> {
    v.get(name)
        .and_then(Value::as_bool)
        .ok_or_else(|| format!("ByteLevel without an explicit `{name}`"))
}

/// The pattern and prefix of a supported pre-tokenizer.
fn pre_tokenizer(v: &Value) -> Result<(Kind, Prefix), String> {
    let prefix = |b: &Value, p: Prefix| -> Result<Prefix, String> {
        Ok(if flag(b, "add_prefix_space")? { p } else { Prefix::None })
    };
    match ty(v) {
        "ByteLevel" if flag(v, "use_regex")? => Ok((Kind::Gpt2, prefix(v, Prefix::Piece)?)),
        "Sequence" => {
            let steps = v
                .get("pretokenizers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let [split, bl] = &steps[..] else {
                return Err(format!("a pre-tokenizer Sequence of {} steps", steps.len()));
            };
            if ty(split) != "Split" || ty(bl) != "ByteLevel" || flag(bl, "use_regex")? {
                return Err("a pre-tokenizer Sequence other than Split then ByteLevel (no regex)".into());
            }
            let re = split.pointer("/pattern/Regex").and_then(Value::as_str).unwrap_or("");
            let kind = Kind::of_regex(re)
                .ok_or_else(|| format!("the split pattern {}", split.get("pattern").unwrap_or(&Value::Null)))?;
            // Both patterns match every character, so keeping the matches
            // (Isolated) and removing the gaps between them (inverted
            // Removed) give the same words.
            let behavior = split.get("behavior").and_then(Value::as_str).unwrap_or("");
            let invert = split.get("invert").and_then(Value::as_bool).unwrap_or(false);
            match (behavior, invert) {
                ("Isolated", false) | ("Removed", true) => Ok((kind, prefix(bl, Prefix::Word)?)),
                _ => Err(format!("Split with behavior {behavior} and invert {invert}")),
            }
        }
        _ => Err(format!("the pre-tokenizer {v}")),
    }
}

/// `(before, after)` ids of a supported post-processor.
fn post_processor(v: &Value) -> Result<(Vec<u32>, Vec<u32>), String> {
    match ty(v) {
        _ if v.is_null() => Ok(Default::default()),
        "ByteLevel" => Ok(Default::default()),
        "Sequence" => {
            let mut out = (Vec::new(), Vec::new());
            let mut templates = 0;
            for p in v.get("processors").and_then(Value::as_array).into_iter().flatten() {
                let t = post_processor(p)?;
                if ty(p) == "TemplateProcessing" {
                    templates += 1;
                    out = t;
                }
            }
            if templates > 1 {
                return Err("two TemplateProcessing post-processors".into());
            }
            Ok(out)
        }
        "TemplateProcessing" => {
            let single = v.get("single").and_then(Value::as_array).cloned().unwrap_or_default();
            let (mut before, mut after, mut seq) = (Vec::new(), Vec::new(), 0);
            for piece in &single {
                if let Some(s) = piece.get("Sequence") {
                    if s.get("id").and_then(Value::as_str) != Some("A") {
                        return Err(format!("the template piece {piece}"));
                    }
                    seq += 1;
                } else if let Some(name) = piece.pointer("/SpecialToken/id").and_then(Value::as_str) {
                    let ids = v
                        .pointer(&format!(
                            "/special_tokens/{}/ids",
                            name.replace('~', "~0").replace('/', "~1")
                        ))
                        .and_then(Value::as_array)
                        .ok_or_else(|| format!("template token {name} without ids"))?;
                    let ids: Option<Vec<u32>> = ids.iter().map(|i| i.as_u64().map(|i| i as u32)).collect();
                    let ids = ids.ok_or_else(|| format!("template token {name}: ids are not numbers"))?;
                    if seq == 0 { &mut before } else { &mut after }.extend(ids);
                } else {
                    return Err(format!("the template piece {piece}"));
                }
            }
            if seq != 1 {
                return Err("a single-sequence template without exactly one $A".into());
            }
            Ok((before, after))
        }
        other => Err(format!("the post-processor {other}")),
    }
}

impl Spec {
    /// `Err`: the part of the pipeline the fast path does not implement.
    pub fn parse(bytes: &[u8]) -> Result<Spec, String> {
        let j: Json = serde_json::from_slice(bytes).map_err(|e| format!("a file it cannot parse ({e})"))?;
        if !j.truncation.is_null() || !j.padding.is_null() {
            return Err("truncation or padding".into());
        }
        if !j.normalizer.is_null() {
            return Err(format!("the normalizer {}", j.normalizer));
        }
        let m = j.model;
        if m.kind.as_deref().is_some_and(|k| k != "BPE") {
            return Err(format!("the model {}", m.kind.unwrap_or_default()));
        }
        if m.dropout.is_some_and(|d| d != 0.0) || m.byte_fallback {
            return Err("BPE dropout or byte_fallback".into());
        }
        if m.continuing_subword_prefix.as_deref().is_some_and(|p| !p.is_empty())
            || m.end_of_word_suffix.as_deref().is_some_and(|p| !p.is_empty())
        {
            return Err("a subword prefix or suffix".into());
        }
        // `unk_token` and `fuse_unk` never apply: every byte has a token
        // (the model checks), so no character is unknown.
        let (pattern, prefix) = pre_tokenizer(&j.pre_tokenizer)?;
        let template = post_processor(&j.post_processor)?;
        let mut seen = rustc_hash::FxHashSet::default();
        let mut added = Vec::new();
        // The library ignores the ids written in `added_tokens` (it warns
        // when they differ): a token of the model's vocabulary keeps its id
        // there, the others are numbered from the vocabulary's size on.
        let mut next_id = m.vocab.len() as u32;
        for t in j.added_tokens {
            if t.single_word || t.lstrip || t.rstrip {
                return Err(format!(
                    "added token {:?} with single_word, lstrip or rstrip",
                    t.content
                ));
            }
            if t.content.is_empty() || !seen.insert(t.content.clone()) {
                return Err(format!("added token {:?} empty or repeated", t.content));
            }
            let id = match m.vocab.get(&t.content) {
                Some(&id) => id,
                None => {
                    next_id += 1;
                    next_id - 1
                }
            };
            added.push((t.content, id, t.normalized));
        }
        let merges = m
            .merges
            .into_iter()
            .map(|mj| match mj {
                MergeJson::Pair(a, b) => Ok((a, b)),
                MergeJson::Line(l) => match l.split(' ').collect::<Vec<_>>()[..] {
                    [a, b] => Ok((a.to_string(), b.to_string())),
                    _ => Err(format!("the merge line {l:?}")),
                },
            })
            .collect::<Result<_, String>>()?;
        Ok(Spec {
            pattern,
            prefix,
            vocab: m.vocab,
            merges,
            ignore_merges: m.ignore_merges,
            added,
            template,
        })
    }
}
