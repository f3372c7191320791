//! `c4_quality`: the C4 paper's line and page rules (Raffel et al. 2020), as
//! datatrove's `C4QualityFilter`: lines are kept only when they end in
//! terminal punctuation, have at least 3 words, no word over 1000
//! characters, no "javascript" and no cookie/terms-of-use phrase; a page with
//! "lorem ipsum" or a curly bracket in a kept line, or fewer than 5
//! sentences left, is dropped. With `remove_lines` (the reference's
//! behaviour) the surviving lines replace the text.

use super::{chars, quality_filter, ForLang, Measured};
use crate::document::Document;
use crate::stages::annotate::{FilterDecl, Threshold};
use crate::stages::Rejection;
use crate::stats::Counters;
use crate::text::chars::is_alphanumeric;
use crate::text::punct;
use crate::text::words::WordSplitter;

quality_filter! {
    kind: "c4_quality",
    layer: c4_quality,
    summary: "C4 line rules (terminal punctuation, JavaScript, cookie/terms lines, ≥ 3 words) and page rules (lorem ipsum, `{`, ≥ 5 sentences); removes failing lines.",
    config: C4QualityConfig,
    values: C4QualityValues,
    resolved: C4Quality,
    check: judge,
    filter: FILTER,
    fields {
        remove_lines: bool = true => "Replace the text by the lines that pass (false: decide only)",
        remove_citations: bool = true => "Strip [1], [edit], [citation needed] before the line checks",
        filter_no_terminal_punct: bool = true => "Drop lines not ending in terminal_punctuation (or ending in ...)",
        terminal_punctuation: Vec<String> = vec![".".into(), "?".into(), "!".into(), "\"".into(), "'".into()], shown "[., ?, !, \", ']" => "What a kept line ends with; langs/ adds closing quotes (» “ ”) and the Greek question mark",
        min_num_sentences: f64 = 5.0 => "Fewest sentences in the kept lines (0: off)",
        min_words_per_line: f64 = 3.0 => "Drop lines with fewer words (0: off)",
        max_word_length: f64 = 1000.0 => "Drop lines with a longer word, characters (0: off)",
        filter_lorem_ipsum: bool = true => "Drop pages with \"lorem ipsum\"",
        filter_javascript: bool = true => "Drop lines mentioning javascript",
        filter_curly_bracket: bool = true => "Drop pages with a curly bracket",
        filter_policy: bool = true => "Drop lines with cookie and terms-of-use phrases",
        policy_phrases: Vec<String> = vec!["terms of use".into(), "privacy policy".into(), "cookie policy".into(), "uses cookies".into(), "use of cookies".into(), "use cookies".into()], shown "[terms of use, privacy policy, cookie policy, uses cookies, use of cookies, use cookies]" => "Lowercase phrases of filter_policy (set per language in langs/)",
    }
}

/// What became of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub lines: usize,
    pub kept_lines: usize,
    pub sentences: usize,
    /// Set when the page is dropped.
    pub rejection: Option<Rejection>,
    pub text: String,
}

