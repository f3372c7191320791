//! A flat, document-order view of a parsed page: every node knows where its
//! subtree ends, so walking, measuring and skipping subtrees are loops over
//! an index range. Nothing here recurses, which keeps 10,000-level nesting
//! from overflowing a worker's stack.

use html5ever::Attribute;

use super::tree::Kind;
pub use super::tree::{dump, parse, parse_fragment, parse_with_html5ever, Tree};

/// One element or text node.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// Lower-case tag name; empty for text.
    pub tag: &'a str,
    /// Text of a text node; empty for elements.
    pub text: &'a str,
    /// The element's `id` and `class` attributes (empty when absent), read
    /// by every boilerplate and container rule.
    pub id: &'a str,
    /// See `id`.
    pub class: &'a str,
    /// Index one past the last node of this subtree.
    pub end: u32,
    /// Index of the parent (0 for the root).
    pub parent: u32,
    /// Characters of a text node's text without its ASCII whitespace at
    /// either end (0 for elements): what the text statistics count, worked
    /// out once rather than per pruning variant.
    pub chars: u32,
    /// The element's attributes (empty for text), read without a tree
    /// lookup or interning the name asked for.
    attrs: &'a [Attribute],
}

/// The page as a preorder array of [`Node`]s.
pub struct Dom<'a> {
    /// Every node, in document order.
    pub nodes: Vec<Node<'a>>,
    /// Inline elements with text on both sides of them in their line (see
    /// [`in_sentence`]), worked out when a rule first asks.
    in_sentence: std::cell::OnceCell<Vec<bool>>,
    /// Table rows that lay out a page rather than hold data (see
    /// [`layout_rows`]), worked out when first asked.
    layout_row: std::cell::OnceCell<Vec<bool>>,
    /// Results of the class/id patterns per (pattern, name), so that a
    /// name repeated on hundreds of elements (`class="menu-item"`) runs
    /// each pattern once per page.
    name_hits: std::cell::RefCell<NameHits>,
}

impl<'a> Dom<'a> {
    /// Flattens a parsed page (comments, doctypes and processing
    /// instructions are left out). A loop over the tree's links, no
    /// recursion.
    pub fn new(tree: &'a Tree) -> Self {
        let mut nodes: Vec<Node<'a>> = Vec::with_capacity(tree.len());
        // The flat index of each open node; `cur` is the tree node whose
        // subtree is being walked.
        let mut open: Vec<u32> = Vec::new();
        let mut cur = Some(0u32);
        while let Some(t) = cur {
            let (tag, text, attrs): (_, _, &[_]) = match &tree.node(t).kind {
                Kind::Element(name, attrs) => (&*name.local, "", attrs),
                Kind::Text(s) => ("", &**s, &[]),
                Kind::Document | Kind::Fragment => ("#document", "", &[]),
                Kind::Other => ("", "", &[]),
            };
            let wanted = !matches!(tree.node(t).kind, Kind::Other);
            if wanted {
                let chars = text.trim_ascii().chars().count() as u32;
                let id = attrs.iter().find(|a| &*a.name.local == "id").map_or("", |a| &*a.value);
                let class = attr_of(attrs, "class").unwrap_or("");
                let parent = open.last().copied().unwrap_or(0);
                open.push(nodes.len() as u32);
                nodes.push(Node {
                    tag,
                    text,
                    id,
                    class,
                    end: 0,
                    parent,
                    chars,
                    attrs,
                });
                if let Some(c) = tree.first_child(t) {
                    cur = Some(c);
                    continue;
                }
            }
            // Close `t` (if it was opened) and every ancestor whose last
            // child it is, then move to the next sibling.
            let mut at = t;
            let mut close = wanted;
            cur = loop {
                if close {
                    if let Some(i) = open.pop() {
                        nodes[i as usize].end = nodes.len() as u32;
                    }
                }
                if at == 0 {
                    break None;
                }
                if let Some(n) = tree.next_sibling(at) {
                    break Some(n);
                }
                match tree.parent(at) {
                    Some(p) => (at, close) = (p, true),
                    None => break None,
                }
            };
        }
        Dom {
            nodes,
            in_sentence: std::cell::OnceCell::new(),
            layout_row: std::cell::OnceCell::new(),
            name_hits: Default::default(),
        }
    }

    /// Whether `re` matches the class or id `name` (false when empty: no
    /// pattern matches an empty name, and most elements have none).
    pub fn name_matches(&self, re: &regex::Regex, name: &str) -> bool {
        if name.is_empty() {
            return false;
        }
        self.name_hits.borrow_mut().get(re, name)
    }

    /// True when boilerplate rules may remove element `i` on their own:
    /// it is not inside a line of text (an inline element in the middle of
    /// a sentence goes only with the block around it).
    pub fn prunable(&self, i: usize) -> bool {
        !self.in_sentence(i)
    }

