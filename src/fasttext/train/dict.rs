//! The training dictionary, as fastText's `Dictionary::readFromFile` and
//! `threshold` build it: every whitespace token of every example counted,
//! one `</s>` per example, labels as `__label__<name>`; words under
//! `min_count` and labels under `min_count_label` left out; words first,
//! then labels, each by count, most frequent first (ties in first-seen
//! order). The bytes are then read back by the inference dictionary, so a
//! line becomes exactly the rows prediction will use.

use std::collections::HashMap;

use super::super::args::Args;
use super::super::dictionary::{Dictionary, LineScratch, EOS, LABEL_PREFIX, SPACE};
use super::super::reader::Reader;
use super::super::write::{header_and_dictionary, Entry, SavedArgs};
use super::TrainOptions;

/// One labelled training example.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    /// Label names, without `__label__`.
    pub labels: Vec<String>,
}

/// One example as the trainer sees it: input rows and label indices.
pub struct Line {
    pub rows: Vec<i32>,
    pub labels: Vec<i32>,
    /// Tokens fastText counts for this line (words, labels, `</s>`).
    pub tokens: i64,
}

/// The dictionary, the file header that holds it, and every example as rows.
pub struct Built {
    pub header: Vec<u8>,
    pub nwords: usize,
    pub labels: Vec<String>,
    pub ntokens: i64,
    pub lines: Vec<Line>,
}

fn tokens(text: &str) -> impl Iterator<Item = &[u8]> {
    text.as_bytes().split(|&b| SPACE[b as usize]).filter(|t| !t.is_empty())
}

/// Builds the dictionary of `examples` and turns each into rows.
pub fn build(examples: &[Example], o: &TrainOptions) -> anyhow::Result<Built> {
    // (count, first seen) per word and per label.
    let mut words: HashMap<&[u8], (i64, usize)> = HashMap::new();
    let mut labels: HashMap<String, (i64, usize)> = HashMap::new();
    let mut ntokens = 0i64;
    for ex in examples {
        for t in tokens(&ex.text) {
            let n = words.len();
            words.entry(t).or_insert((0, n)).0 += 1;
            ntokens += 1;
        }
        let n = words.len();
        words.entry(EOS).or_insert((0, n)).0 += 1;
        for l in &ex.labels {
            let n = labels.len();
            labels
                .entry(format!("{}{l}", std::str::from_utf8(LABEL_PREFIX)?))
                .or_insert((0, n))
                .0 += 1;
        }
        ntokens += 1 + ex.labels.len() as i64;
    }
    let mut words: Vec<(&[u8], i64, usize)> = words
        .into_iter()
        // A token spelled like a label in the text is a label to fastText.
        .filter(|(w, (c, _))| *c as u64 >= o.min_count && !w.starts_with(LABEL_PREFIX))
        .map(|(w, (c, first))| (w, c, first))
        .collect();
    words.sort_by_key(|&(_, c, first)| (std::cmp::Reverse(c), first));
    let mut labels: Vec<(String, i64, usize)> = labels
        .into_iter()
        .filter(|(_, (c, _))| *c as u64 >= o.min_count_label)
        .map(|(l, (c, first))| (l, c, first))
        .collect();
    labels.sort_by_key(|(_, c, first)| (std::cmp::Reverse(*c), *first));
    let mut entries: Vec<Entry> = words
        .iter()
        .map(|&(w, count, _)| Entry {
            word: w.to_vec(),
            count,
            label: false,
        })
        .collect();
    entries.extend(labels.iter().map(|(l, count, _)| Entry {
        word: l.as_bytes().to_vec(),
        count: *count,
        label: true,
    }));
    let saved = SavedArgs {
        dim: o.dim as i32,
        ws: 5,
        epoch: o.epoch as i32,
        min_count: o.min_count as i32,
        neg: 5,
        word_ngrams: o.word_ngrams as i32,
        loss: o.loss,
        bucket: o.bucket as i32,
        minn: o.minn as i32,
        maxn: o.maxn as i32,
        lr_update_rate: o.lr_update_rate as i32,
        t: 1e-4,
    };
    let header = header_and_dictionary(&saved, &entries, ntokens);
    let mut r = Reader::new(&header[..], header.len() as u64);
    let args = Args::read(&mut r).map_err(|e| anyhow::anyhow!("classifier train: header: {e}"))?;
    let dict = Dictionary::read(&mut r, &args).map_err(|e| anyhow::anyhow!("classifier train: dictionary: {e}"))?;
    let index: HashMap<&str, i32> = dict
        .labels()
        .iter()
        .enumerate()
        .map(|(i, l)| (&l[LABEL_PREFIX.len()..], i as i32))
        .collect();
    let mut scratch = LineScratch::default();
    let mut text = Vec::new();
    let lines = examples
        .iter()
        .map(|ex| {
            // One example is one line to fastText: newlines are spaces.
            text.clear();
            text.extend(ex.text.bytes().map(|b| if b == b'\n' { b' ' } else { b }));
            dict.line(&text, &mut scratch);
            Line {
                rows: scratch.rows.clone(),
                labels: ex
                    .labels
                    .iter()
                    .filter_map(|l| index.get(l.as_str()).copied())
                    .collect(),
                tokens: tokens(&ex.text).count() as i64 + 1 + ex.labels.len() as i64,
            }
        })
        .collect();
    Ok(Built {
        header,
        nwords: words.len(),
        labels: dict.labels().to_vec(),
        ntokens,
        lines,
    })
}
