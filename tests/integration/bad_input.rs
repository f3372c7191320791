//! Bad input gets a clear message and nothing good is lost: each kind of
//! damage is made here from the real fixtures, so the test shows it.

use std::io::{Read, Write};
use std::path::Path;

use crate::common::*;
use serde_json::Value;

/// The decompressed records of a fixture WARC, each starting at `WARC/1.0`.
fn warc_records(name: &str) -> Vec<Vec<u8>> {
    let mut raw = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(fixture(name)).unwrap())
        .read_to_end(&mut raw)
        .unwrap();
    let text = raw.as_slice();
    let mut starts: Vec<usize> = (0..text.len())
        .filter(|&i| text[i..].starts_with(b"WARC/1.0\r\n"))
        .collect();
    starts.push(text.len());
    starts.windows(2).map(|w| text[w[0]..w[1]].to_vec()).collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Runs a one-input pipeline to JSONL and returns (kept docs, phase-0 stats, rejected).
fn run_input(dir: &Path, kind: &str, file: &Path, extra: &str) -> (Vec<Value>, Value, Vec<Value>) {
    let out = dir.join("out");
    let yaml = format!(
        "name: bad\ninput:\n  kind: {kind}\n  paths: [\"{}\"]\n{extra}output:\n  kind: jsonl\n  path: {}\n",
        file.display(),
        out.display()
    );
    run_yaml(dir, &yaml).unwrap();
    (
        read_records(&out),
        phase_stats(&out, 0),
        read_records(&out.join("rejected")),
    )
}

fn problems(stats: &Value) -> String {
    stats["reader"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn truncated_gzip_keeps_records_before_the_cut_and_reports_the_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = std::fs::read(fixture("udhr-part2.jsonl.gz")).unwrap();
    let cut = tmp.path().join("cut.jsonl.gz");
    std::fs::write(&cut, &whole[..whole.len() * 6 / 10]).unwrap();
    // A truncated stream loses the rest of the file: the run fails unless
    // losses are accepted (tests/parquet_io.rs checks the failure).
    let (kept, stats, _) = run_input(tmp.path(), "jsonl", &cut, "  on_error: skip\n");
    let all = String::from_utf8({
        let mut v = Vec::new();
        flate2::read::MultiGzDecoder::new(&whole[..])
            .read_to_end(&mut v)
            .unwrap();
        v
    })
    .unwrap();
    let total = all.lines().count();
    assert!(
        kept.len() > total / 3 && kept.len() < total,
        "kept {} of {total}",
        kept.len()
    );
    // Every kept record is intact and in order.
    for (k, line) in kept.iter().zip(all.lines()) {
        let orig: Value = serde_json::from_str(line).unwrap();
        assert_eq!(k["id"], orig["id"]);
        assert_eq!(k["text"], orig["text"]);
    }
    let loss = &stats["reader"]["losses"][0];
    assert!(loss["file"].as_str().unwrap().ends_with("cut.jsonl.gz"), "{loss}");
    let detail = loss["detail"].as_str().unwrap();
    assert!(detail.contains("compressed offset 0"), "{detail}");
    assert!(
        detail.contains("truncated") || detail.contains("ends inside"),
        "{detail}"
    );
    assert_eq!(stats["reader"]["lost"]["damaged_stream"], 1);
}

#[test]
fn corrupt_warc_record_in_the_middle_is_skipped_and_the_rest_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let mut records = warc_records("crawl-a.warc.gz");
    assert_eq!(records.len(), 13, "warcinfo + 12 responses");
    // Damage the header block of the 6th record: Content-Length is garbage.
    let rec = String::from_utf8(records[6].clone()).unwrap();
    let start = rec.find("Content-Length: ").unwrap() + 16;
    let end = start + rec[start..].find('\r').unwrap();
    records[6] = format!("{}12x4{}", &rec[..start], &rec[end..]).into_bytes();
    // And put garbage between records 9 and 10, as a bad concatenation would.
    records[9].extend_from_slice(b"\x00\x01garbage that is not a record\r\n\r\n");

    // Plain WARC.
    let plain = tmp.path().join("bad.warc");
    std::fs::write(&plain, records.concat()).unwrap();
    let d1 = tmp.path().join("plain");
    std::fs::create_dir_all(&d1).unwrap();
    let (kept, stats, _) = run_input(&d1, "warc", &plain, "");
    assert_eq!(kept.len(), 11, "12 responses minus the corrupt one");
    assert_eq!(stats["reader"]["skipped"]["corrupt_record"], 2, "{}", problems(&stats));
    let p = problems(&stats);
    assert!(p.contains("bad.warc@") && p.contains("Content-Length"), "{p}");

    // The same as WARC.gz, one gzip member per record; one member has corrupt deflate data.
    let mut members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
    let m = &mut members[3];
    let mid = m.len() / 2;
    for b in &mut m[12..mid] {
        *b ^= 0x5a;
    }
    let gz = tmp.path().join("bad.warc.gz");
    std::fs::write(&gz, members.concat()).unwrap();
    let d2 = tmp.path().join("gz");
    std::fs::create_dir_all(&d2).unwrap();
    let (kept, stats, _) = run_input(&d2, "warc", &gz, "");
    assert_eq!(
        kept.len(),
        10,
        "the corrupt-header record and the corrupt member are lost, nothing else"
    );
    let p = problems(&stats);
    assert!(p.contains("gzip member at compressed offset"), "{p}");
    // Exactly the records in the damaged member (3) and with the damaged header (6) are lost.
    let uri = |r: &[u8]| {
        let s = String::from_utf8_lossy(r);
        s.split("WARC-Target-URI: ")
            .nth(1)
            .map(|x| x.split('\r').next().unwrap().to_string())
    };
    let expected: Vec<String> = (1..records.len())
        .filter(|i| *i != 3 && *i != 6)
        .filter_map(|i| uri(&records[i]))
        .collect();
    let urls: Vec<String> = kept.iter().map(|d| d["url"].as_str().unwrap().to_string()).collect();
    assert_eq!(urls, expected);
}

