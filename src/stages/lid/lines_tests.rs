//! `language_id` per line and per paragraph on real mixed-language
//! documents (`fixtures/lid-mixed.jsonl`, built by `benches/lid_mixed.py`
//! from held-out manual sentences and Maltese LID test sentences: each
//! paragraph is real text in one known language, and the expected shares
//! are the characters of each language's lines, computed by the builder,
//! not by this code).

use std::collections::BTreeMap;

use super::*;

struct Mixed {
    id: String,
    text: String,
    shares: BTreeMap<String, f64>,
    expected_lang: String,
    main: String,
    /// Language of each line of `text` (none for blank lines).
    line_langs: Vec<Option<String>>,
}

fn fixture() -> Vec<Mixed> {
    let text = std::fs::read_to_string("fixtures/lid-mixed.jsonl").unwrap();
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Mixed {
                id: v["id"].as_str().unwrap().into(),
                text: v["text"].as_str().unwrap().into(),
                shares: serde_json::from_value(v["shares"].clone()).unwrap(),
                expected_lang: v["expected_lang"].as_str().unwrap().into(),
                main: v["langs"][0].as_str().unwrap().into(),
                line_langs: serde_json::from_value(v["line_langs"].clone()).unwrap(),
            }
        })
        .collect()
}

fn build(yaml: &str) -> Box<dyn Stage> {
    let cfg: LanguageIdConfig = serde_saphyr::from_str(yaml).unwrap();
    cfg.validate(&ValidateContext {
        pipeline_file: std::path::Path::new("p.yaml"),
    })
    .unwrap();
    cfg.build(&TaskContext::standalone())
    .unwrap()
}

