//! The clean-keep rule of `langs calibrate --max-drop SHARE`: on a sample
//! of clean text of one language, every threshold that drops more than
//! SHARE of it moves to the value that drops at most SHARE. A threshold
//! taken from elsewhere (FineWeb-2's per-language configs, computed on
//! CommonCrawl with another tokenizer) can drop clean prose of a language
//! because its words are split or punctuated differently; the rule relaxes
//! only those keys and leaves every other value as it was, so the file
//! still says which values are the reference's own.
//!
//! With `--repetition-floor`, a `gopher_repetition` threshold stricter than
//! Gopher's published value (the same for every language; datatrove's
//! `GopherRepetitionFilter` defaults, which are this filter's built-in
//! defaults) is first raised to it: repetition measures duplicated content,
//! not a property of the language, and FineWeb-2's stricter per-language
//! values (percentiles of reference corpora) drop clean documents with
//! natural phrasing repetition (help, legal, recipe text) that a sample of
//! independent sentences cannot show. The clean-keep rule then checks the
//! raised value like any other.

use std::fmt::Write as _;

use anyhow::Context;

use super::langs_calibrate::{share_dropped, Options, Settings, METRICS};
use crate::document::Document;
use crate::langs::Langs;
use crate::stages::quality::gopher_repetition::GopherRepetition;
use crate::stages::quality::Bound;

/// Marks the comment lines `--write` puts above a moved key (a rerun
/// replaces them).
const NOTE: &str = "# clean-keep";

/// Marks the comment lines above a key the repetition floor raised.
const FLOOR_NOTE: &str = "# repetition-floor";

/// One key a rule moved.
struct Moved {
    /// The repetition floor moved it (else the clean-keep rule).
    floor: bool,
    filter: &'static str,
    key: &'static str,
    old: f64,
    new: f64,
    before: f64,
    after: f64,
}

/// Applies the rule to `sample` and returns the report (YAML with the
/// evidence as comments); with `--write`, rewrites the moved keys of
/// `langs/<lang>.yaml` in place.
pub(super) fn run(o: &Options, target: &Settings, sample: &[Document], share: f64) -> anyhow::Result<String> {
    anyhow::ensure!(
        (0.0..1.0).contains(&share),
        "--max-drop must be a share in [0, 1), e.g. 0.01 for 1%; got {share}"
    );
    let measured: Vec<_> = sample
        .iter()
        .map(|d| target.measure(d, &[], &mut Default::default()))
        .collect();
    let n = sample.len();
    // documents the rule lets a threshold drop
    let allowed = (share * n as f64 + 1e-9).floor() as usize;
    let wanted = |k: &str| o.only.as_ref().is_none_or(|only| only.iter().any(|x| x == k));
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Clean-keep rule on {} clean {} documents of {}: a threshold dropping more than {:.1}% ({} documents) moves.",
        n,
        o.lang,
        sample_names(o),
        100.0 * share,
        allowed
    );
    let _ = writeln!(y, "quality:");
    let mut moved = Vec::new();
    for filter in ["gopher_quality", "gopher_repetition", "c4_quality", "fineweb_quality"] {
        let _ = writeln!(y, "  {filter}:");
        for m in METRICS.iter().filter(|m| m.filter == filter && wanted(m.key)) {
            let mut now = target.current(m);
            let mut values: Vec<f64> = measured.iter().map(|x| x[m.key]).collect();
            values.sort_by(f64::total_cmp);
            if o.repetition_floor && filter == "gopher_repetition" {
                if let Some(gopher) = gopher_floor(m.key).filter(|&g| now != 0.0 && now < g) {
                    let (before, after) = (
                        share_dropped(&values, m.bound, now),
                        share_dropped(&values, m.bound, gopher),
                    );
                    let _ = writeln!(
                        y,
                        "    # repetition floor: {} {} is stricter than Gopher's {gopher}",
                        m.key, now
                    );
                    moved.push(Moved {
                        floor: true,
                        filter: m.filter,
                        key: m.key,
                        old: now,
                        new: gopher,
                        before,
                        after,
                    });
                    now = gopher;
                }
            }
            let before = share_dropped(&values, m.bound, now);
            // a switched-off check (0) stays off
            if now == 0.0 || before <= share {
                let _ = writeln!(y, "    {}: {}  # keeps: drops {:.1}%", m.key, now, 100.0 * before);
                continue;
            }
            let new = relaxed(&values, m.bound, allowed);
            let after = share_dropped(&values, m.bound, new);
            let _ = writeln!(
                y,
                "    {}: {}  # moved: {} dropped {:.1}%, {} drops {:.1}%",
                m.key,
                new,
                now,
                100.0 * before,
                new,
                100.0 * after
            );
            // a floored key the clean-keep rule moves further: its note is the rule's
            moved.retain(|x| x.key != m.key);
            moved.push(Moved {
                floor: false,
                filter: m.filter,
                key: m.key,
                old: now,
                new,
                before,
                after,
            });
        }
    }
    if o.write && !moved.is_empty() {
        let path = o.langs_dir.join(format!("{}.yaml", o.lang));
        let mut text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        for mv in &moved {
            if mv.floor {
                let lines = [
                    format!(
                        "{FLOOR_NOTE}: FineWeb-2's {} is stricter than Gopher's language-independent {} (datatrove GopherRepetitionFilter); raised to it, as in every language (langs/README.md)",
                        mv.old, mv.new
                    ),
                    format!(
                        "{FLOOR_NOTE}: on {n} clean documents of {}: {} dropped {:.1}%, {} drops {:.1}%",
                        sample_names(o),
                        mv.old,
                        100.0 * mv.before,
                        mv.new,
                        100.0 * mv.after
                    ),
                    format!("{FLOOR_NOTE}: {}", command_line(o, share)),
                ];
                text = set_in_place(&text, mv.filter, mv.key, mv.new, &lines);
                continue;
            }
            let note = [
                format!(
                    "{NOTE}: {} dropped {:.1}% of {n} clean documents of {}; {} drops {:.1}% (at most {:.1}% allowed)",
                    mv.old,
                    100.0 * mv.before,
                    sample_names(o),
                    mv.new,
                    100.0 * mv.after,
                    100.0 * share
                ),
                format!("{NOTE}: {}", command_line(o, share)),
            ];
            let mut lines = note.to_vec();
            if let Some(s) = &o.sample_note {
                lines.insert(1, format!("{NOTE}: sample: {s}"));
            }
            text = set_in_place(&text, mv.filter, mv.key, mv.new, &lines);
        }
        crate::io::atomic::write_file(&path, text.as_bytes())?;
        Langs::load(&o.langs_dir).with_context(|| format!("{} no longer parses", path.display()))?;
    }
    Ok(y)
}

