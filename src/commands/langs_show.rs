//! `eurocurate langs show ISO`: the effective value of every per-language
//! key and the layer that set it — built-in default, `defaults.yaml`,
//! `<iso>.yaml`, or a pipeline's stage — so a partner sees exactly what a
//! run will use for their language.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use serde_json::{Map, Value};

use crate::langs::{LangFile, Langs};
use crate::stages::quality::{c4, fineweb, gopher_quality, gopher_repetition};

/// The quality filters with per-language keys, in pipeline order of the
/// shipped web chain.
const KINDS: [&str; 4] = ["gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality"];

/// The layers of one filter kind as JSON maps: built-in, defaults.yaml, iso.yaml.
fn layers(kind: &str, defaults: &LangFile, file: Option<&LangFile>) -> anyhow::Result<[Map<String, Value>; 3]> {
    fn of<T: serde::Serialize>(v: Option<&T>) -> anyhow::Result<Map<String, Value>> {
        Ok(match v.map(serde_json::to_value).transpose()? {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        })
    }
    // A section as written (the stage validates it when a pipeline runs).
    let pick = |f: Option<&LangFile>| -> anyhow::Result<Map<String, Value>> {
        of(f.and_then(|f| f.quality.as_ref()?.get(kind)).map(|s| &s.value))
    };
    let (d, f) = (Some(defaults), file);
    let builtin = match kind {
        "gopher_quality" => of(Some(&gopher_quality::GopherQualityValues::builtin()))?,
        "gopher_repetition" => of(Some(&gopher_repetition::GopherRepetitionValues::builtin()))?,
        "c4_quality" => of(Some(&c4::C4QualityValues::builtin()))?,
        _ => of(Some(&fineweb::FinewebQualityValues::builtin()))?,
    };
    Ok([builtin, pick(d)?, pick(f)?])
}

/// The stage parameters a pipeline file sets for `kind` (they override
/// every language).
fn pipeline_layer(pipeline: Option<&Path>, kind: &str) -> anyhow::Result<Map<String, Value>> {
    let Some(p) = pipeline else {
        return Ok(Map::new());
    };
    let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
    let v: Value = serde_saphyr::from_str(&text).with_context(|| format!("{} is not YAML", p.display()))?;
    let mut out = Map::new();
    for st in v["stages"].as_array().into_iter().flatten() {
        if st["kind"] == kind {
            if let Some(m) = st.as_object() {
                out.extend(
                    m.iter()
                        .filter(|(k, _)| *k != "kind" && *k != "langs_dir")
                        .map(|(k, v)| (k.clone(), v.clone())),
                );
            }
        }
    }
    Ok(out)
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 90 {
        format!(
            "{}… ({} entries)",
            s.chars().take(88).collect::<String>(),
            v.as_array().map_or(0, Vec::len)
        )
    } else {
        s
    }
}

/// Renders every effective value of `iso` with its layer.
pub fn show(langs: &Langs, origin: &str, iso: &str, pipeline: Option<&Path>) -> anyhow::Result<String> {
    let file = langs.by_iso.get(iso);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{iso}: {} (langs from {origin}{})",
        file.and_then(|f| f.name.clone())
            .unwrap_or_else(|| "no file: defaults apply".into()),
        pipeline
            .map(|p| format!(", pipeline {}", p.display()))
            .unwrap_or_default()
    );
    let iso_layer = format!("{iso}.yaml");
    let layer_names = ["built-in", "defaults.yaml", iso_layer.as_str(), "pipeline"];
    let row = |s: &mut String, key: &str, value: &str, layer: &str| {
        let _ = writeln!(s, "  {key:<50} {value:<50} {layer}");
    };
    let lid = file
        .and_then(|f| f.lid_threshold)
        .map(|t| (t.to_string(), layer_names[2]))
        .or_else(|| langs.defaults.lid_threshold.map(|t| (t.to_string(), layer_names[1])))
        .unwrap_or_else(|| ("0.5".into(), "built-in (language_id.min_score)"));
    row(&mut s, "lid_threshold", &lid.0, lid.1);
    let words = file
        .and_then(|f| f.words.clone())
        .map(|w| (w, layer_names[2]))
        .or_else(|| langs.defaults.words.clone().map(|w| (w, layer_names[1])))
        .unwrap_or_default();
    let w = &words.0;
    let layer = if words.1.is_empty() { "built-in" } else { words.1 };
    row(
        &mut s,
        "words.split_prefixes",
        &short(&serde_json::json!(w.split_prefixes)),
        layer,
    );
    row(
        &mut s,
        "words.split_suffixes",
        &short(&serde_json::json!(w.split_suffixes)),
        layer,
    );
    row(
        &mut s,
        "words.split_hyphens",
        &w.split_hyphens.unwrap_or(true).to_string(),
        layer,
    );
    row(&mut s, "words.keep", &short(&serde_json::json!(w.keep)), layer);
    match file.and_then(|f| f.stopwords.as_ref()) {
        Some(sw) => row(
            &mut s,
            "stopwords (jusText)",
            &format!("{} words from {}", sw.words.len(), sw.source),
            layer_names[2],
        ),
        None => row(&mut s, "stopwords (jusText)", "none", "-"),
    }
    for kind in KINDS {
        let [builtin, defaults, own] = layers(kind, &langs.defaults, file)?;
        let pipe = pipeline_layer(pipeline, kind)?;
        for (key, base) in &builtin {
            let (value, layer) = [(&pipe, 3), (&own, 2), (&defaults, 1)]
                .into_iter()
                .find_map(|(m, i)| m.get(key).map(|v| (v, layer_names[i])))
                .unwrap_or((base, layer_names[0]));
            row(&mut s, &format!("quality.{kind}.{key}"), &short(value), layer);
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_names_the_layer_that_set_it() {
        let langs = Langs::load(Path::new("langs")).unwrap();
        let out = show(&langs, "langs/", "mt", None).unwrap();
        let line = |key: &str| {
            out.lines()
                .find(|l| l.trim_start().starts_with(key))
                .unwrap()
                .to_string()
        };
        assert!(line("quality.gopher_quality.max_non_alpha_words_ratio ").ends_with("mt.yaml"));
        assert!(line("quality.gopher_quality.min_doc_words ").ends_with("built-in"));
        assert!(line("quality.c4_quality.min_num_sentences ").ends_with("defaults.yaml"));
        assert!(line("lid_threshold").ends_with("mt.yaml"));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.yaml");
        std::fs::write(&p, "stages:\n  - kind: gopher_quality\n    min_doc_words: 20\n").unwrap();
        let out = show(&langs, "langs/", "mt", Some(&p)).unwrap();
        let l = out
            .lines()
            .find(|l| l.contains("gopher_quality.min_doc_words"))
            .unwrap();
        assert!(l.contains("20") && l.ends_with("pipeline"), "{l}");
    }
}
