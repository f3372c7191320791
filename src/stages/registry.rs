//! Maps the YAML `kind:` of a stage to its typed config.
//!
//! Adding a stage is one file under `src/stages/` plus one line in the
//! `stages!` list of `stages/mod.rs` (which also declares the file's
//! module). The config's `Deserialize` is driven straight from the YAML map,
//! so its errors keep their file:line:column; its `JsonSchema` (from the
//! same type) documents it.

pub use super::contract::{Describe, ParamDoc, Produces, Role, StageDoc};

/// Declares the stage modules and the registry. Each entry is one stage:
/// `file::Config` declares the module `file` (the stage's own file) and
/// registers `Config`; `family::file::Config` registers a stage of a
/// family folder (`quality`, `dedup`) declared by hand in `stages`.
macro_rules! stages {
    ($($first:ident $(:: $rest:ident)* ),* $(,)?) => {
        $( $crate::stages::registry::declare_module!($first $(:: $rest)*); )*
        /// The stage registry, generated from the list in `stages/mod.rs`.
        pub mod list {
            use serde::de::value::MapAccessDeserializer;
            use serde::de::MapAccess;
            use serde::Deserialize;
            use serde_json::Value;

            use $crate::stages::contract::{self, Describe, StageDoc};
            use $crate::stages::StageConfig;

            $crate::stages::registry::registry_fns!($( super::$first $(:: $rest)* ),*);
        }
    };
}
pub(crate) use stages;

/// `pub mod file;` for a one-file stage (`file::Config`); nothing for a
/// family member (`family::file::Config`, declared with its family).
macro_rules! declare_module {
    ($file:ident :: $cfg:ident) => {
        pub mod $file;
    };
    ($family:ident :: $file:ident :: $cfg:ident) => {};
}
pub(crate) use declare_module;

macro_rules! registry_fns {
    ($($cfg:path),* $(,)?) => {
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

        /// The filter declaration of `kind` (`None` for stages that are not filters).
        pub fn filter_decl(kind: &str) -> Option<&'static $crate::stages::annotate::FilterDecl> {
            $(
                if kind == <$cfg as Describe>::KIND {
                    return <$cfg as Describe>::FILTER;
                }
            )*
            None
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
pub(crate) use registry_fns;

pub use super::list::{docs, filter_decl, parse, schemas, KINDS};

/// Every `quality.<section>` some stage reads.
pub fn quality_sections() -> Vec<&'static str> {
    let mut v: Vec<&str> = docs()
        .iter()
        .flat_map(|d| d.langs_keys.iter().filter_map(|k| k.strip_prefix("quality.")))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Checks a langs folder against what the stages declare they read: a
/// `quality.<section>` no stage reads is a misspelling (file:line), never
/// silently ignored. Top-level keys are checked by the langs file type.
pub fn check_langs(langs: &crate::langs::Langs) -> anyhow::Result<()> {
    let known = quality_sections();
    for file in std::iter::once(&langs.defaults).chain(langs.by_iso.values()) {
        for (name, section) in file.quality.iter().flatten() {
            if !known.contains(&name.as_str()) {
                let hint = crate::text::suggest::did_you_mean(name, known.iter().copied())
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                anyhow::bail!(
                    "{}:{}: `quality.{name}` is read by no stage{hint} (valid: {})",
                    file.origin.path.display(),
                    section.line.saturating_sub(1).max(1),
                    known.join(", ")
                );
            }
        }
    }
    Ok(())
}

/// The documentation of one kind.
pub fn doc(kind: &str) -> Option<StageDoc> {
    docs().into_iter().find(|d| d.kind == kind)
}
