//! The HTML tokenizer extraction parses with: the WHATWG tokenizer's
//! states, run over the page's bytes a run at a time instead of a
//! character at a time, feeding html5ever's tree builder (which does the
//! tree construction rules unchanged). html5ever's own tokenizer copies
//! every character of every tag name, attribute and comment into a
//! growing buffer one by one and sends each line break as a token of its
//! own; it was over half of extraction's time. Here text runs, names and
//! attribute values are slices of the page, found with `memchr`.
//!
//! It follows html5ever's tokenizer wherever the two could differ (the
//! tree must not depend on which one ran; `tests` checks both give the
//! same tree, attributes and comments included): named character
//! references matched as html5ever matches them (longest known prefix,
//! the attribute rule for ones without `;`), numeric ones with the C1
//! replacements, NUL handling per state, duplicate attributes dropped,
//! RCDATA/RAWTEXT/script data ended only by the appropriate end tag, and
//! script data's escaped and double-escaped states.

use html5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Doctype, Tag, TagKind, Token, TokenSink, TokenSinkResult};
use html5ever::{ns, Attribute, LocalName, QualName};
use memchr::{memchr, memchr3, memmem};

/// What the text after a tag is, as the tree builder decides.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Data,
    Rcdata,
    Rawtext,
    Script,
    Plaintext,
}

/// Tokenizes `html` into `sink` (html5ever's tree builder), end of file
/// and end of parsing included.
pub fn tokenize<S: TokenSink>(sink: &S, html: &str) {
    // Input preprocessing: CR LF and lone CR are LF.
    let html: std::borrow::Cow<str> = if memchr(b'\r', html.as_bytes()).is_some() {
        html.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        html.into()
    };
    let mut t = Tokenizer {
        sink,
        buf: StrTendril::from_slice(&html),
        s: &html,
        b: html.as_bytes(),
        mode: Mode::Data,
        last_start: None,
    };
    t.run();
    sink.end();
}

struct Tokenizer<'a, S> {
    sink: &'a S,
    /// The page as one shared buffer; text tokens are slices of it.
    buf: StrTendril,
    s: &'a str,
    b: &'a [u8],
    mode: Mode,
    /// The name of the last start tag emitted (what ends RCDATA, RAWTEXT
    /// and script data).
    last_start: Option<LocalName>,
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0C' | b' ')
}

