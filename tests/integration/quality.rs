//! Quality filters in pipelines: per-language thresholds from langs/,
//! pipeline overrides, fallbacks counted, audit details in rejected/.

use std::io::Write;
use std::path::Path;

use crate::common::*;

const DE: &str = "Die Kommission hat am Montag einen Vorschlag vorgelegt, der die Regeln für den Binnenmarkt \
vereinfachen soll. Nach Angaben der Behörde sollen kleine Unternehmen von weniger Berichtspflichten profitieren. \
Die Mitgliedstaaten müssen dem Vorschlag noch zustimmen, bevor er in Kraft treten kann. Kritiker bemängeln, \
dass die Pläne zu spät kommen und nicht weit genug gehen. Das Parlament will sich im Herbst mit dem Text befassen.";

fn write_corpus(path: &Path, docs: &[(&str, Option<&str>, String)]) {
    let mut f = std::fs::File::create(path).unwrap();
    for (id, lang, text) in docs {
        let mut v = serde_json::json!({"id": id, "text": text});
        if let Some(l) = lang {
            v["lang"] = serde_json::json!(l);
        }
        writeln!(f, "{v}").unwrap();
    }
}

fn run(dir: &Path, stages: &str) -> (Vec<serde_json::Value>, Vec<serde_json::Value>, serde_json::Value) {
    let out = dir.join("out");
    let _ = std::fs::remove_dir_all(&out);
    let yaml = format!(
        "name: q\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\n  lang_field: lang\nstages:\n{stages}\noutput:\n  kind: jsonl\n  path: {}\nexecutor:\n  tasks: 1\n",
        dir.join("in.jsonl").display(),
        out.display()
    );
    run_yaml(dir, &yaml).unwrap();
    (
        read_records(&out),
        read_records(&out.join("rejected")),
        phase_stats(&out, 0),
    )
}

#[test]
fn thresholds_follow_the_document_language_and_fall_back_counted() {
    let tmp = tempfile::tempdir().unwrap();
    write_corpus(
        &tmp.path().join("in.jsonl"),
        &[
            ("de", Some("de"), DE.to_string()),
            ("xx", Some("xx"), DE.to_string()),
            ("none", None, DE.to_string()),
            ("empty", Some("de"), String::new()),
        ],
    );
    let (kept, rejected, stats) = run(tmp.path(), "  - kind: gopher_quality\n");
    let ids: Vec<&str> = kept.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // German stop words (und, die, der, ...) from langs/de.yaml keep it; the
    // English defaults find none of Gopher's words in German text.
    assert_eq!(ids, ["de"]);
    let by_id = |id: &str| rejected.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id("xx")["reason"], "gopher_enough_stop_words");
    assert_eq!(by_id("xx")["detail"], "stop_words=0 < 2 (default)");
    assert_eq!(by_id("none")["reason"], "gopher_enough_stop_words");
    assert_eq!(by_id("empty")["reason"], "gopher_short_doc");
    assert_eq!(by_id("empty")["detail"], "words=0 < 50 (de)");
    let counters = &stats["stages"][0]["counters"];
    assert_eq!(counters["lang_fallback:xx"], 1, "{stats}");
    assert_eq!(counters["no_lang"], 1, "{stats}");
}

#[test]
fn pipeline_values_override_every_language() {
    let tmp = tempfile::tempdir().unwrap();
    write_corpus(&tmp.path().join("in.jsonl"), &[("de", Some("de"), DE.to_string())]);
    let (kept, rejected, _) = run(tmp.path(), "  - kind: gopher_quality\n    min_doc_words: 200\n");
    assert!(kept.is_empty());
    assert_eq!(rejected[0]["detail"], "words=63 < 200 (de)");
}

