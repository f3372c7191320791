//! The stage contract has one source, the config types: `eurocurate
//! stages`, the JSON Schema and README.md's stage table must agree with
//! what the pipeline parser accepts.

use std::path::Path;

use eurocurate::pipeline::{registry, spec};

fn pipeline_with(stage: &str) -> String {
    format!("name: t\ninput:\n  kind: jsonl\n  paths: [x]\nstages:\n  - {stage}\noutput:\n  kind: jsonl\n  path: o\n")
}

#[test]
fn every_documented_parameter_is_a_real_key_and_vice_versa() {
    for d in registry::docs() {
        assert!(!d.summary.is_empty(), "{}: the config type has no doc comment", d.kind);
        for p in &d.params {
            assert!(!p.doc.is_empty(), "{}.{}: the field has no doc comment", d.kind, p.name);
            let value = if p.default == "required" || p.default == "none" {
                "x"
            } else {
                &p.default
            };
            let yaml = pipeline_with(&format!("kind: {}\n    {}: {}", d.kind, p.name, value));
            if let Err(e) = spec::parse(Path::new("t.yaml"), &yaml, |_| None) {
                assert!(
                    !e.message.contains("unknown key"),
                    "{}: documented `{}` is not accepted: {e}",
                    d.kind,
                    p.name
                );
            }
        }
        let yaml = pipeline_with(&format!("kind: {}\n    no_such_param_zz: 1", d.kind));
        let e = spec::parse(Path::new("t.yaml"), &yaml, |_| None).unwrap_err();
        // The parser's error lists the real keys; each must be documented.
        let valid = e.message.split("(valid: ").nth(1).unwrap_or("").trim_end_matches(')');
        let keys: Vec<&str> = valid.split(", ").filter(|k| !k.is_empty()).collect();
        assert!(
            !keys.is_empty() || d.params.is_empty(),
            "{}: no key list in `{}`",
            d.kind,
            e.message
        );
        for key in &keys {
            assert!(
                d.params.iter().any(|p| p.name == *key),
                "{}: key `{key}` is not documented",
                d.kind
            );
        }
        assert_eq!(
            keys.len(),
            d.params.len(),
            "{}: documented {:?}, parser accepts {keys:?}",
            d.kind,
            d.params
        );
    }
}

#[test]
fn readme_stage_table_is_generated_from_the_config_types() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let begin = readme
        .find("<!-- stages:begin -->\n")
        .expect("README.md has a stages:begin marker")
        + 22;
    let end = readme
        .find("<!-- stages:end -->")
        .expect("README.md has a stages:end marker");
    assert_eq!(
        &readme[begin..end],
        eurocurate::commands::stage_table(),
        "README.md's stage table is stale: replace it by `eurocurate stages --markdown`"
    );
}

#[test]
fn the_schema_names_every_kind_with_its_parameters() {
    let schema = spec::json_schema();
    let text = serde_json::to_string(&schema).unwrap();
    let alternatives = schema["definitions"]["Stage"]["oneOf"]
        .as_array()
        .expect("stages are alternatives");
    assert_eq!(alternatives.len(), registry::KINDS.len());
    for (alt, d) in alternatives.iter().zip(registry::docs()) {
        assert_eq!(alt["properties"]["kind"]["const"], d.kind);
        assert_eq!(
            alt["additionalProperties"], false,
            "{}: unknown keys must be flagged by editors",
            d.kind
        );
        for p in &d.params {
            assert!(
                alt["properties"].get(&p.name).is_some(),
                "{}.{} missing from the schema",
                d.kind,
                p.name
            );
        }
        // Definitions are inlined: no dangling reference inside a kind.
        assert!(!alt.to_string().contains("$ref"), "{}: unresolved $ref", d.kind);
    }
    for key in ["name", "input", "stages", "output", "executor"] {
        assert!(
            schema["properties"].get(key).is_some(),
            "top-level `{key}` missing in {text:.200}"
        );
    }
}

/// The planner's ordering checks come from the declarations: a stage that
/// produces token ids must be last.
#[test]
fn a_stage_after_a_token_producer_is_refused() {
    let yaml = "name: t\ninput:\n  kind: jsonl\n  paths: [x]\nstages:\n  - kind: tokenize\n    tokenizer: fixtures/tokenizer.json\n  - kind: normalize\noutput:\n  kind: jsonl\n  path: o\n";
    let e = spec::parse(Path::new("t.yaml"), yaml, |_| None).unwrap_err();
    assert!(e.message.contains("must be the last stage"), "{e}");
}

/// Langs files are checked against what the stages declare they read: a
/// misspelt section or key fails validation with file:line.
#[test]
fn langs_sections_are_checked_against_the_declaring_stages() {
    let work = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mt = dir.path().join("mt.yaml");
    let pipeline = work.path().join("p.yaml");
    std::fs::write(&pipeline, format!("name: t\ninput:\n  kind: jsonl\n  paths: [{0}/in.jsonl]\nstages:\n  - kind: gopher_quality\n    langs_dir: {0}\noutput:\n  kind: jsonl\n  path: {0}/out\n", dir.path().display())).unwrap();
    std::fs::write(dir.path().join("in.jsonl"), "{\"text\": \"x\"}\n").unwrap();
    for (yaml, line, what) in [
        (
            "iso: mt\nquality:\n  gopher_qualty:\n    min_doc_words: 5\n",
            3,
            "gopher_qualty",
        ),
        (
            "iso: mt\nquality:\n  gopher_quality:\n    min_doc_words: 5\n    min_stop_wrds: 1\n",
            5,
            "min_stop_wrds",
        ),
    ] {
        std::fs::write(&mt, yaml).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_eurocurate"))
            .arg("validate")
            .arg(&pipeline)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{yaml}: validate passed");
        assert!(err.contains(&format!("mt.yaml:{line}")) && err.contains(what), "{err}");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_eurocurate"))
            .args(["langs", "check"])
            .arg(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(&format!("mt.yaml:{line}")),
            "{err}"
        );
    }
}
