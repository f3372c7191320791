use super::items::Item;
use super::*;

fn index(items: &[(&str, &[&str])], n: usize) -> Arc<Index> {
    let mut b = IndexBuilder::new(IndexParams {
        n,
        min_words: 4,
        max_items_per_ngram: 100,
    });
    for (id, parts) in items {
        b.add(Item {
            benchmark: "exam".into(),
            lang: "fr".into(),
            id: id.to_string(),
            parts: parts.iter().map(|p| p.to_string()).collect(),
            printed: None,
        })
        .unwrap();
    }
    Arc::new(b.finish())
}

const Q: &str = "Quelle est la capitale administrative de la région située au nord du pays";
const A: &str = "La ville de Lille, préfecture du département du Nord";

#[test]
fn a_question_with_its_answer_split_over_lines_is_found() {
    let idx = index(&[("q1", &[Q, A])], 5);
    let mut m = Matcher::new(idx, 0.2, 0.5);
    let doc = format!("Intro.\nQUELLE est la capitale administrative de la région\nsituée au nord du pays ? {A}!\nFin.");
    let found = m.find(&doc);
    assert_eq!(found.len(), 1);
    assert!(found[0].overlap > 0.9, "{found:?}");
    assert_eq!(m.matched_lines(&found), [1, 2]);
}

#[test]
fn one_shared_phrase_is_not_a_leak() {
    let idx = index(&[("q1", &[Q, A])], 5);
    let mut m = Matcher::new(idx, 0.2, 0.5);
    assert!(m.find("Il habite dans la région située au nord du pays depuis dix ans.").is_empty());
}

#[test]
fn short_items_match_whole() {
    let idx = index(&[("s", &["deux et deux font quatre"])], 13);
    let mut m = Matcher::new(idx, 0.2, 0.5);
    assert_eq!(m.find("On sait que deux et deux font quatre.").len(), 1);
    assert!(m.find("deux et deux font cinq").is_empty());
}

#[test]
fn remove_cuts_the_matched_lines_and_tag_lists_the_items() {
    let dir = tempfile::tempdir().unwrap();
    let idx = index(&[("q1", &[Q, A])], 5);
    let ctx = TaskContext {
        work_dir: dir.path().to_path_buf(),
        phase: 0,
        task: 3,
        tasks: 4,
    };
    let mut st = Decontaminator {
        matcher: Matcher::new(idx.clone(), 0.2, 0.5),
        action: Action::Remove,
        findings_path: ctx.work_dir.join("findings.jsonl"),
        findings: None,
    };
    let mut c = Counters::default();
    let mut doc = Document::new("d1", format!("Bonjour.\n{Q}\n{A}\nAu revoir."));
    assert_eq!(st.process(&mut doc, &mut c).unwrap(), Verdict::Keep);
    assert_eq!(doc.text, "Bonjour.\nAu revoir.");
    assert_eq!(c.get("docs:exam:fr"), 1);
    st.finish(&mut c).unwrap();
    let text = std::fs::read_to_string(dir.path().join("findings.jsonl")).unwrap();
    let f: findings::Finding = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!((f.doc.as_str(), f.item.as_str(), f.action.as_str()), ("d1", "q1", "remove"));

    st.action = Action::Tag;
    let mut doc = Document::new("d2", format!("{Q} {A}"));
    assert_eq!(st.process(&mut doc, &mut c).unwrap(), Verdict::Keep);
    assert_eq!(doc.meta["decontamination"][0]["item"], "q1");

    st.action = Action::Drop;
    let mut doc = Document::new("d3", format!("{Q} {A}"));
    match st.process(&mut doc, &mut c).unwrap() {
        Verdict::Drop(r) => {
            assert_eq!(r.reason, "decontaminated");
            assert!(r.detail.unwrap().contains("benchmark=exam lang=fr item=q1"));
        }
        v => panic!("{v:?}"),
    }
}

/// Two option descriptions of one manual page that share a clause: a short
/// item must be covered over half its words, not just share one phrase.
#[test]
fn a_short_item_needs_half_its_words_not_one_shared_clause() {
    let item = "Skriv de sista raderna från varje FIL till standard ut. Vid fler än en FIL, inled varje med ett huvud med filnamnet.";
    let mut b = IndexBuilder::new(IndexParams {
        n: 13,
        min_words: 8,
        max_items_per_ngram: 100,
    });
    b.add(Item {
        benchmark: "exam".into(),
        lang: "sv".into(),
        id: "tail".into(),
        parts: vec![item.into()],
        printed: None,
    })
    .unwrap();
    let idx = Arc::new(b.finish());
    let other = "Skriv de första raderna av varje FIL till standard ut. Vid fler än en FIL, föregå varje fil med ett huvud med filens namn.";
    assert!(Matcher::new(idx.clone(), 0.2, 0.5).find(other).is_empty());
    assert_eq!(Matcher::new(idx.clone(), 0.2, 0.0).find(other).len(), 1, "the clause alone passes min_overlap");
    let edited = item.replace("huvud", "rubrik");
    assert_eq!(Matcher::new(idx, 0.2, 0.5).find(&edited).len(), 1);
}
