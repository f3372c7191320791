//! Decoding web payloads to text: byte-order mark, then valid UTF-8, then
//! the charset the server (HTTP `Content-Type`) or the page (`<meta>`)
//! declares. Legacy encodings of EU languages (windows-125x, ISO-8859-x,
//! KOI8-R, UTF-16) decode to real letters instead of replacement characters.

use encoding_rs::{Encoding, UTF_8};

/// How the encoding was decided, for metadata and audits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    Bom,
    /// The bytes are valid UTF-8 (whatever was declared).
    Utf8,
    Http,
    Meta,
}

impl CharsetSource {
    /// Name used in `metadata.charset_source`.
    pub fn as_str(&self) -> &'static str {
        match self {
            CharsetSource::Bom => "bom",
            CharsetSource::Utf8 => "utf8",
            CharsetSource::Http => "http",
            CharsetSource::Meta => "meta",
        }
    }
}

/// The charset parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
    })
}

/// `<meta charset=...>` or `<meta http-equiv=content-type content="...; charset=...">`
/// in the first 4 KB of an HTML page.
fn meta_charset(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = lower[start..]
            .iter()
            .position(|&c| c == b'>')
            .map(|e| start + e)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(j) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[j + 7..];
            let rest = rest
                .iter()
                .skip_while(|c| c.is_ascii_whitespace() || **c == b'=' || **c == b'"' || **c == b'\'');
            let name: Vec<u8> = rest
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'))
                .copied()
                .collect();
            if !name.is_empty() {
                return String::from_utf8(name).ok();
            }
        }
        from = end.max(start + 5);
    }
    None
}

/// Decodes `body` if its encoding can be decided: `None` means "not valid
/// UTF-8 and nothing declared another encoding" (the caller's
/// invalid-UTF-8 policy applies).
pub fn decode(body: &[u8], content_type: &str) -> Option<(String, &'static Encoding, CharsetSource)> {
    if let Some((enc, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = enc.decode_without_bom_handling(&body[bom_len..]);
        return Some((text.into_owned(), enc, CharsetSource::Bom));
    }
    if let Ok(s) = std::str::from_utf8(body) {
        return Some((s.to_string(), UTF_8, CharsetSource::Utf8));
    }
    let declared = charset_param(content_type)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .map(|e| (e, CharsetSource::Http))
        .filter(|(e, _)| *e != UTF_8)
        .or_else(|| {
            meta_charset(body)
                .and_then(|l| Encoding::for_label(l.as_bytes()))
                .filter(|e| *e != UTF_8)
                .map(|e| (e, CharsetSource::Meta))
        })?;
    let (enc, source) = declared;
    let (text, _) = enc.decode_without_bom_handling(body);
    Some((text.into_owned(), enc, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(label: &str, text: &str) -> Vec<u8> {
        Encoding::for_label(label.as_bytes())
            .unwrap()
            .encode(text)
            .0
            .into_owned()
    }

    #[test]
    fn legacy_encodings_of_eu_languages() {
        // Polish in windows-1250 declared by HTTP.
        let pl = enc("windows-1250", "Zażółć gęślą jaźń");
        let (t, e, s) = decode(&pl, "text/html; charset=windows-1250").unwrap();
        assert_eq!(
            (t.as_str(), e.name(), s),
            ("Zażółć gęślą jaźń", "windows-1250", CharsetSource::Http)
        );
        // Bulgarian in windows-1251 declared by a meta tag.
        let mut bg = b"<html><head><meta charset=\"windows-1251\"></head><body>".to_vec();
        bg.extend(enc("windows-1251", "Всички хора се раждат свободни"));
        let (t, _, s) = decode(&bg, "text/html").unwrap();
        assert!(t.contains("Всички хора") && s == CharsetSource::Meta, "{t}");
        // Greek ISO-8859-7 through http-equiv.
        let mut el = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-7\">".to_vec();
        el.extend(enc("iso-8859-7", "Όλοι οι άνθρωποι"));
        assert!(decode(&el, "").unwrap().0.contains("Όλοι οι άνθρωποι"));
        // Estonian ISO-8859-15 (š, ž).
        let et = enc("iso-8859-15", "šokolaad ja žürii");
        assert_eq!(
            decode(&et, "text/plain; charset=ISO-8859-15").unwrap().0,
            "šokolaad ja žürii"
        );
        // Russian KOI8-R.
        let ru = enc("koi8-r", "Привет");
        assert_eq!(decode(&ru, "text/html; charset=koi8-r").unwrap().0, "Привет");
        // UTF-16 with a BOM.
        let mut u16 = vec![0xff, 0xfe];
        for unit in "Malti ħ".encode_utf16() {
            u16.extend(unit.to_le_bytes());
        }
        assert_eq!(
            decode(&u16, "text/html").unwrap(),
            ("Malti ħ".to_string(), encoding_rs::UTF_16LE, CharsetSource::Bom)
        );
    }

    #[test]
    fn valid_utf8_wins_over_a_wrong_declaration_and_nothing_declared_is_none() {
        let (t, e, s) = decode("Dia duit, a chara — ġ".as_bytes(), "text/html; charset=iso-8859-1").unwrap();
        assert_eq!(
            (t.as_str(), e, s),
            ("Dia duit, a chara — ġ", UTF_8, CharsetSource::Utf8)
        );
        assert!(decode(&[0x66, 0xff, 0x67], "text/html").is_none());
    }
}