fn shares_of(doc: &Document) -> BTreeMap<String, f64> {
    doc.meta["lid_shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["lang"].as_str().unwrap().to_string(), s["share"].as_f64().unwrap()))
        .collect()
}

#[test]
fn mixed_documents_get_the_language_with_most_characters_and_each_share() {
    let docs = fixture();
    assert!(docs.len() >= 72, "{}", docs.len());
    for granularity in ["line", "paragraph"] {
        let mut st = build(&format!("granularity: {granularity}\nother: keep"));
        let (mut right, mut err_sum, mut err_n, mut worst) = (0usize, 0f64, 0usize, (0f64, String::new()));
        for d in &docs {
            let mut doc = Document::new(&d.id, &d.text);
            assert_eq!(st.process(&mut doc, &mut Counters::default()).unwrap(), Verdict::Keep);
            right += usize::from(doc.lang.as_deref() == Some(d.expected_lang.as_str()));
            let got = shares_of(&doc);
            let total: f64 = got.values().sum();
            assert!((total - 1.0).abs() < 1e-3, "{}: shares sum to {total}", d.id);
            for (lang, want) in &d.shares {
                let e = (got.get(lang).copied().unwrap_or(0.0) - want).abs();
                err_sum += e;
                err_n += 1;
                if e > worst.0 {
                    worst = (e, format!("{} {lang}: {want} expected, {got:?}", d.id));
                }
            }
            assert_eq!(doc.meta["lid_units_dropped"], 0, "the text is not changed by default");
            assert_eq!(doc.text, d.text);
        }
        let mean = err_sum / err_n as f64;
        eprintln!(
            "{granularity}: {right}/{} documents labelled right, mean share error {mean:.4}, worst {worst:?}",
            docs.len()
        );
        assert!(right * 100 >= docs.len() * 97, "{granularity}: {right}/{}", docs.len());
        assert!(mean <= 0.02, "{granularity}: mean share error {mean}");
        assert!(worst.0 <= 0.4, "{granularity}: {worst:?}");
    }
}

#[test]
fn keep_units_leaves_only_the_kept_languages_and_counts_what_it_removed() {
    let docs = fixture();
    let (mut hits, mut kept_lines, mut main_lines) = (0usize, 0usize, 0usize);
    let mut stages: BTreeMap<&str, Box<dyn Stage>> = BTreeMap::new();
    for d in &docs {
        let st = stages.entry(&d.main).or_insert_with(|| {
            build(&format!(
                "granularity: line\nlanguages: [{}]\nkeep_units: kept_languages",
                d.main
            ))
        });
        let mut counters = Counters::default();
        let mut doc = Document::new(&d.id, &d.text);
        assert_eq!(st.process(&mut doc, &mut counters).unwrap(), Verdict::Keep, "{}", d.id);
        assert_eq!(doc.lang.as_deref(), Some(d.main.as_str()));
        let mine: Vec<&str> = d
            .text
            .split('\n')
            .zip(&d.line_langs)
            .filter(|(_, l)| l.as_deref() == Some(d.main.as_str()))
            .map(|(s, _)| s)
            .collect();
        let out: Vec<&str> = doc.text.split('\n').filter(|s| !s.is_empty()).collect();
        hits += out.iter().filter(|s| mine.contains(s)).count();
        kept_lines += out.len();
        main_lines += mine.len();
        // What was removed is counted: in metadata and per language.
        let dropped = doc.meta["lid_units_dropped"].as_u64().unwrap();
        let counted: u64 = counters
            .0
            .iter()
            .filter(|(k, _)| k.starts_with("units_dropped:"))
            .map(|(_, v)| v)
            .sum();
        assert_eq!(dropped, counted, "{}", d.id);
        assert_eq!(
            dropped as usize,
            d.text.split('\n').count() - doc.text.split('\n').count(),
            "{}",
            d.id
        );
    }
    let (precision, recall) = (hits as f64 / kept_lines as f64, hits as f64 / main_lines as f64);
    eprintln!("kept lines: precision {precision:.4}, recall {recall:.4}");
    assert!(precision >= 0.98 && recall >= 0.95, "{precision} {recall}");
}

#[test]
fn short_lines_follow_the_next_line_and_a_short_document_is_decided_whole() {
    let mut st = build("granularity: line\nother: keep");
    let de = "Die Anwendung speichert alle Dokumente automatisch in dem Ordner, den Sie gewählt haben.";
    let en = "The application saves every document automatically in the folder you have chosen.";
    // A German heading (too short to decide alone) before an English line
    // takes English; the German line decides the rest.
    let text = format!("Einstellungen\n{en}\n{de}\n{de}\nSiehe auch");
    let mut doc = Document::new("d", &text);
    st.process(&mut doc, &mut Counters::default()).unwrap();
    let shares = shares_of(&doc);
    let en_chars = ("Einstellungen".len() + en.len()) as f64;
    let total = text.replace('\n', "").chars().count() as f64;
    assert!((shares["en"] - en_chars / total).abs() < 1e-3, "{shares:?}");
    assert_eq!(doc.lang.as_deref(), Some("de"));
    // Only short lines: the document is one unit.
    let mut doc = Document::new("d", "Guten Morgen\nWie geht es Ihnen heute?\nDanke, gut.");
    st.process(&mut doc, &mut Counters::default()).unwrap();
    assert_eq!(doc.lang.as_deref(), Some("de"));
    assert_eq!(shares_of(&doc)["de"], 1.0);
    // No letters at all.
    let mut doc = Document::new("d", "12 345\n\n---\n");
    let v = build("granularity: paragraph").process(&mut doc, &mut Counters::default()).unwrap();
    assert!(matches!(v, Verdict::Drop(r) if r.reason == "no_text"));
}

#[test]
fn a_document_mostly_in_another_language_is_dropped_as_such() {
    let mut st = build("granularity: paragraph");
    let ru = "Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены разумом и совестью.";
    let fi = "Kaikki ihmiset syntyvät vapaina ja tasavertaisina arvoltaan ja oikeuksiltaan.";
    let mut doc = Document::new("d", format!("{ru}\n\n{fi}\n\n{ru}"));
    let v = st.process(&mut doc, &mut Counters::default()).unwrap();
    assert!(matches!(&v, Verdict::Drop(r) if r.reason == "other_language"), "{v:?}");
    assert_eq!(doc.lang.as_deref(), Some("ru"));
    // Removing the other languages' units keeps the Finnish paragraph.
    let mut st = build("granularity: paragraph\nkeep_units: kept_languages");
    let mut doc = Document::new("d", format!("{ru}\n\n{fi}\n\n{ru}"));
    let mut counters = Counters::default();
    assert_eq!(st.process(&mut doc, &mut counters).unwrap(), Verdict::Keep);
    assert_eq!((doc.lang.as_deref(), doc.text.as_str()), (Some("fi"), fi));
    assert_eq!(counters.get("units_dropped:ru"), 2);
    assert_eq!(doc.meta["lid_units_dropped"], 2);
}

#[test]
fn unit_options_are_checked_and_their_metadata_declared() {
    let ctx = ValidateContext {
        pipeline_file: std::path::Path::new("p.yaml"),
    };
    let cfg: LanguageIdConfig = serde_saphyr::from_str("keep_units: kept_languages").unwrap();
    let e = format!("{:#}", cfg.validate(&ctx).unwrap_err());
    assert!(e.contains("granularity"), "{e}");
    let names = |yaml: &str| -> Vec<String> {
        let cfg: LanguageIdConfig = serde_saphyr::from_str(yaml).unwrap();
        cfg.metadata().into_iter().map(|f| f.name).collect()
    };
    assert!(!names("{}").contains(&"lid_shares".to_string()));
    let line = names("granularity: line");
    assert!(line.contains(&"lid_shares".to_string()) && line.contains(&"lid_units_dropped".to_string()));
    assert!(serde_saphyr::from_str::<LanguageIdConfig>("granularity: sentence").is_err());
}
