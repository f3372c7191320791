//! Per-language settings that language partners own, read from
//! `langs/<iso>.yaml` (with `langs/defaults.yaml` for anything unset).
//!
//! Stages ask for a language's settings by ISO 639-1 code; a missing file is
//! not an error (the defaults apply), a malformed one is, with file:line.

pub mod rules;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// The 24 official EU languages, ISO 639-1.
pub const EU24: [&str; 24] = [
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt", "nl", "pl",
    "pt", "ro", "sk", "sl", "sv",
];

/// What a language file may hold. Every key is declared here, so a
/// misspelt key (`lid_treshold`) is an error with file:line, never ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangFile {
    pub iso: Option<String>,
    pub name: Option<String>,
    pub native_name: Option<String>,
    /// ISO 15924 script (Latn, Grek, Cyrl).
    pub script: Option<String>,
    /// Lowest language-ID score at which a document counts as this language.
    pub lid_threshold: Option<f32>,
    /// How words are split (elisions, clitics, hyphens).
    #[serde(default)]
    pub words: Option<crate::text::words::WordRules>,
    /// The language's stop words and where they come from.
    #[serde(default)]
    pub stopwords: Option<StopWords>,
    /// Thresholds of the quality filters (`quality.<kind>.<key>`), one
    /// section per filter, read by the stage that declares it.
    #[serde(default)]
    pub quality: Option<BTreeMap<String, Section>>,
    /// The partner's content rules (the `rules` stage).
    #[serde(default)]
    pub rules: Option<rules::Rules>,
    /// The file this came from, for messages.
    #[serde(skip)]
    pub origin: Origin,
}

/// Where a langs file was read from and its text, so a stage that reads
/// one of its sections can point at the line of a bad key.
#[derive(Clone, Default)]
pub struct Origin {
    pub path: std::path::PathBuf,
    pub text: std::sync::Arc<str>,
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Files compare by content (built-in vs on disk), not by path.
        f.write_str("Origin")
    }
}

/// One `quality.<kind>` block of a langs file, as written. This layer does
/// not know the filters: the stage that declares the section reads it into
/// its own typed thresholds with [`Section::read`], and the stage registry
/// checks that every section in a file belongs to a stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub value: serde_json::Value,
    /// Line of the section's first key.
    pub line: u64,
}

impl<'de> Deserialize<'de> for Section {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_saphyr::Spanned::<serde_json::Value>::deserialize(d)?;
        Ok(Section {
            line: v.referenced.line(),
            value: v.value,
        })
    }
}

impl Section {
    /// The section as the declaring stage's type; an unknown key or a
    /// wrong value is an error naming the file, the line and the section.
    pub fn read<T: serde::de::DeserializeOwned>(&self, file: &LangFile, name: &str) -> anyhow::Result<T> {
        serde_json::from_value(self.value.clone()).map_err(|e| {
            let msg = e.to_string();
            let line = msg
                .split('`')
                .nth(1)
                .and_then(|key| key_line(&file.origin.text, self.line, key))
                .unwrap_or(self.line);
            let hint = msg
                .split('`')
                .nth(1)
                .filter(|_| msg.contains("unknown field"))
                .and_then(|bad| {
                    let valid: Vec<&str> = msg
                        .split("expected one of ")
                        .nth(1)?
                        .split(", ")
                        .map(|k| k.trim_matches('`'))
                        .collect();
                    crate::text::suggest::did_you_mean(bad, valid).map(|k| format!("; did you mean `{k}`?"))
                })
                .unwrap_or_default();
            anyhow::anyhow!("{}:{line}: quality.{name}: {msg}{hint}", file.origin.path.display())
        })
    }
}

/// The line of `key:` at or after `from` (1-based), if written there.
fn key_line(text: &str, from: u64, key: &str) -> Option<u64> {
    let from = from.max(1) as usize;
    text.lines()
        .enumerate()
        .skip(from - 1)
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|(i, _)| i as u64 + 1)
}

