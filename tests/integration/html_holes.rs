//! No holes in sentences: boilerplate rules prune blocks, never an inline
//! element inside a block that is kept ("Valitse , napsauta -välilehteä"
//! from a help page whose menu names sit in `<span class="menuitem">`).
//!
//! The checker parses every page itself with scraper (html5ever's tree
//! builder with its defaults, not the extractor's prepared markup and flat
//! tree). Each run of inline content between block boundaries (any element
//! that is not phrasing content, and `<br>`) is a line. For every inline
//! element inside one line with text of its own and words on both sides,
//! the last two words before it and the first two after it are joined once
//! without the element's text (the hole) and once with it; the extracted
//! text has a hole when it holds the first and not the second, and a
//! spacing error when it holds the second only with its spaces changed
//! (words glued to or split from the element's text). Excluded,
//! and why (the same list as `benches/html_holes.py`, which counts holes
//! on trafilatura's evaluation corpus):
//! - footnote and reference markers (`<sup>`, links reading as a number
//!   or `[n]`, footnote/reference classes): not words of the sentence;
//! - hidden elements (`hidden`, `aria-hidden="true"`, `display:none`,
//!   `visibility:hidden`, on the element or above it): never seen;
//! - `<script>`, `<style>`, `<template>`, `<noscript>`: not rendered text;
//! - form controls and embedded content with fallback text (`<select>`,
//!   `<option>`, `<textarea>`, `<input>`, `<iframe>`, `<object>`,
//!   `<video>`, `<audio>`, `<canvas>`, `<svg>`, `<math>`, `<img>`, ruby
//!   annotations): what a reader sees there is not that text.

use std::io::Read;

use ego_tree::iter::Edge;
use eurocurate::html::{extract, Options};
use scraper::{ElementRef, Html, Node};

const CHECKED: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "time", "tt", "u",
    "var", "button", "output",
];
const UNRENDERED: &[&str] = &["script", "style", "template", "noscript", "title", "head"];
const OPAQUE: &[&str] = &[
    "sup", "select", "option", "optgroup", "datalist", "textarea", "input", "iframe", "object", "embed", "video",
    "audio", "canvas", "svg", "math", "img", "rt", "rp", "rtc", "picture", "map", "wbr", "param", "source", "track",
];

fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{ad}' | '\u{200b}' | '\u{2060}' | '\u{feff}'))
        .collect()
}

fn norm(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hidden(e: &ElementRef) -> bool {
    let el = e.value();
    let style = el.attr("style").unwrap_or("").replace(' ', "").to_ascii_lowercase();
    el.attr("hidden").is_some()
        || el.attr("aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || style.contains("display:none")
        || style.contains("visibility:hidden")
}

fn footnote(e: &ElementRef, text: &str) -> bool {
    let t = text.trim();
    let marker = {
        let inner = t.trim_matches(|c: char| !c.is_alphanumeric());
        (!inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| c.is_ascii_digit()))
            || (t.starts_with('[') && t.ends_with(']') && t.chars().count() <= 6)
            || (!t.is_empty() && t.chars().all(|c| c == '*'))
    };
    if e.value().name() == "a" && marker {
        return true;
    }
    let names = format!(
        "{} {}",
        e.value().attr("class").unwrap_or(""),
        e.value().attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    ["foot", "fn", "note", "ref", "cite"].iter().any(|k| names.contains(k)) && t.chars().count() <= 4
}

enum Piece<'a> {
    Text(String),
    Start(ElementRef<'a>),
    End(ElementRef<'a>),
}

/// The page's lines, as pieces of text and element starts and ends.
fn lines(page: &Html) -> Vec<Vec<Piece<'_>>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    // Depth inside an element whose content is left out.
    let mut muted: Vec<ego_tree::NodeId> = Vec::new();
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(n) => {
                if !muted.is_empty() {
                    continue;
                }
                match n.value() {
                    Node::Text(t) => cur.push(Piece::Text(t.to_string())),
                    Node::Element(el) => {
                        let e = ElementRef::wrap(n).expect("element");
                        let name = el.name();
                        if UNRENDERED.contains(&name) || OPAQUE.contains(&name) || hidden(&e) {
                            muted.push(n.id());
                        } else if name == "br" {
                            out.push(std::mem::take(&mut cur));
                        } else if CHECKED.contains(&name) {
                            cur.push(Piece::Start(e));
                        } else {
                            out.push(std::mem::take(&mut cur));
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if muted.last() == Some(&n.id()) {
                    muted.pop();
                    continue;
                }
                if !muted.is_empty() {
                    continue;
                }
                if let Node::Element(el) = n.value() {
                    let e = ElementRef::wrap(n).expect("element");
                    if CHECKED.contains(&el.name()) {
                        cur.push(Piece::End(e));
                    } else if el.name() != "br" {
                        out.push(std::mem::take(&mut cur));
                    }
                }
            }
        }
    }
    out.push(cur);
    out
}

fn tail_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return String::new();
    }
    let mut s = words[words.len().saturating_sub(n)..].join(" ");
    if text.ends_with(char::is_whitespace) {
        s.push(' ');
    }
    s
}

fn head_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return String::new();
    }
    let mut s = String::new();
    if text.starts_with(char::is_whitespace) {
        s.push(' ');
    }
    s.push_str(&words[..n.min(words.len())].join(" "));
    s
}

