//! `eurocurate lid train`: builds the second-stage n-gram model from a
//! folder of plain text, one `<lang>.txt` per language, so partners can
//! retrain it on their own text (and add or drop languages) without tools
//! outside eurocurate.

use std::path::{Path, PathBuf};

use anyhow::{ensure, Context};

use super::ngram::{ClassCounts, NgramModel};

/// Options of `eurocurate lid train`.
#[derive(Debug, Clone, clap::Args)]
pub struct TrainOptions {
    /// Folder with one UTF-8 `<lang>.txt` per language (any lines of text;
    /// the file name is the label, ISO 639-1 for the EU languages).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model (use it with `language_id`'s `refine_model:`).
    #[arg(long)]
    pub out: PathBuf,
    /// A feature is kept for a language when it occurs this often in its text.
    #[arg(long, default_value_t = 2)]
    pub min_count: u32,
}

/// Trains and writes the model; prints per language the text read and the
/// features kept.
pub fn run(opts: &TrainOptions) -> anyhow::Result<()> {
    let model = train_dir(&opts.data, opts.min_count)?;
    let bytes = model.to_bytes()?;
    crate::io::atomic::write_file(&opts.out, &bytes)
        .with_context(|| format!("cannot write the model to {}", opts.out.display()))?;
    println!(
        "wrote {} ({} languages: {}; {} bytes)",
        opts.out.display(),
        model.langs.len(),
        model.langs.join(" "),
        bytes.len()
    );
    Ok(())
}

/// Trains on every `<lang>.txt` of `dir`, languages in name order.
pub fn train_dir(dir: &Path, min_count: u32) -> anyhow::Result<NgramModel> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the training folder {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    ensure!(
        !files.is_empty(),
        "{} has no <lang>.txt files: put one UTF-8 text file per language there (e.g. mt.txt)",
        dir.display()
    );
    let mut classes = Vec::new();
    for path in files {
        let lang = path
            .file_stem()
            .and_then(|s| s.to_str())
            .with_context(|| format!("{}: file name is not UTF-8", path.display()))?
            .to_string();
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {} (it must be UTF-8 text)", path.display()))?;
        let mut counts = ClassCounts::default();
        for line in text.lines() {
            counts.add_text(line);
        }
        eprintln!(
            "{lang}: {} lines, {} characters, {} distinct features",
            text.lines().count(),
            text.chars().count(),
            counts.counts.len()
        );
        classes.push((lang, counts));
    }
    NgramModel::from_counts(&classes, min_count)
}
