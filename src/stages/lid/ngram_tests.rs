//! The fast scorer against a straightforward one: `reference` below is the
//! scorer as first written (per-char lower-casing into a `Vec<char>`,
//! per-feature UTF-8 encoding, a `HashMap` index, every kind computed
//! on demand), kept here as the oracle. Scores must be equal bit for bit, so
//! no language decision can change.

use super::*;
use crate::stages::lid::refine::{lang_of, EMBEDDED_NGRAM, GROUPS};

/// The scorer as first written.
mod reference {
    use rustc_hash::FxHashMap;

    use super::super::{dequantise, MAX_ORDER};

    pub fn words(text: &str, mut f: impl FnMut(&[char])) {
        let mut word: Vec<char> = Vec::with_capacity(32);
        let mut flush = |word: &mut Vec<char>| {
            while word.last().is_some_and(|&c| c == '-' || c == '\'') {
                word.pop();
            }
            if !word.is_empty() {
                f(word);
            }
            word.clear();
        };
        for c in text.chars() {
            let c = if c == '’' || c == 'ʼ' { '\'' } else { c };
            if c.is_alphabetic() || ((c == '\'' || c == '-') && !word.is_empty()) {
                if word.len() < 64 {
                    word.extend(c.to_lowercase());
                }
            } else {
                flush(&mut word);
            }
        }
        flush(&mut word);
    }

    pub fn hash(kind: u8, chars: &[char], buf: &mut [u8; 256]) -> u32 {
        buf[0] = kind;
        let mut len = 1;
        for &c in chars.iter().take(63) {
            len += c.encode_utf8(&mut buf[len..]).len();
        }
        xxhash_rust::xxh3::xxh3_64(&buf[..len]) as u32
    }

    pub struct Model {
        pub floor: Vec<[f32; super::KINDS]>,
        pub bias: Vec<f32>,
        pub index: FxHashMap<u32, Vec<(u8, u8)>>,
    }

    impl Model {
        pub fn score(&self, text: &str, candidates: &[usize], out: &mut Vec<f32>) -> usize {
            out.clear();
            out.resize(candidates.len(), 0.0);
            let mut slot = [u8::MAX; 256];
            for (i, &c) in candidates.iter().enumerate() {
                slot[c] = i as u8;
            }
            let mut acc = vec![0f32; candidates.len()];
            let mut grams: Vec<u32> = Vec::with_capacity(64);
            let mut padded: Vec<char> = Vec::with_capacity(66);
            let mut buf = [0u8; 4 * 64];
            let mut n_words = 0;
            words(text, |w| {
                n_words += 1;
                for kind in [0, 5, 4, 3, 2, 1] {
                    grams.clear();
                    if kind == 0 {
                        grams.push(hash(0, w, &mut buf));
                    } else {
                        if padded.is_empty() {
                            padded.push(' ');
                            padded.extend_from_slice(w);
                            padded.push(' ');
                        }
                        for g in padded.windows(kind) {
                            if !(kind == 1 && g[0] == ' ') {
                                grams.push(hash(kind as u8, g, &mut buf));
                            }
                        }
                    }
                    if grams.is_empty() {
                        continue;
                    }
                    acc.iter_mut().for_each(|a| *a = 0.0);
                    let mut known = false;
                    for h in &grams {
                        for (i, &c) in candidates.iter().enumerate() {
                            acc[i] += self.floor[c][kind];
                        }
                        if let Some(e) = self.index.get(h) {
                            for &(c, q) in e {
                                let s = slot[c as usize];
                                if s != u8::MAX {
                                    known = true;
                                    acc[s as usize] += dequantise(q) - self.floor[c as usize][kind];
                                }
                            }
                        }
                    }
                    if known || kind == 1 {
                        let n = grams.len() as f32;
                        for ((o, a), &c) in out.iter_mut().zip(&acc).zip(candidates) {
                            *o += a / n + self.bias[c];
                        }
                        break;
                    }
                }
                padded.clear();
            });
            let _ = MAX_ORDER;
            n_words
        }
    }
}

/// The model's features as the reference scorer holds them.
fn reference_of(m: &NgramModel) -> reference::Model {
    reference::Model {
        floor: m.floor.clone(),
        bias: m.bias.clone(),
        index: m.index.sorted().into_iter().map(|(h, e)| (h, e.to_vec())).collect(),
    }
}

/// Real text of the 24 languages: the UDHR fixture (one document per
/// article group) and fixtures/lid-confusions.jsonl (held-out sentences
/// lid.176 gets wrong), plus words that stress the scanner.
fn texts() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/");
    let part1 = zstd::decode_all(std::fs::File::open(format!("{dir}udhr-part1.jsonl.zst")).unwrap()).unwrap();
    let mut part2 = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(std::fs::File::open(format!("{dir}udhr-part2.jsonl.gz")).unwrap()),
        &mut part2,
    )
    .unwrap();
    let mut texts = Vec::new();
    let mut langs = std::collections::BTreeSet::new();
    for line in [part1, part2].iter().flat_map(|p| std::str::from_utf8(p).unwrap().lines()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        // Ids are udhr-<iso>-<n>; part2's mirror copies have others.
        let lang = v["id"].as_str().unwrap().split('-').nth(1).unwrap_or_default();
        if lang.len() == 2 {
            langs.insert(lang.to_string());
        }
        let text = v["text"].as_str().unwrap();
        // A long part of the document, and what the second stage reads of it.
        texts.push(text.chars().take(1500).collect());
        texts.push(text.chars().take(super::super::refine::REFINE_CHARS).collect());
    }
    assert_eq!(langs.len(), 24, "{langs:?}");
    for line in std::fs::read_to_string(format!("{dir}lid-confusions.jsonl")).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        texts.push(v["text"].as_str().unwrap().to_string());
    }
    let long = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft";
    texts.extend(
        [
            "",
            "— 12 345 … !!",
            "a",
            "l’ordinateur dell’anno ʼs-Gravenhage rock'n'roll -- --x x-- ''a a'' ’",
            "İSTANBUL İİİ ǅemal ǈubljana ΣΟΦΟΣ ΌΡΟΣ Ωμέγα ПРИВЕТ Ѓорѓи Ўзбек ẞTRASSE Straße",
            "ﬁnance ﬂour ﬀ ǰ ŉ 𝔄𝔅ℭ Ⅻ ⓐⓑ ǅ ᾈ ᾼ Ǆ",
            "日本語のテキスト 中文 한국어 العربية עברית ไทย",
            "x\u{0301}\u{0300}y e\u{0301}té",
        ]
        .map(String::from),
    );
    // Words over the 64-character limit, of one- to four-byte characters,
    // with a two-character lower case (İ) at the limit.
    for c in ["a", "é", "ж", "ア", "𝔄", "İ"] {
        texts.push(format!("{} {long}{long} x", c.repeat(70)));
        texts.push(format!("{}İİ {}'-", "a".repeat(62), "ß".repeat(63)));
    }
    texts
}