#[test]
fn invalid_utf8_is_replaced_rejected_or_skipped_as_configured() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad-utf8.jsonl");
    let mut bytes = b"{\"id\":\"ok\",\"text\":\"T\xc3\xa9l\xc3\xa9chargement\"}\n".to_vec();
    bytes.extend_from_slice(b"{\"id\":\"bad\",\"text\":\"caf\xe9 cr\xe8me\"}\n");
    std::fs::write(&file, bytes).unwrap();
    for (mode, kept_ids, rejected_ids, skipped) in [
        ("replace", vec!["ok", "bad"], vec![], 0),
        ("reject", vec!["ok"], vec!["bad"], 0),
        ("skip", vec!["ok"], vec![], 1),
    ] {
        let dir = tmp.path().join(mode);
        std::fs::create_dir_all(&dir).unwrap();
        let (kept, stats, rejected) = run_input(&dir, "jsonl", &file, &format!("  invalid_utf8: {mode}\n"));
        let ids: Vec<&str> = kept.iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(ids, kept_ids, "{mode}");
        let rej: Vec<&str> = rejected.iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(rej, rejected_ids, "{mode}");
        assert_eq!(
            stats["reader"]["skipped"]["invalid_utf8"].as_u64().unwrap_or(0),
            skipped,
            "{mode}"
        );
        if mode == "replace" {
            assert_eq!(kept[1]["text"], "caf\u{fffd} cr\u{fffd}me");
        }
        if mode == "reject" {
            assert_eq!(rejected[0]["reason"], "invalid_utf8");
            assert_eq!(rejected[0]["stage"], "input");
        }
    }
}

#[test]
fn a_line_that_is_not_json_is_skipped_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("mixed.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"a\",\"text\":\"one\"}\n\n{\"id\":\"b\",\"text\":\"two\"\nnot json at all\n{\"id\":\"c\",\"txt\":\"no text field\"}\n{\"id\":\"d\",\"text\":\"four\"}\n",
    )
    .unwrap();
    let (kept, stats, _) = run_input(tmp.path(), "jsonl", &file, "");
    let ids: Vec<&str> = kept.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "d"]);
    let p = problems(&stats);
    assert!(p.contains("mixed.jsonl:3: not a JSON object"), "{p}");
    assert!(p.contains("mixed.jsonl:4: not a JSON object"), "{p}");
    assert!(
        p.contains("mixed.jsonl:5: no text field `text` (the record has: id, txt)"),
        "{p}"
    );
    assert_eq!(stats["reader"]["skipped"]["not_json"], 2);
    assert_eq!(stats["reader"]["skipped"]["bad_record"], 1);
}

