//! Template stability: the same article body under three site templates
//! (semantic article, div soup, table layout) gives the same text after
//! whitespace normalisation. Near-duplicate pages that differ only by their
//! template must stay near-duplicates for `minhash_dedup`.
//!
//! The bodies are real articles from trafilatura's evaluation corpus in
//! nine languages (fixtures/html-templates/, made by
//! `benches/html_template_bodies.py`: the six languages of
//! fixtures/web-pages.warc.gz plus Finnish, Hungarian and Portuguese). Each
//! template carries what real sites carry: a navigation of short link
//! headings, a related-links sidebar, a cookie banner, a comment section
//! and a footer.

use eurocurate::html::{extract, Options};
use scraper::{Html, Selector};

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Site chrome, in the page's language as far as sites bother.
const NAV: &[&str] = &[
    "Startseite",
    "Politik",
    "Wirtschaft",
    "Kultur",
    "Sport",
    "Wissen",
    "Reise",
    "Video",
];
const RELATED: &[&str] = &[
    "Zehn Dinge, die Sie über den neuen Fahrplan wissen sollten",
    "Interview: Warum die Stadt ihre Bibliotheken länger öffnet",
    "Analyse der Landtagswahl in drei Grafiken erklärt",
    "Leserbriefe der Woche zu Verkehr, Schule und Wohnen",
];
const COOKIE: &str = "We use cookies to give you the best experience on our website. By continuing to browse you \
                      agree to our use of cookies.";
const COMMENTS: &[&str] = &[
    "Toller Artikel, vielen Dank für die ausführliche Recherche zu diesem Thema!",
    "Ich sehe das etwas anders, aber die Argumente sind gut dargestellt und nachvollziehbar.",
];
const FOOTER: &str = "© 2024 Beispielverlag GmbH. Alle Rechte vorbehalten.";

fn links(f: impl Fn(usize, &str) -> String, items: &[&str]) -> String {
    items.iter().enumerate().map(|(k, t)| f(k, t)).collect()
}

fn semantic(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body>\
         <header><a href=/ class=logo>Beispiel</a><nav><ul>{nav}</ul></nav></header>\
         <main><article><h1>{title}</h1><p class=byline>Von Redaktion · 3. Mai 2024</p>{body}\
         <div class=share><a href=/s/fb>Facebook</a> <a href=/s/tw>Twitter</a> <a href=/s/mail>E-Mail</a></div>\
         </article>\
         <aside class=related><h3>Mehr zum Thema</h3><ul>{related}</ul></aside>\
         <section id=comments><h3>2 Kommentare</h3>{comments}\
         <form><textarea></textarea><button>Senden</button></form></section></main>\
         <div class=cookie-banner><p>{COOKIE} <a href=/privacy>Privacy</a></p><button>OK</button></div>\
         <footer><p>{FOOTER}</p><a href=/impressum>Impressum</a> <a href=/kontakt>Kontakt</a></footer></body></html>",
        nav = links(|k, t| format!("<li><h3><a href=/r{k}>{t}</a></h3></li>"), NAV),
        related = links(|k, t| format!("<li><a href=/rel{k}>{t}</a></li>"), RELATED),
        comments = links(
            |k, t| format!("<article class=comment><p class=meta>Leser {k} schrieb:</p><p>{t}</p></article>"),
            COMMENTS
        ),
    )
}

fn div_soup(title: &str, body: &str) -> String {
    format!(
        "<html><head><title>{title}</title></head><body><div id=wrap><div class=top><div class=logo>\
         <a href=/>Beispiel</a></div><div class=topics>{nav}</div></div>\
         <div class=row><div class=col-8><div class=box><div class=headline><h2>{title}</h2></div>\
         <div class=info>Von Redaktion · 3. Mai 2024</div><div class=txt>{body}</div>\
         <div class=social><a href=/s/fb>Facebook</a> <a href=/s/tw>Twitter</a></div></div>\
         <div class=comments><div class=comments-title>2 Kommentare</div>{comments}</div></div>\
         <div class=col-4><div class=sidebar><div class=box-title>Mehr zum Thema</div>{related}</div></div></div>\
         <div id=cookie-notice><div>{COOKIE}</div><a href=/ok class=btn>OK</a></div>\
         <div id=footer><div>{FOOTER}</div><a href=/impressum>Impressum</a> | <a href=/kontakt>Kontakt</a></div>\
         </div></body></html>",
        nav = links(|k, t| format!("<h4><a href=/r{k}>{t}</a></h4>"), NAV),
        related = links(|k, t| format!("<div class=item><a href=/rel{k}>{t}</a></div>"), RELATED),
        comments = links(
            |k, t| format!("<div class=comment><div class=author>Leser {k}</div><div class=text>{t}</div></div>"),
            COMMENTS
        ),
    )
}

