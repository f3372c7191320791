//! A partner's rules end to end: a word list and a line pattern added to
//! their langs file, tried with `langs test`, then a pipeline — and the rule
//! ids show up in rejected/, stats, the report and `inspect --rule`.

use std::path::Path;

use crate::common::*;

/// A copy of the shipped langs/ whose mt.yaml has the partner's two rules.
fn partner_langs(dir: &Path) -> std::path::PathBuf {
    let langs = dir.join("langs");
    std::fs::create_dir_all(&langs).unwrap();
    for e in std::fs::read_dir(root().join("langs")).unwrap().flatten() {
        std::fs::copy(e.path(), langs.join(e.file_name())).unwrap();
    }
    let mt = langs.join("mt.yaml");
    let text = std::fs::read_to_string(&mt).unwrap().replace(
        "rules:\n  lines:\n",
        "rules:\n  words:\n    - id: mt-casino-spam\n      reason: casino spam of Maltese forums\n      source: written by the Maltese partner\n      words: [\"kazino\", \"jackpot\", \"bonus bla depożitu\"]\n      min_count: 2\n  lines:\n    - id: mt-read-more\n      reason: navigation lines of Maltese news portals\n      source: written by the Maltese partner\n      patterns: [\"^aqra (iktar|aktar)\\\\b\"]\n",
    );
    std::fs::write(&mt, text).unwrap();
    langs
}

const CLEAN: &str =
    "Il-bnedmin kollha jitwieldu ħielsa u ugwali fid-dinjità u d-drittijiet.\nHuma mogħnija bir-raġuni u bil-kuxjenza.";

#[test]
fn a_partners_rules_from_yaml_to_stats_report_and_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let langs = partner_langs(tmp.path());
    let check = bin().args(["langs", "check"]).arg(&langs).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let docs = [
        ("clean", CLEAN.to_string()),
        (
            "spam",
            format!("{CLEAN}\nIrbaħ il-jackpot fil-kazino llum!\nBonus bla depożitu għal kulħadd."),
        ),
        ("nav", format!("{CLEAN}\nAqra iktar: aħbarijiet oħra")),
        ("once", format!("{CLEAN}\nIl-kazino tal-belt ingħalaq fl-1990.")),
    ];
    let input = tmp.path().join("in.jsonl");
    let lines: Vec<String> = docs
        .iter()
        .map(|(id, t)| serde_json::json!({"id": id, "text": t, "lang": "mt"}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    // The partner tries the rules on the sample first.
    let o = bin()
        .args(["langs", "test", "mt"])
        .arg(&input)
        .arg("--langs-dir")
        .arg(&langs)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(
        shown.contains("spam (") && shown.contains("dropped — mt-casino-spam: 3 listed words"),
        "{shown}"
    );
    assert!(shown.contains("line 3") && shown.contains("mt-read-more"), "{shown}");
    let row = shown.lines().find(|l| l.starts_with("mt-casino-spam ")).unwrap();
    assert!(
        row.split_whitespace().nth(2) == Some("25.00"),
        "one of four documents dropped: {row}"
    );
    // Then the pipeline.
    let out = tmp.path().join("out");
    let p = tmp.path().join("p.yaml");
    std::fs::write(
        &p,
        format!(
            "name: rules\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\nstages:\n  - kind: rules\n    langs_dir: \"{}\"\noutput:\n  kind: jsonl\n  path: {}\n",
            input.display(),
            langs.display(),
            out.display()
        ),
    )
    .unwrap();
    let o = bin().args(["--quiet", "run"]).arg(&p).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let kept = read_records(&out);
    let ids: Vec<&str> = kept.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["clean", "nav", "once"]);
    assert_eq!(kept[1]["text"], CLEAN, "the navigation line is removed");
    let rejected = read_records(&out.join("rejected"));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["reason"], "rule", "{}", rejected[0]);
    assert!(rejected[0]["detail"].as_str().unwrap().starts_with("mt-casino-spam:"));
    let stats = bin().args(["stats"]).arg(&out).output().unwrap();
    let stats = String::from_utf8_lossy(&stats.stdout);
    let line = stats
        .lines()
        .find(|l| l.contains("mt-casino-spam"))
        .unwrap_or_else(|| panic!("{stats}"));
    assert!(
        line.split_whitespace().collect::<Vec<_>>()[..3] == ["mt", "mt-casino-spam", "1"],
        "{line}"
    );
    assert!(stats.lines().any(|l| l.contains("mt-read-more")), "{stats}");
    let r = bin().args(["--quiet", "report"]).arg(&out).output().unwrap();
    assert!(r.status.success());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"rules-table\"") && html.contains("<code>mt-casino-spam</code>"));
    let i = bin()
        .args(["inspect"])
        .arg(&out)
        .args(["--rule", "mt-casino-spam", "--json"])
        .output()
        .unwrap();
    let found = String::from_utf8_lossy(&i.stdout);
    assert_eq!(found.lines().count(), 1, "{found}");
    assert!(found.contains("\"spam\""));
}

