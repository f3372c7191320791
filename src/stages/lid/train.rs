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
    /// How much less likely than a once-seen feature an unseen one is (nats).
    #[arg(long, default_value_t = 3.0)]
    pub penalty: f32,
    /// Also print the model's accuracy within each language's confusion
    /// groups on this folder of `<lang>.txt` (held-out lines of 40+ characters).
    #[arg(long)]
    pub eval: Option<PathBuf>,
    /// Folder of `<lang>.txt` held out from training: sets each EU
    /// language's per-word bias to the smallest that gives it `--target`
    /// recall within its confusion groups (where neighbours take its text).
    #[arg(long)]
    pub calibrate: Option<PathBuf>,
    /// Recall each EU language should reach on the calibration text.
    #[arg(long, default_value_t = 0.99)]
    pub target: f64,
}

/// Trains and writes the model; prints per language the text read and the
/// features kept.
pub fn run(opts: &TrainOptions) -> anyhow::Result<()> {
    let mut model = train_dir(&opts.data, opts.min_count, opts.penalty)?;
    if let Some(dir) = &opts.calibrate {
        calibrate(&mut model, dir, opts.target)?;
    }
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
    if let Some(dir) = &opts.eval {
        evaluate(&model, dir)?;
    }
    Ok(())
}

/// Prints, per language of `dir` the model has, how often the model alone
/// picks it among the languages of its confusion groups (`refine::GROUPS`),
/// and the most frequent wrong picks.
pub fn evaluate(model: &NgramModel, dir: &Path) -> anyhow::Result<()> {
    for (lang, path) in lang_files(dir)? {
        if model.class(&lang).is_none() {
            continue;
        }
        let base = super::refine::lang_of(&lang);
        let candidates = group_candidates(model, &lang);
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let (mut n, mut ok) = (0usize, 0usize);
        let mut wrong: std::collections::BTreeMap<&str, usize> = Default::default();
        for line in text.lines().filter(|l| l.chars().count() >= 40) {
            n += 1;
            match model.best(line, &candidates) {
                Some((c, _)) if super::refine::lang_of(&model.langs[c]) == base => ok += 1,
                Some((c, _)) => *wrong.entry(model.langs[c].as_str()).or_default() += 1,
                None => *wrong.entry("none").or_default() += 1,
            }
        }
        let mut wrong: Vec<_> = wrong.into_iter().collect();
        wrong.sort_by_key(|w| std::cmp::Reverse(w.1));
        println!(
            "eval {lang}: {ok}/{n} = {:.3} among {} (wrong: {wrong:?})",
            ok as f64 / n.max(1) as f64,
            candidates
                .iter()
                .map(|&c| model.langs[c].as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    Ok(())
}

/// The candidate classes for text in `lang`: every class of the model whose
/// language shares a confusion group with it.
fn group_candidates(model: &NgramModel, lang: &str) -> Vec<usize> {
    let base = super::refine::lang_of(lang);
    let mut candidates: Vec<usize> = model.class(lang).into_iter().collect();
    for group in super::refine::GROUPS.iter().filter(|g| g.contains(&base)) {
        for (c, name) in model.langs.iter().enumerate() {
            if group.contains(&super::refine::lang_of(name)) {
                candidates.push(c);
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates
}

/// Sets the bias of each EU language in a confusion group to the smallest
/// value (steps of 0.02 per word, at most 1.0) at which at least `target`
/// of its calibration lines (40+ characters) win within its group; prints
/// each choice and what it costs the other languages of the group.
pub fn calibrate(model: &mut NgramModel, dir: &Path, target: f64) -> anyhow::Result<()> {
    // Per-word scores of every calibration line, computed once with zero biases.
    let mut lines: Vec<(usize, Vec<usize>, Vec<f32>)> = Vec::new();
    let mut scores = Vec::new();
    for (lang, path) in lang_files(dir)? {
        let Some(class) = model.class(&lang) else {
            continue;
        };
        let candidates = group_candidates(model, &lang);
        if candidates.len() < 2 {
            continue;
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        for line in text.lines().filter(|l| l.chars().count() >= 40) {
            let n = model.score(line, &candidates, &mut scores);
            if n > 0 {
                let per_word: Vec<f32> = scores.iter().map(|s| s / n as f32).collect();
                lines.push((class, candidates.clone(), per_word));
            }
        }
    }
    let wins = |bias: &[f32], class: usize, lines: &[(usize, Vec<usize>, Vec<f32>)]| -> (usize, usize) {
        let mut ok = 0;
        let mut n = 0;
        for (gold, cands, s) in lines.iter().filter(|l| l.0 == class) {
            n += 1;
            let best = cands
                .iter()
                .zip(s)
                .max_by(|a, b| (a.1 + bias[*a.0]).total_cmp(&(b.1 + bias[*b.0])))
                .map(|(&c, _)| c);
            ok += usize::from(best == Some(*gold));
        }
        (ok, n)
    };
    let mut bias = vec![0f32; model.langs.len()];
    for (class, name) in model.langs.clone().iter().enumerate() {
        if !crate::langs::EU24.contains(&name.as_str()) {
            continue;
        }
        let (ok0, n) = wins(&bias, class, &lines);
        if n == 0 {
            continue;
        }
        let mut step = 0;
        while step < 50 && (wins(&bias, class, &lines).0 as f64) < target * n as f64 {
            step += 1;
            bias[class] = step as f32 * 0.02;
        }
        if step > 0 {
            let others: Vec<String> = group_candidates(model, name)
                .into_iter()
                .filter(|&c| c != class)
                .map(|c| {
                    let (ok, n) = wins(&bias, c, &lines);
                    format!("{} {ok}/{n}", model.langs[c])
                })
                .collect();
            eprintln!(
                "calibrate {name}: bias {:.2}, recall {ok0}/{n} -> {}/{n}; then {}",
                bias[class],
                wins(&bias, class, &lines).0,
                others.join(", ")
            );
        }
    }
    model.bias = bias;
    Ok(())
}

/// `(lang, path)` of every `<lang>.txt` in `dir`, in name order.
fn lang_files(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?
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
    files
        .into_iter()
        .map(|p| {
            let lang = p
                .file_stem()
                .and_then(|s| s.to_str())
                .with_context(|| format!("{}: file name is not UTF-8", p.display()))?
                .to_string();
            Ok((lang, p))
        })
        .collect()
}

/// Trains on every `<lang>.txt` of `dir`, languages in name order.
pub fn train_dir(dir: &Path, min_count: u32, penalty: f32) -> anyhow::Result<NgramModel> {
    let mut classes = Vec::new();
    for (lang, path) in lang_files(dir)? {
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
    NgramModel::from_counts(&classes, min_count, penalty)
}
