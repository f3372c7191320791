//! The parse tree html5ever builds, kept in one vector of nodes linked by
//! index. It is only as much tree as the tree builder needs (append,
//! insert before, detach, reparent) and is read once, by
//! [`super::dom::Dom::new`], into the flat preorder view extraction works
//! on. Building into a general-purpose DOM instead cost a node allocation
//! per element, a copy of every attribute and text tendril, and a sort of
//! every attribute list; none of which extraction reads.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{local_name, ns, Attribute, QualName};

/// "No node" in a link.
const NONE: u32 = u32::MAX;

/// What a node is.
pub enum Kind {
    /// The root of a parsed document or fragment.
    Document,
    /// The content of a `<template>` (a child of the element).
    Fragment,
    /// An element with its attributes as the tokenizer gave them.
    Element(QualName, Vec<Attribute>),
    /// A text node; adjacent text is merged into one node.
    Text(StrTendril),
    /// Comments, doctypes and processing instructions: never read.
    Other,
}

/// A node and its links (indices into [`Tree::nodes`], [`NONE`] when
/// absent).
pub struct RawNode {
    pub kind: Kind,
    parent: u32,
    first: u32,
    last: u32,
    prev: u32,
    next: u32,
}

/// A parsed page: node 0 is the root.
pub struct Tree {
    nodes: Vec<RawNode>,
}

impl Tree {
    fn new() -> Self {
        let mut t = Tree { nodes: Vec::new() };
        t.orphan(Kind::Document);
        t
    }

    /// Number of nodes, attached or not.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the tree has no node (never, once built).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Node `i`.
    pub fn node(&self, i: u32) -> &RawNode {
        &self.nodes[i as usize]
    }

    /// The first child of `i`.
    pub fn first_child(&self, i: u32) -> Option<u32> {
        some(self.nodes[i as usize].first)
    }

    /// The next sibling of `i`.
    pub fn next_sibling(&self, i: u32) -> Option<u32> {
        some(self.nodes[i as usize].next)
    }

    /// The parent of `i`.
    pub fn parent(&self, i: u32) -> Option<u32> {
        some(self.nodes[i as usize].parent)
    }

    fn orphan(&mut self, kind: Kind) -> u32 {
        self.nodes.push(RawNode {
            kind,
            parent: NONE,
            first: NONE,
            last: NONE,
            prev: NONE,
            next: NONE,
        });
        (self.nodes.len() - 1) as u32
    }

    /// Unlinks `i` from its parent and siblings.
    fn detach(&mut self, i: u32) {
        let RawNode { parent, prev, next, .. } = self.nodes[i as usize];
        if parent == NONE {
            return;
        }
        if prev != NONE {
            self.nodes[prev as usize].next = next;
        } else {
            self.nodes[parent as usize].first = next;
        }
        if next != NONE {
            self.nodes[next as usize].prev = prev;
        } else {
            self.nodes[parent as usize].last = prev;
        }
        let n = &mut self.nodes[i as usize];
        (n.parent, n.prev, n.next) = (NONE, NONE, NONE);
    }

    /// Makes the detached node `child` the last child of `parent`.
    fn append_id(&mut self, parent: u32, child: u32) {
        let last = self.nodes[parent as usize].last;
        {
            let c = &mut self.nodes[child as usize];
            (c.parent, c.prev, c.next) = (parent, last, NONE);
        }
        if last != NONE {
            self.nodes[last as usize].next = child;
        } else {
            self.nodes[parent as usize].first = child;
        }
        self.nodes[parent as usize].last = child;
    }

    /// Puts the detached node `new` right before `sibling` (which has a
    /// parent).
    fn insert_before(&mut self, sibling: u32, new: u32) {
        let RawNode { parent, prev, .. } = self.nodes[sibling as usize];
        {
            let c = &mut self.nodes[new as usize];
            (c.parent, c.prev, c.next) = (parent, prev, sibling);
        }
        if prev != NONE {
            self.nodes[prev as usize].next = new;
        } else {
            self.nodes[parent as usize].first = new;
        }
        self.nodes[sibling as usize].prev = new;
    }

