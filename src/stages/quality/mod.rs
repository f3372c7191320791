//! Quality filters with per-language thresholds: `gopher_quality`,
//! `gopher_repetition`, `c4_quality`, `fineweb_quality`.
//!
//! Definitions and defaults are those of the reference implementations
//! (datatrove's filters, after the Gopher, C4 and FineWeb papers), so a
//! threshold means what it means there. Each threshold is resolved per
//! document language, in layers: the built-in default, then
//! `langs/defaults.yaml`, then `langs/<iso>.yaml` (`quality.<kind>.<key>`),
//! then the pipeline YAML, which wins. Words are split by the language's
//! rules (`words:` in the same files). A document without `lang`, or whose
//! language has no file, gets the defaults and is counted
//! (`no_lang`, `lang_fallback:<iso>`).

pub mod c4;
pub mod fineweb;
pub mod gopher_quality;
pub mod gopher_repetition;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::langs::Langs;
use crate::stages::Rejection;
use crate::stats::Counters;
use crate::text::words::WordSplitter;

/// Declares a quality filter's thresholds once and derives from them: the
/// all-optional layer read from langs files (`$values`), the resolved
/// thresholds with the reference defaults (`$resolved`), the stage config
/// (`$config`: the layer plus `langs_dir`), and its `eurocurate stages` doc.
macro_rules! quality_filter {
    (
        kind: $kind:literal,
        layer: $layer:ident,
        summary: $summary:literal,
        config: $config:ident,
        values: $values:ident,
        resolved: $resolved:ident,
        check: $check:path,
        filter: $filter:path,
        fields { $( $field:ident : $ty:ty = $default:expr $(, shown $shown:literal)? => $doc:literal ),* $(,)? }
    ) => {
        /// One layer of thresholds (a langs file or the pipeline); unset keys
        /// fall through to the layer below.
        #[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, PartialEq)]
        #[serde(deny_unknown_fields)]
        pub struct $values {
            $( #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>, )*
        }

        impl $values {
            /// Every key at its built-in (reference) default.
            pub fn builtin() -> Self {
                $values { $( $field: Some($default), )* }
            }
        }

        /// The thresholds in force for one language.
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        pub struct $resolved {
            $( pub $field: $ty, )*
        }

        impl Default for $resolved {
            fn default() -> Self {
                $resolved { $( $field: $default, )* }
            }
        }

        impl $crate::stages::quality::Layered for $resolved {
            type Layer = $values;
            fn apply(&mut self, layer: &$values) {
                $( if let Some(v) = &layer.$field { self.$field = v.clone(); } )*
            }
            const SECTION: &'static str = $kind;
        }

        #[doc = $summary]
        ///
        /// Any threshold given here overrides every language's; unset ones
        /// come from the langs files (`quality.<kind>.<key>`).
        #[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $config {
            /// Folder of per-language thresholds: `quality.<kind>.<key>` in `<iso>.yaml`.
            #[serde(default = "crate::stages::quality::langs_dir")]
            pub langs_dir: std::path::PathBuf,
            $( #[doc = concat!($doc, "; built-in ", crate::stages::quality::shown_default!($($shown)?, stringify!($default)), ", per language in langs/")] #[serde(default)] pub $field: Option<$ty>, )*
            #[serde(skip)]
            built: crate::stages::BuiltOnce<crate::stages::quality::PerLang<$resolved>>,
        }

        impl $config {
            /// The pipeline's own layer.
            pub fn layer(&self) -> $values {
                $values { $( $field: self.$field.clone(), )* }
            }

            /// Thresholds and word rules per language, built once.
            pub fn per_lang(&self) -> anyhow::Result<std::sync::Arc<crate::stages::quality::PerLang<$resolved>>> {
                self.built.get_or_build(|| crate::stages::quality::PerLang::build(&self.langs_dir, &self.layer()))
            }
        }

        impl crate::stages::StageConfig for $config {

            fn validate(&self, _ctx: &crate::stages::ValidateContext) -> anyhow::Result<()> {
                self.per_lang().map(|_| ())
            }

            fn reads(&self) -> anyhow::Result<Vec<crate::stages::FileDigest>> {
                crate::langs::Langs::digests(&self.langs_dir)
            }

            fn thresholds(&self) -> anyhow::Result<crate::stages::ResolvedThresholds> {
                crate::stages::quality::resolved_thresholds(&*self.per_lang()?, &$filter)
            }

            fn build(&self, _ctx: &crate::stages::TaskContext) -> anyhow::Result<Box<dyn crate::stages::Stage>> {
                Ok(Box::new(crate::stages::quality::FilterStage {
                    per: self.per_lang()?,
                    check: $check,
                }))
            }
        }

        impl crate::stages::contract::Describe for $config {
            const KIND: &'static str = $kind;
            const LANGS_KEYS: &'static [&'static str] = &["words", concat!("quality.", $kind)];
            const FILTER: Option<&'static crate::stages::annotate::FilterDecl> = Some(&$filter);
        }
    };
}
pub(crate) use quality_filter;