    /// True when `i` is an inline element with visible text before and
    /// after it in its line: boilerplate rules never remove it, since that
    /// would cut a hole in a sentence of a block that is kept.
    pub fn in_sentence(&self, i: usize) -> bool {
        self.in_sentence.get_or_init(|| in_sentence(&self.nodes))[i]
    }

    /// True when `i` is a table row that lays out the page (see
    /// [`layout_rows`]).
    pub fn layout_row(&self, i: usize) -> bool {
        self.layout_row.get_or_init(|| layout_rows(&self.nodes))[i]
    }

    /// Attribute `name` of element `i`.
    pub fn attr(&self, i: usize, name: &str) -> Option<&'a str> {
        attr_of(self.nodes[i].attrs, name)
    }

    /// The children of `i`, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes[i].end as usize;
        let mut j = i + 1;
        std::iter::from_fn(move || {
            if j >= end {
                return None;
            }
            let c = j;
            j = self.nodes[c].end as usize;
            Some(c)
        })
    }

    /// First element with tag `tag`, in document order.
    pub fn find(&self, tag: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.tag == tag)
    }

    /// True when `a` is `b` or contains it.
    pub fn contains(&self, a: usize, b: usize) -> bool {
        a <= b && b < self.nodes[a].end as usize
    }

    /// Whitespace-collapsed text of the subtree of `i`.
    pub fn text_of(&self, i: usize) -> String {
        let mut out = String::new();
        for n in &self.nodes[i..self.nodes[i].end as usize] {
            if !n.text.is_empty() {
                push_collapsed(&mut out, n.text);
            }
        }
        out.trim_end().to_string()
    }
}

/// Memo of class/id pattern results: per distinct name, two bits per
/// pattern (tested, matched). Names are owned so the page's [`Dom`] stays
/// free to lend its strings for shorter lifetimes.
#[derive(Default)]
struct NameHits {
    /// The patterns seen, by address; a pattern's place gives its bits.
    patterns: Vec<usize>,
    names: rustc_hash::FxHashMap<Box<str>, u64>,
}

impl NameHits {
    fn get(&mut self, re: &regex::Regex, name: &str) -> bool {
        let addr = re as *const regex::Regex as usize;
        let k = match self.patterns.iter().position(|&p| p == addr) {
            Some(k) => k,
            None => {
                self.patterns.push(addr);
                self.patterns.len() - 1
            }
        };
        if k >= 32 {
            return re.is_match(name);
        }
        let (tested, matched) = (1u64 << (2 * k), 2u64 << (2 * k));
        let test = |bits: &mut u64| {
            if *bits & tested == 0 {
                *bits |= tested | if re.is_match(name) { matched } else { 0 };
            }
            *bits & matched != 0
        };
        if let Some(bits) = self.names.get_mut(name) {
            return test(bits);
        }
        let mut bits = 0;
        let hit = test(&mut bits);
        self.names.insert(name.into(), bits);
        hit
    }
}

/// The value of attribute `name` (lower case, no namespace) in `attrs`.
/// A scan by string: building the name's atom to look it up costs more
/// than comparing the few attributes left after slimming.
fn attr_of<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.name.prefix.is_none() && a.name.ns.is_empty() && &*a.name.local == name)
        .map(|a| &*a.value)
}

/// Elements that flow inside a line of text (HTML's phrasing content,
/// with the legacy ones) rather than starting a block of their own.
pub fn is_inline(tag: &str) -> bool {
    matches!(
        tag,
        "a" | "abbr"
            | "acronym"
            | "b"
            | "bdi"
            | "bdo"
            | "big"
            | "blink"
            | "button"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "img"
            | "input"
            | "ins"
            | "kbd"
            | "label"
            | "mark"
            | "math"
            | "meter"
            | "nobr"
            | "noscript"
            | "output"
            | "progress"
            | "q"
            | "rp"
            | "rt"
            | "ruby"
            | "s"
            | "samp"
            | "script"
            | "select"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "style"
            | "sub"
            | "sup"
            | "svg"
            | "template"
            | "textarea"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
    )
}

/// Table rows that lay out a page: their cells hold tables or three or
/// more paragraphs, headings or lists, as old sites' columns do, where a
/// data row holds values (at most a heading or a short list in a cell).
/// Their cells are blocks of their own, not one row of text.
fn layout_rows(nodes: &[Node]) -> Vec<bool> {
    let n = nodes.len();
    // Per subtree: whether it holds a table, and its blocks.
    let mut strong = vec![false; n];
    let mut blocks = vec![0u8; n];
    for i in (1..n).rev() {
        match nodes[i].tag {
            "table" => strong[i] = true,
            "p" | "ul" | "ol" | "blockquote" | "dl" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => blocks[i] += 1,
            _ => {}
        }
        let p = nodes[i].parent as usize;
        strong[p] |= strong[i];
        blocks[p] = blocks[p].saturating_add(blocks[i]);
    }
    (0..n)
        .map(|i| nodes[i].tag == "tr" && (strong[i] || blocks[i] >= 3))
        .collect()
}