    /// Appends `text` to node `i` when it is text; false otherwise.
    fn concat(&mut self, i: u32, text: &StrTendril) -> bool {
        match self.nodes.get_mut(i as usize).map(|n| &mut n.kind) {
            Some(Kind::Text(t)) => {
                t.push_tendril(text);
                true
            }
            _ => false,
        }
    }
}

fn some(i: u32) -> Option<u32> {
    (i != NONE).then_some(i)
}

/// Parses a page as a browser with scripts off would, with extraction's
/// own tokenizer ([`super::tokenizer`]) feeding html5ever's tree builder:
/// `<noscript>`
/// content becomes elements, not one text node, because sites put the
/// article there for readers without JavaScript (and readability, like
/// readability-lxml, scores it).
pub fn parse(html: &str) -> Tree {
    let opts = html5ever::tree_builder::TreeBuilderOpts {
        scripting_enabled: false,
        ..Default::default()
    };
    let builder = html5ever::tree_builder::TreeBuilder::new(Sink::default(), opts);
    super::tokenizer::tokenize(&builder, html);
    builder.sink.0.into_inner()
}

/// [`parse`] with html5ever's own tokenizer: the reference the
/// extraction's tokenizer is checked against.
#[doc(hidden)]
pub fn parse_with_html5ever(html: &str) -> Tree {
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::driver::parse_document(Sink::default(), opts).one(html)
}

/// Parses markup found inside a value (JSON-LD `articleBody` holding
/// HTML) as the content of a `<body>`.
pub fn parse_fragment(html: &str) -> Tree {
    let body = QualName::new(None, ns!(html), local_name!("body"));
    html5ever::driver::parse_fragment(Sink::default(), Default::default(), body, Vec::new(), false).one(html)
}

/// Builds a [`Tree`] for html5ever's tree builder.
struct Sink(RefCell<Tree>);

impl Default for Sink {
    fn default() -> Self {
        Sink(RefCell::new(Tree::new()))
    }
}