/// Candidate sets as the second stage forms them: each group, and every class.
fn candidate_sets(m: &NgramModel) -> Vec<Vec<usize>> {
    let mut sets: Vec<Vec<usize>> = GROUPS
        .iter()
        .map(|g| {
            (0..m.langs.len())
                .filter(|&c| g.contains(&lang_of(&m.langs[c])))
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect();
    sets.push((0..m.langs.len()).collect());
    sets.push(vec![m.langs.len() - 1, 0]);
    sets
}

/// Scores of every text under every candidate set; long texts (over
/// `REFINE_CHARS`, which the second stage does not read) only under all classes.
fn assert_same_scores(m: &NgramModel, texts: &[String]) {
    let r = reference_of(m);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let sets = candidate_sets(m);
    for set in &sets {
        let all = set.len() == m.langs.len();
        for t in texts.iter().filter(|t| all || t.len() <= 4 * super::super::refine::REFINE_CHARS) {
            let na = r.score(t, set, &mut a);
            let nb = m.score(t, set, &mut b);
            assert_eq!(na, nb, "words read, {set:?}, {t:?}");
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "scores {a:?} vs {b:?}, {set:?}, {t:?}");
        }
    }
}

#[test]
fn scores_equal_the_reference_scorer_bit_for_bit_on_all_24_languages() {
    let m = NgramModel::from_bytes(EMBEDDED_NGRAM).unwrap();
    assert_same_scores(&m, &texts());
}

#[test]
fn words_and_features_equal_the_reference() {
    for t in texts() {
        let mut want = Vec::new();
        reference::words(&t, |w| want.push(w.to_vec()));
        let mut got = Vec::new();
        words(&t, |w| got.push(w.to_vec()));
        assert_eq!(got, want, "{t:?}");

        let mut want = Vec::new();
        let mut buf = [0u8; 256];
        reference::words(&t, |w| {
            want.push((0, reference::hash(0, w, &mut buf)));
            let mut padded = vec![' '];
            padded.extend_from_slice(w);
            padded.push(' ');
            for n in (1..=MAX_ORDER).rev() {
                for g in padded.windows(n).filter(|g| !(n == 1 && g[0] == ' ')) {
                    want.push((n, reference::hash(n as u8, g, &mut buf)));
                }
            }
        });
        let mut got = Vec::new();
        features(&t, |k, h| got.push((k, h)));
        assert_eq!(got, want, "{t:?}");
    }
}

#[test]
fn a_trained_model_scores_like_the_reference_and_survives_a_round_trip() {
    // Two classes from the UDHR documents of six languages, so the model
    // has multi-class features, floors and a bias that are not all alike.
    let texts = texts();
    let mut classes: Vec<(String, ClassCounts)> = ["a", "b", "c"]
        .iter()
        .map(|l| (l.to_string(), ClassCounts::default()))
        .collect();
    for (i, t) in texts.iter().enumerate().take(120) {
        classes[i % 3].1.add_text(t);
    }
    let mut m = NgramModel::from_counts(&classes, 2, 3.0).unwrap();
    m.bias = vec![0.25, -0.5, 0.0];
    assert_same_scores(&m, &texts);
    let bytes = m.to_bytes().unwrap();
    let back = NgramModel::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes().unwrap(), bytes);
    assert_same_scores(&back, &texts);
}

#[test]
fn the_embedded_model_is_written_back_as_read() {
    let m = NgramModel::from_bytes(EMBEDDED_NGRAM).unwrap();
    assert!(m.to_raw() == zstd::decode_all(EMBEDDED_NGRAM).unwrap());
}

#[test]
fn a_model_listing_a_feature_twice_is_refused() {
    let m = NgramModel::from_bytes(EMBEDDED_NGRAM).unwrap();
    let mut raw = m.to_raw();
    // The first two hashes follow the header and the key count.
    let header = 8 + 1 + m.langs.iter().map(|l| 1 + l.len()).sum::<usize>() + m.langs.len() * (KINDS + 1) * 4;
    let first: [u8; 4] = raw[header + 4..header + 8].try_into().unwrap();
    raw[header + 8..header + 12].copy_from_slice(&first);
    let bytes = zstd::encode_all(&raw[..], 1).unwrap();
    let err = NgramModel::from_bytes(&bytes).unwrap_err().to_string();
    assert!(err.contains("twice"), "{err}");
}