#[test]
fn four_filters_chained_with_line_removal_and_huge_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let page = format!(
        "Startseite\nImpressum\n{}\nDiese Seite verwendet JavaScript.",
        DE.replace(". ", ".\n")
    );
    let huge: String = (0..400_000).map(|i| format!("Wort{} ", i % 50_000)).collect();
    write_corpus(
        &tmp.path().join("in.jsonl"),
        &[
            ("page", Some("de"), page),
            ("huge", Some("de"), huge),
            ("blank", Some("de"), "\n\n".into()),
        ],
    );
    let stages =
        "  - kind: c4_quality\n  - kind: gopher_quality\n  - kind: gopher_repetition\n  - kind: fineweb_quality\n";
    let (kept, rejected, _) = run(tmp.path(), stages);
    assert_eq!(kept.len(), 1, "{rejected:?}");
    let text = kept[0]["text"].as_str().unwrap();
    assert!(text.starts_with("Die Kommission") && !text.contains("Startseite") && !text.contains("JavaScript"));
    let reasons: Vec<(String, String)> = rejected
        .iter()
        .map(|r| (r["id"].as_str().unwrap().into(), r["reason"].as_str().unwrap().into()))
        .collect();
    // C4 counts no sentences outside English (langs/defaults.yaml): the
    // 400,000-word line is Gopher's.
    assert!(
        reasons.contains(&("huge".into(), "gopher_long_doc".into())),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("blank".into(), "gopher_short_doc".into())),
        "{reasons:?}"
    );
}

#[test]
fn a_misspelt_threshold_in_a_langs_file_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let langs = tmp.path().join("langs");
    std::fs::create_dir_all(&langs).unwrap();
    std::fs::write(
        langs.join("de.yaml"),
        "iso: de\nquality:\n  gopher_quality:\n    min_doc_wrds: 30\n",
    )
    .unwrap();
    write_corpus(&tmp.path().join("in.jsonl"), &[("de", Some("de"), DE.to_string())]);
    let yaml = format!(
        "name: q\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\nstages:\n  - kind: gopher_quality\n    langs_dir: \"{}\"\noutput:\n  kind: jsonl\n  path: {}\n",
        tmp.path().join("in.jsonl").display(),
        langs.display(),
        tmp.path().join("out").display()
    );
    let e = format!("{:#}", run_yaml(tmp.path(), &yaml).err().unwrap());
    assert!(e.contains("de.yaml:4") && e.contains("min_doc_wrds"), "{e}");
    let missing = yaml.replace(&langs.display().to_string(), "/nonexistent/langs");
    let e = format!("{:#}", run_yaml(tmp.path(), &missing).err().unwrap());
    assert!(e.contains("langs_dir `/nonexistent/langs` is not a folder"), "{e}");
}

#[test]
fn web_eu24_pipeline_runs_on_the_wet_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("web");
    let o = bin()
        .args(["--quiet", "run", "pipelines/web-eu24.yaml"])
        .env("EUROCURATE_OUT", &out)
        .env_remove("CRAWL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let kept = read_records(&out);
    assert!(kept.len() >= 10, "{}", kept.len());
    // c4_quality removed navigation lines but kept the article text
    let stats = phase_stats(&out, 4);
    assert!(
        stats["stages"][1]["counters"]["lines_removed"].as_u64().unwrap() > 0,
        "{stats}"
    );
    assert!(kept.iter().all(|r| r["lang"].as_str().is_some_and(|l| l.len() == 2)));
}

#[test]
fn the_shipped_language_files_are_built_in_when_no_langs_folder_is_here() {
    let tmp = tempfile::tempdir().unwrap();
    write_corpus(&tmp.path().join("in.jsonl"), &[("de", Some("de"), DE.to_string())]);
    let yaml = "name: q\ninput:\n  kind: jsonl\n  paths: [in.jsonl]\n  lang_field: lang\nstages:\n  - kind: language_id\n  - kind: gopher_quality\noutput:\n  kind: jsonl\n  path: out\n";
    std::fs::write(tmp.path().join("p.yaml"), yaml).unwrap();
    // run from a folder without langs/: German stop words still apply
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_eurocurate"))
        .current_dir(tmp.path())
        .args(["--quiet", "run", "p.yaml"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let kept = read_records(&tmp.path().join("out"));
    assert_eq!(kept.len(), 1, "{:?}", read_records(&tmp.path().join("out/rejected")));
}
