//! A rerun refuses when any file the pipeline reads has changed since the
//! run started — langs files, PII rules, block lists, tokenizer, model —
//! naming the file; `--restart` starts over with the new contents.

use std::path::{Path, PathBuf};

use crate::common::*;

/// Copies a shipped file or folder into `dir`, returns the copy.
fn copy(dir: &Path, rel: &str) -> PathBuf {
    let src = root().join(rel);
    let dst = dir.join(Path::new(rel).file_name().unwrap());
    if src.is_dir() {
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(&src).unwrap().flatten() {
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
    } else {
        std::fs::copy(&src, &dst).unwrap();
    }
    dst
}

/// Runs a pipeline with `stages` over the UDHR fixture, then changes
/// `changed` with `edit` and checks the rerun's refusal and `--restart`.
fn refuses_after_change(dir: &Path, stages: &str, changed: &Path, edit: impl Fn(&Path), output: &str) {
    let p = dir.join("p.yaml");
    std::fs::write(
        &p,
        format!(
            "name: r\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\nstages:\n{stages}output:\n  kind: {output}\n  path: {}\n",
            fixture("udhr-part1.jsonl.zst").display(),
            dir.join("out").display()
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| bin().args(["--quiet", "run"]).arg(&p).args(extra).output().unwrap();
    let o = run(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(run(&[]).status.success(), "an unchanged rerun resumes");
    edit(changed);
    let o = run(&[]);
    assert!(
        !o.status.success(),
        "a rerun after {} changed must refuse",
        changed.display()
    );
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains(&format!("{} changed", changed.display())) && e.contains("--restart"),
        "{e}"
    );
    // A launcher's single task refuses the same way, and `task --restart` clears and reruns.
    let task = |extra: &[&str]| {
        bin()
            .args(["--quiet", "task"])
            .arg(&p)
            .args(["--phase", "0", "--task", "0"])
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(
        !task(&[]).status.success(),
        "a task after {} changed must refuse",
        changed.display()
    );
    let o = task(&["--restart"]);
    assert!(
        o.status.success(),
        "task --restart: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&["--restart"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn append(text: &'static str) -> impl Fn(&Path) {
    move |p: &Path| {
        let mut s = std::fs::read_to_string(p).unwrap();
        s.push_str(text);
        std::fs::write(p, s).unwrap();
    }
}

#[test]
fn a_changed_langs_file() {
    let tmp = tempfile::tempdir().unwrap();
    let langs = copy(tmp.path(), "langs");
    let stages = format!("  - kind: gopher_quality\n    langs_dir: \"{}\"\n", langs.display());
    let mt = langs.join("mt.yaml");
    let edit = |p: &Path| {
        let s = std::fs::read_to_string(p).unwrap();
        std::fs::write(
            p,
            s.replace("max_non_alpha_words_ratio: 0.823", "max_non_alpha_words_ratio: 0.7"),
        )
        .unwrap();
    };
    refuses_after_change(tmp.path(), &stages, &mt, edit, "jsonl");
}

#[test]
fn changed_pii_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = copy(tmp.path(), "pii/rules.yaml");
    let stages = format!("  - kind: pii\n    rules: \"{}\"\n", rules.display());
    refuses_after_change(tmp.path(), &stages, &rules, append("\n# a partner's note\n"), "jsonl");
}

#[test]
fn a_changed_block_list() {
    let tmp = tempfile::tempdir().unwrap();
    let list = copy(tmp.path(), "fixtures/blocklist.txt");
    let stages = format!("  - kind: url_filter\n    blocklists: [\"{}\"]\n", list.display());
    refuses_after_change(tmp.path(), &stages, &list, append("example.org\n"), "jsonl");
}

#[test]
fn a_changed_tokenizer() {
    let tmp = tempfile::tempdir().unwrap();
    let tok = copy(tmp.path(), "fixtures/tokenizer.json");
    let stages = format!(
        "  - kind: tokenize\n    tokenizer: \"{}\"\n    eos: \"</s>\"\n",
        tok.display()
    );
    refuses_after_change(tmp.path(), &stages, &tok, append("\n"), "megatron");
}

#[test]
fn a_changed_model() {
    let tmp = tempfile::tempdir().unwrap();
    let model = copy(tmp.path(), "models/lid.176.ftz");
    let stages = format!("  - kind: language_id\n    model: \"{}\"\n", model.display());
    // Another model under the same name: one quantized weight changed.
    let edit = |p: &Path| {
        let mut b = std::fs::read(p).unwrap();
        let mid = b.len() / 2;
        b[mid] ^= 1;
        std::fs::write(p, b).unwrap();
    };
    refuses_after_change(tmp.path(), &stages, &model, edit, "jsonl");
}
