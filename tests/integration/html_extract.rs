//! `html_extract` end to end: real pages in six languages and four legacy
//! charsets out of a WARC, every text-and-data-mining signal, non-HTML
//! media, a truncated record, binary garbage, and hostile markup.

use crate::common::{fixture, phase_stats, read_records, run_yaml};
use serde_json::Value;

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn warc_to_text_on_real_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let yaml = std::fs::read_to_string(crate::common::root().join("pipelines/warc-to-text.yaml"))
        .unwrap()
        .replace(
            "${CRAWL:-fixtures/web-pages.warc.gz}",
            &fixture("web-pages.warc.gz").display().to_string(),
        )
        .replace(
            "[fixtures/tdm-optout-domains.txt]",
            &format!("[{}]", fixture("tdm-optout-domains.txt").display()),
        )
        .replace("${EUROCURATE_OUT:-out/warc-to-text}", &out.display().to_string());
    run_yaml(tmp.path(), &yaml).unwrap();
    let kept = read_records(&out);
    let expected: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(fixture("web-pages.expected.json")).unwrap()).unwrap();
    assert_eq!(kept.len(), expected.len(), "one document per real page");
    for (url, want) in &expected {
        let doc = kept
            .iter()
            .find(|d| d["url"] == url.as_str())
            .unwrap_or_else(|| panic!("{url} missing"));
        let text = norm(doc["text"].as_str().unwrap());
        for seg in want["with"].as_array().unwrap() {
            assert!(
                text.contains(&norm(seg.as_str().unwrap())),
                "{url}: main text lacks {seg}"
            );
        }
        for seg in want["without"].as_array().unwrap() {
            assert!(
                !text.contains(&norm(seg.as_str().unwrap())),
                "{url}: boilerplate {seg} kept"
            );
        }
        assert_eq!(doc["lang"], want["lang"], "{url}");
        let meta = &doc["metadata"];
        let charset = meta["charset"].as_str().unwrap().to_ascii_lowercase();
        let want_charset = match want["charset"].as_str().unwrap() {
            // WHATWG decodes ISO-8859-1 as its superset windows-1252.
            "iso-8859-1" => "windows-1252",
            c => c,
        };
        assert_eq!(charset, want_charset, "{url}: declared {}", want["declared"]);
        let source = meta["charset_source"].as_str().unwrap();
        match want["declared"].as_str().unwrap() {
            "none" if want_charset != "utf-8" => assert_eq!(source, "detected", "{url}"),
            "wrong-http" => assert_eq!(source, "detected", "{url}"),
            "meta" => assert_eq!(source, "meta", "{url}"),
            _ => {}
        }
        assert!(meta["title"].as_str().is_some_and(|t| !t.is_empty()), "{url}: title");
        assert!(meta["extraction"].is_string());
    }
    let stats = phase_stats(&out, 0);
    let skipped = &stats["reader"]["skipped"];
    assert_eq!(skipped["mime:image/png"], 1);
    assert_eq!(skipped["mime:application/pdf"], 1);
    assert_eq!(skipped["warc_truncated_kept"], 1);
    let stage = &stats["stages"][0];
    assert_eq!(stage["dropped"]["tdm_optout"], 5);
    assert_eq!(stage["dropped"]["binary_content"], 1);
    for signal in [
        "tdm-reservation_header",
        "meta_tdm-reservation",
        "robots_noai",
        "X-Robots-Tag_noimageai",
        "opt-out_domain_list",
    ] {
        assert_eq!(stage["counters"][format!("tdm_signal:{signal}")], 1, "{signal}");
    }
    let rejected = read_records(&out.join("rejected"));
    let tdm: Vec<&Value> = rejected.iter().filter(|r| r["reason"] == "tdm_optout").collect();
    assert_eq!(tdm.len(), 5);
    assert!(tdm.iter().any(|r| r["detail"] == "opt-out domain list: optout.example"));
    // The truncated half page is accounted for either way.
    let truncated = kept
        .iter()
        .chain(&rejected)
        .filter(|d| d["url"].as_str().unwrap_or("").ends_with("?truncated"));
    assert_eq!(truncated.count(), 1);
}

#[test]
fn hostile_markup_is_dropped_or_extracted_never_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("hostile.jsonl");
    let sentence = "Ein Satz mit genug Text, um als Inhalt zu gelten, und noch etwas mehr dazu. ".repeat(5);
    let mut docs: Vec<(String, String)> = Vec::new();
    for tag in ["div", "b", "a", "table", "li", "span", "blockquote", "font", "p", "td"] {
        let page = format!(
            "<html><body>{}{sentence}{}",
            format!("<{tag}>").repeat(10_000),
            format!("</{tag}>").repeat(10_000)
        );
        docs.push((format!("deep-{tag}"), page));
    }
    docs.push((
        "deep-mixed".into(),
        format!("<html><body>{}{sentence}", "<div><p><b><i><a href=x>".repeat(2_000)),
    ));
    docs.push((
        "malformed".into(),
        format!("<html><body><div class='entry-content'><p>Unclosed <b>bold <i>it</p></div></span></table><td>cell<p>{sentence}<<<>>> <a href='x' <p>&#xZZ; &unknown;</html></html><body>after"),
    ));
    docs.push((
        "big".into(),
        format!(
            "<html><body>{}",
            "<p>Ein Absatz mit etwas Text darin.</p>".repeat(1_400_000)
        ),
    ));
    let garbage: String = (0..20_000u32)
        .map(|i| char::from_u32((i * 7919) % 0x250).unwrap_or('?'))
        .collect();
    docs.push(("garbage".into(), format!("<html>{garbage}")));
    let mut f = String::new();
    for (id, text) in &docs {
        f.push_str(&serde_json::json!({"id": id, "text": text}).to_string());
        f.push('\n');
    }
    std::fs::write(&input, f).unwrap();
    let out = tmp.path().join("out");
    let yaml = format!(
        "name: hostile\ninput:\n  kind: jsonl\n  paths: [{}]\nstages:\n  - kind: html_extract\noutput:\n  kind: jsonl\n  path: {}\n",
        input.display(),
        out.display()
    );
    run_yaml(tmp.path(), &yaml).unwrap();
    let kept = read_records(&out);
    let rejected = read_records(&out.join("rejected"));
    assert_eq!(kept.len() + rejected.len(), docs.len(), "every page accounted for");
    let reason = |id: &str| {
        rejected
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["reason"].as_str().unwrap().to_string())
    };
    assert_eq!(reason("big").as_deref(), Some("html_too_large"));
    assert_eq!(reason("garbage").as_deref(), Some("binary_content"));
    for id in ["deep-div", "deep-p", "deep-table", "malformed"] {
        let d = kept
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("{id} dropped: {:?}", reason(id)));
        assert!(d["text"].as_str().unwrap().contains("Ein Satz mit genug Text"), "{id}");
    }
}