impl<S: TokenSink> Tokenizer<'_, S> {
    fn emit(&self, token: Token) -> TokenSinkResult<S::Handle> {
        self.sink.process_token(token, 0)
    }

    /// Emits `from..to` of the page as text (no NUL in it).
    fn text(&self, from: usize, to: usize) {
        if to > from {
            let _ = self.emit(Token::CharacterTokens(
                self.buf.subtendril(from as u32, (to - from) as u32),
            ));
        }
    }

    fn chars(&self, s: &str) {
        if !s.is_empty() {
            let _ = self.emit(Token::CharacterTokens(StrTendril::from_slice(s)));
        }
    }

    fn run(&mut self) {
        let mut i = 0;
        let len = self.b.len();
        while i < len {
            i = match self.mode {
                Mode::Data => self.data(i),
                Mode::Plaintext => {
                    self.raw_text(i, len, false);
                    len
                }
                Mode::Rcdata | Mode::Rawtext => {
                    let end = self.appropriate_end_tag(i);
                    self.raw_text(i, end.unwrap_or(len), self.mode == Mode::Rcdata);
                    match end {
                        Some(e) => self.tag(e + 2, TagKind::EndTag),
                        None => len,
                    }
                }
                Mode::Script => {
                    let end = self.script_end(i);
                    self.raw_text(i, end.unwrap_or(len), false);
                    match end {
                        Some(e) => self.tag(e + 2, TagKind::EndTag),
                        None => len,
                    }
                }
            };
        }
        let _ = self.emit(Token::EOFToken);
    }

    /// The data state from `i` up to and including the next markup;
    /// returns where to go on.
    fn data(&mut self, i: usize) -> usize {
        let b = self.b;
        let Some(p) = memchr3(b'<', b'&', b'\0', &b[i..]).map(|p| i + p) else {
            self.text(i, b.len());
            return b.len();
        };
        self.text(i, p);
        match b[p] {
            b'\0' => {
                let _ = self.emit(Token::NullCharacterToken);
                p + 1
            }
            b'&' => match char_ref(self.s, p + 1, false) {
                Some((c, end)) => {
                    self.chars(c.as_str());
                    end
                }
                None => {
                    self.text(p, p + 1);
                    p + 1
                }
            },
            _ => self.markup(p),
        }
    }

    /// RCDATA, RAWTEXT or PLAINTEXT text `from..to`: NUL is U+FFFD, and
    /// character references count in RCDATA.
    fn raw_text(&self, from: usize, to: usize, refs: bool) {
        let part = &self.b[from..to];
        let simple = memchr(b'\0', part).is_none() && !(refs && memchr(b'&', part).is_some());
        if simple {
            self.text(from, to);
            return;
        }
        self.chars(&self.decoded(from, to, refs, false));
    }

    /// `from..to` with NUL as U+FFFD and, when `refs`, character references
    /// decoded (by the attribute rule when `in_attr`). A reference cannot run
    /// past `to` (an end tag's `<` or the attribute value's end).
    fn decoded(&self, from: usize, to: usize, refs: bool, in_attr: bool) -> String {
        let mut out = String::with_capacity(to - from);
        let mut k = from;
        while k < to {
            let Some(p) = memchr::memchr2(b'\0', if refs { b'&' } else { b'\0' }, &self.b[k..to]).map(|p| k + p) else {
                out.push_str(&self.s[k..to]);
                break;
            };
            out.push_str(&self.s[k..p]);
            if self.b[p] == b'\0' {
                out.push('\u{fffd}');
                k = p + 1;
                continue;
            }
            match char_ref(&self.s[..to], p + 1, in_attr) {
                Some((c, end)) => {
                    out.push_str(c.as_str());
                    k = end;
                }
                None => {
                    out.push('&');
                    k = p + 1;
                }
            }
        }
        out
    }

    /// Markup starting with the `<` at `p`; returns where data goes on.
    fn markup(&mut self, p: usize) -> usize {
        let b = self.b;
        match b.get(p + 1) {
            None => {
                self.text(p, p + 1);
                p + 1
            }
            Some(b'!') => self.declaration(p + 2),
            Some(b'/') => match b.get(p + 2) {
                Some(c) if c.is_ascii_alphabetic() => self.tag(p + 2, TagKind::EndTag),
                Some(b'>') => p + 3,
                None => {
                    self.text(p, p + 2);
                    p + 2
                }
                Some(_) => self.bogus_comment(p + 2),
            },
            Some(c) if c.is_ascii_alphabetic() => self.tag(p + 1, TagKind::StartTag),
            Some(b'?') => self.bogus_comment(p + 1),
            Some(_) => {
                self.text(p, p + 1);
                p + 1
            }
        }
    }

    /// A comment token of `from..to` (NUL is U+FFFD).
    fn comment(&self, from: usize, to: usize) {
        let text = &self.s[from..to];
        let t = if memchr(b'\0', text.as_bytes()).is_some() {
            StrTendril::from_slice(&text.replace('\0', "\u{fffd}"))
        } else {
            self.buf.subtendril(from as u32, (to - from) as u32)
        };
        let _ = self.emit(Token::CommentToken(t));
    }

    /// The bogus comment state: everything up to the next `>`.
    fn bogus_comment(&self, from: usize) -> usize {
        match memchr(b'>', &self.b[from..]) {
            Some(e) => {
                self.comment(from, from + e);
                from + e + 1
            }
            None => {
                self.comment(from, self.b.len());
                self.b.len()
            }
        }
    }

    /// After `<!`: a comment, a doctype, a CDATA section (in foreign
    /// content) or a bogus comment.
    fn declaration(&mut self, q: usize) -> usize {
        let b = self.b;
        if b[q..].starts_with(b"--") {
            return self.full_comment(q + 2);
        }
        if b.len() >= q + 7 && b[q..q + 7].eq_ignore_ascii_case(b"doctype") {
            return self.doctype(q + 7);
        }
        if b[q..].starts_with(b"[CDATA[") && self.sink.adjusted_current_node_present_but_not_in_html_namespace() {
            let s = q + 7;
            let end = memmem::find(&b[s..], b"]]>").map(|e| s + e);
            let to = end.unwrap_or(b.len());
            // NUL stays a NUL character token here, as in html5ever.
            let mut k = s;
            while let Some(z) = memchr(b'\0', &b[k..to]).map(|z| k + z) {
                self.text(k, z);
                let _ = self.emit(Token::NullCharacterToken);
                k = z + 1;
            }
            self.text(k, to);
            return end.map_or(b.len(), |e| e + 3);
        }
        self.bogus_comment(q)
    }

    /// A comment whose text starts at `s` (after `<!--`): it ends at the
    /// first `-->` or `--!>`, or at once with `>` or `->`.
    fn full_comment(&self, s: usize) -> usize {
        let b = self.b;
        if b.get(s) == Some(&b'>') {
            self.comment(s, s);
            return s + 1;
        }
        if b[s..].starts_with(b"->") {
            self.comment(s, s);
            return s + 2;
        }
        let close = memmem::find(&b[s..], b"-->").map(|e| (s + e, 3));
        let bang = memmem::find(&b[s..close.map_or(b.len(), |c| c.0)], b"--!>").map(|e| (s + e, 4));
        match bang.or(close) {
            Some((e, n)) => {
                self.comment(s, e);
                e + n
            }
            None => {
                // End of file: the comment runs to it (a trailing `-` or
                // `--` is the start of an end that never came).
                let mut e = b.len();
                while e > s && b[e - 1] == b'-' && b.len() - e < 2 {
                    e -= 1;
                }
                self.comment(s, e);
                b.len()
            }
        }
    }

    /// The DOCTYPE states from `s` (after `<!DOCTYPE`).
    fn doctype(&self, s: usize) -> usize {
        let b = self.b;
        let end = memchr(b'>', &b[s..]).map(|e| s + e);
        let body = &self.s[s..end.unwrap_or(b.len())];
        let mut d = parse_doctype(body);
        if end.is_none() {
            // End of file inside a doctype forces quirks, except in the
            // bogus doctype state.
            d.doctype.force_quirks |= !d.bogus;
        }
        let _ = self.emit(Token::DoctypeToken(d.doctype));
        end.map_or(b.len(), |e| e + 1)
    }

    /// The tag whose name starts at `s`; emits it and returns where data
    /// goes on (the end of the page when the tag is cut off by it, which
    /// drops the tag).
    fn tag(&mut self, s: usize, kind: TagKind) -> usize {
        let b = self.b;
        let len = b.len();
        let mut j = s;
        while j < len && !is_space(b[j]) && b[j] != b'/' && b[j] != b'>' {
            j += 1;
        }
        if j >= len {
            return len;
        }
        let name = LocalName::from(&*lower(&self.s[s..j]));
        let mut attrs: Vec<Attribute> = Vec::new();
        let mut duplicate = false;
        let mut self_closing = false;
        loop {
            // Before attribute name.
            while j < len && is_space(b[j]) {
                j += 1;
            }
            if j >= len {
                return len;
            }
            match b[j] {
                b'/' => {
                    j += 1;
                    if j >= len {
                        return len;
                    }
                    if b[j] == b'>' {
                        self_closing = true;
                        j += 1;
                        break;
                    }
                    continue;
                }
                b'>' => {
                    j += 1;
                    break;
                }
                _ => {}
            }
            // Attribute name (a first `=` belongs to it).
            let ns = j;
            j += 1;
            while j < len && !is_space(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
                j += 1;
            }
            let attr_name = &self.s[ns..j];
            // After attribute name.
            while j < len && is_space(b[j]) {
                j += 1;
            }
            if j >= len {
                return len;
            }
            let mut value = StrTendril::new();
            let mut emit_now = false;
            if b[j] == b'=' {
                j += 1;
                while j < len && is_space(b[j]) {
                    j += 1;
                }
                if j >= len {
                    return len;
                }
                match b[j] {
                    q @ (b'"' | b'\'') => {
                        let Some(e) = memchr(q, &b[j + 1..]).map(|e| j + 1 + e) else {
                            return len;
                        };
                        value = self.attr_value(j + 1, e);
                        j = e + 1;
                    }
                    b'>' => {
                        j += 1;
                        emit_now = true;
                    }
                    _ => {
                        let mut e = j;
                        while e < len && !is_space(b[e]) && b[e] != b'>' {
                            e += 1;
                        }
                        if e >= len {
                            return len;
                        }
                        value = self.attr_value(j, e);
                        j = e;
                    }
                }
            }
            let local = LocalName::from(&*lower(attr_name));
            if attrs.iter().any(|a| a.name.local == local) {
                duplicate = true;
            } else {
                attrs.push(Attribute {
                    name: QualName::new(None, ns!(), local),
                    value,
                });
            }
            if emit_now {
                break;
            }
        }
        if kind == TagKind::StartTag {
            self.last_start = Some(name.clone());
        }
        let tag = Tag {
            kind,
            name,
            self_closing,
            attrs,
            had_duplicate_attributes: duplicate,
        };
        self.mode = match self.emit(Token::TagToken(tag)) {
            TokenSinkResult::Plaintext => Mode::Plaintext,
            TokenSinkResult::RawData(RawKind::Rcdata) => Mode::Rcdata,
            TokenSinkResult::RawData(RawKind::Rawtext) => Mode::Rawtext,
            TokenSinkResult::RawData(_) => Mode::Script,
            _ => Mode::Data,
        };
        j
    }

    /// An attribute value `from..to`: character references (by the
    /// attribute rule) decoded, NUL as U+FFFD.
    fn attr_value(&self, from: usize, to: usize) -> StrTendril {
        let part = &self.b[from..to];
        if memchr(b'&', part).is_none() && memchr(b'\0', part).is_none() {
            return self.buf.subtendril(from as u32, (to - from) as u32);
        }
        StrTendril::from_slice(&self.decoded(from, to, true, true))
    }

    /// Where the end tag that ends RCDATA or RAWTEXT starts: `</` and the
    /// last start tag's name (any case), then a space, `/` or `>`.
    fn appropriate_end_tag(&self, from: usize) -> Option<usize> {
        let name = self.last_start.as_deref()?.as_bytes();
        let b = self.b;
        let mut k = from;
        while let Some(p) = memmem::find(&b[k..], b"</").map(|p| k + p) {
            if is_end_tag_named(b, p, name) {
                return Some(p);
            }
            k = p + 2;
        }
        None
    }

    /// Where the `</script` that ends script data from `from` starts,
    /// following the escaped (`<!--`) and double-escaped (`<script>`
    /// inside it) states.
    fn script_end(&self, from: usize) -> Option<usize> {
        #[derive(Clone, Copy, PartialEq)]
        enum St {
            Normal,
            Escaped,
            Double,
        }
        let b = self.b;
        let name = self.last_start.as_deref()?.as_bytes();
        let (mut st, mut k, mut dashes) = (St::Normal, from, 0usize);
        while k < b.len() {
            let c = b[k];
            match st {
                St::Normal => {
                    if c == b'<' {
                        if is_end_tag_named(b, k, name) {
                            return Some(k);
                        }
                        if b[k + 1..].starts_with(b"!--") {
                            st = St::Escaped;
                            // `<!--` leaves the escaped dash dash state.
                            dashes = 2;
                            k += 4;
                            continue;
                        }
                    }
                }
                St::Escaped | St::Double => {
                    match c {
                        b'-' => {
                            dashes += 1;
                            k += 1;
                            continue;
                        }
                        b'>' if dashes >= 2 => st = St::Normal,
                        b'<' if st == St::Escaped => {
                            if is_end_tag_named(b, k, name) {
                                return Some(k);
                            }
                            if starts_script_word(b, k + 1) {
                                st = St::Double;
                            }
                        }
                        b'<' if b.get(k + 1) == Some(&b'/') && starts_script_word(b, k + 2) => {
                            st = St::Escaped;
                        }
                        _ => {}
                    }
                    dashes = 0;
                }
            }
            k += 1;
        }
        None
    }
}