/// The loosest-needed value: drops at most `allowed` of the sorted
/// `values`, rounded outward to three significant digits.
fn relaxed(values: &[f64], bound: Bound, allowed: usize) -> f64 {
    let n = values.len();
    let (exact, up) = match bound {
        // values below the threshold fail: the (allowed+1)-th smallest passes
        Bound::Min => (values[allowed.min(n - 1)], false),
        Bound::Max => (values[n - 1 - allowed.min(n - 1)], true),
    };
    let rounded = round3(exact, up);
    let fails = |t: f64| {
        values
            .iter()
            .filter(|&&v| if bound == Bound::Min { v < t } else { v > t })
            .count()
    };
    if fails(rounded) <= allowed {
        rounded
    } else {
        exact
    }
}

/// Three significant digits, rounded up or down.
fn round3(x: f64, up: bool) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let mag = 10f64.powi(2 - x.abs().log10().floor() as i32);
    let scaled = x * mag;
    // a value that is already three digits must not move by float noise
    let r = if (scaled - scaled.round()).abs() < 1e-9 {
        scaled.round()
    } else if up {
        scaled.ceil()
    } else {
        scaled.floor()
    };
    r / mag
}

fn sample_names(o: &Options) -> String {
    let files: Vec<String> = o
        .inputs
        .iter()
        .map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned())
        .collect();
    let order = match o.shuffle {
        0 => String::new(),
        1 => ", lines in one seeded random order".into(),
        k => format!(", lines in {k} seeded random orders"),
    };
    if o.group > 1 {
        format!("{} ({} lines each{order})", files.join(", "), o.group)
    } else {
        files.join(", ")
    }
}

fn command_line(o: &Options, share: f64) -> String {
    let inputs: Vec<String> = o.inputs.iter().map(|p| p.display().to_string()).collect();
    format!(
        "eurocurate langs calibrate --lang {} {} --group {} --shuffle {} --max-drop {}{} --write",
        o.lang,
        inputs.join(" "),
        o.group,
        o.shuffle,
        share,
        if o.repetition_floor { " --repetition-floor" } else { "" }
    )
}

/// Gopher's published value of a `gopher_repetition` key: the filter's
/// built-in default (datatrove's `GopherRepetitionFilter` defaults).
fn gopher_floor(key: &str) -> Option<f64> {
    let builtin = serde_json::to_value(GopherRepetition::default()).ok()?;
    builtin.get(key)?.as_f64()
}

