//! Readability's content scoring (Arc90, as readability-lxml and
//! trafilatura's fork of it do it): drop elements whose class or id says
//! "unlikely", turn `div`s used as paragraphs into paragraphs, let every
//! paragraph vote for its parent and grandparent with its length and
//! commas, tilt the vote by class/id and tag, discount it by link density,
//! take the winner with its strong siblings, and clean the result of link
//! lists, forms and image galleries. It answers "where is the bulk of the
//! prose" when markup-based container rules pick something too small, and
//! it reads the raw page: the container rules' boilerplate pruning does
//! not apply here.

use std::sync::LazyLock;

use regex::Regex;

use super::dom::{is_invisible, Dom};

static UNLIKELY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)combx|comment|community|disqus|extra|foot|header|menu|remark|rss|shoutbox|sidebar|sponsor|ad-break|agegate|pagination|pager|popup|tweet|twitter",
    )
    .expect("built-in pattern")
});
static MAYBE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)and|article|body|column|content|main|shadow").expect("built-in pattern"));
static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)article|body|content|entry|hentry|main|page|pagination|post|text|blog|story")
        .expect("built-in pattern")
});
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)button|combx|comment|com-|contact|figure|foot|footer|footnote|form|input|masthead|media|meta|outbrain|promo|related|scroll|shoutbox|sidebar|sponsor|shopping|tags|tool|widget",
    )
    .expect("built-in pattern")
});

/// Paragraphs shorter than this do not vote (trafilatura's
/// `min_text_length`).
const MIN_TEXT: u32 = 25;

/// Elements whose presence in the result makes trafilatura double-check
/// it with jusText (its `SANITIZED_XPATH`).
fn is_unclean_tag(tag: &str) -> bool {
    matches!(
        tag,
        "aside"
            | "audio"
            | "button"
            | "fencedframe"
            | "fieldset"
            | "figure"
            | "footer"
            | "iframe"
            | "input"
            | "label"
            | "link"
            | "nav"
            | "noindex"
            | "noscript"
            | "object"
            | "option"
            | "select"
            | "source"
            | "svg"
            | "time"
    )
}

/// What readability picked.
pub(crate) struct Article {
    /// The picked elements, or loose text nodes (a `div`'s text that
    /// readability wraps as a paragraph), in page order.
    pub nodes: Vec<usize>,
    /// Subtrees left out: unlikely candidates and what the final cleaning
    /// removed.
    pub removed: Vec<bool>,
    /// The result holds elements trafilatura distrusts in readability's
    /// output (navigation, figures, forms, `<time>`...).
    pub unclean: bool,
}

/// Per-subtree sums over the nodes not removed.
#[derive(Clone, Copy, Default)]
struct Agg {
    chars: u32,
    link_chars: u32,
    commas: u32,
    p: i32,
    img: i32,
    li: i32,
    embed: i32,
    input: i32,
}

impl std::ops::AddAssign for Agg {
    fn add_assign(&mut self, a: Agg) {
        self.chars += a.chars;
        self.link_chars += a.link_chars;
        self.commas += a.commas;
        self.p += a.p;
        self.img += a.img;
        self.li += a.li;
        self.embed += a.embed;
        self.input += a.input;
    }
}

/// Characters and commas of a text node as it reads: whitespace runs
/// count as one space, invisible characters not at all, the ends trimmed
/// (what `push_collapsed` then `trim` would leave, without building it).
fn collapsed_len(text: &str) -> (u32, u32) {
    let (mut chars, mut commas, mut gap, mut started) = (0, 0, false, false);
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            gap = started;
            continue;
        }
        chars += 1 + u32::from(gap);
        commas += u32::from(c == ',');
        (gap, started) = (false, true);
    }
    (chars, commas)
}

struct Scorer<'d, 'a> {
    dom: &'d Dom<'a>,
    skip: Vec<bool>,
    /// `div`s without block content, read as paragraphs.
    as_p: Vec<bool>,
    agg: Vec<Agg>,
}

impl Scorer<'_, '_> {
    /// Element `i` is a paragraph, or text node `i` is a `div`'s loose text
    /// that readability wraps in one.
    fn is_paragraph(&self, i: usize) -> bool {
        let n = &self.dom.nodes[i];
        if n.tag.is_empty() {
            let p = n.parent as usize;
            self.dom.nodes[p].tag == "div" && !self.as_p[p] && !n.text.trim().is_empty()
        } else {
            n.tag == "p" || self.as_p[i]
        }
    }