/// A stop-word list with its provenance, so partners can audit and replace it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StopWords {
    /// Where the list comes from, with its licence.
    pub source: String,
    pub words: Vec<String>,
}

/// Settings of all languages found in a `langs/` folder.
#[derive(Debug, Clone, Default)]
pub struct Langs {
    pub defaults: LangFile,
    pub by_iso: BTreeMap<String, LangFile>,
}

fn read(path: &Path) -> anyhow::Result<Option<LangFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    parse(path, &text).map(Some)
}

/// Top-level keys of a langs file, for did-you-mean hints.
const KEYS: &[&str] = &[
    "iso",
    "name",
    "native_name",
    "script",
    "lid_threshold",
    "words",
    "stopwords",
    "quality",
    "rules",
];

fn parse(path: &Path, text: &str) -> anyhow::Result<LangFile> {
    let file: LangFile = serde_saphyr::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        let msg = e.without_snippet().to_string();
        // serde names the unknown field in backquotes: suggest the closest key.
        let hint = msg
            .split('`')
            .nth(1)
            .filter(|_| msg.contains("unknown field"))
            .and_then(|bad| crate::text::suggest::did_you_mean(bad, KEYS.iter().copied()))
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        anyhow::anyhow!("{}{at}: {msg}{hint}", path.display())
    })?;
    let mut file = file;
    file.origin = Origin {
        path: path.to_path_buf(),
        text: text.into(),
    };
    if let Some(t) = file.lid_threshold {
        anyhow::ensure!(
            (0.0..=1.0).contains(&t),
            "{}: lid_threshold {t} is not in 0..=1",
            path.display()
        );
    }
    Ok(file)
}

/// The language files shipped with eurocurate, compiled into the binary so
/// it works from any directory (a Slurm job's, an installed binary's).
macro_rules! builtin {
    ($($iso:literal),*) => {
        &[$(($iso, include_str!(concat!("../../langs/", $iso, ".yaml")))),*]
    };
}
const BUILTIN: &[(&str, &str)] = builtin!(
    "defaults", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt",
    "nl", "pl", "pt", "ro", "sk", "sl", "sv"
);

/// The default `langs_dir` of the stages.
pub const DEFAULT_DIR: &str = "langs";

impl Langs {
    /// The settings stages use: the folder `dir` when it exists; the
    /// compiled-in files when `dir` is the default `langs` and no such
    /// folder is here; an error for any other missing folder (a typo must
    /// not silently change every threshold).
    pub fn resolve(dir: &Path) -> anyhow::Result<Self> {
        if dir.is_dir() {
            return Self::load(dir);
        }
        if dir != Path::new(DEFAULT_DIR) {
            anyhow::bail!(
                "langs_dir `{}` is not a folder (relative paths start at {})",
                dir.display(),
                std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default()
            );
        }
        Self::builtin()
    }

    /// The files shipped with this build.
    pub fn builtin() -> anyhow::Result<Self> {
        let mut langs = Langs::default();
        for (iso, text) in BUILTIN {
            let f = parse(&Path::new("<built-in langs>").join(format!("{iso}.yaml")), text)?;
            if *iso == "defaults" {
                langs.defaults = f;
            } else {
                langs.by_iso.insert(iso.to_string(), f);
            }
        }
        Ok(langs)
    }