/// `text` with `quality.<filter>.<key>` set to `value` and `note` written
/// above it (replacing an earlier note), everything else as it was. The
/// key is added to its filter's section (and the section to `quality:`)
/// when the file does not set it yet.
fn set_in_place(text: &str, filter: &str, key: &str, value: f64, note: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let body: Vec<String> = note
        .iter()
        .map(|c| format!("    {c}"))
        .chain(std::iter::once(format!("    {key}: {value}")))
        .collect();
    let Some(q) = lines.iter().position(|l| l.trim_end() == "quality:") else {
        lines.push("quality:".into());
        lines.push(format!("  {filter}:"));
        lines.extend(body);
        return lines.join("\n") + "\n";
    };
    // the quality block ends at the next line at column 0 that is not blank
    let end_of = |from: usize, min_indent: usize, lines: &[String]| {
        (from..lines.len())
            .find(|&i| !lines[i].trim().is_empty() && indent(&lines[i]) < min_indent)
            .unwrap_or(lines.len())
    };
    let q_end = end_of(q + 1, 1, &lines);
    let header = format!("  {filter}:");
    let Some(h) = (q + 1..q_end).find(|&i| lines[i].trim_end() == header) else {
        let mut insert = vec![header];
        insert.extend(body);
        lines.splice(q + 1..q + 1, insert);
        return lines.join("\n") + "\n";
    };
    let s_end = end_of(h + 1, 4, &lines);
    let prefix = format!("{key}:");
    match (h + 1..s_end).find(|&i| indent(&lines[i]) == 4 && lines[i].trim_start().starts_with(&prefix)) {
        Some(k) => {
            let mut first = k;
            while first > h + 1 && {
                let l = lines[first - 1].trim_start();
                l.starts_with(NOTE) || l.starts_with(FLOOR_NOTE)
            } {
                first -= 1;
            }
            lines.splice(first..=k, body);
        }
        None => {
            // before trailing blank lines of the section
            let mut at = s_end;
            while at > h + 1 && lines[at - 1].trim().is_empty() {
                at -= 1;
            }
            lines.splice(at..at, body);
        }
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "iso: sv\n# head\nquality:\n  gopher_repetition:\n    dup_line_frac: 0.292\n  gopher_quality:\n    max_non_alpha_words_ratio: 0.841\n    min_stop_words: 2\n\n# --- rules\nrules: {}\n";

    #[test]
    fn a_moved_key_is_rewritten_in_place_with_its_note() {
        let out = set_in_place(
            FILE,
            "gopher_quality",
            "max_non_alpha_words_ratio",
            0.77,
            &["# clean-keep: why".into()],
        );
        assert!(out.contains(
            "  gopher_quality:\n    # clean-keep: why\n    max_non_alpha_words_ratio: 0.77\n    min_stop_words: 2\n"
        ));
        // a rerun replaces the note instead of stacking a second one
        let again = set_in_place(
            &out,
            "gopher_quality",
            "max_non_alpha_words_ratio",
            0.75,
            &["# clean-keep: again".into()],
        );
        assert_eq!(again.matches("# clean-keep").count(), 1, "{again}");
        assert!(again.contains("    # clean-keep: again\n    max_non_alpha_words_ratio: 0.75\n"));
        assert!(again.ends_with("# --- rules\nrules: {}\n"));
    }

    #[test]
    fn a_key_or_section_the_file_lacks_is_added_inside_quality() {
        let out = set_in_place(
            FILE,
            "gopher_repetition",
            "dup_5_gram",
            0.2,
            &["# clean-keep: n".into()],
        );
        assert!(out.contains("    dup_line_frac: 0.292\n    # clean-keep: n\n    dup_5_gram: 0.2\n  gopher_quality:"));
        let out = set_in_place(FILE, "fineweb_quality", "line_punct_thr", 0.1, &[]);
        assert!(out.contains("quality:\n  fineweb_quality:\n    line_punct_thr: 0.1\n  gopher_repetition:"));
        let parsed: serde_json::Value = serde_saphyr::from_str(&out).unwrap();
        assert_eq!(
            parsed["quality"]["fineweb_quality"]["line_punct_thr"].as_f64(),
            Some(0.1)
        );
    }

    #[test]
    fn the_relaxed_value_drops_at_most_the_allowed_documents() {
        let values: Vec<f64> = (0..100).map(|i| 0.7 + 0.003 * i as f64).collect();
        // a minimum: one document (the lowest) may fall below
        let t = relaxed(&values, Bound::Min, 1);
        assert_eq!(values.iter().filter(|&&v| v < t).count(), 1, "{t}");
        assert_eq!(t, 0.703);
        // a maximum: the highest may lie above
        let t = relaxed(&values, Bound::Max, 1);
        assert!(values.iter().filter(|&&v| v > t).count() <= 1, "{t}");
        assert_eq!(relaxed(&values, Bound::Min, 0), 0.7);
    }

    #[test]
    fn the_floor_is_gophers_published_value() {
        // MassiveText table A1, as datatrove's GopherRepetitionFilter defaults
        assert_eq!(gopher_floor("dup_line_frac"), Some(0.3));
        assert_eq!(gopher_floor("top_2_gram"), Some(0.2));
        assert_eq!(gopher_floor("top_4_gram"), Some(0.16));
        assert_eq!(gopher_floor("dup_5_gram"), Some(0.15));
        assert_eq!(gopher_floor("dup_10_gram"), Some(0.1));
    }
}