#[test]
fn empty_files_are_counted_not_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["empty.jsonl", "empty.jsonl.gz", "empty.jsonl.zst", "empty.warc.gz"] {
        std::fs::write(tmp.path().join(name), b"").unwrap();
    }
    let dir = tmp.path().join("run");
    std::fs::create_dir_all(&dir).unwrap();
    let (kept, stats, _) = run_input(&dir, "jsonl", &tmp.path().join("empty.jsonl*"), "");
    assert!(kept.is_empty());
    assert_eq!(stats["reader"]["skipped"]["empty_file"], 3);
    assert!(problems(&stats).contains("empty.jsonl.gz: empty file"));
    let dir = tmp.path().join("warc");
    std::fs::create_dir_all(&dir).unwrap();
    let (kept, stats, _) = run_input(&dir, "warc", &tmp.path().join("empty.warc.gz"), "");
    assert!(kept.is_empty());
    assert_eq!(stats["reader"]["skipped"]["empty_file"], 1);
}

#[test]
fn parquet_without_the_text_column_names_the_file_and_its_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let yaml = tmp.path().join("p.yaml");
    std::fs::write(
        &yaml,
        format!(
            "name: p\ninput:\n  kind: parquet\n  paths: [\"{}\"]\noutput:\n  kind: jsonl\n  path: {}\n",
            fixture("udhr-small-langs.parquet").display(),
            tmp.path().join("out").display()
        ),
    )
    .unwrap();
    let o = bin().args(["validate"]).arg(&yaml).output().unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("udhr-small-langs.parquet has no text column `text`"),
        "{err}"
    );
    assert!(err.contains("its columns are: doc_id, content, source_url"), "{err}");
    assert!(
        !tmp.path().join("out").exists(),
        "nothing is written before the config is valid"
    );
}

fn validate_error(yaml: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("pipeline.yaml");
    std::fs::write(&path, yaml).unwrap();
    let o = bin().args(["validate"]).arg(&path).output().unwrap();
    assert!(!o.status.success(), "expected a validation error for:\n{yaml}");
    String::from_utf8_lossy(&o.stderr).replace(&path.display().to_string(), "pipeline.yaml")
}

const HEAD: &str = "name: t\ninput:\n  kind: jsonl\n  paths: [fixtures/udhr-part1.jsonl.zst]\n";
const TAIL: &str = "output:\n  kind: jsonl\n  path: out/t\n";

#[test]
fn yaml_errors_name_file_line_column_value_and_choices() {
    let e = validate_error(&format!(
        "{HEAD}stages:\n  - kind: normalize\n  - kind: exact_dedupe\n{TAIL}"
    ));
    assert!(
        e.contains("pipeline.yaml:7:11: unknown stage kind `exact_dedupe`; did you mean `exact_dedup`?"),
        "{e}"
    );
    assert!(
        e.contains("valid: html_extract, normalize, language_id, length_filter"),
        "{e}"
    );

    let e = validate_error(&format!(
        "{HEAD}stages:\n  - kind: length_filter\n    min_words: twenty\n{TAIL}"
    ));
    assert!(
        e.contains("pipeline.yaml:7:16: expected a whole number >= 0, found `twenty`"),
        "{e}"
    );

    let e = validate_error(&format!(
        "{HEAD}stages:\n  - kind: length_filter\n    min_wrods: 20\n{TAIL}"
    ));
    assert!(
        e.contains("pipeline.yaml:7:5: unknown key `min_wrods`; did you mean `min_words`?"),
        "{e}"
    );

    let e = validate_error(&format!("{HEAD}  invalid_utf8: repalce\n{TAIL}"));
    assert!(
        e.contains("pipeline.yaml:5:17: unknown value `repalce`; did you mean `replace`?"),
        "{e}"
    );

    let e = validate_error(&format!("{HEAD}{TAIL}exectuor:\n  tasks: 2\n"));
    assert!(
        e.contains("pipeline.yaml:8:1: unknown key `exectuor`; did you mean `executor`?"),
        "{e}"
    );

    let e = validate_error(&format!("{HEAD}stages:\n\t- kind: normalize\n{TAIL}"));
    assert!(e.contains("pipeline.yaml:6:1: tab character in indentation"), "{e}");

    let e = validate_error(&format!("{HEAD}{TAIL}  compression_level: 40\n"));
    assert!(
        e.contains("pipeline.yaml:8:3: `compression_level: 40` is out of range"),
        "{e}"
    );
}