/// (hole, full) for every checked inline element of a page.
fn probes(html: &str) -> Vec<(String, String)> {
    let page = Html::parse_document(html);
    let mut out = Vec::new();
    for line in lines(&page) {
        let texts: Vec<Option<String>> = line
            .iter()
            .map(|p| match p {
                Piece::Text(t) => Some(clean(t)),
                _ => None,
            })
            .collect();
        let join = |r: std::ops::Range<usize>| texts[r].iter().flatten().cloned().collect::<String>();
        for (k, piece) in line.iter().enumerate() {
            let Piece::End(e) = piece else { continue };
            let Some(s) = line
                .iter()
                .position(|p| matches!(p, Piece::Start(x) if x.id() == e.id()))
            else {
                continue;
            };
            let inner = join(s..k);
            if inner.trim().is_empty() || footnote(e, &inner) {
                continue;
            }
            let (before, after) = (join(0..s), join(k + 1..line.len()));
            if before.trim().is_empty() || after.trim().is_empty() {
                continue;
            }
            let (b, a) = (tail_words(&before, 2), head_words(&after, 2));
            let (hole, full) = (norm(&format!("{b}{a}")), norm(&format!("{b}{inner}{a}")));
            if hole.split(' ').count() >= 2 && hole != full {
                out.push((hole, full));
            }
        }
    }
    out
}

/// The holes of one page's extracted text.
fn holes(html: &str, text: &str) -> Vec<(String, String)> {
    let text = norm(text);
    probes(html)
        .into_iter()
        .filter(|(hole, full)| text.contains(hole.as_str()) && !text.contains(full.as_str()))
        .collect()
}

/// Inline elements whose sentence is in the extracted text only with its
/// spaces changed at the element's edges (words glued or split).
fn spacing_errors(html: &str, text: &str) -> Vec<String> {
    let text = norm(text);
    let glued: String = text.split_whitespace().collect();
    probes(html)
        .into_iter()
        .filter(|(_, full)| {
            !text.contains(full.as_str()) && glued.contains(&full.split_whitespace().collect::<String>())
        })
        .map(|(_, full)| full)
        .collect()
}

/// HTTP response bodies of a WARC file: (url, content type, body).
pub(crate) fn warc_responses(path: &std::path::Path) -> Vec<(String, String, Vec<u8>)> {
    let mut data = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut data)
        .unwrap();
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(h) = find(&data[at..], b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&data[at..at + h]).to_string();
        let header = |name: &str| {
            head.lines()
                .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)))
                .map(|(_, v)| v.trim().to_string())
        };
        let len: usize = header("Content-Length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let start = at + h + 4;
        let block = &data[start..(start + len).min(data.len())];
        if header("WARC-Type").as_deref() == Some("response") {
            if let Some(b) = find(block, b"\r\n\r\n") {
                let http = String::from_utf8_lossy(&block[..b]).to_string();
                let ct = http
                    .lines()
                    .find_map(|l| {
                        l.split_once(':')
                            .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                    })
                    .map(|(_, v)| v.trim().to_string())
                    .unwrap_or_default();
                out.push((
                    header("WARC-Target-URI").unwrap_or_default(),
                    ct,
                    block[b + 4..].to_vec(),
                ));
            }
        }
        at = start + len;
        while at < data.len() && matches!(data[at], b'\r' | b'\n') {
            at += 1;
        }
    }
    out
}

#[test]
fn no_holes_in_the_fixture_pages() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/web-pages.warc.gz");
    let (mut pages, mut checked, mut found) = (0, 0, Vec::new());
    for (url, ct, body) in warc_responses(&path) {
        if !ct.contains("html") {
            continue;
        }
        let Some((html, _, _)) = eurocurate::io::charset::decode(&body, &ct, Some(&url)) else {
            continue;
        };
        let got = extract(&html, &Options::default());
        if got.text.is_empty() {
            continue;
        }
        pages += 1;
        checked += probes(&html).len();
        found.extend(
            holes(&html, &got.text)
                .into_iter()
                .map(|h| format!("{url}: hole {h:?}")),
        );
        found.extend(
            spacing_errors(&html, &got.text)
                .into_iter()
                .map(|f| format!("{url}: spacing {f:?}")),
        );
    }
    eprintln!(
        "{pages} pages, {checked} inline elements checked, {} holes or spacing errors",
        found.len()
    );
    assert!(pages >= 6 && checked > 100, "{pages} pages, {checked} checked");
    assert!(found.is_empty(), "{} holes:\n{}", found.len(), found.join("\n"));
}