    /// Reads `dir/defaults.yaml` and `dir/<iso>.yaml` for every file present.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let defaults = read(&dir.join("defaults.yaml"))?.unwrap_or_default();
        let mut by_iso = BTreeMap::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                let Some(stem) = p.file_stem().and_then(|s| s.to_str()) else {
                    continue;
                };
                if p.extension().is_some_and(|e| e == "yaml") && stem != "defaults" {
                    if let Some(f) = read(&p)? {
                        by_iso.insert(stem.to_string(), f);
                    }
                }
            }
        }
        Ok(Langs { defaults, by_iso })
    }

    /// Digests of the files a stage with `langs_dir: dir` reads: every
    /// `.yaml` of the folder, or the compiled-in files (which change with
    /// the binary) when `dir` is the default and absent.
    pub fn digests(dir: &Path) -> anyhow::Result<Vec<crate::digest::FileDigest>> {
        if dir.is_dir() {
            return yaml_files(dir)?.iter().map(|p| crate::digest::file_digest(p)).collect();
        }
        Ok(BUILTIN
            .iter()
            .map(|(iso, text)| crate::digest::text_digest(&format!("built-in langs/{iso}.yaml"), text))
            .collect())
    }

    /// Checks every `.yaml` file of `dir` and returns one message per
    /// broken file (an empty list when all are good).
    pub fn check_dir(dir: &Path) -> anyhow::Result<Vec<String>> {
        let mut errors = Vec::new();
        for p in yaml_files(dir)? {
            match read(&p) {
                Ok(Some(f)) => errors.extend(check_file(&p, &f)),
                Ok(None) => {}
                Err(e) => errors.push(format!("{e:#}")),
            }
        }
        Ok(errors)
    }

    /// The LID threshold of `iso`, else the default, else `fallback`.
    pub fn lid_threshold(&self, iso: &str, fallback: f32) -> f32 {
        self.by_iso
            .get(iso)
            .and_then(|f| f.lid_threshold)
            .or(self.defaults.lid_threshold)
            .unwrap_or(fallback)
    }
}

/// The `.yaml` files of `dir`, in name order.
fn yaml_files(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Checks that parse cannot make: the file is named after its `iso`, and
/// the stop lists are non-empty words.
fn check_file(path: &Path, f: &LangFile) -> Vec<String> {
    let mut errors = Vec::new();
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if let Some(iso) = &f.iso {
        if stem != "defaults" && iso != stem {
            errors.push(format!("{}: `iso: {iso}` but the file is {stem}.yaml", path.display()));
        }
    }
    if let Some(sw) = &f.stopwords {
        if let Some(w) = sw.words.iter().find(|w| w.trim().is_empty()) {
            errors.push(format!("{}: stopwords: empty entry `{w}`", path.display()));
        }
    }
    if let Some(r) = &f.rules {
        if let Err(e) = r.check() {
            errors.push(format!("{}: rules: {e:#}", path.display()));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_files_are_the_shipped_ones() {
        let disk = Langs::load(Path::new("langs")).unwrap();
        let built = Langs::builtin().unwrap();
        assert_eq!(built.by_iso.len(), 24);
        for iso in EU24 {
            assert_eq!(
                format!("{:?}", built.by_iso[iso]),
                format!("{:?}", disk.by_iso[iso]),
                "{iso}"
            );
        }
        assert!(Langs::resolve(Path::new("no-such-folder")).is_err());
    }

    #[test]
    fn every_eu_language_file_parses_and_has_the_fields_stages_need() {
        let langs = Langs::load(Path::new("langs")).unwrap();
        for iso in EU24 {
            let f = langs
                .by_iso
                .get(iso)
                .unwrap_or_else(|| panic!("langs/{iso}.yaml is missing"));
            assert_eq!(f.iso.as_deref(), Some(iso), "langs/{iso}.yaml: iso");
            assert!(f.name.is_some() && f.native_name.is_some(), "langs/{iso}.yaml: names");
            assert!(
                matches!(f.script.as_deref(), Some("Latn" | "Grek" | "Cyrl")),
                "langs/{iso}.yaml: script"
            );
            let t = f
                .lid_threshold
                .unwrap_or_else(|| panic!("langs/{iso}.yaml: lid_threshold"));
            assert!(t > 0.0 && t < 1.0, "langs/{iso}.yaml: lid_threshold {t}");
        }
        assert_eq!(
            langs.lid_threshold("xx", 0.42),
            langs.defaults.lid_threshold.unwrap_or(0.42)
        );
    }

    #[test]
    fn a_broken_file_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mt.yaml"), "iso: mt\nlid_threshold: [high]\n").unwrap();
        let err = Langs::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("mt.yaml:2:"), "{err}");
    }
}
