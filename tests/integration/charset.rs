//! Legacy charsets of EU languages: every encoding the crawls carry, with
//! a correct, a missing and a wrong declaration, decodes to the same text
//! as the true encoding (real UDHR text from the fixtures).

use eurocurate::io::charset::{decode, CharsetSource};

/// (true encoding, language, country TLD, a wrong declaration from another script family)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("windows-1250", "pl", "pl", "windows-1252"),
    ("windows-1250", "cs", "cz", "iso-8859-1"),
    ("windows-1252", "fr", "fr", "windows-1250"),
    ("windows-1252", "de", "de", "windows-1251"),
    ("windows-1257", "lt", "lt", "windows-1252"),
    ("iso-8859-1", "es", "es", "iso-8859-2"),
    ("iso-8859-2", "hu", "hu", "windows-1252"),
    ("iso-8859-2", "ro", "ro", "iso-8859-1"),
    ("iso-8859-7", "el", "gr", "windows-1252"),
    ("iso-8859-13", "lv", "lv", "iso-8859-1"),
    ("iso-8859-15", "et", "ee", "windows-1251"),
    ("windows-1251", "bg", "bg", "windows-1252"),
    ("windows-1251", "bg", "bg", "koi8-r"),
    ("koi8-r", "bg", "bg", "windows-1251"),
    ("utf-16le", "mt", "mt", "windows-1252"),
    // Maltese in Latin-3: no detector knows it; recognised by its letters.
    ("iso-8859-3", "mt", "mt", "windows-1252"),
    ("iso-8859-3", "mt", "mt", "iso-8859-1"),
    ("iso-8859-3", "mt", "com", "windows-1252"),
    ("utf-16be", "ga", "ie", "iso-8859-1"),
];

/// The shipped UDHR fixture documents, `lang` from their ids (`udhr-<lang>-<n>`).
fn fixture_docs() -> Vec<eurocurate::Document> {
    let mut docs = Vec::new();
    for f in ["fixtures/udhr-part1.jsonl.zst", "fixtures/udhr-part2.jsonl.gz"] {
        for mut d in eurocurate::io::jsonl::read_documents(std::path::Path::new(f), usize::MAX).expect("fixtures") {
            d.lang = d.id.split('-').nth(1).map(str::to_string);
            docs.extend(d.id.starts_with("udhr-").then_some(d));
        }
    }
    docs
}

fn sample(lang: &str) -> String {
    let docs = fixture_docs();
    let text: Vec<&str> = docs
        .iter()
        .filter(|d| d.lang.as_deref() == Some(lang))
        .take(2)
        .map(|d| d.text.as_str())
        .collect();
    assert!(!text.is_empty(), "no fixture text for {lang}");
    format!(
        "<!DOCTYPE html>\n<html><head><title>UDHR</title></head><body><p>{}</p></body></html>",
        text.join("</p><p>")
    )
}

fn encode(label: &str, text: &str) -> (Vec<u8>, &'static encoding_rs::Encoding) {
    let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        let units = text.encode_utf16();
        let bytes = if enc == encoding_rs::UTF_16LE {
            units.flat_map(u16::to_le_bytes).collect()
        } else {
            units.flat_map(u16::to_be_bytes).collect()
        };
        return (bytes, enc);
    }
    (enc.encode(text).0.into_owned(), enc)
}

#[test]
fn every_legacy_encoding_with_correct_missing_and_wrong_declarations() {
    let mut failures = Vec::new();
    for &(label, lang, tld, wrong) in CASES {
        let page = sample(lang);
        let (bytes, enc) = encode(label, &page);
        // What the page really says (characters the encoding lacks became &#NNN;).
        let truth = enc.decode_without_bom_handling(&bytes).0.into_owned();
        let url = format!("https://www.example.{tld}/udhr.html");
        let with_meta = |decl: &str| {
            // A <meta> declaration inside the page, encoded with it.
            let p = page.replace("<head>", &format!("<head><meta charset=\"{decl}\">"));
            let (b, _) = encode(label, &p);
            (b, enc.decode_without_bom_handling(&encode(label, &p).0).0.into_owned())
        };
        let mut check = |how: &str, body: &[u8], ct: &str, url: Option<&str>, want: &str| match decode(body, ct, url) {
            Some((text, used, source)) if text == want => {
                if how == "missing" && source != CharsetSource::Detected {
                    failures.push(format!("{label}/{lang} {how}: source {source:?}"));
                }
                let _ = used;
            }
            Some((text, used, source)) => failures.push(format!(
                "{label}/{lang} {how}: decoded as {} ({source:?}): {}",
                used.name(),
                text.chars().skip(60).take(60).collect::<String>()
            )),
            None => failures.push(format!("{label}/{lang} {how}: not decoded")),
        };
        check(
            "http",
            &bytes,
            &format!("text/html; charset={label}"),
            Some(&url),
            &truth,
        );
        let (meta_bytes, meta_truth) = with_meta(label);
        check("meta", &meta_bytes, "text/html", Some(&url), &meta_truth);
        check("missing", &bytes, "text/html", Some(&url), &truth);
        check(
            "wrong http",
            &bytes,
            &format!("text/html; charset={wrong}"),
            Some(&url),
            &truth,
        );
        let (wrong_bytes, wrong_truth) = with_meta(wrong);
        check("wrong meta", &wrong_bytes, "text/html", Some(&url), &wrong_truth);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn maltese_latin3_decodes_exactly_without_a_hint_and_nothing_else_turns_latin3() {
    let page = sample("mt");
    let (bytes, enc) = encode("iso-8859-3", &page);
    let truth = enc.decode_without_bom_handling(&bytes).0.into_owned();
    assert!(truth.contains('ħ') && truth.contains('ż'), "sample has Maltese letters");
    for (ct, url) in [
        ("text/html", None),
        ("text/html", Some("https://www.example.org/mt.html")),
        ("text/html; charset=windows-1252", None),
        ("text/html; charset=ISO-8859-1", Some("https://gov.mt/")),
        ("text/html; charset=iso-8859-3", None),
    ] {
        let (text, used, _) = decode(&bytes, ct, url).unwrap();
        assert_eq!(used.name(), "ISO-8859-3", "{ct} {url:?}");
        assert_eq!(text, truth, "{ct} {url:?}");
    }
    assert!(truth.contains("Kulħadd") || truth.contains("kulħadd") || truth.contains('ġ'));
    // Every other legacy page decodes as before, even on a Maltese host.
    for &(label, lang, _, _) in CASES {
        if label == "iso-8859-3" || label.starts_with("utf-16") {
            continue;
        }
        let (bytes, _) = encode(label, &sample(lang));
        for url in [None, Some("https://www.example.mt/page.html")] {
            for ct in ["text/html", "text/html; charset=windows-1252"] {
                let (_, used, _) = decode(&bytes, ct, url).unwrap();
                assert_ne!(used.name(), "ISO-8859-3", "{label}/{lang} {ct} {url:?}");
            }
        }
    }
    // Windows-1252 text with ± and ¿ where they belong stays windows-1252.
    let spanish = encoding_rs::WINDOWS_1252
        .encode(
            "¿Qué tal? La tolerancia es ±5 mm, ¡estupendo! Año, señor, café. "
                .repeat(20)
                .as_str(),
        )
        .0
        .into_owned();
    let (_, used, _) = decode(&spanish, "text/html", Some("https://example.mt/")).unwrap();
    assert_ne!(used.name(), "ISO-8859-3");
}