/// Rewrites the Content-Length of a WARC record by `delta`.
fn shift_length(rec: &[u8], delta: i64) -> Vec<u8> {
    let s = String::from_utf8(rec.to_vec()).unwrap();
    let start = s.find("Content-Length: ").unwrap() + 16;
    let end = start + s[start..].find('\r').unwrap();
    let n: i64 = s[start..end].parse().unwrap();
    format!("{}{}{}", &s[..start], n + delta, &s[end..]).into_bytes()
}

fn target_uri(rec: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(rec);
    s.split("WARC-Target-URI: ")
        .nth(1)
        .map(|x| x.split('\r').next().unwrap().to_string())
}

#[test]
fn wrong_content_lengths_lose_only_their_own_record() {
    let tmp = tempfile::tempdir().unwrap();
    let mut records = warc_records("crawl-b.warc.gz");
    // Record 4 claims 3000 bytes more than it has (it swallows the start of
    // record 5), record 9 claims 100 bytes less, the last record claims
    // far more than the file holds.
    records[4] = shift_length(&records[4], 3000);
    records[9] = shift_length(&records[9], -100);
    let last = records.len() - 1;
    records[last] = shift_length(&records[last], 1 << 30);
    let file = tmp.path().join("lengths.warc");
    std::fs::write(&file, records.concat()).unwrap();
    // The last record runs past the end of the file, as in a truncated
    // download: a loss, accepted here.
    let (kept, stats, _) = run_input(tmp.path(), "warc", &file, "  on_error: skip\n");
    let expected: Vec<String> = (1..records.len())
        .filter(|i| ![4, 9, last].contains(i))
        .filter_map(|i| target_uri(&records[i]))
        .collect();
    let urls: Vec<String> = kept.iter().map(|d| d["url"].as_str().unwrap().to_string()).collect();
    assert_eq!(urls, expected, "{}", problems(&stats));
    assert_eq!(stats["reader"]["skipped"]["corrupt_record"], 2, "{}", problems(&stats));
    assert_eq!(stats["reader"]["lost"]["truncated_file"], 1, "{}", stats["reader"]);
    assert!(
        problems(&stats).contains("runs into the next record"),
        "{}",
        problems(&stats)
    );
}

#[test]
fn a_byte_order_mark_and_a_misleading_extension_do_not_lose_records() {
    let tmp = tempfile::tempdir().unwrap();
    // Plain JSONL with a UTF-8 BOM, named as if it were gzip.
    let file = tmp.path().join("bom.jsonl.gz");
    std::fs::write(
        &file,
        "\u{feff}{\"id\":\"a\",\"text\":\"Bonġu\"}\n{\"id\":\"b\",\"text\":\"Dia duit\"}\n",
    )
    .unwrap();
    let (kept, stats, _) = run_input(tmp.path(), "jsonl", &file, "");
    let ids: Vec<&str> = kept.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b"], "{}", problems(&stats));
}

#[test]
fn an_oversized_record_is_skipped_and_counted_not_read_into_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let mut records = warc_records("crawl-a.warc.gz");
    // A 2 MB response between the others.
    let body = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>{}</p>",
        "Il-bnedmin kollha jitwieldu ħielsa. ".repeat(60_000)
    );
    let big = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:big>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
        body.len()
    );
    records.insert(5, big.into_bytes());
    let file = tmp.path().join("big.warc");
    std::fs::write(&file, records.concat()).unwrap();
    let (kept, stats, _) = run_input(tmp.path(), "warc", &file, "  max_record_mb: 1\n");
    assert_eq!(kept.len(), 12, "every other response is read");
    assert_eq!(stats["reader"]["skipped"]["record_too_large"], 1, "{}", stats["reader"]);
    assert!(problems(&stats).contains("over input.max_record_mb"));
}
