//! Turns a (cleaned) subtree into text blocks — paragraphs, headings, list
//! items, table rows, quotes — each with the link statistics the
//! boilerplate tests need.

use super::dom::{push_collapsed, Dom};

/// What kind of element a block came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
    Quote,
    Code,
    TableRow,
    /// Text sitting directly in a `div`, `section`, `td`-less layout and the like.
    Loose,
}

/// One block of text.
#[derive(Debug, Clone)]
pub struct Block {
    /// Whitespace-collapsed text; lines broken at `<br>`.
    pub text: String,
    /// The element it came from, which decides how the cascade treats it.
    pub kind: BlockKind,
    /// Characters inside `<a>` elements.
    pub link_chars: usize,
    /// The element that owns the block.
    pub owner: usize,
    /// Where the block ends in the page (node index): orders blocks
    /// collected from different subtrees.
    pub pos: usize,
}

/// Elements that start a new block.
pub fn is_block_tag(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "dl"
            | "li"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "caption"
            | "figcaption"
            | "address"
            | "hr"
            | "center"
            | "details"
            | "summary"
            | "body"
            | "html"
            | "#document"
            | "hgroup"
    )
}

fn kind_of(tag: &str) -> BlockKind {
    match tag {
        "p" => BlockKind::Paragraph,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
        "li" | "dt" | "dd" => BlockKind::ListItem,
        "blockquote" => BlockKind::Quote,
        "pre" => BlockKind::Code,
        "tr" => BlockKind::TableRow,
        _ => BlockKind::Loose,
    }
}

struct Open {
    end: usize,
    owner: usize,
    kind: BlockKind,
}

/// Collects the blocks under `root`, skipping every subtree for which
/// `skip` is true. Tables are left out unless `tables`.
pub fn collect(dom: &Dom, root: usize, tables: bool, skip: &dyn Fn(usize) -> bool) -> Vec<Block> {
    let nodes = &dom.nodes;
    let end = nodes[root].end as usize;
    let mut blocks = Vec::new();
    let mut stack: Vec<Open> = vec![Open {
        end,
        owner: root,
        kind: kind_of(nodes[root].tag),
    }];
    let mut buf = String::new();
    let mut link_chars = 0usize;
    let mut link_end = 0usize;
    let mut pre_end = 0usize;
    let mut cell_row: Option<usize> = None;
    let flush = |buf: &mut String, link_chars: &mut usize, top: &Open, blocks: &mut Vec<Block>, pos: usize| {
        let text = buf.trim_end().trim_start_matches('\n');
        if !text.trim().is_empty() {
            let text = if top.kind == BlockKind::Code {
                text.to_string()
            } else {
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            blocks.push(Block {
                text,
                kind: top.kind,
                link_chars: *link_chars,
                owner: top.owner,
                pos,
            });
        }
        buf.clear();
        *link_chars = 0;
    };
    let mut i = root + 1;
    while i < end {
        while stack.len() > 1 && stack.last().is_some_and(|o| o.end <= i) {
            let top = stack.pop().expect("non-empty");
            if top.kind != BlockKind::TableRow || cell_row.is_some() {
                flush(&mut buf, &mut link_chars, &top, &mut blocks, i);
            }
            if top.kind == BlockKind::TableRow {
                cell_row = None;
            }
        }
        let node = &nodes[i];
        if node.tag.is_empty() {
            let before = buf.len();
            if i < pre_end {
                buf.push_str(node.text);
            } else {
                push_collapsed(&mut buf, node.text);
            }
            if i < link_end {
                link_chars += buf[before..].trim().chars().count();
            }
            i += 1;
            continue;
        }
        if skip(i) || (!tables && node.tag == "table") {
            i = node.end as usize;
            continue;
        }
        match node.tag {
            "br" => buf.push('\n'),
            "a" => link_end = link_end.max(node.end as usize),
            "pre" => pre_end = pre_end.max(node.end as usize),
            "td" | "th" if cell_row.is_some() && !buf.trim_end().is_empty() && !buf.trim_end().ends_with('|') => {
                buf.push_str(" | ")
            }
            _ => {}
        }
        // Rows and cells of a layout table are blocks like `div`s.
        let layout = match node.tag {
            "tr" => dom.layout_row(i),
            "td" | "th" => dom.layout_row(node.parent as usize),
            _ => false,
        };
        if layout && cell_row.is_none() {
            let top = stack.last().expect("root stays");
            flush(&mut buf, &mut link_chars, top, &mut blocks, i);
            let kind = match top.kind {
                outer @ (BlockKind::ListItem | BlockKind::Quote | BlockKind::Code) => outer,
                _ => BlockKind::Loose,
            };
            stack.push(Open {
                end: node.end as usize,
                owner: i,
                kind,
            });
        } else if is_block_tag(node.tag) {
            let top = stack.last().expect("root stays");
            // A row gathers its cells into one block; blocks nested in a
            // cell are kept inside it.
            if cell_row.is_none() {
                flush(&mut buf, &mut link_chars, top, &mut blocks, i);
            } else if node.tag != "tr" && !buf.ends_with(' ') {
                buf.push(' ');
            }
            // A `div` inside a list item or a quote is part of that item,
            // and so is a heading inside a quote (a pull quote's display
            // type).
            let kind = match (kind_of(node.tag), top.kind) {
                (BlockKind::Loose, outer @ (BlockKind::ListItem | BlockKind::Quote | BlockKind::Code)) => outer,
                (BlockKind::Heading, BlockKind::Quote) => BlockKind::Quote,
                (kind, _) => kind,
            };
            if kind == BlockKind::TableRow {
                cell_row = Some(i);
            }
            if cell_row.is_none() || kind == BlockKind::TableRow {
                stack.push(Open {
                    end: node.end as usize,
                    owner: i,
                    kind,
                });
            }
        }
        i += 1;
    }
    while let Some(top) = stack.pop() {
        flush(&mut buf, &mut link_chars, &top, &mut blocks, i);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::dom::parse;

    fn blocks(html: &str) -> Vec<(BlockKind, String, usize)> {
        let page = parse(html);
        let dom = Dom::new(&page);
        collect(&dom, 0, true, &|_| false)
            .into_iter()
            .map(|b| (b.kind, b.text, b.link_chars))
            .collect()
    }

    #[test]
    fn paragraphs_headings_lists_tables() {
        let got = blocks(
            "<h1>Title</h1><p>One <a href=x>link</a> two.<br>Next line</p><ul><li>a</li><li>b</li></ul>\
             <table><tr><th>k</th><td>v <p>w</p></td></tr></table><div>loose <p>inner</p> tail</div>\
             <ul><li><div>in item</div></li></ul><blockquote><div>quoted</div></blockquote>",
        );
        let want = [
            (BlockKind::Heading, "Title", 0),
            (BlockKind::Paragraph, "One link two.\nNext line", 4),
            (BlockKind::ListItem, "a", 0),
            (BlockKind::ListItem, "b", 0),
            (BlockKind::TableRow, "k | v w", 0),
            (BlockKind::Loose, "loose", 0),
            (BlockKind::Paragraph, "inner", 0),
            (BlockKind::Loose, "tail", 0),
            (BlockKind::ListItem, "in item", 0),
            (BlockKind::Quote, "quoted", 0),
        ];
        let got: Vec<(BlockKind, &str, usize)> = got.iter().map(|(k, t, l)| (*k, t.as_str(), *l)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn pre_keeps_its_spacing() {
        let got = blocks("<pre>fn main() {\n    x\n}</pre>");
        assert_eq!(got[0].1, "fn main() {\n    x\n}");
    }
}