fn remove_citations(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('[') {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let digits = tail[1..].bytes().take_while(u8::is_ascii_digit).count();
        let skip = if tail[1 + digits..].starts_with(']') {
            2 + digits
        } else if tail.starts_with("[edit]") {
            6
        } else if tail.starts_with("[citation needed]") {
            17
        } else {
            out.push('[');
            1
        };
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out.into()
}

/// Sentences in `line` by spaCy's sentencizer rule: a sentence starts at
/// the first ordinary token after a sentence-ending one.
pub fn count_sentences(line: &str, words: &WordSplitter, tokens: &mut Vec<String>) -> usize {
    let mut toks = Vec::new();
    words.split(line, &mut toks);
    tokens.clear();
    if toks.is_empty() {
        return 0;
    }
    let ends = punct::sentence_end();
    let mut sentences = 1;
    let mut seen_end = false;
    for t in toks {
        let mut cs = t.chars();
        let single_end = matches!((cs.next(), cs.next()), (Some(c), None) if ends.contains(c));
        let is_punct = t.chars().all(|c| !is_alphanumeric(c));
        if seen_end && !is_punct && !single_end {
            sentences += 1;
            seen_end = false;
        } else if single_end {
            seen_end = true;
        }
    }
    sentences
}

/// What `mode: annotate` and `whatif` know of this filter: its one
/// document-level threshold. `lorem_ipsum` and `curly_bracket` are switches,
/// not thresholds, and the line rules rewrite the text (they apply in both
/// modes), so neither can be changed after the run.
pub const FILTER: FilterDecl = FilterDecl {
    thresholds: &[Threshold::min("too_few_sentences", "sentences", "min_num_sentences")],
    other_measures: &["lines", "kept_lines"],
    zero_is_off: true,
};

/// Applies the rules to `text`.
pub fn apply(text: &str, t: &C4Quality, words: &WordSplitter) -> Outcome {
    apply_counting(text, t, words, false)
}

/// [`apply`]; with `count_sentences` the sentences are counted even when
/// `min_num_sentences` is 0 (annotate mode records them).
pub fn apply_counting(text: &str, t: &C4Quality, words: &WordSplitter, count_sentences_anyway: bool) -> Outcome {
    let mut kept: Vec<String> = Vec::new();
    let mut sentences = 0;
    let mut scratch = Vec::new();
    let lines = super::python_splitlines(text);
    let mut out = Outcome {
        lines: lines.len(),
        kept_lines: 0,
        sentences: 0,
        rejection: None,
        text: String::new(),
    };
    for raw in lines {
        let line = raw.trim();
        let n_words = line.split_whitespace().count();
        if t.max_word_length != 0.0 && line.split_whitespace().any(|w| chars(w) as f64 > t.max_word_length) {
            continue;
        }
        let line = if t.remove_citations {
            remove_citations(line)
        } else {
            line.into()
        };
        let line: &str = &line;
        if t.filter_no_terminal_punct
            && (!t.terminal_punctuation.iter().any(|p| line.ends_with(p.as_str())) || line.ends_with("..."))
        {
            continue;
        }
        if (n_words as f64) < t.min_words_per_line {
            continue;
        }
        let lower = line.to_lowercase();
        if t.filter_lorem_ipsum && lower.contains("lorem ipsum") {
            out.rejection = Some(Rejection {
                reason: "lorem_ipsum".into(),
                detail: Some(format!("line: {}", clip(line))),
            });
            return out;
        }
        if t.filter_javascript && lower.contains("javascript") {
            continue;
        }
        if t.filter_curly_bracket && line.contains('{') {
            out.rejection = Some(Rejection {
                reason: "curly_bracket".into(),
                detail: Some(format!("line: {}", clip(line))),
            });
            return out;
        }
        if t.filter_policy && t.policy_phrases.iter().any(|p| lower.contains(p.as_str())) {
            continue;
        }
        if t.min_num_sentences != 0.0 || count_sentences_anyway {
            sentences += count_sentences(line, words, &mut scratch);
        }
        kept.push(line.to_string());
    }
    out.kept_lines = kept.len();
    out.sentences = sentences;
    out.text = kept.join("\n").trim().to_string();
    if t.min_num_sentences != 0.0 && (sentences as f64) < t.min_num_sentences {
        out.rejection = Some(Rejection {
            reason: "too_few_sentences".into(),
            detail: Some(format!(
                "sentences={sentences} < {} in {} of {} lines kept",
                super::num(t.min_num_sentences),
                kept.len(),
                out.lines
            )),
        });
        return out;
    }
    out
}

fn clip(s: &str) -> String {
    let mut c: String = s.chars().take(80).collect();
    if c.len() < s.len() {
        c.push('…');
    }
    c
}

/// Decides one document and, with `remove_lines`, rewrites its text.
pub fn check(doc: &mut Document, f: &ForLang<C4Quality>, counters: &mut Counters) -> Option<Rejection> {
    judge(doc, f, counters, &mut Measured::off())
}

/// [`check`], recording lines, kept lines and sentences into `sink`.
pub fn judge(
    doc: &mut Document,
    f: &ForLang<C4Quality>,
    counters: &mut Counters,
    sink: &mut Measured,
) -> Option<Rejection> {
    let o = apply_counting(&doc.text, &f.thresholds, &f.words, sink.on());
    counters.add("lines", o.lines as u64);
    sink.set("lines", o.lines as f64);
    // A page dropped for lorem ipsum or a bracket stops before its lines are
    // all seen: its line and sentence counts are unknown.
    if !matches!(&o.rejection, Some(r) if r.reason != "too_few_sentences") {
        sink.set("kept_lines", o.kept_lines as f64);
        sink.set("sentences", o.sentences as f64);
    }
    if let Some(mut r) = o.rejection {
        // Annotate mode keeps the page: with its lines removed, as a run
        // with a lower `min_num_sentences` would.
        if sink.on() && f.thresholds.remove_lines && r.reason == "too_few_sentences" {
            doc.text = o.text;
        }
        r.detail = r.detail.map(|d| format!("{d} ({})", f.lang));
        return Some(r);
    }
    counters.add("lines_removed", (o.lines - o.kept_lines) as u64);
    if f.thresholds.remove_lines {
        doc.text = o.text;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Outcome {
        apply(text, &C4Quality::default(), &WordSplitter::default())
    }

    #[test]
    fn keeps_punctuated_lines_and_counts_sentences() {
        let good = "The first sentence is here. A second one follows!\nWhy not a third one?\nFourth line ends well. Fifth too.";
        let o = run(&format!("Menu\nHome | About\n{good}\nShare on Facebook"));
        assert_eq!(o.rejection, None);
        assert_eq!(o.sentences, 5);
        assert_eq!(o.text, good);
        let o = run("Only one sentence here.");
        assert_eq!(o.rejection.unwrap().reason, "too_few_sentences");
    }

    #[test]
    fn page_and_line_rules() {
        let base = "One sentence here. Two sentences here. Three here. Four here. Five here.";
        assert_eq!(
            run(&format!("{base}\nLorem ipsum dolor sit amet."))
                .rejection
                .unwrap()
                .reason,
            "lorem_ipsum"
        );
        assert_eq!(
            run(&format!("{base}\nvar x = {{ a: 1 }};")).rejection,
            None,
            "no terminal punctuation: line dropped first"
        );
        assert_eq!(
            run(&format!("{base}\nThe object {{a}} is here."))
                .rejection
                .unwrap()
                .reason,
            "curly_bracket"
        );
        let o = run(&format!(
            "{base}\nPlease enable JavaScript to continue.\nThis site uses cookies, see more."
        ));
        assert_eq!(o.text, base);
        assert_eq!(
            remove_citations("Paris[1] is big[edit][citation needed]. [x]"),
            "Paris is big. [x]"
        );
        assert_eq!(run("Ends with dots... Really... Yes...").kept_lines, 0);
    }

    #[test]
    fn closing_quotes_end_lines_where_the_language_says_so() {
        let base = "One sentence here. Two sentences here. Three here. Four here. Five here.";
        let quoted = format!("{base}\n«Il a dit : c'est fini.»\n„Das ist gut.“");
        assert_eq!(run(&quoted).kept_lines, 1);
        let mut t = C4Quality::default();
        t.terminal_punctuation.extend(["»".to_string(), "“".to_string()]);
        assert_eq!(apply(&quoted, &t, &WordSplitter::default()).kept_lines, 3);
    }

    #[test]
    fn sentences_in_other_scripts() {
        let mut s = Vec::new();
        let w = WordSplitter::default();
        assert_eq!(count_sentences("Γεια σας. Τι κάνετε; Καλά!", &w, &mut s), 2);
        assert_eq!(count_sentences("Здравей. Как си? Добре!", &w, &mut s), 3);
        assert_eq!(count_sentences("U.S. law applies. Yes.", &w, &mut s), 2);
    }
}
