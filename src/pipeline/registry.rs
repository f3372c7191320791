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
    stages::normalize::NormalizeConfig,
    stages::length_filter::LengthFilterConfig,
    stages::sample::SampleConfig,
    stages::url_filter::UrlFilterConfig,
    stages::exact_dedup::ExactDedupConfig,
];

/// The documentation of one kind.
pub fn doc(kind: &str) -> Option<&'static StageDoc> {
    DOCS.iter().find(|d| d.kind == kind)
}
