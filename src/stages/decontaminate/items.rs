//! Benchmark items read from the user's files: any benchmark in any
//! language, described by which fields hold the passage, the question, the
//! choices and the answer, so no benchmark needs code of its own.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::{bail, Context};
use serde::Deserialize;
use serde_json::{Map, Value};

fn id_field() -> String {
    "id".into()
}
fn question_field() -> String {
    "question".into()
}
fn choices_field() -> String {
    "choices".into()
}
fn answer_field() -> String {
    "answer".into()
}
fn passage_field() -> String {
    "passage".into()
}
fn benchmark_field() -> String {
    "benchmark".into()
}
fn lang_field() -> String {
    "lang".into()
}

/// Which field of a row holds what. Dotted names reach into objects
/// (`choices.text` for ARC-style `{text: [...], label: [...]}`); a field a
/// row does not have is empty for that row.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FieldMap {
    /// The item's id (a row without one is `file#row`).
    #[serde(default = "id_field")]
    pub id: String,
    /// The question, prompt or sentence to complete (text, or a list of texts joined).
    #[serde(default = "question_field")]
    pub question: String,
    /// The choices of a multiple-choice item: a list of texts, or an object
    /// with `text` and `label` lists.
    #[serde(default = "choices_field")]
    pub choices: String,
    /// The answer: an index or letter into the choices, a choice label, or the answer text.
    #[serde(default = "answer_field")]
    pub answer: String,
    /// A reading passage the question is about (Belebele, reading comprehension).
    #[serde(default = "passage_field")]
    pub passage: String,
    /// The benchmark name, when the file holds several (else `name:`).
    #[serde(default = "benchmark_field")]
    pub benchmark: String,
    /// The item's language, when rows differ (else `lang:`).
    #[serde(default = "lang_field")]
    pub lang: String,
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            id: id_field(),
            question: question_field(),
            choices: choices_field(),
            answer: answer_field(),
            passage: passage_field(),
            benchmark: benchmark_field(),
            lang: lang_field(),
        }
    }
}

/// One benchmark file (or glob of files) and how to read its rows.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkFiles {
    /// JSONL (plain, .gz, .zst) or Parquet file, or a glob of them.
    pub path: String,
    /// Benchmark name for every row (overrides the `benchmark` field).
    #[serde(default)]
    pub name: Option<String>,
    /// Language of every row (overrides the `lang` field).
    #[serde(default)]
    pub lang: Option<String>,
    /// Which fields hold what (defaults: id, question, choices, answer, passage, benchmark, lang).
    #[serde(default)]
    pub fields: FieldMap,
}

/// One benchmark item: where it came from and its text in the order a
/// leaked copy would show it (passage, question, answer).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub benchmark: String,
    pub lang: String,
    pub id: String,
    /// Passage, question and gold answer, in that order; n-grams run across
    /// their boundaries, so a leaked question with its answer is one span.
    pub parts: Vec<String>,
    /// A multiple-choice item as a benchmark prints it (passage, question,
    /// every choice in order), matched as a second view of the item: a copy
    /// of the printed item has the choices between question and answer.
    pub printed: Option<Vec<String>>,
}

impl BenchmarkFiles {
    /// The files the pattern names, sorted; an error when there are none.
    pub fn files(&self) -> anyhow::Result<Vec<PathBuf>> {
        let mut out: Vec<PathBuf> = if self.path.contains(['*', '?', '[']) {
            glob::glob(&self.path)
                .with_context(|| format!("decontaminate: benchmark pattern `{}` is not a valid glob", self.path))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect()
        } else {
            vec![PathBuf::from(&self.path)]
        };
        out.sort();
        if out.is_empty() {
            bail!("decontaminate: benchmark pattern `{}` matches no file", self.path);
        }
        for p in &out {
            if !p.is_file() {
                bail!(
                    "decontaminate: benchmark file {} does not exist; give a JSONL or Parquet file of items",
                    p.display()
                );
            }
        }
        Ok(out)
    }

    /// Every item of every file, calling `each` per item.
    pub fn read(&self, each: &mut dyn FnMut(Item)) -> anyhow::Result<()> {
        for path in self.files()? {
            if is_parquet(&path) {
                self.read_parquet(&path, each)?;
            } else {
                self.read_jsonl(&path, each)?;
            }
        }
        Ok(())
    }

    fn read_jsonl(&self, path: &Path, each: &mut dyn FnMut(Item)) -> anyhow::Result<()> {
        let decoded = crate::io::compress::open(path, 0, Arc::new(AtomicU64::new(0)))
            .with_context(|| format!("decontaminate: cannot open benchmark file {}", path.display()))?;
        let reader = std::io::BufReader::new(decoded);
        for (i, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("decontaminate: {}:{}: cannot read", path.display(), i + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let row: Map<String, Value> = serde_json::from_str(&line).with_context(|| {
                format!(
                    "decontaminate: {}:{}: not a JSON object; benchmark files hold one item per line",
                    path.display(),
                    i + 1
                )
            })?;
            each(self.item(&row, || format!("{}:{}", path.display(), i + 1))?);
        }
        Ok(())
    }

    fn read_parquet(&self, path: &Path, each: &mut dyn FnMut(Item)) -> anyhow::Result<()> {
        let file = std::fs::File::open(path)
            .with_context(|| format!("decontaminate: cannot open benchmark file {}", path.display()))?;
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.build())
            .with_context(|| format!("decontaminate: {} is not a readable Parquet file", path.display()))?;
        let mut row_no = 0usize;
        for batch in reader {
            let batch = batch.with_context(|| format!("decontaminate: {}#{row_no}: damaged row group", path.display()))?;
            for r in 0..batch.num_rows() {
                let row = crate::io::parquet_in::row_json(&batch, r);
                each(self.item(&row, || format!("{}#{}", path.display(), row_no))?);
                row_no += 1;
            }
        }
        Ok(())
    }