/// Elements whose text is never rendered.
fn is_unrendered_text(tag: &str) -> bool {
    matches!(tag, "script" | "style" | "template" | "noscript" | "title")
}

/// For every node: an inline element whose line (the run of inline
/// content between block boundaries and `<br>`s) has visible text both
/// before and after it. One pass, no recursion.
fn in_sentence(nodes: &[Node]) -> Vec<bool> {
    const NONE: u32 = u32::MAX;
    /// Per line, the first and last node of visible text; inline
    /// elements closed on the line they started on.
    struct Lines {
        first: Vec<u32>,
        last: Vec<u32>,
        inline: Vec<(u32, u32)>,
    }
    impl Lines {
        fn line(&self) -> u32 {
            (self.first.len() - 1) as u32
        }
        fn next(&mut self) {
            self.first.push(NONE);
            self.last.push(0);
        }
        /// Closes element `j`, opened on line `started`.
        fn close(&mut self, (j, started, boundary): (u32, u32, bool)) {
            if boundary {
                self.next();
            } else if started == self.line() {
                self.inline.push((j, started));
            }
        }
    }
    let mut lines = Lines {
        first: vec![NONE],
        last: vec![0],
        inline: Vec::new(),
    };
    // Open elements with the line they started on and whether they bound
    // lines.
    let mut open: Vec<(u32, u32, bool)> = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        while let Some(&top) = open.last() {
            if (nodes[top.0 as usize].end as usize) > i {
                break;
            }
            open.pop();
            lines.close(top);
        }
        if node.tag.is_empty() {
            let parent = nodes[node.parent as usize].tag;
            if !node.text.trim().is_empty() && !is_unrendered_text(parent) {
                let l = lines.line() as usize;
                if lines.first[l] == NONE {
                    lines.first[l] = i as u32;
                }
                lines.last[l] = i as u32;
            }
            continue;
        }
        let boundary = node.tag == "br" || !is_inline(node.tag);
        if boundary {
            lines.next();
        }
        open.push((i as u32, lines.line(), boundary));
    }
    // Elements closed at the end of the page.
    while let Some(top) = open.pop() {
        lines.close(top);
    }
    let mut out = vec![false; nodes.len()];
    for &(j, l) in &lines.inline {
        let (j, l) = (j as usize, l as usize);
        let (first, last) = (lines.first[l], lines.last[l]);
        out[j] = first != NONE && (first as usize) < j && last >= nodes[j].end;
    }
    out
}

/// Invisible characters pages use for layout (soft hyphens, zero-width
/// spaces and joiners' line-break hints, BOMs): dropped from the text, so
/// `Mit\u{ad}tel\u{ad}al\u{ad}ter` reads `Mittelalter`.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}' | '\u{2060}' | '\u{feff}')
}

/// Appends `text` with runs of whitespace collapsed to one space and no
/// leading space at the start of `out`.
pub fn push_collapsed(out: &mut String, text: &str) {
    let mut space = out.is_empty() || out.ends_with([' ', '\n']);
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(c);
            space = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preorder_ranges_and_attributes() {
        let html = parse("<html><body><div id=a><p>One <b>two</b></p><p>three</p></div></body></html>");
        let dom = Dom::new(&html);
        let div = dom.find("div").unwrap();
        assert_eq!(dom.attr(div, "id"), Some("a"));
        let kids: Vec<&str> = dom.children(div).map(|c| dom.nodes[c].tag).collect();
        assert_eq!(kids, ["p", "p"]);
        assert_eq!(dom.text_of(div), "One twothree");
        let mut s = String::new();
        push_collapsed(&mut s, "  Mit\u{ad}tel\u{ad}al\u{ad}ter \u{a0} ist\n\tlang ");
        assert_eq!(s, "Mittelalter ist lang ");
        let b = dom.find("b").unwrap();
        assert!(dom.contains(div, b) && !dom.contains(b, div));
    }

    #[test]
    fn ten_thousand_levels_do_not_overflow() {
        let mut page = String::from("<html><body>");
        for _ in 0..10_000 {
            page.push_str("<div>");
        }
        page.push_str("deep");
        let html = parse(&page);
        let dom = Dom::new(&html);
        assert!(dom.nodes.len() > 10_000);
        assert_eq!(dom.text_of(0), "deep");
    }
}