/// Whether `b[p..]` is `</name` (any case) followed by a space, `/` or
/// `>`.
fn is_end_tag_named(b: &[u8], p: usize, name: &[u8]) -> bool {
    let n = name.len();
    b.len() > p + 2 + n
        && b[p] == b'<'
        && b[p + 1] == b'/'
        && b[p + 2..p + 2 + n].eq_ignore_ascii_case(name)
        && matches!(b[p + 2 + n], b'\t' | b'\n' | b'\x0C' | b' ' | b'/' | b'>')
}

/// Whether `b[k..]` is `script` (any case) followed by a space, `/` or
/// `>`: what enters and leaves the double-escaped state.
fn starts_script_word(b: &[u8], k: usize) -> bool {
    b.len() > k + 6
        && b[k..k + 6].eq_ignore_ascii_case(b"script")
        && matches!(b[k + 6], b'\t' | b'\n' | b'\x0C' | b' ' | b'/' | b'>')
}

/// ASCII lower case, NUL as U+FFFD (tag and attribute names).
fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().all(|c| !c.is_ascii_uppercase() && c != 0) {
        return s.into();
    }
    s.chars()
        .map(|c| if c == '\0' { '\u{fffd}' } else { c.to_ascii_lowercase() })
        .collect::<String>()
        .into()
}