impl TreeSink for Sink {
    type Output = Tree;
    type Handle = u32;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Tree {
        self.0.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn get_document(&self) -> u32 {
        0
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        Ref::map(self.0.borrow(), |t| match &t.nodes[*target as usize].kind {
            Kind::Element(name, _) => name,
            _ => panic!("html5ever asked the name of a node that is not an element"),
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> u32 {
        let template = name.ns == ns!(html) && name.local == local_name!("template");
        let mut t = self.0.borrow_mut();
        let e = t.orphan(Kind::Element(name, attrs));
        if template {
            let content = t.orphan(Kind::Fragment);
            t.append_id(e, content);
        }
        e
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.0.borrow_mut().orphan(Kind::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.0.borrow_mut().orphan(Kind::Other)
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {}

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        let mut t = self.0.borrow_mut();
        match child {
            NodeOrText::AppendNode(c) => {
                t.detach(c);
                t.append_id(*parent, c);
            }
            NodeOrText::AppendText(text) => {
                let last = t.nodes[*parent as usize].last;
                if !t.concat(last, &text) {
                    let c = t.orphan(Kind::Text(text));
                    t.append_id(*parent, c);
                }
            }
        }
    }

    fn append_before_sibling(&self, sibling: &u32, new_node: NodeOrText<u32>) {
        let mut t = self.0.borrow_mut();
        if let NodeOrText::AppendNode(c) = new_node {
            t.detach(c);
        }
        if t.nodes[*sibling as usize].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(c) => t.insert_before(*sibling, c),
            NodeOrText::AppendText(text) => {
                let prev = t.nodes[*sibling as usize].prev;
                if !t.concat(prev, &text) {
                    let c = t.orphan(Kind::Text(text));
                    t.insert_before(*sibling, c);
                }
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &u32, prev_element: &u32, child: NodeOrText<u32>) {
        let has_parent = self.0.borrow().nodes[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child)
        } else {
            self.append(prev_element, child)
        }
    }

    fn remove_from_parent(&self, target: &u32) {
        self.0.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let mut t = self.0.borrow_mut();
        while let Some(c) = some(t.nodes[*node as usize].first) {
            t.detach(c);
            t.append_id(*new_parent, c);
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<Attribute>) {
        let mut t = self.0.borrow_mut();
        if let Kind::Element(_, have) = &mut t.nodes[*target as usize].kind {
            for a in attrs {
                if !have.iter().any(|h| h.name == a.name) {
                    have.push(a);
                }
            }
        }
    }

    fn get_template_contents(&self, target: &u32) -> u32 {
        self.0.borrow().nodes[*target as usize].first
    }
}

/// A full listing of `tree` (every node with its attributes, by depth),
/// for comparing two parses; comments and doctypes as `#other`.
#[doc(hidden)]
pub fn dump(tree: &Tree) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut stack = vec![(0u32, 0usize)];
    while let Some((i, depth)) = stack.pop() {
        let _ = write!(out, "{:1$}", "", depth);
        match &tree.node(i).kind {
            Kind::Document => out.push_str("#document"),
            Kind::Fragment => out.push_str("#fragment"),
            Kind::Other => out.push_str("#other"),
            Kind::Text(t) => {
                let _ = write!(out, "{:?}", &**t);
            }
            Kind::Element(name, attrs) => {
                let _ = write!(out, "<{:?} {}", name.ns, name.local);
                for a in attrs {
                    let _ = write!(out, " {:?}:{}={:?}", a.name.ns, a.name.local, &*a.value);
                }
                out.push('>');
            }
        }
        out.push('\n');
        let mut kids = Vec::new();
        let mut c = tree.first_child(i);
        while let Some(k) = c {
            kids.push((k, depth + 1));
            c = tree.next_sibling(k);
        }
        stack.extend(kids.into_iter().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Children of `i` as tag names (`#text` for text).
    fn kids(t: &Tree, i: u32) -> Vec<String> {
        let mut out = Vec::new();
        let mut c = t.first_child(i);
        while let Some(j) = c {
            out.push(match &t.node(j).kind {
                Kind::Element(n, _) => n.local.to_string(),
                Kind::Text(s) => format!("#text:{s}"),
                Kind::Document | Kind::Fragment => "#fragment".into(),
                Kind::Other => "#other".into(),
            });
            c = t.next_sibling(j);
        }
        out
    }

    #[test]
    fn misnested_and_foster_parented_markup_follows_the_spec() {
        // Text in a table is fostered before it; <b> misnested with <p>
        // is reopened (the adoption agency moves nodes around).
        let t = parse("<!doctype html><body><table>x<tr><td>c</td></tr></table><b>1<p>2</b>3</p>");
        let html = t.first_child(0).unwrap();
        let body = t.next_sibling(t.first_child(html).unwrap()).unwrap();
        assert_eq!(kids(&t, body), ["#text:x", "table", "b", "p"]);
        let p = t.next_sibling(
            t.next_sibling(t.next_sibling(t.first_child(body).unwrap()).unwrap())
                .unwrap(),
        );
        assert_eq!(kids(&t, p.unwrap()), ["b", "#text:3"]);
    }

    #[test]
    fn template_content_is_a_fragment_child() {
        let t = parse("<template><p>in</p></template>");
        let head = t.first_child(t.first_child(0).unwrap()).unwrap();
        let tpl = t.first_child(head).unwrap();
        assert_eq!(kids(&t, tpl), ["#fragment"]);
        assert_eq!(kids(&t, t.first_child(tpl).unwrap()), ["p"]);
    }
}