/// Help pages and news pages as the issue met them: menu names, UI labels
/// and dates in classed spans and inline elements inside kept paragraphs.
#[test]
fn inline_boilerplate_classes_keep_the_sentence_whole() {
    let filler = "<p>Tämä ohje kertoo, miten automaattinen korjaus otetaan käyttöön ja miten sen asetuksia muutetaan \
                  kirjoittaessa asiakirjaa, taulukkoa tai esitystä toimisto-ohjelmistossa.</p>";
    let cases = [
        (
            "<p>Valitse <span class=\"menuitem\">Työkalut - Automaattisen korjauksen asetukset</span>, napsauta \
             <span class=\"menuitem\">Asetukset</span>-välilehteä ja valitse haluamasi kohdat.</p>",
            "Valitse Työkalut - Automaattisen korjauksen asetukset, napsauta Asetukset-välilehteä ja valitse \
             haluamasi kohdat.",
        ),
        (
            "<p>Επιλέξτε <span class=\"menuitem\">Εργαλεία - Επιλογές αυτόματης διόρθωσης</span> και πατήστε \
             <span class=\"button\">Εντάξει</span> για να κλείσει.</p>",
            "Επιλέξτε Εργαλεία - Επιλογές αυτόματης διόρθωσης και πατήστε Εντάξει για να κλείσει.",
        ),
        (
            "<p>Zvolte <span class=\"nav-item\">Nástroje - Možnosti automatických oprav</span> a na kartě \
             <span class=\"tab-share-label\">Možnosti</span> zaškrtněte <label>Nahrazovat</label> a potvrďte \
             <button>OK</button> tlačítkem.</p>",
            "Zvolte Nástroje - Možnosti automatických oprav a na kartě Možnosti zaškrtněte Nahrazovat a potvrďte OK \
             tlačítkem.",
        ),
        (
            "<p>Die Sitzung am <time datetime=\"2024-05-03\">3. Mai</time> wurde vom \
             <span class=\"author-name\">Vorsitzenden</span> eröffnet, der <ins>ausdrücklich</ins> dankte.</p>",
            "Die Sitzung am 3. Mai wurde vom Vorsitzenden eröffnet, der ausdrücklich dankte.",
        ),
    ];
    for (para, want) in cases {
        let page = format!(
            "<html><body><nav><a href=/>Etusivu</a></nav><article>{filler}{para}{filler}</article>\
             <footer>© 2024</footer></body></html>"
        );
        let got = extract(&page, &Options::default());
        assert!(norm(&got.text).contains(&norm(want)), "{want}\n---\n{}", got.text);
        assert!(holes(&page, &got.text).is_empty(), "{}", got.text);
    }
    // Hidden inline text and chrome at the edge of a line still go.
    let page = format!(
        "<html><body><article>{filler}<p>Lue <span style=\"display:none\">piilotettu</span> lisää \
         <span class=\"share-buttons\">Jaa</span></p><div class=\"share\"><span>Jaa</span> Facebook</div>{filler}\
         </article></body></html>"
    );
    let got = extract(&page, &Options::default());
    assert!(
        !got.text.contains("piilotettu") && got.text.contains("Lue lisää"),
        "{}",
        got.text
    );
    assert!(!got.text.contains("Facebook"), "{}", got.text);
}

#[test]
fn the_checker_finds_a_hole() {
    let page = "<p>Valitse <span class=menuitem>Työkalut</span>, napsauta <b>Asetukset</b> nyt.</p>";
    assert_eq!(holes(page, "Valitse , napsauta Asetukset nyt.").len(), 1);
    assert!(holes(page, "Valitse Työkalut, napsauta Asetukset nyt.").is_empty());
    assert_eq!(
        spacing_errors(page, "Valitse Työkalut, napsauta Asetuksetnyt.").len(),
        1
    );
    assert!(spacing_errors(page, "Valitse Työkalut, napsauta Asetukset nyt.").is_empty());
    // Footnote markers and hidden spans are not holes.
    let page = "<p>Lause jossa viite<sup>1</sup> ja <span aria-hidden=true>x</span> loppu.</p>";
    assert!(probes(page).is_empty());
}