/// The one or two characters a reference stands for.
struct RefChars {
    buf: [u8; 8],
    len: usize,
}

impl RefChars {
    fn new(chars: &[char]) -> Self {
        let mut r = RefChars { buf: [0; 8], len: 0 };
        for c in chars {
            r.len += c.encode_utf8(&mut r.buf[r.len..]).len();
        }
        r
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// The character reference after the `&` at `s - 1`: its characters and
/// where the text goes on, or `None` when the `&` is a plain character
/// (everything after it is read again as text). `in_attr`: the rule that
/// `&amp` without `;` before `=` or a letter or digit is no reference.
fn char_ref(text: &str, s: usize, in_attr: bool) -> Option<(RefChars, usize)> {
    let b = text.as_bytes();
    match b.get(s) {
        Some(b'#') => numeric_ref(b, s + 1),
        Some(c) if c.is_ascii_alphanumeric() => {
            let (mut k, mut found, mut name_len) = (s, None, 0);
            while k < b.len() {
                if !b[k].is_ascii() {
                    break;
                }
                match NAMED_ENTITIES.get(&text[s..=k]) {
                    Some(&m) => {
                        if m.0 != 0 {
                            (found, name_len) = (Some(m), k + 1 - s);
                        }
                        k += 1;
                    }
                    None => break,
                }
            }
            let (c1, c2) = found?;
            let end = s + name_len;
            if b[end - 1] != b';' && in_attr && b.get(end).is_some_and(|&c| c == b'=' || c.is_ascii_alphanumeric()) {
                return None;
            }
            let c1 = char::from_u32(c1)?;
            Some(match char::from_u32(c2).filter(|_| c2 != 0) {
                Some(c2) => (RefChars::new(&[c1, c2]), end),
                None => (RefChars::new(&[c1]), end),
            })
        }
        _ => None,
    }
}

/// `&#…` from `k` (after the `#`), as html5ever reads it.
fn numeric_ref(b: &[u8], mut k: usize) -> Option<(RefChars, usize)> {
    let base = if matches!(b.get(k), Some(b'x' | b'X')) {
        k += 1;
        16
    } else {
        10
    };
    let (mut num, mut too_big, mut digits) = (0u32, false, false);
    while let Some(d) = b.get(k).and_then(|&c| (c as char).to_digit(base)) {
        num = num.wrapping_mul(base);
        if num > 0x10FFFF {
            too_big = true;
        }
        num = num.wrapping_add(d);
        digits = true;
        k += 1;
    }
    if !digits {
        return None;
    }
    if b.get(k) == Some(&b';') {
        k += 1;
    }
    let c = match num {
        n if n > 0x10FFFF || too_big => '\u{fffd}',
        0x00 | 0xD800..=0xDFFF => '\u{fffd}',
        0x80..=0x9F => {
            C1_REPLACEMENTS[(num - 0x80) as usize].unwrap_or_else(|| char::from_u32(num).unwrap_or('\u{fffd}'))
        }
        n => char::from_u32(n).unwrap_or('\u{fffd}'),
    };
    Some((RefChars::new(&[c]), k))
}

/// A doctype read from the text between `<!DOCTYPE` and its `>`.
struct ParsedDoctype {
    doctype: Doctype,
    /// Whether it ended in the bogus doctype state.
    bogus: bool,
}

/// The DOCTYPE states over `body` (which holds no `>`).
fn parse_doctype(body: &str) -> ParsedDoctype {
    #[derive(Clone, Copy, PartialEq)]
    enum Id {
        Public,
        System,
    }
    let mut d = Doctype::default();
    let mut force = false;
    let b = body.as_bytes();
    let mut k = 0;
    let skip = |k: &mut usize| {
        while *k < b.len() && is_space(b[*k]) {
            *k += 1;
        }
    };
    // Doctype and before doctype name.
    skip(&mut k);
    if k >= b.len() {
        // `<!DOCTYPE>`, or end of file: no name.
        return ParsedDoctype {
            doctype: Doctype {
                force_quirks: true,
                ..d
            },
            bogus: false,
        };
    }
    let ns = k;
    while k < b.len() && !is_space(b[k]) {
        k += 1;
    }
    d.name = Some(StrTendril::from_slice(&lower(&body[ns..k])));
    let finish = |mut d: Doctype, force: bool, bogus: bool| {
        d.force_quirks = force;
        ParsedDoctype { doctype: d, bogus }
    };
    // After doctype name.
    skip(&mut k);
    if k >= b.len() {
        return finish(d, force, false);
    }
    let rest = &b[k..];
    let mut id = if rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"public") {
        Id::Public
    } else if rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"system") {
        Id::System
    } else {
        return finish(d, true, true);
    };
    k += 6;
    // After the keyword: a quoted identifier, with or without a space.
    loop {
        skip(&mut k);
        if k >= b.len() {
            // `>` after the keyword or before the identifier.
            return finish(d, true, false);
        }
        let q = b[k];
        if q != b'"' && q != b'\'' {
            return finish(d, true, true);
        }
        let Some(e) = memchr(q, &b[k + 1..]).map(|e| k + 1 + e) else {
            // `>` inside the identifier ends the doctype.
            let v = StrTendril::from_slice(&body[k + 1..].replace('\0', "\u{fffd}"));
            match id {
                Id::Public => d.public_id = Some(v),
                Id::System => d.system_id = Some(v),
            }
            return finish(d, true, false);
        };
        let v = StrTendril::from_slice(&body[k + 1..e].replace('\0', "\u{fffd}"));
        match id {
            Id::Public => d.public_id = Some(v),
            Id::System => d.system_id = Some(v),
        }
        k = e + 1;
        if id == Id::System {
            // After the system identifier: only spaces until `>`.
            skip(&mut k);
            return finish(d, force, k < b.len());
        }
        // After the public identifier: a system identifier may follow.
        skip(&mut k);
        if k >= b.len() {
            return finish(d, force, false);
        }
        if b[k] != b'"' && b[k] != b'\'' {
            force = true;
            return finish(d, force, true);
        }
        id = Id::System;
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::{dump, parse, parse_with_html5ever};

    fn same(html: &str) {
        assert_eq!(dump(&parse(html)), dump(&parse_with_html5ever(html)), "page: {html:?}");
    }

    #[test]
    fn same_tree_as_html5evers_tokenizer() {
        for html in [
            "<!DOCTYPE html><html><head><title>T &amp; U</title></head><body><p class=a>x</p></body></html>",
            "<!doctype html public \"-//W3C//DTD HTML 4.01 Transitional//EN\"><table><p>quirks</table>",
            "<!DOCTYPE html PUBLIC '-//W3O//DTD W3 HTML Strict 3.0//EN//'><table><p>q</table>",
            "<!DOCTYPE html SYSTEM \"about:legacy-compat\">x",
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\"><table><p>x",
            "<!DOCTYPE html PUBLIC \"x\"y><table><p>x",
            "<!DOCTYPE html PUBLIC \"x>\"><table><p>x",
            "<!DOCTYPE><table><p>x",
            "<!DOCTYPEhtml><table><p>x",
            "<!DOCTYPE html bogus><table><p>x",
            "<!DOCTYPE html SYSTEM 'a' junk><table><p>x",
            "<!DOCTYPE html",
            "<p>a &amp b &ampx &notin; &notit; &not &#65;&#x42;&#X43 &#128; &#0; &#xD800; &#1114112; &# &#x; &; &zz; &</p>",
            "<a title='&amp=x &ampx &amp; &notit &lt' href=\"?a=1&copy=2&b&lt;\">l</a>",
            "<p a=1 A=2 b c=\"\" d='' e=f/>x</p><br/><div/x=y>",
            "<div class=\"a\"id=b><span =x>y</span></div>",
            "<p>1<!-- c -->2<!---->3<!--->4<!-->5<!-- a --!> 6 <!-- -- - --->7<!-- <!-- x -->8</p>",
            "<p><?php echo 1 ?>x</p><!x y>z</ p></>w<//x>",
            "<script>if (a < b && c) x('</div>');</script><p>after</p>",
            "<script><!-- document.write('<script>x</script>'); --></script><p>after</p>",
            "<script><!-- <script> </script> --> </script><p>after</p>",
            "<script><!--> </script><p>after</p>",
            "<style>p{}</STYLE ><p>a</p><textarea>&lt;b&gt; </textarea x><p>b</p>",
            "<title>a</titlex></title><xmp><b>&amp;</xmp><iframe><p>x</iframe>",
            "<noscript><p>n</p></noscript><noembed><p>e</noembed><noframes>f</noframes>",
            "<plaintext><p>all text</p>",
            "<svg><![CDATA[ a<b ]]]><title>t</title><desc><p>x</p></desc></svg><p><![CDATA[x]]>y</p>",
            "<math><mi>x</mi><annotation-xml encoding=text/html><p>y</p></annotation-xml></math>",
            "<table>x<tr><td>a</td>y</tr></table><b>1<p>2</b>3</p>",
            "<pre>\nfirst</pre><pre>\n\nsecond</pre><textarea>\nt</textarea><pre>&#10;x</pre>",
            "a\r\nb\rc\n<p\r\nclass=x>\r</p>",
            "<p>nul\0here</p><p a\0=b\0>x</p><title>a\0b</title><script>\0</script><!--\0-->",
            "<p>unterminated <b class=\"x",
            "<p>cut <a href=x",
            "<p>cut </p",
            "<p>cut <",
            "<p>cut </",
            "<p>cut <!--",
            "<p>cut &am",
            "<textarea>cut &amp",
            "<script>cut </script",
            "<title>x</title ",
            "<title>x</title a='>'>y",
            "<template><p>in</p></template><select><option>a<option>b</select>",
            "<frameset><frame></frameset>",
            "<body a=1><body b=2 a=3><html c=4>",
            "<ul><li>one<li>two</ul><dl><dt>a<dd>b</dl>",
            "<table><tr><td><table><tr><td>inner</td></tr></table></td></tr></table>",
            "<h1>title</h2><h3>x</h3></p><p>",
            "<a href=x>one<a href=y>two</a>",
            "Ä ö &Auml; &euro; 日本語 <p>ü</p>",
        ] {
            same(html);
        }
    }

    /// Random tag soup from tricky pieces: both tokenizers give the same
    /// tree for every one of them. (`<pre>`, `<listing>` and `<textarea>`
    /// are followed by text: html5ever's tree builder forgets to drop the
    /// newline after them when a parse error comes first, which the
    /// standard does not ask and this tokenizer does not copy.)
    #[test]
    fn random_tag_soup_gives_the_same_tree() {
        const PIECES: &[&str] = &[
            "<p>",
            "</p>",
            "<div class='a b'>",
            "</div>",
            "<b>",
            "</b>",
            "<i>",
            "</i>",
            "<a href=\"x\">",
            "</a>",
            "<table>",
            "</table>",
            "<tr>",
            "<td>",
            "</td>",
            "<script>",
            "</script>",
            "<!--",
            "-->",
            "--!>",
            "<!-- x -->",
            "<style>",
            "</style>",
            "<title>",
            "</title>",
            "<textarea>x",
            "</textarea>",
            "<svg>",
            "</svg>",
            "<math>",
            "<![CDATA[",
            "]]>",
            "<template>",
            "</template>",
            "<select>",
            "<option>",
            "&amp;",
            "&amp",
            "&#",
            "&#x41;",
            "&notin",
            "&lt",
            "text",
            " ",
            "\n",
            "\r\n",
            "\0",
            "<",
            ">",
            "/",
            "=",
            "\"",
            "'",
            "<br/>",
            "<img src=a>",
            "<!DOCTYPE html>",
            "<li>",
            "<ul>",
            "<pre>x",
            "<listing>x",
            "<noscript>",
            "</noscript>",
            "<xmp>",
            "</xmp>",
            "<plaintext>",
            "<h1>",
            "</h1>",
            "<form>",
            "</form>",
            "<button>",
            "<frameset>",
            "<body x=1>",
            "<html y=2>",
            "<head>",
            "<!x>",
            "<?y>",
            "</>",
            "</ x>",
            "<p id=",
            "<span =a>",
            "é",
            "<iframe>",
            "</iframe>",
            "<table><tr>",
            "<!--<script>",
        ];
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut differ = Vec::new();
        for _ in 0..10_000 {
            let n = 1 + (next() % 24) as usize;
            let html: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            if dump(&parse(&html)) != dump(&parse_with_html5ever(&html)) {
                differ.push(html);
            }
        }
        differ.sort_by_key(|h| h.len());
        assert!(
            differ.is_empty(),
            "{} pages differ, e.g. {:?}",
            differ.len(),
            &differ[..differ.len().min(8)]
        );
    }
}
