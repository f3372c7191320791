//! Layers point one way: no module of `src/` names a module of a higher
//! layer, counting every `crate::` path (in `use` lines, expressions, doc
//! links and tests alike), so the low layers can be lifted out as crates.
//! ARCHITECTURE.md describes the layers.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom to top; a module may name modules of its own layer or below.
const LAYERS: &[&[&str]] = &[
    &["document", "digest", "rng", "text", "meta_schema", "stats"],
    &["langs", "html", "io", "fasttext", "bpe"],
    &["stages"],
    &["pipeline", "tokens"],
    &["exec"],
    &["mix"],
    &["report", "analytics"],
    &["commands", "bench"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a source text names through `crate::`.
fn named_modules(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in src.match_indices("crate::") {
        let rest = &src[i + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        } else {
            out.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    out
}

#[test]
fn no_module_names_a_module_of_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = BTreeMap::new();
    let mut unplaced = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" || top == "bin" {
            continue;
        }
        let Some(own) = layer_of(&top) else {
            unplaced.push(top);
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for m in named_modules(&text) {
            if let Some(l) = layer_of(&m) {
                if l > own {
                    *violations.entry(format!("{} -> {m}", rel.display())).or_insert(0) += 1;
                }
            }
        }
    }
    unplaced.sort();
    unplaced.dedup();
    assert!(
        unplaced.is_empty(),
        "modules missing from LAYERS (tests/layers.rs and ARCHITECTURE.md): {unplaced:?}"
    );
    assert!(violations.is_empty(), "modules naming a higher layer: {violations:#?}");
}

#[test]
fn the_path_scanner_sees_grouped_and_plain_paths() {
    let found = named_modules("use crate::{io::x, stages};\nlet a = crate::report::f();");
    assert_eq!(found, ["io", "stages", "report"]);
}
