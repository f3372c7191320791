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
