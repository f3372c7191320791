//! The last resort when the rule-based cascade finds too little
//! (trafilatura's `baseline`): the text a page embeds for machines
//! (schema.org JSON-LD article bodies, recipe and how-to steps, FAQ
//! answers), else its `<article>` elements, else every paragraph, else a
//! product or video description, else all the body's text. Pages rendered
//! by script often carry their article only in JSON-LD.

use serde_json::Value;

use super::blocks::{is_block_tag, Block, BlockKind};
use super::dom::{push_collapsed, Dom};
use super::meta::json_ld_block;
use super::prune::Page;

/// A tier is taken when it holds more than this many characters
/// (trafilatura's `_MIN_CONTENT_LENGTH`).
const MIN_CONTENT: usize = 100;
/// Repeats longer than this are an artefact (a paragraph nested in its
/// quote, a JSON-LD block embedded twice); shorter ones may be content.
const MIN_DUPLICATE: usize = 50;

/// The page's best baseline text, one block per paragraph; empty when
/// every tier is empty.
pub(crate) fn extract(page: &Page) -> Vec<Block> {
    let dom = &page.dom;
    let (bodies, teasers) = json_content(dom);
    let to_blocks = |texts: Vec<String>| -> Vec<Block> {
        texts
            .into_iter()
            .map(|text| Block {
                text,
                kind: BlockKind::Paragraph,
                link_chars: 0,
                owner: page.body,
                pos: page.body,
            })
            .collect()
    };
    if let Some(texts) = attempt(bodies.iter().map(|t| render(t)), true) {
        return to_blocks(texts);
    }
    let skip = page.basic_cleaning(false);
    // Articles: a dominant one relegates much smaller ones (teasers) to
    // noise; similar-sized ones (forum posts) are all content.
    let articles: Vec<(usize, usize)> = outermost(dom, &skip, page.body, |t| t == "article")
        .map(|i| (i, spaced_text(dom, &skip, i).chars().count()))
        .filter(|&(_, n)| n > MIN_CONTENT)
        .collect();
    if let Some(longest) = articles.iter().map(|a| a.1).max() {
        return articles
            .into_iter()
            .filter(|a| a.1 * 5 >= longest)
            .flat_map(|(i, _)| page.collect(i, &skip))
            .collect();
    }
    let paragraphs = outermost(dom, &skip, page.body, |t| {
        matches!(t, "blockquote" | "code" | "p" | "pre" | "q")
    })
    .map(|i| spaced_text(dom, &skip, i));
    if let Some(texts) = attempt(paragraphs, true) {
        return to_blocks(texts);
    }
    // Everything else a reader sees, short of navigation, forms and media.
    let all = page.collect(page.body, &page.basic_cleaning(true));
    match attempt(teasers.iter().map(|t| render(t)), true) {
        Some(t)
            if t.iter().map(|s| s.chars().count()).sum::<usize>()
                > all.iter().map(|b| b.text.chars().count()).sum() =>
        {
            to_blocks(t)
        }
        _ => all,
    }
}

/// The non-empty texts, long repeats dropped when `dedupe`, if together
/// they exceed [`MIN_CONTENT`].
fn attempt(texts: impl Iterator<Item = String>, dedupe: bool) -> Option<Vec<String>> {
    let mut kept: Vec<String> = Vec::new();
    let mut joined = String::new();
    for text in texts {
        if text.is_empty() || (dedupe && text.len() > MIN_DUPLICATE && joined.contains(&text)) {
            continue;
        }
        joined.push('\n');
        joined.push_str(&text);
        kept.push(text);
    }
    let chars: usize = kept.iter().map(|t| t.chars().count()).sum::<usize>() + kept.len().saturating_sub(1);
    (chars > MIN_CONTENT).then_some(kept)
}

/// Elements matching `want` under `root` that are not inside a skipped
/// subtree or another match, in page order.
fn outermost<'d>(
    dom: &'d Dom,
    skip: &'d [bool],
    root: usize,
    want: impl Fn(&str) -> bool + 'd,
) -> impl Iterator<Item = usize> + 'd {
    let end = dom.nodes[root].end as usize;
    let mut i = root + 1;
    std::iter::from_fn(move || {
        while i < end {
            let n = &dom.nodes[i];
            if skip[i] {
                i = n.end as usize;
            } else if !n.tag.is_empty() && want(n.tag) {
                let found = i;
                i = n.end as usize;
                return Some(found);
            } else {
                i += 1;
            }
        }
        None
    })
}

/// Whitespace-collapsed text of `i`, with block boundaries and `<br>`
/// spaced so minified markup does not glue words together.
fn spaced_text(dom: &Dom, skip: &[bool], i: usize) -> String {
    let mut out = String::new();
    let mut stack: Vec<usize> = Vec::new();
    let end = dom.nodes[i].end as usize;
    let mut j = i;
    while j < end {
        while stack.last().is_some_and(|&e| e <= j) {
            stack.pop();
            out.push(' ');
        }
        let n = &dom.nodes[j];
        if skip[j] {
            j = n.end as usize;
            continue;
        }
        if n.tag.is_empty() {
            push_collapsed(&mut out, n.text);
        } else if is_block_tag(n.tag) || matches!(n.tag, "br" | "td" | "th" | "form" | "nav" | "figure") {
            out.push(' ');
            stack.push(n.end as usize);
        }
        j += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Full texts and teaser descriptions the page's JSON-LD carries, in page
/// order.
fn json_content(dom: &Dom) -> (Vec<String>, Vec<String>) {
    let (mut bodies, mut teasers) = (Vec::new(), Vec::new());
    for i in 0..dom.nodes.len() {
        if let Some(v) = json_ld_block(dom, i) {
            walk_json(&v, &mut bodies, &mut teasers, 0);
        }
    }
    (bodies, teasers)
}

fn as_list(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(a)) => a,
        Some(v) => std::slice::from_ref(v),
        None => &[],
    }
}