/// The default as `eurocurate stages` shows it: the literal given, else the
/// Rust expression.
macro_rules! shown_default {
    ($shown:literal, $d:expr) => {
        $shown
    };
    (, $d:expr) => {
        $d
    };
}
pub(crate) use shown_default;

/// Decides one document (and may rewrite it) with its language's settings,
/// recording its measures into the [`Measured`] sink.
pub type CheckFn<T> =
    fn(&mut crate::document::Document, &ForLang<T>, &mut Counters, &mut Measured) -> Option<Rejection>;

/// The stage of every quality filter: look up the document's language, check.
pub struct FilterStage<T> {
    pub per: Arc<PerLang<T>>,
    pub check: CheckFn<T>,
}

impl<T: Layered + Send + Sync> crate::stages::Stage for FilterStage<T> {
    fn process(
        &mut self,
        doc: &mut crate::document::Document,
        counters: &mut Counters,
    ) -> anyhow::Result<crate::stages::Verdict> {
        self.judge(doc, counters, &mut Measured::off())
    }

    fn judge(
        &mut self,
        doc: &mut crate::document::Document,
        counters: &mut Counters,
        measured: &mut Measured,
    ) -> anyhow::Result<crate::stages::Verdict> {
        let f = self.per.get(doc.lang.as_deref(), counters);
        Ok(match (self.check)(doc, f, counters, measured) {
            Some(r) => crate::stages::Verdict::Drop(r),
            None => crate::stages::Verdict::Keep,
        })
    }
}

/// Default folder of the language files.
pub fn langs_dir() -> PathBuf {
    PathBuf::from("langs")
}

/// Thresholds that resolve in layers.
pub trait Layered: Default + Clone {
    type Layer: serde::de::DeserializeOwned;
    /// The `quality.<section>` of langs files these thresholds are read from.
    const SECTION: &'static str;
    fn apply(&mut self, layer: &Self::Layer);
}

/// This filter's layer in one langs file, if the file has the section.
pub fn layer_in<T: Layered>(file: &crate::langs::LangFile) -> anyhow::Result<Option<T::Layer>> {
    file.quality
        .as_ref()
        .and_then(|q| q.get(T::SECTION))
        .map(|section| section.read(file, T::SECTION))
        .transpose()
}

/// Reads every quality section of every file with its filter's type: one
/// message per bad section (unknown key, wrong type), for `langs check`.
pub fn check_sections(langs: &Langs) -> Vec<String> {
    let mut errors = Vec::new();
    for file in std::iter::once(&langs.defaults).chain(langs.by_iso.values()) {
        let results = [
            layer_in::<gopher_quality::GopherQuality>(file).map(|_| ()),
            layer_in::<gopher_repetition::GopherRepetition>(file).map(|_| ()),
            layer_in::<c4::C4Quality>(file).map(|_| ()),
            layer_in::<fineweb::FinewebQuality>(file).map(|_| ()),
            layer_in::<crate::stages::classify::ClassifyThresholds>(file).map(|_| ()),
        ];
        errors.extend(results.into_iter().filter_map(Result::err).map(|e| format!("{e:#}")));
    }
    errors
}

/// What a filter uses for one language.
#[derive(Debug)]
pub struct ForLang<T> {
    pub thresholds: T,
    pub words: WordSplitter,
    /// ISO code, or `default`.
    pub lang: String,
}

/// Resolved thresholds and word rules for every language with a file, and
/// for everything else.
#[derive(Debug)]
pub struct PerLang<T> {
    by_lang: HashMap<String, Arc<ForLang<T>>>,
    fallback: Arc<ForLang<T>>,
}

