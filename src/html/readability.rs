//! Readability's content scoring (Arc90, as in Mozilla Readability and
//! readability-lxml): paragraphs vote for their parent and grandparent
//! with their length and commas, class and id names tilt the vote, link
//! density discounts it, and the winner is taken with its strong
//! siblings. It answers "where is the bulk of the prose" when markup-based
//! container rules pick something too small.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::dom::Dom;
use super::prune::Stats;

static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story")
        .expect("built-in pattern")
});
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget",
    )
    .expect("built-in pattern")
});

fn class_weight(dom: &Dom, i: usize) -> f64 {
    let mut w = 0.0;
    for name in [dom.nodes[i].class, dom.nodes[i].id] {
        if NEGATIVE.is_match(name) {
            w -= 25.0;
        }
        if POSITIVE.is_match(name) {
            w += 25.0;
        }
    }
    w
}

fn tag_weight(tag: &str) -> f64 {
    match tag {
        "div" | "article" | "section" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

fn link_density(st: &Stats, i: usize) -> f64 {
    if st.chars[i] == 0 {
        0.0
    } else {
        st.link_chars[i] as f64 / st.chars[i] as f64
    }
}

/// The elements holding the page's main prose, in document order; empty
/// when no paragraph is long enough to vote.
pub(crate) fn main_nodes(dom: &Dom, skip: &[bool], st: &Stats, root: usize) -> Vec<usize> {
    let mut scores: HashMap<usize, f64> = HashMap::new();
    let end = dom.nodes[root].end as usize;
    let mut i = root + 1;
    while i < end {
        let node = &dom.nodes[i];
        if skip[i] {
            i = node.end as usize;
            continue;
        }
        if matches!(node.tag, "p" | "td" | "pre") && st.chars[i] >= 25 {
            let text = dom.text_of(i);
            let commas = text.matches([',', '،', '，']).count() as f64;
            let vote = 1.0 + commas + (st.chars[i] as f64 / 100.0).min(3.0);
            let parent = node.parent as usize;
            let grand = dom.nodes[parent].parent as usize;
            for (target, share) in [(parent, 1.0), (grand, 0.5)] {
                if target == 0 || dom.nodes[target].tag.is_empty() {
                    continue;
                }
                let s = scores
                    .entry(target)
                    .or_insert_with(|| tag_weight(dom.nodes[target].tag) + class_weight(dom, target));
                *s += vote * share;
            }
        }
        i += 1;
    }
    let Some((top, top_score)) = scores
        .iter()
        .map(|(&n, &s)| (n, s * (1.0 - link_density(st, n))))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
    else {
        return Vec::new();
    };
    let parent = dom.nodes[top].parent as usize;
    if parent == 0 || dom.nodes[parent].tag == "html" {
        return vec![top];
    }
    let threshold = (top_score * 0.2).max(10.0);
    dom.children(parent)
        .filter(|&c| !skip[c] && !dom.nodes[c].tag.is_empty())
        .filter(|&c| {
            if c == top {
                return true;
            }
            let bonus = if !dom.nodes[c].class.is_empty() && dom.nodes[c].class == dom.nodes[top].class {
                top_score * 0.2
            } else {
                0.0
            };
            if scores
                .get(&c)
                .is_some_and(|s| s * (1.0 - link_density(st, c)) + bonus >= threshold)
            {
                return true;
            }
            if dom.nodes[c].tag == "p" {
                let (len, ld) = (st.chars[c], link_density(st, c));
                return (len > 80 && ld < 0.25)
                    || (len <= 80 && ld == 0.0 && {
                        let t = dom.text_of(c);
                        t.contains(". ") || t.ends_with('.')
                    });
            }
            false
        })
        .collect()
}