#[test]
fn broken_rules_fail_langs_check_naming_the_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let langs = partner_langs(tmp.path());
    let mt = langs.join("mt.yaml");
    let text = std::fs::read_to_string(&mt)
        .unwrap()
        .replace("^aqra (iktar|aktar)", "^aqra (iktar");
    std::fs::write(&mt, text).unwrap();
    let o = bin().args(["langs", "check"]).arg(&langs).output().unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("mt.yaml") && e.contains("mt-read-more") && e.contains("^aqra (iktar"),
        "{e}"
    );
}

// ---- The engine against the first, plain one ([`reference`]) ----

#[path = "rules/reference.rs"]
mod reference;

use eurocurate::langs::rules::{Action, Compiled, DocRule, LineRule, Rules, WordList};
use eurocurate::rng::Rng;
use eurocurate::stages::rules::{apply_with, Outcome, Scratch};

fn decision(o: &Outcome) -> reference::Decision {
    reference::Decision {
        drop: o.drop.as_ref().map(|(id, _)| id.clone()),
        tags: o.tags.clone(),
        text: o.text.clone(),
        fired: o.fired.iter().map(|(id, a, b, c)| (id.clone(), (*a, *b, *c))).collect(),
    }
}

/// Regexes as a partner writes them (no shipped file has any yet), and
/// lines or texts that match them.
fn partner_regexes(rules: &mut Rules) {
    let line = |id: &str, patterns: &[&str]| LineRule {
        id: id.into(),
        reason: "test".into(),
        source: "test".into(),
        phrases: vec![],
        patterns: patterns.iter().map(|p| p.to_string()).collect(),
    };
    rules.lines.push(line(
        "t-share",
        &[
            r"^\s*(share|teilen|condividi|aqsam)\s+(on|auf|su|fuq)\b",
            r"^aqra (iktar|aktar)\b",
        ],
    ));
    rules
        .lines
        .push(line("t-symbols", &[r"^\W+$", r"©\s*\d{4}", r"\bσελίδα\s+\d+\b"]));
    rules
        .lines
        .push(line("t-numbers", &[r"\d{3,}\s*€", r"^(?:\d+\s+){5,}\d+$"]));
    for (id, pattern, action) in [
        ("t-casino", r"kazino\s+online|\bjackpot\b", Action::Drop),
        ("t-lorem", r"\blorem ipsum\b", Action::Tag),
    ] {
        rules.documents.push(DocRule {
            id: id.into(),
            reason: "test".into(),
            source: "test".into(),
            pattern: pattern.into(),
            action,
        });
    }
}

const PLANTED_LINES: &[&str] = &[
    "Share on Facebook",
    "  teilen auf Twitter",
    "Aqra iktar: aħbarijiet oħra",
    "*** --- ***",
    "© 2024 Example",
    "Σελίδα 3 από 10",
    "1 2 3 4 5 6 7",
    "Preis 1200 €",
    "Il-kazino   online hawn",
    "Lorem ipsum dolor sit amet",
];