    fn link_density(&self, i: usize) -> f64 {
        self.agg[i].link_chars as f64 / self.agg[i].chars.max(1) as f64
    }

    /// Recomputes the sums of the subtree of `root` bottom-up, leaving out
    /// `self.skip`; `visit` sees each element once its subtree is final and
    /// may remove it.
    fn aggregate(&mut self, root: usize, mut visit: impl FnMut(&mut Self, usize) -> bool) {
        let end = self.dom.nodes[root].end as usize;
        // Skipped subtrees, marked down from their roots.
        let mut gone = vec![false; end - root];
        for i in root..end {
            self.agg[i] = Agg::default();
            let p = self.dom.nodes[i].parent as usize;
            gone[i - root] = self.skip[i] || (i > root && gone[p - root]);
        }
        for i in (root..end).rev() {
            if gone[i - root] {
                continue;
            }
            let n = &self.dom.nodes[i];
            let mut a = self.agg[i];
            if n.tag.is_empty() {
                (a.chars, a.commas) = collapsed_len(n.text);
            } else {
                match n.tag {
                    "a" => a.link_chars = a.chars,
                    "img" => a.img += 1,
                    "li" => a.li += 1,
                    "embed" => a.embed += 1,
                    "input"
                        if !self
                            .dom
                            .attr(i, "type")
                            .is_some_and(|t| t.eq_ignore_ascii_case("hidden")) =>
                    {
                        a.input += 1
                    }
                    _ => {}
                }
            }
            self.agg[i] = a;
            if !n.tag.is_empty() && visit(self, i) {
                self.skip[i] = true;
                continue;
            }
            if self.is_paragraph(i) {
                self.agg[i].p += 1;
            }
            if i > root {
                let a = self.agg[i];
                self.agg[n.parent as usize] += a;
            }
        }
    }
}

fn class_weight(dom: &Dom, i: usize) -> f64 {
    let mut w = 0.0;
    for name in [dom.nodes[i].class, dom.nodes[i].id] {
        if name.is_empty() {
            continue;
        }
        if dom.name_matches(&NEGATIVE, name) {
            w -= 25.0;
        }
        if dom.name_matches(&POSITIVE, name) {
            w += 25.0;
        }
    }
    w
}

fn tag_weight(tag: &str) -> f64 {
    match tag {
        "div" | "article" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" | "aside" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" | "header" | "footer" | "nav" => -5.0,
        _ => 0.0,
    }
}

/// Whether the class/id names of `i` mark it unlikely to hold content
/// (readability-lxml tests "class id" lower-cased; no pattern spans the
/// space, so each name is tested on its own).
fn unlikely(dom: &Dom, i: usize) -> bool {
    let n = &dom.nodes[i];
    let joined_len = n.class.len() + n.id.len() + usize::from(!n.class.is_empty() && !n.id.is_empty());
    if joined_len < 2 || matches!(n.tag, "body" | "html") {
        return false;
    }
    let any = |re: &Regex| dom.name_matches(re, n.class) || dom.name_matches(re, n.id);
    any(&UNLIKELY) && !any(&MAYBE)
}

/// Tags that keep a `div` from being read as a paragraph (prefixes, as
/// readability-lxml matches them).
fn is_block_prefix(tag: &str) -> bool {
    [
        "address",
        "article",
        "aside",
        "audio",
        "blockquote",
        "dl",
        "div",
        "img",
        "ol",
        "p",
        "table",
        "ul",
    ]
    .iter()
    .any(|p| tag.starts_with(p))
}

