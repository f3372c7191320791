//! Decoding web payloads to text: byte-order mark, then valid UTF-8, then
//! the charset the server (HTTP `Content-Type`) or the page (`<meta>`)
//! declares, then detection. Legacy encodings of EU languages (windows-125x, ISO-8859-x,
//! KOI8-R, UTF-16) decode to real letters instead of replacement characters.
//! Maltese in ISO-8859-3 (Latin-3), which no detector knows, is recognised
//! by its letters ħ ġ ċ ż in their Latin-3 positions ([`maltese_latin3`]).

use encoding_rs::{Encoding, UTF_8};

/// How the encoding was decided, for metadata and audits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    Bom,
    /// The bytes are valid UTF-8 (whatever was declared).
    Utf8,
    Http,
    Meta,
    /// Guessed from the bytes: nothing usable was declared.
    Detected,
}

impl CharsetSource {
    /// Name used in `metadata.charset_source`.
    pub fn as_str(&self) -> &'static str {
        match self {
            CharsetSource::Bom => "bom",
            CharsetSource::Utf8 => "utf8",
            CharsetSource::Http => "http",
            CharsetSource::Meta => "meta",
            CharsetSource::Detected => "detected",
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

/// Encodings that decode the same letters for most text of their
/// languages; a declaration is only overridden by a guess from another
/// family (a Polish page declared windows-1252), never within one
/// (ISO-8859-15 declared, windows-1252 guessed).
fn family(enc: &'static Encoding) -> &'static str {
    match enc.name() {
        "windows-1252" | "ISO-8859-15" => "latin1",
        "windows-1250" | "ISO-8859-2" => "central",
        "windows-1257" | "ISO-8859-13" | "ISO-8859-4" => "baltic",
        "windows-1253" | "ISO-8859-7" => "greek",
        other => other,
    }
}

/// UTF-8 with a few damaged bytes (a truncated record, one pasted legacy
/// character): its many valid multi-byte characters would turn into
/// mojibake under any 8-bit guess, so it decodes as UTF-8 with the
/// damaged bytes replaced.
fn mostly_utf8(body: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in body.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    valid >= 8 && valid >= invalid * 10
}

/// UTF-16 without a byte-order mark: markup and Latin text put a zero byte
/// in every other position, which no 8-bit page has.
fn utf16_without_bom(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(4096) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_odd = head.chunks_exact(2).filter(|p| p[1] == 0 && p[0] != 0).count();
    let zero_even = head.chunks_exact(2).filter(|p| p[0] == 0 && p[1] != 0).count();
    if zero_odd * 10 >= pairs * 3 && zero_even * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if zero_even * 10 >= pairs * 3 && zero_odd * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Maltese letters' bytes in ISO-8859-3: ħ Ħ ż Ż (what windows-1252 reads
/// as ± ¡ ¿ ¯, never inside a word there) and ġ Ġ ċ Ċ (õ Õ å Å there,
/// letters of Estonian, Portuguese and the Nordic languages).
fn latin3_letter(b: u8) -> Option<bool> {
    match b {
        0xB1 | 0xA1 | 0xBF | 0xAF => Some(true),
        0xF5 | 0xD5 | 0xE5 | 0xC5 => Some(false),
        _ => None,
    }
}

/// Bytes Maltese text in ISO-8859-3 never holds: C1 controls (which
/// windows-125x use for letters), bytes Latin-3 leaves unassigned, and
/// its Esperanto and Turkish letters (ĉ ĝ ĥ ĵ ŝ ŭ ı İ ş ğ, where the
/// Baltic, Central European, Greek and Cyrillic encodings put common
/// letters).
fn foreign_to_maltese_latin3(b: u8) -> bool {
    matches!(
        b,
        0x80..=0x9F
            | 0xA5
            | 0xAE
            | 0xBE
            | 0xC3
            | 0xD0
            | 0xE3
            | 0xF0
            | 0xA6
            | 0xB6
            | 0xAC
            | 0xBC
            | 0xC6
            | 0xE6
            | 0xD8
            | 0xF8
            | 0xDE
            | 0xFE
            | 0xDD
            | 0xFD
            | 0xA9
            | 0xB9
            | 0xAA
            | 0xBA
            | 0xAB
            | 0xBB
    )
}

/// Whether 8-bit `body` is Maltese in ISO-8859-3: its Maltese letters
/// sit inside words (an ASCII letter next to them), at least one of them
/// one windows-1252 cannot read as a letter (ħ ż as ± ¿ inside a word),
/// three or more of them (one on an `.mt` host), and next to no bytes
/// Maltese Latin-3 text never has. Other
/// languages' legacy pages have no ± or ¿ inside words and carry their
/// own letters in the foreign positions, so they never pass.
fn maltese_latin3(body: &[u8], tld: Option<&str>) -> bool {
    let head = &body[..body.len().min(64 << 10)];
    let letter = |k: usize| head.get(k).is_some_and(u8::is_ascii_alphabetic);
    let (mut maltese, mut unambiguous, mut foreign) = (0usize, 0usize, 0usize);
    for (k, &b) in head.iter().enumerate() {
        if b < 0x80 {
            continue;
        }
        if foreign_to_maltese_latin3(b) {
            foreign += 1;
        } else if let Some(strong) = latin3_letter(b) {
            let before = k > 0 && letter(k - 1);
            let after = letter(k + 1);
            // ¿ and ¡ open Spanish sentences, so ż and Ħ count with a
            // letter before them; ± and ¯ never touch a letter.
            let in_word = match b {
                0xBF => before,
                0xA1 => before && after,
                _ => before || after,
            };
            if in_word {
                maltese += 1;
                unambiguous += usize::from(strong);
            }
        }
    }
    let need = if tld == Some("mt") { 1 } else { 3 };
    maltese >= need && unambiguous >= 1 && foreign * 20 <= maltese
}

/// Non-ASCII bytes a page needs before detection may override its
/// declared charset.
const MIN_EVIDENCE: usize = 16;

/// Guesses the encoding of undeclared or misdeclared bytes with chardetng,
/// hinted by the top-level domain of `url` (an `.ee` page is more likely
/// ISO-8859-15 than windows-1252).
fn guess(body: &[u8], url: Option<&str>) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // The first 64 KB decide as well as the whole of a 50 MB page.
    det.feed(&body[..body.len().min(64 << 10)], true);
    let tld = url.and_then(crate::text::url::tld);
    det.guess(tld.as_deref().map(str::as_bytes), chardetng::Utf8Detection::Allow)
}

/// Decodes `body`: byte-order mark, then valid UTF-8, then the charset
/// declared by HTTP `Content-Type`, then by `<meta>`; a declaration that
/// fails to decode, or that a detector confidently places in another
/// script family, gives way to detection (chardetng, hinted by the URL's
/// top-level domain), as does no declaration at all. `None` only for
/// bytes that no encoding decodes cleanly (binary data), where the
/// caller's invalid-UTF-8 policy applies.
pub fn decode(
    body: &[u8],
    content_type: &str,
    url: Option<&str>,
) -> Option<(String, &'static Encoding, CharsetSource)> {
    if let Some((enc, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = enc.decode_without_bom_handling(&body[bom_len..]);
        return Some((text.into_owned(), enc, CharsetSource::Bom));
    }
    if let Ok(s) = std::str::from_utf8(body) {
        return Some((s.to_string(), UTF_8, CharsetSource::Utf8));
    }
    if mostly_utf8(body) {
        return Some((String::from_utf8_lossy(body).into_owned(), UTF_8, CharsetSource::Utf8));
    }
    if let Some(enc) = utf16_without_bom(body) {
        let (text, _) = enc.decode_without_bom_handling(body);
        return Some((text.into_owned(), enc, CharsetSource::Detected));
    }
    let declared = charset_param(content_type)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .map(|e| (e, CharsetSource::Http))
        .or_else(|| {
            meta_charset(body)
                .and_then(|l| Encoding::for_label(l.as_bytes()))
                .map(|e| (e, CharsetSource::Meta))
        })
        // The bytes are not UTF-8, so a UTF-8 (or UTF-16, in an ASCII
        // page's meta) declaration is wrong.
        .filter(|(e, _)| *e != UTF_8 && *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE);
    let latin3 = encoding_rs::ISO_8859_3;
    let maltese = || maltese_latin3(body, url.and_then(crate::text::url::tld).as_deref());
    if let Some((enc, source)) = declared {
        // chardetng has no Latin-3 to agree with: a declaration of it
        // stands when the bytes decode.
        if enc == latin3 {
            let (text, had_errors) = enc.decode_without_bom_handling(body);
            if !had_errors {
                return Some((text.into_owned(), enc, source));
            }
        } else if family(enc) == "latin1" && maltese() {
            // Maltese declared windows-1252 or ISO-8859-1: only Latin-3
            // makes words of its letters.
            if let (text, false) = latin3.decode_without_bom_handling(body) {
                return Some((text.into_owned(), latin3, CharsetSource::Detected));
            }
        }
    } else if maltese() {
        if let (text, false) = latin3.decode_without_bom_handling(body) {
            return Some((text.into_owned(), latin3, CharsetSource::Detected));
        }
    }
    let mut guessed = None;
    if let Some((enc, source)) = declared {
        let (text, had_errors) = enc.decode_without_bom_handling(body);
        // Too few non-ASCII bytes for a detector to outvote a declaration
        // (then the detector need not run at all).
        let evidence = body.iter().filter(|b| !b.is_ascii()).count();
        if !had_errors && evidence < MIN_EVIDENCE {
            return Some((text.into_owned(), enc, source));
        }
        let g = *guessed.insert(guess(body, url));
        if !had_errors && (family(enc) == family(g) || g == UTF_8) {
            return Some((text.into_owned(), enc, source));
        }
    }
    let guessed = guessed.unwrap_or_else(|| guess(body, url));
    let (text, had_errors) = guessed.decode_without_bom_handling(body);
    if had_errors && guessed == UTF_8 {
        return None;
    }
    Some((text.into_owned(), guessed, CharsetSource::Detected))
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
        let (t, e, s) = decode(&pl, "text/html; charset=windows-1250", None).unwrap();
        assert_eq!(
            (t.as_str(), e.name(), s),
            ("Zażółć gęślą jaźń", "windows-1250", CharsetSource::Http)
        );
        // Bulgarian in windows-1251 declared by a meta tag.
        let mut bg = b"<html><head><meta charset=\"windows-1251\"></head><body>".to_vec();
        bg.extend(enc("windows-1251", "Всички хора се раждат свободни"));
        let (t, _, s) = decode(&bg, "text/html", None).unwrap();
        assert!(t.contains("Всички хора") && s == CharsetSource::Meta, "{t}");
        // Greek ISO-8859-7 through http-equiv.
        let mut el = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-7\">".to_vec();
        el.extend(enc("iso-8859-7", "Όλοι οι άνθρωποι"));
        assert!(decode(&el, "", None).unwrap().0.contains("Όλοι οι άνθρωποι"));
        // Estonian ISO-8859-15 (š, ž).
        let et = enc("iso-8859-15", "šokolaad ja žürii");
        assert_eq!(
            decode(&et, "text/plain; charset=ISO-8859-15", None).unwrap().0,
            "šokolaad ja žürii"
        );
        // Russian KOI8-R.
        let ru = enc("koi8-r", "Привет");
        assert_eq!(decode(&ru, "text/html; charset=koi8-r", None).unwrap().0, "Привет");
        // UTF-16 with a BOM.
        let mut u16 = vec![0xff, 0xfe];
        for unit in "Malti ħ".encode_utf16() {
            u16.extend(unit.to_le_bytes());
        }
        assert_eq!(
            decode(&u16, "text/html", None).unwrap(),
            ("Malti ħ".to_string(), encoding_rs::UTF_16LE, CharsetSource::Bom)
        );
    }

    #[test]
    fn one_maltese_letter_is_enough_on_an_mt_host() {
        // "Il-ħajja" in Latin-3, padded with ASCII: one ħ in a word.
        let mut body = b"<html><body><p>Il-".to_vec();
        body.push(0xB1);
        body.extend(b"ajja hija sabiha u twila.</p></body></html>");
        let (t, e, s) = decode(&body, "text/html", Some("https://www.example.com.mt/x")).unwrap();
        assert_eq!((e.name(), s), ("ISO-8859-3", CharsetSource::Detected));
        assert!(t.contains("Il-ħajja"), "{t}");
        // Elsewhere one letter is too little to overrule a detector.
        let (_, e, _) = decode(&body, "text/html", Some("https://www.example.com/x")).unwrap();
        assert_ne!(e.name(), "ISO-8859-3");
        // A Latin-3 declaration stands even though chardetng has no Latin-3.
        let (t, e, s) = decode(&body, "text/html; charset=iso-8859-3", None).unwrap();
        assert_eq!((e.name(), s), ("ISO-8859-3", CharsetSource::Http));
        assert!(t.contains("Il-ħajja"));
    }

    #[test]
    fn valid_utf8_wins_over_a_wrong_declaration_and_undeclared_bytes_are_detected() {
        let (t, e, s) = decode(
            "Dia duit, a chara — ġ".as_bytes(),
            "text/html; charset=iso-8859-1",
            None,
        )
        .unwrap();
        assert_eq!(
            (t.as_str(), e, s),
            ("Dia duit, a chara — ġ", UTF_8, CharsetSource::Utf8)
        );
        // Undeclared legacy bytes are detected.
        let (t, _, s) = decode(&[0x66, 0xff, 0x67], "text/html", None).unwrap();
        assert_eq!((t.as_str(), s), ("fÿg", CharsetSource::Detected));
    }
}