fn table_layout(title: &str, body: &str) -> String {
    format!(
        "<html><head><title>{title}</title></head><body bgcolor=#ffffff>\
         <table width=800 border=0 cellpadding=0 cellspacing=0>\
         <tr><td colspan=2><font size=5><b>Beispiel</b></font></td></tr>\
         <tr><td colspan=2 class=menu>{nav}</td></tr>\
         <tr><td width=180 valign=top class=sidebar><font size=2><b>Mehr zum Thema</b><br>{related}</font></td>\
         <td valign=top><font face=Arial><h1>{title}</h1>{body}</font>\
         <div id=comments><b>2 Kommentare</b>{comments}</div></td></tr>\
         <tr><td colspan=2><div id=cookie-law>{COOKIE} <a href=/ok>OK</a></div></td></tr>\
         <tr><td colspan=2 align=center class=footer><font size=1>{FOOTER} | <a href=/impressum>Impressum</a> | \
         <a href=/kontakt>Kontakt</a></font></td></tr></table></body></html>",
        nav = links(|k, t| format!("<h5><a href=/r{k}>{t}</a></h5>"), NAV),
        related = links(|k, t| format!("<a href=/rel{k}>{t}</a><br>"), RELATED),
        comments = links(|k, t| format!("<p><i>Leser {k}:</i> {t}</p>"), COMMENTS),
    )
}

/// The body's block texts (a list item without the lists nested in it),
/// from a parse of its own.
fn blocks_of(body: &str) -> Vec<String> {
    // A line break separates words, as it does in the extracted text.
    let frag = Html::parse_fragment(&body.replace("<br>", " ").replace("<br/>", " "));
    let sel = Selector::parse("h1, h2, h3, h4, p, li, blockquote").unwrap();
    let nested = Selector::parse("ul, ol").unwrap();
    frag.select(&sel)
        .map(|e| {
            let inner: Vec<_> = e
                .select(&nested)
                .flat_map(|l| l.text())
                .map(|t| t as *const str)
                .collect();
            let own: String = e.text().filter(|t| !inner.contains(&(*t as *const str))).collect();
            norm(&own)
        })
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn same_body_same_text_under_three_templates() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/html-templates");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    let mut langs = std::collections::BTreeSet::new();
    for path in &names {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let body = std::fs::read_to_string(path).unwrap();
        let blocks = blocks_of(&body);
        let title = "Ein Titel über dem Artikel";
        let texts: Vec<(&str, String, &str)> = [
            ("semantic", semantic(title, &body)),
            ("div soup", div_soup(title, &body)),
            ("table", table_layout(title, &body)),
        ]
        .into_iter()
        .map(|(t, page)| {
            let got = extract(&page, &Options::default());
            (t, norm(&got.text), got.method)
        })
        .collect();
        let mut ok = true;
        for (template, text, method) in &texts {
            let missing: Vec<&String> = blocks.iter().filter(|b| !text.contains(b.as_str())).collect();
            let chrome: Vec<&str> = [
                NAV[1],
                NAV[4],
                RELATED[0],
                RELATED[3],
                COMMENTS[0],
                COOKIE,
                FOOTER,
                "Impressum",
            ]
            .into_iter()
            .filter(|c| text.contains(&norm(c)))
            .collect();
            if !missing.is_empty() || !chrome.is_empty() {
                ok = false;
                failures.push(format!(
                    "{name} / {template} ({method}): {} of {} body blocks missing {:?}; chrome kept {chrome:?}",
                    missing.len(),
                    blocks.len(),
                    missing.iter().take(2).collect::<Vec<_>>()
                ));
            }
        }
        // The title sits in the template (h1/h2), so compare from the body on.
        let from_body = |t: &str| {
            t.find(blocks[0].as_str())
                .map(|k| t[k..].to_string())
                .unwrap_or_default()
        };
        let first = from_body(&texts[0].1);
        for (template, text, method) in &texts[1..] {
            if from_body(text) != first {
                ok = false;
                failures.push(format!(
                    "{name}: {template} ({method}) differs from semantic ({}):\n  {}\n  {}",
                    texts[0].2,
                    first.chars().take(300).collect::<String>(),
                    from_body(text).chars().take(300).collect::<String>()
                ));
            }
        }
        if ok {
            langs.insert(name.split('-').next().unwrap().to_string());
        }
    }
    eprintln!("identical under three templates: {langs:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(langs.len() >= 6, "{langs:?}");
}