/// Runs readability over the page under `root`, with `skip` (scripts,
/// styles, comment sections) already left out.
pub(crate) fn article(dom: &Dom, skip: &[bool], root: usize) -> Article {
    let n = dom.nodes.len();
    let mut skip = skip.to_vec();
    let end = dom.nodes[root].end as usize;
    let mut i = root;
    while i < end {
        let node = &dom.nodes[i];
        if skip[i] || (!node.tag.is_empty() && unlikely(dom, i) && dom.prunable(i)) {
            skip[i] = true;
            i = node.end as usize;
        } else {
            i += 1;
        }
    }
    // Divs without block content (and not mere link wrappers) are
    // paragraphs.
    let mut block_below = vec![false; n];
    let mut link_below = vec![false; n];
    for i in (root + 1..end).rev() {
        let node = &dom.nodes[i];
        if skip[i] || node.tag.is_empty() {
            continue;
        }
        let p = node.parent as usize;
        block_below[p] |= block_below[i] || is_block_prefix(node.tag);
        link_below[p] |= link_below[i] || node.tag == "a";
    }
    let mut as_p = vec![false; n];
    for i in root..end {
        if dom.nodes[i].tag == "div" && !skip[i] && !block_below[i] {
            let loose_text = dom
                .children(i)
                .any(|c| dom.nodes[c].tag.is_empty() && !dom.nodes[c].text.trim().is_empty());
            as_p[i] = !link_below[i] || loose_text;
        }
    }
    let mut s = Scorer {
        dom,
        skip,
        as_p,
        agg: vec![Agg::default(); n],
    };
    s.aggregate(root, |_, _| false);

    // Paragraphs vote for their parent and grandparent.
    let mut candidates: Vec<(usize, f64)> = Vec::new();
    let mut slot: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut i = root;
    while i < end {
        let node = &dom.nodes[i];
        if s.skip[i] {
            i = node.end as usize;
            continue;
        }
        let votes = matches!(node.tag, "p" | "pre" | "td") || s.as_p[i] || (node.tag.is_empty() && s.is_paragraph(i));
        if votes && s.agg[i].chars >= MIN_TEXT {
            let vote = 2.0 + s.agg[i].commas as f64 + (s.agg[i].chars as f64 / 100.0).min(3.0);
            let parent = node.parent as usize;
            let grand = dom.nodes[parent].parent as usize;
            for (target, share) in [(parent, 1.0), (grand, 0.5)] {
                if dom.nodes[target].tag.is_empty() || dom.nodes[target].tag == "#document" {
                    continue;
                }
                let k = *slot.entry(target).or_insert_with(|| {
                    candidates.push((target, class_weight(dom, target) + tag_weight(dom.nodes[target].tag)));
                    candidates.len() - 1
                });
                candidates[k].1 += vote * share;
            }
        }
        i += 1;
    }
    for c in candidates.iter_mut() {
        c.1 *= 1.0 - s.link_density(c.0);
    }
    let best = candidates.iter().copied().reduce(|a, b| if b.1 > a.1 { b } else { a });

    let nodes = match best {
        None => vec![dom.find("body").unwrap_or(root)],
        Some((top, top_score)) => {
            let parent = dom.nodes[top].parent as usize;
            if dom.nodes[parent].tag == "#document" || parent == 0 {
                vec![top]
            } else {
                let threshold = (top_score * 0.2).max(10.0);
                dom.children(parent)
                    .filter(|&c| !s.skip[c])
                    .filter(|&c| {
                        if c == top || slot.get(&c).is_some_and(|&k| candidates[k].1 >= threshold) {
                            return true;
                        }
                        if !s.is_paragraph(c) {
                            return false;
                        }
                        let content = if dom.nodes[c].tag.is_empty() {
                            dom.nodes[c].text
                        } else {
                            dom.children(c).next().map(|f| dom.nodes[f].text).unwrap_or("")
                        };
                        let (len, ld) = (content.chars().count(), s.link_density(c));
                        (len > 80 && ld < 0.25)
                            || (len <= 80 && ld == 0.0 && (content.contains(". ") || content.ends_with('.')))
                    })
                    .collect()
            }
        }
    };

    // Final cleaning: negative or link-heavy headings, forms, frames, then
    // tables, lists and divs that look like navigation or galleries.
    let score_of = |c: usize| slot.get(&c).map_or(0.0, |&k| candidates[k].1);
    for &root in &nodes {
        let end = dom.nodes[root].end as usize;
        for i in root..end {
            let tag = dom.nodes[i].tag;
            if matches!(tag, "form" | "textarea" | "iframe")
                || (matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                    && (class_weight(dom, i) < 0.0 || s.link_density(i) > 0.33))
            {
                s.skip[i] = true;
            }
        }
        s.aggregate(root, |s, i| {
            let tag = dom.nodes[i].tag;
            let cleanable = matches!(tag, "table" | "ul" | "aside" | "header" | "footer" | "section")
                || (tag == "div" && !s.as_p[i]);
            if !cleanable {
                return false;
            }
            let weight = class_weight(dom, i);
            if weight + score_of(i) < 0.0 {
                return true;
            }
            let a = s.agg[i];
            if a.commas >= 10 {
                return false;
            }
            let li = a.li - 100;
            let len = a.chars;
            let ld = s.link_density(i);
            (a.p > 0 && a.img as f64 > 1.0 + a.p as f64 * 1.3)
                || (li > a.p && !matches!(tag, "ol" | "ul"))
                || (a.input as f64 > a.p as f64 / 3.0)
                || (len < MIN_TEXT && a.img == 0)
                || (len < MIN_TEXT && a.img > 2)
                || ld > if weight >= 25.0 { 0.5 } else { 0.2 }
                || (a.embed == 1 && len < 75)
                || a.embed > 1
        });
    }
    let unclean = nodes.iter().any(|&root| {
        let end = dom.nodes[root].end as usize;
        let mut i = root;
        while i < end {
            if s.skip[i] {
                i = dom.nodes[i].end as usize;
                continue;
            }
            if is_unclean_tag(dom.nodes[i].tag) {
                return true;
            }
            i += 1;
        }
        false
    });
    let nodes = nodes.into_iter().filter(|&c| !s.skip[c]).collect();
    Article {
        nodes,
        removed: s.skip,
        unclean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::dom;

    fn picked(html: &str) -> (Vec<String>, bool) {
        let parsed = dom::parse(html);
        let d = Dom::new(&parsed);
        let skip: Vec<bool> = d.nodes.iter().map(|n| matches!(n.tag, "head" | "script")).collect();
        let body = d.find("body").unwrap();
        let art = article(&d, &skip, body);
        let names = art
            .nodes
            .iter()
            .map(|&i| format!("{}.{}", d.nodes[i].tag, d.nodes[i].class))
            .collect();
        (names, art.unclean)
    }

    const PROSE: &str = "Der Gemeinderat hat am Montag beschlossen, die Schule zu sanieren, die Kosten zu teilen, und den Bau im Frühjahr zu beginnen.";

    #[test]
    fn prose_wins_over_sidebar_and_divs_read_as_paragraphs() {
        let html = format!(
            r#"<html><body><div class="sidebar"><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div>
            <div class="story"><div>{PROSE}</div><div>{PROSE}</div><time>1. März</time></div>
            <div class="other"><p>Kurz.</p></div></body></html>"#
        );
        // The sidebar is an unlikely candidate; the story's divs vote as
        // paragraphs; `<time>` marks the result for a second opinion.
        assert_eq!(picked(&html), (vec!["div.story".to_string()], true));
    }

    #[test]
    fn text_length_as_collapsed() {
        for text in ["", "  ", " a,\u{ad}b \n\t c, ", "x", "Grüße,  \u{200b} Welt "] {
            let mut collapsed = String::new();
            dom::push_collapsed(&mut collapsed, text);
            let t = collapsed.trim();
            assert_eq!(
                collapsed_len(text),
                (t.chars().count() as u32, t.matches(',').count() as u32),
                "{text:?}"
            );
        }
    }

    #[test]
    fn noscript_article_and_link_lists_cleaned() {
        let links =
            r#"<ul class="list"><li><a href="/a">Erster Link</a></li><li><a href="/b">Zweiter Link</a></li></ul>"#;
        let html = format!(
            r#"<html><body><div class="post"><noscript><p>{PROSE}</p><p>{PROSE}</p>{links}</noscript></div></body></html>"#
        );
        let parsed = dom::parse(&html);
        let d = Dom::new(&parsed);
        let skip = vec![false; d.nodes.len()];
        let art = article(&d, &skip, d.find("body").unwrap());
        assert_eq!(art.nodes, [d.find("div").unwrap()]);
        assert!(art.removed[d.find("ul").unwrap()], "link list kept");
        assert!(!art.removed[d.find("p").unwrap()]);
    }
}
