//! The HTML report, `inspect` and `diff` on real run folders; the report is
//! rendered by headless Chromium (an ignored test with its reason; `.ci/run`
//! installs Chromium and runs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn report(out: &Path) -> String {
    let o = bin().args(["report"]).arg(out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out.join("report.html")).unwrap()
}

/// The `<title>` texts of one chart's bars: `label: value`.
fn bars(html: &str, chart: &str) -> Vec<String> {
    let start = html
        .find(&format!("id=\"{chart}\""))
        .unwrap_or_else(|| panic!("no chart {chart}"));
    let body = &html[start..start + html[start..].find("</figure>").unwrap()];
    body.split("<title>")
        .skip(1)
        .map(|t| t.split("</title>").next().unwrap().to_string())
        .collect()
}

#[test]
fn report_numbers_equal_the_stats_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("qs");
    quickstart(&out, &[]);
    let html = report(&out);
    let last = phase_stats(&out, 2);
    // documents per language: every EU language listed, counts from the stats
    let langs = bars(&html, "lang-docs");
    assert!(langs.len() >= 24, "{langs:?}");
    for (lang, v) in last["output_by_lang"].as_object().unwrap() {
        assert!(
            langs.contains(&format!("{lang}: {}", v["docs"])),
            "{lang} {v} {langs:?}"
        );
    }
    let funnel = bars(&html, "funnel");
    assert_eq!(funnel.last().unwrap(), &format!("written: {}", last["output"]["docs"]));
    assert_eq!(
        funnel[0],
        format!("input: {}", phase_stats(&out, 0)["reader"]["docs"]["docs"])
    );
    // drops by reason: the sample stage's count from the stats
    let sample = &last["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "sample")
        .unwrap()["dropped"];
    assert!(bars(&html, "drops").contains(&format!("sample · not_sampled: {}", sample["not_sampled"])));
    assert!(html.contains("id=\"len-mt\"") && html.contains("id=\"lid-ga\""));
    assert!(!html.contains("id=\"incomplete\""));
    // language × stage: each language's documents in (the most any stage saw
    // of it in the stats files) and its kept share
    let phases: Vec<serde_json::Value> = (0..3).map(|p| phase_stats(&out, p)).collect();
    let table = html.split("id=\"lang-stage-table\"").nth(1).unwrap();
    for (lang, v) in last["output_by_lang"].as_object().unwrap() {
        let docs_in = phases
            .iter()
            .flat_map(|p| p["stages"].as_array().unwrap().iter())
            .filter_map(|s| s["by_lang"][lang]["docs"].as_u64())
            .max()
            .unwrap();
        let kept = 100.0 * v["docs"].as_f64().unwrap() / docs_in as f64;
        let row = format!("<tr><td>{lang}</td><td>{docs_in}</td>");
        let at = table.find(&row).unwrap_or_else(|| panic!("{row}"));
        let end = at + table[at..].find("</tr>").unwrap();
        assert!(
            table[at..end].ends_with(&format!("<td>{kept:.1}%</td>")),
            "{lang}: {}",
            &table[at..end]
        );
    }
    let stats = bin().args(["stats"]).arg(&out).output().unwrap();
    assert!(String::from_utf8_lossy(&stats.stdout).contains("documents dropped per language and stage"));
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let ok = Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
            ok.then(|| PathBuf::from(name))
        })
}

#[test]
#[ignore = "needs headless Chromium (apt-get install chromium); .ci/run installs it"]
fn report_renders_in_headless_chromium_without_console_errors() {
    let chrome = chromium().expect("no chromium on PATH: apt-get install chromium chromium-driver");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("qs");
    quickstart(&out, &[]);
    report(&out);
    let url = format!("file://{}", out.join("report.html").display());
    let common = ["--headless", "--no-sandbox", "--disable-gpu"];
    let profile = format!("--user-data-dir={}", tmp.path().join("profile").display());
    let dom = Command::new(&chrome)
        .args(common)
        .arg(&profile)
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(&url)
        .output()
        .unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let rendered = String::from_utf8_lossy(&dom.stdout);
    for chart in [
        "funnel",
        "drops",
        "lang-docs",
        "lang-words",
        "lang-bytes",
        "phase-time",
        "pii",
    ] {
        assert!(rendered.contains(&format!("id=\"{chart}\"")), "chart {chart} missing");
    }
    assert!(rendered.matches("<svg").count() > 40);
    // The language × stage table: a row for every EU language, coloured cells.
    let t = rendered
        .split("id=\"lang-stage-table\"")
        .nth(1)
        .expect("language × stage table");
    let t = &t[..t.find("</table>").unwrap()];
    for l in eurocurate::langs::EU24 {
        assert!(t.contains(&format!("<tr><td>{l}</td>")), "no row for {l}");
    }
    assert!(t.contains("background:rgba("), "no coloured cell");
    let log = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    // a screenshot for people to look at
    let shot = root().join("target").join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let o = Command::new(&chrome)
        .args(common)
        .arg(&profile)
        .arg(format!("--screenshot={}", shot.display()))
        .args(["--window-size=1200,2400"])
        .arg(&url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "{} bytes", png.len());
}

#[test]
fn report_of_an_interrupted_run_says_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("half");
    for (phase, task_no) in [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)] {
        let o = task(Path::new("pipelines/quickstart.yaml"), phase, task_no, Some(&out));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let html = report(&out);
    assert!(html.contains("id=\"incomplete\""));
    assert!(html.contains("1 / 4</td><td>incomplete"), "phase 1");
    assert!(html.contains("0 / 4</td><td>not started"), "phase 2");
}

#[test]
fn inspect_samples_repeatably_and_diff_shows_a_threshold_change() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    quickstart(&a, &[]);
    let yaml = std::fs::read_to_string(root().join("pipelines/quickstart.yaml"))
        .unwrap()
        .replace("min_words: 20", "min_words: 120");
    let file = tmp.path().join("stricter.yaml");
    std::fs::write(&file, yaml).unwrap();
    let o = bin()
        .args(["--quiet", "run"])
        .arg(&file)
        .env("EUROCURATE_OUT", &b)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let inspect = |seed: &str| {
        let o = bin()
            .args(["inspect"])
            .arg(&b)
            .args(["--stage", "length_filter", "-n", "3", "--seed", seed, "--json"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let first = inspect("7");
    assert_eq!(first, inspect("7"));
    let records: Vec<serde_json::Value> = first.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 3);
    assert!(
        records
            .iter()
            .all(|r| r["stage"] == "length_filter" && r["reason"] == "too_few_words"),
        "{records:?}"
    );

    let o = bin().arg("diff").arg(&a).arg(&b).output().unwrap();
    let d = String::from_utf8(o.stdout).unwrap();
    let line = d
        .lines()
        .find(|l| l.contains("length_filter dropped too_few_words"))
        .unwrap_or_else(|| panic!("{d}"));
    assert!(line.contains("new") || line.contains('+'), "{line}");
}