/// schema.org text properties of one JSON-LD node (or list of nodes),
/// following `@graph` and `mainEntity`.
fn walk_json(v: &Value, bodies: &mut Vec<String>, teasers: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    for item in as_list(Some(v)) {
        let Value::Object(o) = item else { continue };
        for key in ["articleBody", "reviewBody"] {
            if let Some(text) = o.get(key).and_then(Value::as_str).filter(|t| !t.is_empty()) {
                bodies.push(text.to_string());
            }
        }
        // Recipe and how-to steps: strings, or objects with `text`, maybe
        // one `itemListElement` level down.
        for key in ["recipeInstructions", "step"] {
            for step in as_list(o.get(key)) {
                match step {
                    Value::String(s) => bodies.push(s.clone()),
                    Value::Object(s) => {
                        let subs = std::iter::once(step).chain(as_list(s.get("itemListElement")));
                        bodies.extend(
                            subs.filter_map(|x| x.get("text").and_then(Value::as_str))
                                .map(String::from),
                        );
                    }
                    _ => {}
                }
            }
        }
        if let Some(answer) = o
            .get("acceptedAnswer")
            .and_then(|a| a.get("text"))
            .and_then(Value::as_str)
        {
            bodies.push(answer.to_string());
        }
        let kind = o.get("@type").map(Value::to_string).unwrap_or_default();
        if kind.contains("Product") || kind.contains("VideoObject") {
            if let Some(d) = o.get("description").and_then(Value::as_str) {
                teasers.push(d.to_string());
            }
        }
        for container in ["@graph", "mainEntity"] {
            if let Some(inner) = o.get(container) {
                walk_json(inner, bodies, teasers, depth + 1);
            }
        }
    }
}

/// Text of a JSON-LD value, which may hold (entity-escaped) HTML.
fn render(raw: &str) -> String {
    let mut text = raw.to_string();
    // Entities first (`&lt;p&gt;` is markup written twice), then markup.
    for _ in 0..2 {
        if !text.contains('<') && !text.contains('&') {
            break;
        }
        let fragment = super::dom::parse_fragment(&text);
        let fdom = Dom::new(&fragment);
        let none = vec![false; fdom.nodes.len()];
        text = spaced_text(&fdom, &none, 0);
        if !text.contains('<') {
            break;
        }
    }
    let mut out = String::new();
    push_collapsed(&mut out, &text);
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::{dom, Options};

    fn baseline_of(html: &str) -> Vec<String> {
        let parsed = dom::parse(html);
        let page = Page::new(Dom::new(&parsed), Options::default());
        extract(&page).into_iter().map(|b| b.text).collect()
    }

    #[test]
    fn json_ld_how_to_steps_and_escaped_markup() {
        let steps = "Miss den Durchmesser des Tisches und gib auf jeder Seite die gewünschte Überhanglänge dazu.";
        let html = format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"HowTo","step":[{{"@type":"HowToStep","text":"&lt;p&gt;{steps}&lt;/p&gt;"}},{{"@type":"HowToStep","text":"Schneide den Stoff zu einem Kreis."}}]}}</script></head><body><div>Menü</div></body></html>"#
        );
        assert_eq!(baseline_of(&html), [steps, "Schneide den Stoff zu einem Kreis."]);
    }

    #[test]
    fn json_ld_graph_article_body_once() {
        let body =
            "Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen, nach einer langen Debatte.";
        let block = format!(
            r#"<script type="application/ld+json">{{"@graph":[{{"@type":"NewsArticle","articleBody":"{body}"}}]}}</script>"#
        );
        let html = format!("<html><head>{block}{block}</head><body><p>kurz</p></body></html>");
        assert_eq!(baseline_of(&html), [body]);
    }

    #[test]
    fn dominant_article_over_teasers_then_paragraphs() {
        let long = "Ein langer Artikeltext über die Renovierung der Stadtbibliothek. ".repeat(12);
        let teaser = "Ein kurzer Anreißer zu einem anderen Beitrag auf der Seite.".repeat(2);
        let html = format!(
            "<html><body><article><h1>Titel</h1><div>{long}</div></article><article><p>{teaser}</p></article><footer><p>{long}</p></footer></body></html>"
        );
        let got = baseline_of(&html);
        assert_eq!(got, ["Titel", long.trim()]);
        let html = format!("<html><body><div><p>{long}</p><blockquote><p>{teaser}</p></blockquote></div><aside><p>{long}x</p></aside></body></html>");
        assert_eq!(baseline_of(&html), [long.trim().to_string(), teaser]);
    }

    #[test]
    fn whole_body_when_nothing_else() {
        let html = "<html><body><div>Öffnungszeiten</div><div>Montag bis Freitag von acht bis achtzehn Uhr, Samstag von neun bis vierzehn Uhr, Sonntag geschlossen.</div><div id=cookie-banner>Wir verwenden Cookies.</div></body></html>";
        assert_eq!(
            baseline_of(html),
            [
                "Öffnungszeiten",
                "Montag bis Freitag von acht bis achtzehn Uhr, Samstag von neun bis vierzehn Uhr, Sonntag geschlossen."
            ]
        );
        assert!(baseline_of("<html><body><nav>Start Über uns</nav></body></html>").is_empty());
    }
}