/// The fixtures' texts in every language, each also with words of the
/// language's lists, its cookie phrases and lines for the test regexes
/// planted, through every language's shipped rules (with defaults.yaml):
/// the new engine decides as the first one, with one scratch for all.
#[test]
fn the_engine_agrees_with_the_first_on_fixture_text_and_planted_matches() {
    let langs = eurocurate::langs::Langs::resolve(&root().join("langs")).unwrap();
    let mut docs = Vec::new();
    for f in ["udhr-part1.jsonl.zst", "udhr-part2.jsonl.gz"] {
        docs.extend(eurocurate::io::jsonl::read_documents(&fixture(f), usize::MAX).unwrap());
    }
    assert!(docs.len() > 40, "{}", docs.len());
    let mut rng = Rng::new(22);
    let mut scratch = Scratch::default();
    let (mut compared, mut fired) = (0, 0);
    for (iso, file) in &langs.by_iso {
        let mut rules = Rules::default();
        for r in [langs.defaults.rules.as_ref(), file.rules.as_ref()]
            .into_iter()
            .flatten()
        {
            rules.words.extend(r.words.iter().cloned());
            rules.lines.extend(r.lines.iter().cloned());
            rules.documents.extend(r.documents.iter().cloned());
        }
        partner_regexes(&mut rules);
        let listed: Vec<&String> = rules.words.iter().flat_map(|w| &w.words).collect();
        let phrases: Vec<&String> = rules.lines.iter().flat_map(|l| &l.phrases).collect();
        let new = Compiled::build(Some(&rules), None).unwrap();
        let old = reference::Reference::new(&rules);
        let picked: Vec<bool> = docs.iter().map(|_| rng.below(8) == 0).collect();
        for (d, _) in docs
            .iter()
            .zip(picked)
            .filter(|(d, pick)| d.lang.as_deref() == Some(iso) || *pick)
        {
            let mut planted: Vec<String> = Vec::new();
            for (i, line) in d.text.split('\n').enumerate() {
                let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
                if !listed.is_empty() {
                    for w in words.iter_mut() {
                        if rng.below(20) == 0 {
                            let x = listed[rng.below(listed.len())];
                            *w = if rng.below(2) == 0 { x.to_uppercase() } else { x.clone() };
                        }
                    }
                }
                planted.push(words.join(" "));
                if i % 3 == 0 && !phrases.is_empty() {
                    planted.push(format!("Hinweis: {} — OK.", phrases[rng.below(phrases.len())]));
                }
                if i % 4 == 1 {
                    planted.push(PLANTED_LINES[rng.below(PLANTED_LINES.len())].to_string());
                }
            }
            for text in [d.text.clone(), planted.join("\n")] {
                let got = decision(&apply_with(&new, &text, None, false, &mut scratch));
                assert_eq!(got, old.apply(&text), "{iso} on {}:\n{text}", d.id);
                compared += 1;
                fired += usize::from(!got.fired.is_empty());
            }
        }
    }
    assert!(
        compared > 500 && fired > compared / 3,
        "{compared} texts, {fired} with rules firing"
    );
}

/// Random strings over a small alphabet that makes matches, near misses
/// and overlaps likely: letters with and without diacritics, both cases,
/// `ſ`/`K` (case-fold partners of `s`/`k`), digits, spaces, punctuation.
fn random_text(rng: &mut Rng, len: usize, newlines: bool) -> String {
    const ALPHABET: &[&str] = &[
        "a", "b", "k", "s", "A", "B", "S", "K", "ä", "Ä", "ħ", "Ħ", "ſ", "K", "σ", "Σ", "ς", "1", "7", " ", " ", " ",
        "-", ".", "'", "é", "e\u{301}",
    ];
    let mut s = String::new();
    for _ in 0..len {
        if newlines && rng.below(12) == 0 {
            s.push('\n');
        } else {
            s.push_str(ALPHABET[rng.below(ALPHABET.len())]);
        }
    }
    s
}

fn random_regex(rng: &mut Rng) -> String {
    loop {
        let mut p = String::new();
        if rng.below(3) == 0 {
            p.push_str(["^", r"^\s*", r"\b"][rng.below(3)]);
        }
        for _ in 0..1 + rng.below(3) {
            let part = match rng.below(7) {
                0 => format!(
                    "({}|{})",
                    {
                        let n = 1 + rng.below(3);
                        random_text(rng, n, false)
                    },
                    random_text(rng, 2, false)
                ),
                1 => r"\s+".to_string(),
                2 => r"\d".to_string(),
                3 => "[ab]".to_string(),
                4 => r"\w{0,2}".to_string(),
                _ => regex::escape(&{
                    let n = 1 + rng.below(3);
                    random_text(rng, n, false)
                }),
            };
            p.push_str(&part);
        }
        if rng.below(3) == 0 {
            p.push_str([r"\b", "$", r"\B"][rng.below(3)]);
        }
        if reference::valid(&p) {
            return p;
        }
    }
}