    /// The item of one row; `at` names the row for ids and messages.
    fn item(&self, row: &Map<String, Value>, at: impl Fn() -> String) -> anyhow::Result<Item> {
        let f = &self.fields;
        let benchmark = match &self.name {
            Some(n) => n.clone(),
            None => text_of(field(row, &f.benchmark)).with_context(|| {
                format!(
                    "decontaminate: {}: no benchmark name; give `name:` for the file or a `{}` field",
                    at(),
                    f.benchmark
                )
            })?,
        };
        let lang = match &self.lang {
            Some(l) => l.clone(),
            None => text_of(field(row, &f.lang)).unwrap_or_else(|| "und".into()),
        };
        let id = text_of(field(row, &f.id)).unwrap_or_else(&at);
        let question = text_of(field(row, &f.question));
        let passage = text_of(field(row, &f.passage));
        let answer = gold_answer(field(row, &f.choices), field(row, &f.answer));
        let choices = choice_texts(field(row, &f.choices));
        if question.is_none() && passage.is_none() && answer.is_none() {
            bail!(
                "decontaminate: {}: none of the fields `{}`, `{}`, `{}` holds text; map the fields with `fields:`",
                at(),
                f.question,
                f.passage,
                f.answer
            );
        }
        let printed = (choices.len() > 1).then(|| {
            [passage.clone(), question.clone()]
                .into_iter()
                .flatten()
                .chain(choices)
                .collect()
        });
        Ok(Item {
            benchmark,
            lang,
            id,
            parts: [passage, question, answer].into_iter().flatten().collect(),
            printed,
        })
    }
}

fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// A field by dotted path.
fn field<'a>(row: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    let mut parts = name.split('.');
    let mut v = row.get(parts.next()?)?;
    for p in parts {
        v = v.get(p)?;
    }
    Some(v)
}

/// The text of a value: strings as they are, lists of strings joined by a
/// newline, numbers written out; empty text is none.
fn text_of(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => a
            .iter()
            .filter_map(|x| text_of(Some(x)))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => return None,
    };
    (!s.trim().is_empty()).then_some(s)
}

/// The texts of the choices (a list, or an object with a `text` list).
fn choice_texts(choices: Option<&Value>) -> Vec<String> {
    let list = match choices {
        Some(Value::Array(a)) => a,
        Some(Value::Object(o)) => match o.get("text").and_then(Value::as_array) {
            Some(a) => a,
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    list.iter().filter_map(|c| text_of(Some(c))).collect()
}

/// The gold answer's text: the choice an index, letter or label points to,
/// or the answer's own text when it points to no choice.
fn gold_answer(choices: Option<&Value>, answer: Option<&Value>) -> Option<String> {
    let answer = answer?;
    let (texts, labels): (Vec<String>, Vec<String>) = match choices {
        Some(Value::Array(a)) => (a.iter().map(|c| text_of(Some(c)).unwrap_or_default()).collect(), Vec::new()),
        Some(Value::Object(o)) => (
            o.get("text")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|c| text_of(Some(c)).unwrap_or_default()).collect())
                .unwrap_or_default(),
            o.get("label")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|c| text_of(Some(c)).unwrap_or_default()).collect())
                .unwrap_or_default(),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let pick = |i: usize| texts.get(i).filter(|t| !t.is_empty()).cloned();
    match answer {
        Value::Number(n) if !texts.is_empty() => n.as_u64().and_then(|i| pick(i as usize)),
        Value::Array(a) => {
            let golds: Vec<String> = a.iter().filter_map(|x| gold_answer(choices, Some(x))).collect();
            (!golds.is_empty()).then(|| golds.join("\n"))
        }
        Value::String(s) if !texts.is_empty() => {
            let s = s.trim();
            if let Some(i) = labels.iter().position(|l| l == s) {
                return pick(i);
            }
            if let Ok(i) = s.parse::<usize>() {
                return pick(i);
            }
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c @ 'A'..='Z'), None) => pick(c as usize - 'A' as usize),
                _ => text_of(Some(answer)),
            }
        }
        other => text_of(Some(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn files() -> BenchmarkFiles {
        BenchmarkFiles {
            path: String::new(),
            name: Some("b".into()),
            lang: Some("de".into()),
            fields: FieldMap::default(),
        }
    }

    #[test]
    fn answer_by_index_letter_label_or_text() {
        let f = files();
        let it = |v: Value| f.item(&row(v), || "x".into()).unwrap().parts;
        let q = serde_json::json!({"question": "Q", "choices": ["a", "b", "c"], "answer": 1});
        assert_eq!(it(q), ["Q", "b"]);
        let q = serde_json::json!({"question": "Q", "choices": ["a", "b", "c"], "answer": "C"});
        assert_eq!(it(q), ["Q", "c"]);
        let q = serde_json::json!({"question": "Q", "choices": {"text": ["a", "b"], "label": ["1", "2"]}, "answer": "2"});
        assert_eq!(it(q), ["Q", "b"]);
        let q = serde_json::json!({"passage": "P", "question": "Q", "answer": "free text"});
        assert_eq!(it(q), ["P", "Q", "free text"]);
    }

    #[test]
    fn a_row_without_text_is_an_error_naming_the_row() {
        let f = files();
        let e = f.item(&row(serde_json::json!({"foo": 1})), || "b.jsonl:7".into()).unwrap_err();
        assert!(e.to_string().contains("b.jsonl:7"), "{e}");
    }
}
