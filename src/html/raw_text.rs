//! Slims a page before parsing: empties inline `<script>`, `<style>` and
//! `<svg>` elements and drops the attributes extraction never reads.
//! Scripts, styles and SVG hold 40% of a typical page's bytes, and
//! attributes two thirds of the rest, yet none of it is text; the HTML
//! tokenizer would copy it all twice. Skipping it is the cheapest speed-up
//! extraction has. JSON-LD scripts are kept (they carry metadata and, on
//! script-rendered pages, the article). The scan follows the tokenizer
//! where it matters: comments, quoted attribute values and text-only
//! elements (`textarea`, `title`) are not mistaken for tags, and scripts
//! using the legacy `<!--` escape are left to the parser, whose rules for
//! them this scan does not repeat.

use std::borrow::Cow;

use memchr::{memchr, memchr3, memmem};

/// `html` with the content of its scripts, styles and inline SVG images
/// removed (tags kept), and start tags stripped to the attributes
/// extraction reads.
pub fn slim_markup(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    // Sized once: growing a copy of a whole page by doubling moves it
    // several times.
    let mut out = String::with_capacity(html.len());
    let (mut copied, mut i) = (0usize, 0usize);
    while let Some(p) = memchr(b'<', &b[i..]) {
        let lt = i + p;
        if b[lt..].starts_with(b"<!--") {
            match memmem::find(&b[lt + 4..], b"-->") {
                Some(e) => i = lt + 4 + e + 3,
                None => break,
            }
            continue;
        }
        // A tag name starts with a letter and runs to a space, `/` or `>`
        // (custom elements carry dashes).
        if !b.get(lt + 1).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name_end = lt
            + 1
            + b[lt + 1..]
                .iter()
                .take_while(|&&c| !c.is_ascii_whitespace() && c != b'/' && c != b'>')
                .count();
        let Some(tag_end) = tag_end(b, name_end) else { break };
        let name = &b[lt + 1..name_end];
        let raw = [
            "script", "style", "svg", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
        ]
        .into_iter()
        .find(|r| name.eq_ignore_ascii_case(r.as_bytes()));
        let Some(raw) = raw else {
            if name.eq_ignore_ascii_case(b"plaintext") {
                break;
            }
            if let Some(kept) = slim_attributes(b, name, name_end, tag_end) {
                out.push_str(&html[copied..name_end]);
                for (s, e) in kept {
                    out.push(' ');
                    out.push_str(&html[s..e]);
                }
                if b[tag_end - 1] == b'/' {
                    out.push_str(" /");
                }
                copied = tag_end;
            }
            i = tag_end + 1;
            continue;
        };
        let content = tag_end + 1;
        if raw == "svg" && b[tag_end - 1] == b'/' {
            // `<svg/>`: a foreign element closes itself.
            i = content;
            continue;
        }
        let close = closing_tag(b, content, raw).unwrap_or(b.len());
        let keep = match raw {
            "script" => {
                contains_ignore_case(&b[lt..tag_end], b"ld+json") || memmem::find(&b[content..close], b"<!--").is_some()
            }
            "style" => false,
            "svg" => !self_contained_svg(&b[content..close]),
            _ => true,
        };
        if !keep && close > content {
            out.push_str(&html[copied..content]);
            copied = close;
        }
        i = close;
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Whether extraction reads attribute `attr` of element `tag`: class,
/// id, visibility and roles everywhere, metadata on `meta`, `link` and
/// `time`. Everything else (URLs, `srcset`, `data-` blobs, inline
/// handlers) is most of a page's markup and never read.
fn is_read(tag: &[u8], attr: &[u8]) -> bool {
    let is = |names: &[&str], of: &[u8]| names.iter().any(|n| of.eq_ignore_ascii_case(n.as_bytes()));
    is(
        &[
            "id",
            "class",
            "hidden",
            "aria-hidden",
            "role",
            "itemprop",
            "lang",
            "type",
            "datetime",
            "data-component",
            "data-lp-replacement-content",
        ],
        attr,
    ) || (is(&["meta"], tag) && is(&["content", "name", "property", "http-equiv", "charset"], attr))
        || (is(&["link"], tag) && is(&["rel", "href"], attr))
}

/// Whether an inline style may hide its element: the rules read `style`
/// only for `display:none` and `visibility:hidden` (with or without the
/// space), so any other style is dropped before parsing. A value with a
/// character reference is kept, as its decoded text may say either.
fn may_hide(style: &[u8]) -> bool {
    memchr(b'&', style).is_some()
        || [
            &b"display:none"[..],
            b"display: none",
            b"visibility:hidden",
            b"visibility: hidden",
        ]
        .iter()
        .any(|p| memmem::find(style, p).is_some())
}

/// The attributes of the start tag spanning `from..end` that extraction
/// reads, as source ranges; `None` when all are (the tag stays as is) or
/// the tag is too malformed to rewrite safely.
fn slim_attributes(b: &[u8], tag: &[u8], from: usize, end: usize) -> Option<Vec<(usize, usize)>> {
    let (mut j, mut kept, mut dropped) = (from, Vec::new(), false);
    let mut styled = false;
    loop {
        while j < end && (b[j].is_ascii_whitespace() || b[j] == b'/') {
            j += 1;
        }
        if j >= end {
            break;
        }
        let start = j;
        j += 1;
        while j < end && !b[j].is_ascii_whitespace() && !matches!(b[j], b'/' | b'=') {
            j += 1;
        }
        let name_end = j;
        let mut value = (j, j);
        let mut k = j;
        while k < end && b[k].is_ascii_whitespace() {
            k += 1;
        }
        if k < end && b[k] == b'=' {
            k += 1;
            while k < end && b[k].is_ascii_whitespace() {
                k += 1;
            }
            if k < end && (b[k] == b'"' || b[k] == b'\'') {
                j = k + 1 + memchr(b[k], &b[k + 1..end])? + 1;
                value = (k + 1, j - 1);
            } else {
                let v = k;
                while k < end && !b[k].is_ascii_whitespace() {
                    k += 1;
                }
                (j, value) = (k, (v, k));
            }
        }
        let name = &b[start..name_end];
        let read = if name.eq_ignore_ascii_case(b"style") {
            // Only the first `style` counts (the parser drops repeats),
            // and only when it may hide the element.
            let first = !styled;
            styled = true;
            first && may_hide(&b[value.0..value.1])
        } else {
            is_read(tag, name)
        };
        if read {
            kept.push((start, j));
        } else {
            dropped = true;
        }
    }
    dropped.then_some(kept)
}

/// Whether `content`, up to the first `</svg`, is the whole image: no
/// nested image, no comment, and no end tag of an HTML element (an image
/// left open is closed by its parent's end tag, and its `</svg>` may come
/// much later, inside a comment or another image).
fn self_contained_svg(content: &[u8]) -> bool {
    const HTML_ENDS: [&[u8]; 20] = [
        b"div", b"a", b"p", b"span", b"li", b"ul", b"ol", b"td", b"tr", b"table", b"section", b"article", b"body",
        b"html", b"button", b"form", b"header", b"footer", b"nav", b"main",
    ];
    if contains_ignore_case(content, b"<svg") || memmem::find(content, b"<!--").is_some() {
        return false;
    }
    // Start tags that break out of an image into HTML, taking the text
    // after them along.
    const BREAKOUTS: [&[u8]; 28] = [
        b"b",
        b"big",
        b"blockquote",
        b"body",
        b"br",
        b"center",
        b"code",
        b"dd",
        b"div",
        b"dl",
        b"dt",
        b"em",
        b"embed",
        b"font",
        b"h1",
        b"h2",
        b"h3",
        b"hr",
        b"i",
        b"img",
        b"li",
        b"ol",
        b"p",
        b"pre",
        b"span",
        b"strong",
        b"table",
        b"ul",
    ];
    !memchr::memchr_iter(b'<', content).any(|p| {
        let (end, from) = match content.get(p + 1) {
            Some(b'/') => (true, p + 2),
            _ => (false, p + 1),
        };
        let name = &content[from..];
        let len = name.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        let list: &[&[u8]] = if end { &HTML_ENDS } else { &BREAKOUTS };
        list.iter().any(|t| name[..len].eq_ignore_ascii_case(t))
    })
}

/// Index of the `>` ending the start tag whose attributes begin at `from`,
/// quoted values skipped.
fn tag_end(b: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let p = from + memchr3(b'>', b'"', b'\'', &b[from..])?;
        if b[p] == b'>' {
            return Some(p);
        }
        // A quote opens a value only after `=` (possibly spaced); a stray
        // one in a tag is an ordinary character.
        let before = b[from..p].iter().rev().find(|c| !c.is_ascii_whitespace());
        if before == Some(&b'=') {
            from = p + 1 + memchr(b[p], &b[p + 1..])? + 1;
        } else {
            from = p + 1;
        }
    }
}

/// Where the end tag `</name` (followed by space, `/` or `>`) starts.
fn closing_tag(b: &[u8], mut from: usize, name: &str) -> Option<usize> {
    let n = name.len();
    while let Some(p) = memmem::find(&b[from..], b"</") {
        let at = from + p;
        let after = b.get(at + 2 + n).copied();
        if b.len() >= at + 2 + n
            && b[at + 2..at + 2 + n].eq_ignore_ascii_case(name.as_bytes())
            && after.is_none_or(|c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_styles_emptied_json_ld_kept() {
        let html = r#"<head><STYLE>p{color:red}</style><script type="application/ld+json">{"a":1}</script></head><body><p>A</p><script>if (a<b) x("</p>");</SCRIPT ><p>B<svg viewBox="0 0 9 9"><path d="M0 0"/></svg><svg class=i/><b>C</b><svg></svg></p></body>"#;
        assert_eq!(
            slim_markup(html),
            r#"<head><STYLE></style><script type="application/ld+json">{"a":1}</script></head><body><p>A</p><script></SCRIPT ><p>B<svg viewBox="0 0 9 9"></svg><svg class=i/><b>C</b><svg></svg></p></body>"#
        );
    }

    #[test]
    fn comments_attributes_and_text_elements_are_not_tags() {
        for html in [
            "<!-- <script> --><p>kept</p><!-- </script> -->",
            r#"<div class="<script>">kept</div><p>also kept</p></script>"#,
            "<textarea><script></textarea><p>kept</p></script>",
            "<title><style></title><p>kept</p></style>",
            "<script><!-- document.write('<script></script>') --></script><p>kept</p>",
            "<p>no scripts at all</p>",
            "<div><svg><use href='#i'/></div><!-- <svg></svg> --><p>kept</p>",
            "<svg><defs><svg id=a><path/></svg></defs></svg><p>kept</p>",
            "<svg><g><br/>Text after a break-out</g></svg>",
        ] {
            assert_eq!(slim_markup(html), html);
        }
    }

    #[test]
    fn only_read_attributes_kept() {
        let html = r#"<div class="post" data-x='a > b' onclick=go()><amp-state id=s hidden src="/s.json"></amp-state><a href="/x" title="t">A</a><img src=a.jpg srcset="a 1x, b 2x"/><br/><meta name=description content="D"><link rel=canonical href="https://e.eu/a"><p id=p1>B</p></div>"#;
        assert_eq!(
            slim_markup(html),
            r#"<div class="post"><amp-state id=s hidden></amp-state><a>A</a><img /><br/><meta name=description content="D"><link rel=canonical href="https://e.eu/a"><p id=p1>B</p></div>"#
        );
    }

    #[test]
    fn styles_kept_only_when_they_may_hide() {
        let html = r#"<p style="color:red">a</p><p STYLE='display: none' style="x">b</p><p style=color:red style="display:none">c</p><p style="display&#58;none">d</p>"#;
        assert_eq!(
            slim_markup(html),
            r#"<p>a</p><p STYLE='display: none'>b</p><p>c</p><p style="display&#58;none">d</p>"#
        );
    }

    #[test]
    fn unterminated_script_runs_to_the_end() {
        assert_eq!(slim_markup("<p>a</p><script>var x = 1;"), "<p>a</p><script>");
        assert_eq!(slim_markup("<p a='>"), "<p a='>");
    }
}
