//! Maps the YAML `kind:` of a stage to its typed config.
//!
//! Adding a stage is one file under `src/stages/` plus one line in
//! [`stages!`] below. The config's `Deserialize` is driven straight from the
//! YAML map, so its errors keep their file:line:column; its `JsonSchema`
//! (from the same type) documents it.

use serde::de::value::MapAccessDeserializer;
use serde::de::MapAccess;
use serde::Deserialize;
use serde_json::Value;

pub use super::contract::{Describe, ParamDoc, Produces, Role, StageDoc};
use super::{self as stages, contract, StageConfig};

macro_rules! stages {
    ($($cfg:ty),* $(,)?) => {
        /// Every valid `kind:`, in registry order.
        pub const KINDS: &[&str] = &[$(<$cfg as Describe>::KIND),*];

        /// Documentation of every stage kind, in registry order.
        pub fn docs() -> Vec<StageDoc> {
            vec![$(contract::doc_of::<$cfg>()),*]
        }

        /// The JSON Schema of every stage kind's parameters, in registry order.
        pub fn schemas() -> Vec<(&'static str, Value)> {
            vec![$((<$cfg as Describe>::KIND, contract::schema_of::<$cfg>())),*]
        }

        /// Deserializes the rest of a stage map (after `kind:`) into the
        /// config of `kind`. `kind` must be one of [`KINDS`].
        pub fn parse<'de, A: MapAccess<'de>>(kind: &str, map: A) -> Result<Box<dyn StageConfig>, A::Error> {
            $(
                if kind == <$cfg as Describe>::KIND {
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
pub fn doc(kind: &str) -> Option<StageDoc> {
    docs().into_iter().find(|d| d.kind == kind)
}
