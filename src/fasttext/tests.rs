//! Equality with the official fastText (its C++ library through PyPI
//! `fasttext-wheel`, `scripts/fasttext_fixtures.py`) on a model of every
//! kind, and clear errors for damaged files.

use super::*;

const DIR: &str = "fixtures/fasttext";
const MODELS: &[&str] = &[
    "softmax.bin",
    "hs.bin",
    "ova.bin",
    "ns.bin",
    "bigram.bin",
    "quant-qnorm.ftz",
    "quant-qout.ftz",
];

fn model(name: &str) -> Model {
    Model::load(Path::new(&format!("{DIR}/{name}"))).unwrap()
}

fn reference() -> Vec<serde_json::Value> {
    let raw = std::fs::read(format!("{DIR}/reference.jsonl.zst")).unwrap();
    let text = String::from_utf8(zstd::stream::decode_all(&raw[..]).unwrap()).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Compares one prediction list with the reference's `[[label, prob], ...]`;
/// returns the largest probability difference, or why they differ.
fn compare(ours: &[(&str, f32)], theirs: &serde_json::Value) -> Result<f32, String> {
    let theirs: Vec<(String, f32)> = serde_json::from_value(theirs.clone()).unwrap();
    let labels: Vec<&str> = ours.iter().map(|p| p.0).collect();
    let want: Vec<&str> = theirs.iter().map(|p| p.0.as_str()).collect();
    if labels != want {
        return Err(format!(
            "labels {labels:?}, reference {want:?} ({ours:?} vs {theirs:?})"
        ));
    }
    let worst = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| (a.1 - b.1).abs())
        .fold(0f32, f32::max);
    if worst > 1e-4 {
        return Err(format!("probabilities {ours:?}, reference {theirs:?}"));
    }
    Ok(worst)
}

#[test]
fn predictions_equal_the_official_fasttext_for_every_model_kind() {
    let rows = reference();
    assert!(rows.len() > 400, "{}", rows.len());
    let models: Vec<Model> = MODELS.iter().map(|name| model(name)).collect();
    // One scratch for all models in turn, text by text: buffers carry
    // nothing from one model to the next.
    let mut scratch = Scratch::default();
    let mut worst = vec![0f32; MODELS.len()];
    let mut failures = vec![Vec::new(); MODELS.len()];
    for row in &rows {
        let text = row["text"].as_str().unwrap();
        for (i, (name, m)) in MODELS.iter().zip(&models).enumerate() {
            for (key, k, threshold) in [("top5", 5, 0.0), ("t10", usize::MAX, 0.1)] {
                let ours = m.predict_with(&mut scratch, text, k, threshold);
                match compare(&ours, &row[key][name]) {
                    Ok(d) => worst[i] = worst[i].max(d),
                    Err(e) => failures[i].push(format!("{key} {text:?}: {e}")),
                }
            }
        }
    }
    for (i, name) in MODELS.iter().enumerate() {
        eprintln!(
            "{name}: {} texts, {} differ, worst probability difference {:e}",
            rows.len(),
            failures[i].len(),
            worst[i]
        );
    }
    for (i, name) in MODELS.iter().enumerate() {
        assert!(
            failures[i].is_empty(),
            "{name}: {} of {} differ, first: {}",
            failures[i].len(),
            2 * rows.len(),
            failures[i][0]
        );
    }
}

#[test]
fn sentence_vectors_equal_the_official_fasttext() {
    let rows = reference();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/sentence-vectors.json")).unwrap()).unwrap();
    let every = file["every"].as_u64().unwrap() as usize;
    let mut scratch = Scratch::default();
    for (name, vectors) in file["vectors"].as_object().unwrap() {
        let m = model(name);
        let vectors: Vec<Vec<f32>> = serde_json::from_value(vectors.clone()).unwrap();
        for (i, want) in vectors.iter().enumerate() {
            let text = rows[i * every]["text"].as_str().unwrap();
            let ours = m.sentence_vector(&mut scratch, text);
            assert_eq!(ours.len(), m.dim());
            for (a, b) in ours.iter().zip(want) {
                assert!((a - b).abs() <= 1e-4, "{name} {text:?}: {ours:?} vs {want:?}");
            }
        }
    }
}

#[test]
fn reports_what_the_model_is() {
    let m = model("quant-qout.ftz");
    assert!(m.is_quantized());
    assert_eq!(m.labels().len(), 288);
    assert_eq!(m.dim(), 8);
    let m = model("hs.bin");
    assert!(!m.is_quantized());
    assert_eq!(m.loss(), Loss::HierarchicalSoftmax);
    assert!(m.labels().iter().all(|l| l.starts_with("__label__")));
    // k = 0 asks for nothing; more than the labels gives them all (with
    // softmax; hierarchical softmax drops leaves under ln(1e-5) as fastText does).
    assert!(m.predict("Kõik inimesed", 0, 0.0).is_empty());
    assert_eq!(model("softmax.bin").predict("Kõik inimesed", 1000, 0.0).len(), 24);
}

#[test]
fn damaged_files_are_errors_not_crashes() {
    for name in ["softmax.bin", "quant-qnorm.ftz", "quant-qout.ftz"] {
        let bytes = std::fs::read(format!("{DIR}/{name}")).unwrap();
        // Cut at every length up to the dictionary's end, then at steps.
        let cuts = (0..4000.min(bytes.len())).chain((4000..bytes.len()).step_by(97));
        for cut in cuts {
            let e = Model::from_bytes(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(e, FormatError::Damaged(_) | FormatError::NotFastText),
                "{name} cut at {cut}: {e}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Model::from_bytes(&longer)
            .unwrap_err()
            .to_string()
            .contains("1 bytes after"));
    }
    let bytes = std::fs::read(format!("{DIR}/softmax.bin")).unwrap();
    let mut wrong = bytes.clone();
    wrong[0] ^= 1;
    assert_eq!(Model::from_bytes(&wrong).unwrap_err(), FormatError::NotFastText);
    let mut newer = bytes.clone();
    newer[4..8].copy_from_slice(&13i32.to_le_bytes());
    assert_eq!(Model::from_bytes(&newer).unwrap_err(), FormatError::Version(13));
    // The model kind (args field 8, after magic and version): skipgram.
    let mut vectors = bytes.clone();
    vectors[8 + 7 * 4..8 + 8 * 4].copy_from_slice(&2i32.to_le_bytes());
    assert_eq!(
        Model::from_bytes(&vectors).unwrap_err(),
        FormatError::NotClassifier("skipgram")
    );
    // A dictionary size that contradicts its word and label counts.
    let mut counts = bytes.clone();
    counts[64..68].copy_from_slice(&i32::MAX.to_le_bytes());
    assert!(matches!(
        Model::from_bytes(&counts).unwrap_err(),
        FormatError::Damaged(_)
    ));
    let e = format!("{:#}", Model::load(Path::new("/nonexistent/model.bin")).unwrap_err());
    assert!(
        e.contains("/nonexistent/model.bin") && e.contains("cannot be opened"),
        "{e}"
    );
}