impl<T: Layered> PerLang<T> {
    /// Resolves every language of `langs_dir` under the pipeline `layer`.
    pub fn build(langs_dir: &std::path::Path, layer: &T::Layer) -> anyhow::Result<Self> {
        // A missing folder is an error, never English defaults for all.
        let langs = Langs::resolve(langs_dir)?;
        crate::stages::registry::check_langs(&langs)?;
        let defaults = layer_in::<T>(&langs.defaults)?;
        let base = |file: &crate::langs::LangFile| -> anyhow::Result<T> {
            let mut t = T::default();
            if let Some(l) = &defaults {
                t.apply(l);
            }
            if let Some(l) = layer_in::<T>(file)? {
                t.apply(&l);
            }
            t.apply(layer);
            Ok(t)
        };
        let fallback = Arc::new(ForLang {
            thresholds: base(&langs.defaults)?,
            words: WordSplitter::new(&langs.defaults.words.clone().unwrap_or_default()),
            lang: "default".into(),
        });
        let by_lang = langs
            .by_iso
            .iter()
            .map(|(iso, file)| {
                let rules = file
                    .words
                    .clone()
                    .or_else(|| langs.defaults.words.clone())
                    .unwrap_or_default();
                let v = ForLang {
                    thresholds: base(file)?,
                    words: WordSplitter::new(&rules),
                    lang: iso.clone(),
                };
                Ok((iso.clone(), Arc::new(v)))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(PerLang { by_lang, fallback })
    }

    /// The settings for a document's language, counting fallbacks.
    pub fn get(&self, lang: Option<&str>, counters: &mut Counters) -> &Arc<ForLang<T>> {
        match lang {
            None => {
                counters.add("no_lang", 1);
                &self.fallback
            }
            Some(l) => match self.by_lang.get(l) {
                Some(v) => v,
                None => {
                    let mut key = String::with_capacity(14 + l.len());
                    key.push_str("lang_fallback:");
                    key.push_str(l);
                    counters.add(&key, 1);
                    &self.fallback
                }
            },
        }
    }

    /// The settings for `lang` without counting (for `langs calibrate`).
    pub fn for_lang(&self, lang: &str) -> &Arc<ForLang<T>> {
        self.by_lang.get(lang).unwrap_or(&self.fallback)
    }

    /// Every language's settings, then the fallback's (named `default`).
    pub fn entries(&self) -> impl Iterator<Item = &Arc<ForLang<T>>> {
        self.by_lang.values().chain(std::iter::once(&self.fallback))
    }
}

/// The numeric parameters of `decl`'s threshold table, per language, read
/// from each language's resolved thresholds (switches and lists are left out).
pub fn resolved_thresholds<T: Layered + serde::Serialize>(
    per: &PerLang<T>,
    decl: &crate::stages::annotate::FilterDecl,
) -> anyhow::Result<crate::stages::ResolvedThresholds> {
    let params = decl.params();
    let mut out = crate::stages::ResolvedThresholds::new();
    for f in per.entries() {
        let serde_json::Value::Object(values) = serde_json::to_value(&f.thresholds)? else {
            continue;
        };
        let numeric = values
            .into_iter()
            .filter(|(k, _)| params.contains(&k.as_str()))
            .filter_map(|(k, v)| Some((k, v.as_f64()?)))
            .collect();
        out.insert(f.lang.clone(), numeric);
    }
    Ok(out)
}

/// Python's `len()` of a string: code points.
#[inline]
pub fn chars(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Python's `str.splitlines()`.
pub fn python_splitlines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let brk = matches!(
            c,
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        );
        if brk {
            out.push(&text[start..i]);
            let mut next = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(j, '\n')) = it.peek() {
                    it.next();
                    next = j + 1;
                }
            }
            start = next;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// `(duplicate elements, their characters)` as datatrove's `find_duplicates`.
pub fn find_duplicates<'a>(items: impl Iterator<Item = &'a str>) -> (usize, usize) {
    let mut seen = rustc_hash::FxHashSet::default();
    let (mut n, mut chars_dup) = (0, 0);
    for x in items {
        if !seen.insert(x) {
            n += 1;
            chars_dup += chars(x);
        }
    }
    (n, chars_dup)
}

pub use crate::stages::annotate::{Bound, Measured, Threshold};

/// One threshold test of a filter, in the order the filter runs them: a row
/// of the filter's threshold table with the document's value and the
/// language's threshold.
pub struct Check {
    pub row: &'static Threshold,
    pub value: f64,
    pub threshold: f64,
}

impl Check {
    pub fn new(row: &'static Threshold, value: f64, threshold: f64) -> Self {
        Check { row, value, threshold }
    }

    fn fails(&self) -> bool {
        self.row.bound.fails(self.value, self.threshold)
    }
}

/// The first failing check, with `metric=value < threshold (lang)` as the
/// audit detail. With `zero_is_off` a threshold of 0 skips its check (the
/// Gopher filters' convention). When `m` records (annotate mode), every
/// check's value and every failing check are recorded too.
pub fn first_failing(checks: &[Check], zero_is_off: bool, lang: &str, m: &mut Measured) -> Option<Rejection> {
    let runs = |c: &&Check| !(zero_is_off && c.threshold == 0.0);
    if m.on() {
        for c in checks {
            m.set(c.row.measure, c.value);
            if runs(&c) && c.fails() {
                m.failed(c.row.reason);
            }
        }
    }
    let c = checks.iter().filter(runs).find(|c| c.fails())?;
    let op = if c.row.bound == Bound::Min { "<" } else { ">" };
    Some(Rejection {
        reason: c.row.reason.into(),
        detail: Some(format!(
            "{}={} {op} {} ({lang})",
            c.row.measure,
            num(c.value),
            num(c.threshold)
        )),
    })
}

/// `12.345` style numbers for rejection details.
pub fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitlines_like_python() {
        assert_eq!(python_splitlines("a\nb\r\nc\rd\u{2028}e\n"), ["a", "b", "c", "d", "e"]);
        assert_eq!(python_splitlines("a\n\nb"), ["a", "", "b"]);
        assert!(python_splitlines("").is_empty());
    }

    #[test]
    fn duplicates_count_later_copies() {
        assert_eq!(find_duplicates(["ab", "c", "ab", "ab", "dé"].into_iter()), (2, 4));
    }
}
