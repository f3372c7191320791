//! Maps the YAML `kind:` of a stage to its typed config.
//!
//! Adding a stage is one file under `src/stages/` plus one line in
//! [`stages!`] below. The config's `Deserialize` is driven straight from the
//! YAML map, so its errors keep their file:line:column.

use serde::de::value::MapAccessDeserializer;
use serde::de::MapAccess;
use serde::Deserialize;

use crate::stages::{self, StageConfig};

/// One documented parameter of a stage, for `eurocurate stages`.
#[derive(Debug, Clone, Copy)]
pub struct ParamDoc {
    pub name: &'static str,
    pub ty: &'static str,
    /// Default as YAML; `required` when there is none.
    pub default: &'static str,
    pub doc: &'static str,
}

/// What `eurocurate stages` prints about a kind.
#[derive(Debug, Clone, Copy)]
pub struct StageDoc {
    pub kind: &'static str,
    pub summary: &'static str,
    /// True when the stage needs every document before deciding.
    pub barrier: bool,
    pub params: &'static [ParamDoc],
}

/// Every stage config implements this to describe itself.
pub trait Describe {
    const DOC: StageDoc;
}

macro_rules! stages {
    ($($cfg:ty),* $(,)?) => {
        /// Documentation of every stage kind, in registry order.
        pub const DOCS: &[StageDoc] = &[$(<$cfg as Describe>::DOC),*];
        /// Every valid `kind:`.
        pub const KINDS: &[&str] = &[$(<$cfg as Describe>::DOC.kind),*];

        /// Deserializes the rest of a stage map (after `kind:`) into the
        /// config of `kind`. `kind` must be one of [`KINDS`].
        pub fn parse<'de, A: MapAccess<'de>>(kind: &str, map: A) -> Result<Box<dyn StageConfig>, A::Error> {
            $(
                if kind == <$cfg as Describe>::DOC.kind {
                    let cfg = <$cfg>::deserialize(MapAccessDeserializer::new(map))?;
                    return Ok(Box::new(cfg));
                }
            )*
            Err(serde::de::Error::custom(format!("unknown stage kind `{kind}`")))
        }
    };
}

stages![
    stages::html_extract::HtmlExtractConfig,
    stages::normalize::NormalizeConfig,
    stages::lid::LanguageIdConfig,
    stages::length_filter::LengthFilterConfig,
    stages::sample::SampleConfig,
    stages::url_filter::UrlFilterConfig,
    stages::rules::RulesConfig,
    stages::tokenize::TokenizeConfig,
    stages::pii::PiiConfig,
    stages::quality::gopher_quality::GopherQualityConfig,
    stages::quality::gopher_repetition::GopherRepetitionConfig,
    stages::quality::c4::C4QualityConfig,
    stages::quality::fineweb::FinewebQualityConfig,
    stages::dedup::exact::ExactDedupConfig,
    stages::dedup::minhash::MinhashDedupConfig,
    stages::dedup::url::UrlDedupConfig,
    stages::dedup::line::LineDedupConfig,
];

/// The documentation of one kind.
pub fn doc(kind: &str) -> Option<&'static StageDoc> {
    DOCS.iter().find(|d| d.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline_with(stage: &str) -> String {
        format!(
            "name: t\ninput:\n  kind: jsonl\n  paths: [x]\nstages:\n  - {stage}\noutput:\n  kind: jsonl\n  path: o\n"
        )
    }

    #[test]
    fn every_documented_parameter_is_a_real_key_and_vice_versa() {
        for d in DOCS {
            for p in d.params {
                let yaml = pipeline_with(&format!("kind: {}\n    {}: {}", d.kind, p.name, p.default));
                if let Err(e) = crate::pipeline::spec::parse(std::path::Path::new("t.yaml"), &yaml, |_| None) {
                    assert!(
                        !e.message.contains("unknown key"),
                        "{}: documented `{}` is not accepted: {e}",
                        d.kind,
                        p.name
                    );
                }
            }
            let yaml = pipeline_with(&format!("kind: {}\n    no_such_param_zz: 1", d.kind));
            let e = crate::pipeline::spec::parse(std::path::Path::new("t.yaml"), &yaml, |_| None).unwrap_err();
            // The error lists the real keys; each must be documented.
            let valid = e.message.split("(valid: ").nth(1).unwrap_or("").trim_end_matches(')');
            for key in valid.split(", ").filter(|k| !k.is_empty()) {
                assert!(
                    d.params.iter().any(|p| p.name == key),
                    "{}: key `{key}` is not documented",
                    d.kind
                );
            }
        }
    }
}