/// Random rules on random texts: the same decisions as the first engine.
#[test]
fn random_rules_decide_as_the_first_engine() {
    let mut rng = Rng::new(2026);
    let mut scratch = Scratch::default();
    let (mut lines_removed, mut words_fired, mut docs_fired) = (0, 0, 0);
    for round in 0..150 {
        let mut rules = Rules::default();
        for i in 0..rng.below(3) {
            let words: Vec<String> = (0..1 + rng.below(8))
                .map(|_| {
                    let n = 1 + rng.below(4);
                    random_text(&mut rng, n, false)
                })
                .filter(|w| !w.trim().is_empty())
                .collect();
            if words.is_empty() {
                continue;
            }
            rules.words.push(WordList {
                id: format!("w{i}"),
                reason: "r".into(),
                source: "s".into(),
                words,
                ignore_diacritics: rng.below(2) == 0,
                action: if rng.below(2) == 0 { Action::Drop } else { Action::Tag },
                min_count: 1 + rng.below(3),
                min_share: [0.0, 0.05][rng.below(2)],
            });
        }
        for i in 0..rng.below(4) {
            let phrases: Vec<String> = (0..rng.below(3))
                .map(|_| {
                    let n = 2 + rng.below(3);
                    random_text(&mut rng, n, false)
                })
                .filter(|w| !w.trim().is_empty())
                .collect();
            let patterns: Vec<String> = (0..rng.below(4)).map(|_| random_regex(&mut rng)).collect();
            if phrases.is_empty() && patterns.is_empty() {
                continue;
            }
            rules.lines.push(LineRule {
                id: format!("l{i}"),
                reason: "r".into(),
                source: "s".into(),
                phrases,
                patterns,
            });
        }
        for i in 0..rng.below(3) {
            rules.documents.push(DocRule {
                id: format!("d{i}"),
                reason: "r".into(),
                source: "s".into(),
                pattern: random_regex(&mut rng),
                action: if rng.below(2) == 0 { Action::Drop } else { Action::Tag },
            });
        }
        let new = Compiled::build(Some(&rules), None).unwrap();
        let old = reference::Reference::new(&rules);
        for _ in 0..20 {
            let text = {
                let n = rng.below(200);
                random_text(&mut rng, n, true)
            };
            let got = decision(&apply_with(&new, &text, None, false, &mut scratch));
            assert_eq!(got, old.apply(&text), "round {round}: {rules:#?}\n{text:?}");
            lines_removed += usize::from(got.text.is_some());
            words_fired += usize::from(got.fired.keys().any(|k| k.starts_with('w')));
            docs_fired += usize::from(got.fired.keys().any(|k| k.starts_with('d')));
        }
    }
    // The rules matched often enough for the comparison to mean something.
    assert!(
        lines_removed > 300 && words_fired > 300 && docs_fired > 200,
        "{lines_removed} {words_fired} {docs_fired}"
    );
}

/// The work (bytes scanned or searched, counted by the engine) for a text
/// twice as long is twice the work, whatever the rules: here 1,000 regexes
/// that all share a literal every line holds, a word list and phrases.
#[test]
fn the_work_is_linear_in_the_text() {
    let mut rules = Rules::default();
    rules.words.push(WordList {
        id: "w".into(),
        reason: "r".into(),
        source: "s".into(),
        words: vec!["a".into(), "ab".into(), "kazino online".into()],
        ignore_diacritics: true,
        action: Action::Tag,
        min_count: 1_000_000,
        min_share: 0.0,
    });
    rules.lines.push(LineRule {
        id: "l".into(),
        reason: "r".into(),
        source: "s".into(),
        phrases: vec!["share this".into()],
        patterns: (0..1000).map(|i| format!(r"\bshare\s+{i}\b")).collect(),
    });
    let c = Compiled::build(Some(&rules), None).unwrap();
    let line = "ab a kazino online, share it and share 1000 times: ħ ſhare\n";
    let work = |n: usize| {
        let mut s = Scratch::default();
        apply_with(&c, &line.repeat(n), None, false, &mut s);
        s.ops
    };
    let (w1, w2, w4) = (work(20), work(40), work(80));
    assert!(
        w1 > 1000 * 20 * line.len() as u64 / 2,
        "every line searched by the regexes: {w1}"
    );
    assert_eq!(w2, 2 * w1, "{w1} {w2}");
    assert_eq!(w4, 2 * w2, "{w2} {w4}");
}
