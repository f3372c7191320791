//! Finding PII in a text: prefilter, candidates, validation, overlaps.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::region::{Origin, Signals};
use super::rules::{RuleSet, Scope, Validator};
use crate::stages::pii::checksums::IBAN_LENGTHS;

/// One confirmed finding: byte span in the text, type and rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    /// Index of the rule in the rule set.
    pub rule: usize,
}

/// Options that change what counts as PII.
#[derive(Debug, Clone, Copy)]
pub struct DetectOptions {
    /// Leave private, loopback, link-local and documentation addresses alone.
    pub spare_private_ips: bool,
}

// Steps of work done by [`find`] on this thread (bytes scanned by the
// regexes and the hand-written loops, candidates judged, spans compared):
// the linear-time test compares it for inputs of size n and 2n.
#[cfg(test)]
thread_local! {
    pub static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts `n` steps of work (tests only; nothing in release builds).
#[inline(always)]
fn step(_n: usize) {
    #[cfg(test)]
    STEPS.with(|c| c.set(c.get() + _n as u64));
}

/// Every confirmed, non-overlapping finding in `text`, in order.
pub fn find(rules: &RuleSet, text: &str, signals: &Signals, opts: DetectOptions) -> Vec<Finding> {
    // Candidates: (rule, start, end).
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    let at = memchr::memchr(b'@', text.as_bytes()).is_some();
    let colon = super::scan::hex_colon(text);
    for &i in &rules.text_rules {
        let rule = &rules.rules[i];
        let possible = match rule.validator {
            Validator::Email => at,
            Validator::Ipv6 => colon,
            _ => true,
        };
        if possible {
            step(text.len());
            candidates.extend(rule.regex.find_iter(text).map(|m| (i, m.start(), m.end())));
        }
    }
    let mut runs = Vec::new();
    step(text.len() / 32 + super::scan::number_runs(text, &mut runs));
    for (ws, we) in runs {
        let run = &text[ws..we];
        step(run.len() * (1 + rules.number_rules.len()));
        let matched = rules.number_prefilter.matches(run);
        for (j, &i) in rules.number_rules.iter().enumerate() {
            if matched.matched(j) {
                candidates.extend(
                    rules.rules[i]
                        .regex
                        .find_iter(run)
                        .map(|m| (i, ws + m.start(), ws + m.end())),
                );
            }
        }
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    let origin = Origin::of(signals);
    let mut found: Vec<Finding> = Vec::new();
    // Spans that have the exact shape of an IBAN, card or ID but fail its
    // check: numbers of that kind, so no phone may be read inside them.
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    // Phones right after a phone keyword: `Tlf. 90.12.34.56` is no address.
    let mut called: Vec<(usize, usize)> = Vec::new();
    for (i, m_start, m_end) in candidates {
        step(1 + m_end - m_start);
        let rule = &rules.rules[i];
        let lang_ok = rule.languages.iter().any(|x| origin.langs.contains(&x.as_str()));
        let m_str = &text[m_start..m_end];
        {
            let keyword = || keyword_before(text, m_start, 60, rule.keyword_regex.as_ref());
            let applies = match rule.context {
                Scope::Always => true,
                Scope::LanguageOrKeyword => lang_ok || keyword(),
                Scope::Keyword => keyword(),
            };
            if !applies {
                continue;
            }
            let (mut start, mut end) = (m_start, m_end);
            let ok = match rule.validator {
                Validator::Checksum(f) => f(m_str) && whole_number(text, start, end),
                Validator::Email => email(m_str),
                Validator::Ipv4 => {
                    end = with_port(text, end);
                    ipv4(text, start, m_end, opts)
                }
                Validator::Ipv6 => {
                    (start, end) = colon_run(text, start, end);
                    ipv6(&text[start..end], opts)
                }
                Validator::Phone => {
                    start = with_open_paren(text, start, end);
                    let kw = keyword();
                    // Labelled as something else (`Bestellnr.`, `ID`).
                    let label = || keyword_before(text, start, 24, rule.not_after_regex.as_ref());
                    // The exact shape of an identifier of the document's
                    // language (a Portuguese NIF is nine digits, like a Lisbon number).
                    let id_shape = || {
                        m_str.bytes().all(|c| c.is_ascii_digit())
                            && rules.rules.iter().any(|r| {
                                r.kind == "NATIONAL_ID"
                                    && r.languages.iter().any(|l| origin.langs.contains(&l.as_str()))
                                    && r.regex.find(m_str).is_some_and(|m| m.len() == m_str.len())
                            })
                    };
                    let ok = whole_number(text, start, end)
                        && !coordinate(text, start, end)
                        && phone(m_str, &origin, kw, label, id_shape);
                    if ok && kw {
                        called.push((start, end));
                    }
                    ok
                }
                Validator::Iban => match iban_span(m_str) {
                    Some(len) => {
                        end = start + len;
                        true
                    }
                    None => false,
                },
            };
            // A piece of a longer token is not PII, and replacing it would
            // leave the rest of the token behind.
            let ok = ok && whole_token(text, start, end);
            if ok {
                found.push(Finding { start, end, rule: i });
            } else if matches!(rule.validator, Validator::Iban)
                || (matches!(rule.validator, Validator::Checksum(_)) && rule.kind != "CARD")
            {
                // Generic digit runs (cards) claim nothing; IBAN and ID shapes do.
                claimed.push((start, end));
            }
        }
    }
    // (A run of digits with a trunk prefix, `0912123456`, is read as a
    // phone even where it also has the shape of a failed ID.)
    // Containment in a claimed span by binary search over spans sorted by
    // start with the running maximum of their ends: linear-logarithmic
    // however many claimed spans and phones a text holds.
    claimed.sort_unstable();
    let mut reach = Vec::with_capacity(claimed.len());
    let mut far = 0;
    for &(_, e) in &claimed {
        far = far.max(e);
        reach.push(far);
    }
    let inside_claimed = |start: usize, end: usize| {
        let n = claimed.partition_point(|&(s, _)| s <= start);
        step(1 + (usize::BITS - claimed.len().leading_zeros()) as usize);
        n > 0 && reach[n - 1] >= end
    };
    let called: std::collections::HashSet<(usize, usize)> = called.into_iter().collect();
    found.retain(|f| match rules.rules[f.rule].validator {
        Validator::Phone => {
            let compact = text[f.start..f.end].bytes().all(|c| c.is_ascii_digit());
            (compact && text[f.start..].starts_with('0')) || !inside_claimed(f.start, f.end)
        }
        Validator::Ipv4 => {
            step(1);
            !called.contains(&(f.start, f.end))
        }
        _ => true,
    });
    // Earliest first; at the same start the longer span, then the rule listed first.
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end), f.rule));
    let mut kept: Vec<Finding> = Vec::with_capacity(found.len());
    for f in found {
        if kept.last().is_none_or(|k| f.start >= k.end) {
            kept.push(f);
        }
    }
    kept
}

/// Punctuation around a token that is not part of it (`(`, `,`, quotes ...).
fn is_wrapper(c: char) -> bool {
    matches!(
        c,
        ',' | '.'
            | ';'
            | ':'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '<'
            | '>'
            | '"'
            | '\''
            | '«'
            | '»'
            | '„'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '!'
            | '?'
            | '¡'
            | '¿'
            | '*'
    )
}

/// True when `start..end` begins and ends a token: only wrapping punctuation
/// lies between it and the whitespace (or text edge) on either side. A label
/// glued on with a colon (`Tel.:+49 …`, `IBAN:DE89 …`, `mailto:…`) still
/// counts as a separate word; digits, letters, hex groups or other symbols
/// glued on make the candidate a piece of something longer.
fn whole_token(text: &str, start: usize, end: usize) -> bool {
    let mut colon = false;
    let mut left_ok = true;
    for c in text[..start].chars().rev() {
        step(1);
        if c.is_whitespace() {
            break;
        }
        if is_wrapper(c) {
            colon |= c == ':' || c == '=';
            continue;
        }
        // A label such as `Tel.:` or `E-mail:` ends with a colon after a letter.
        left_ok = colon && c.is_alphabetic();
        break;
    }
    left_ok
        && text[end..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .inspect(|_| step(1))
            .all(is_wrapper)
}

/// An IPv4 address followed by `:port` is replaced with its port.
fn with_port(text: &str, end: usize) -> usize {
    let b = text.as_bytes();
    if b.get(end) == Some(&b':') {
        let n = b[end + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if (1..=5).contains(&n) {
            return end + 1 + n;
        }
    }
    end
}

/// The whole run of hex digits, colons and dots around an IPv6 candidate
/// (less trailing punctuation): `a:b:c:d:e:f:1:2:3` is judged as nine
/// groups, not as its first eight.
fn colon_run(text: &str, start: usize, end: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let part = |c: u8| c.is_ascii_hexdigit() || c == b':' || c == b'.';
    // No address is longer than 45 characters; looking further than that
    // only has to see that the run is longer (and keeps this linear).
    const LONGEST: usize = 46;
    let mut s = start;
    while s > 0 && start - s < LONGEST && part(b[s - 1]) {
        s -= 1;
    }
    let mut e = end;
    while e < b.len() && e - end < LONGEST && part(b[e]) {
        e += 1;
    }
    // A sentence's full stop or a label's colon is not part of the address;
    // a closing `::` is.
    while e > end && (b[e - 1] == b'.' || (b[e - 1] == b':' && b[e - 2] != b':')) {
        e -= 1;
    }
    (s, e)
}

/// `(030) 1234 5678`: the opening parenthesis belongs to the number.
fn with_open_paren(text: &str, start: usize, end: usize) -> usize {
    let s = &text[start..end];
    let closes_first = s.find(')').is_some_and(|c| s.find('(').is_none_or(|o| c < o));
    if closes_first && start > 0 && text.as_bytes()[start - 1] == b'(' {
        start - 1
    } else {
        start
    }
}

/// False when the candidate is only part of a longer run of digit groups
/// (`1234 5678` inside `9876 1234 5678 4321`): a piece of a number is not one.
fn whole_number(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let sep = |c: u8| matches!(c, b' ' | b'-' | b'.' | b'/' | b',');
    let before = start >= 2 && sep(b[start - 1]) && b[start - 2].is_ascii_digit();
    let glued_before = start >= 1 && b[start - 1].is_ascii_digit();
    let after = end + 1 < b.len() && sep(b[end]) && b[end + 1].is_ascii_digit();
    !(before || glued_before || after)
}

/// A keyword of the rule within `reach` bytes before `start` on the same line,
/// at the start of a word (case-insensitive): `Tel.: 0151 …`, `PESEL 44051401359`,
/// but not the `tel` of `hotel`.
fn keyword_before(text: &str, start: usize, reach: usize, keywords: Option<&regex::Regex>) -> bool {
    let Some(keywords) = keywords else { return false };
    let mut from = start.saturating_sub(reach);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    if let Some(nl) = text[from..start].rfind('\n') {
        from += nl + 1;
    }
    // A window cut inside a word must not make its tail look like a word start.
    let window = &text[from..start];
    let cut_inside_word = text[..from].chars().next_back().is_some_and(char::is_alphanumeric);
    keywords
        .find_iter(window)
        .any(|m| m.start() > 0 || !cut_inside_word || !window[..m.end()].starts_with(|c: char| c.is_alphanumeric()))
}

/// File names like `logo@2x.png` look like addresses but are not.
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "ico", "bmp", "avif",
];

fn email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let tld = domain.rsplit('.').next().unwrap_or("");
    if FILE_EXTENSIONS.contains(&tld.to_ascii_lowercase().as_str()) {
        return false;
    }
    domain
        .split('.')
        .all(|l| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-'))
}

fn ipv4(text: &str, start: usize, end: usize, opts: DetectOptions) -> bool {
    let b = text.as_bytes();
    // Part of a longer dotted number (version strings, OIDs): not an address.
    let before = start.checked_sub(1).map(|i| b[i]);
    let after = b.get(end).copied();
    if before == Some(b'.') || (after == Some(b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit)) {
        return false;
    }
    let s = &text[start..end];
    if s.split('.').any(|o| o.len() > 1 && o.starts_with('0')) {
        return false;
    }
    let Ok(ip) = Ipv4Addr::from_str(s) else { return false };
    if opts.spare_private_ips
        && (ip.is_private()
            || ip.is_loopback()
            || ip.is_link_local()
            || ip.is_unspecified()
            || ip.is_broadcast()
            || ip.is_documentation()
            || ip.is_multicast()
            || ip.octets()[0] >= 240
            || ip.octets()[0] == 0
            || (ip.octets()[0] == 100 && (64..128).contains(&ip.octets()[1])))
    {
        return false;
    }
    true
}

fn ipv6(s: &str, opts: DetectOptions) -> bool {
    let Ok(ip) = Ipv6Addr::from_str(s) else { return false };
    if s.matches(':').count() < 2 {
        return false;
    }
    if opts.spare_private_ips {
        let seg = ip.segments();
        let unique_local = (seg[0] & 0xfe00) == 0xfc00;
        let link_local = (seg[0] & 0xffc0) == 0xfe80;
        let documentation = seg[0] == 0x2001 && seg[1] == 0x0db8;
        if ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() || unique_local || link_local || documentation {
            return false;
        }
    }
    true
}

/// The length (in bytes of `s`) of the IBAN at its start, if valid.
fn iban_span(s: &str) -> Option<usize> {
    let country = s.get(..2)?;
    let &(_, len) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country)?;
    let mut count = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_alphanumeric() {
            count += 1;
            if count == len {
                let span = &s[..i + 1];
                return super::checksums::iban(span).then_some(i + 1);
            }
        }
    }
    None
}

/// `15.03.2024`, `2024-03-15`, `3/15/24`: day, month and year in either
/// order, with a plausible year (`70.01.2345` is an Estonian number).
fn looks_like_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['.', '/', '-']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    let day_or_month = |p: &str| p.len() <= 2 && (1..=31).contains(&n(p));
    let year = |p: &str| p.len() == 2 || (p.len() == 4 && (1800..=2199).contains(&n(p)));
    let (a, b, c) = (parts[0], parts[1], parts[2]);
    (day_or_month(a) && day_or_month(b) && year(c))
        || (a.len() == 4 && (1800..=2199).contains(&n(a)) && day_or_month(b) && day_or_month(c))
}

/// `48.856613, 2.352222`: a decimal number next to another one.
fn coordinate(text: &str, start: usize, end: usize) -> bool {
    fn decimal(s: &str) -> bool {
        let s = s.trim_start_matches(['-', '+', '−']);
        s.split_once('.').is_some_and(|(a, b)| {
            (1..=3).contains(&a.len())
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
    }
    if !decimal(&text[start..end]) {
        return false;
    }
    let clean = |t: &str| t.trim_matches([',', ';', '(', ')', '[', ']']).to_string();
    let after = text[end..].split_whitespace().next().map(clean);
    let before = text[..start].split_whitespace().next_back().map(clean);
    let glued_after = text[end..]
        .strip_prefix(',')
        .map(|r| r.split_whitespace().next().unwrap_or("").to_string());
    [after, before, glued_after].iter().flatten().any(|t| decimal(t))
}

/// `2019/58085`, `2024-000123`: a year, then a running number.
fn reference_number(s: &str) -> bool {
    let Some(i) = s.find(['/', '-']) else { return false };
    let (head, tail) = (&s[..i], &s[i + 1..]);
    head.len() == 4
        && head.parse::<u32>().is_ok_and(|y| (1950..=2039).contains(&y))
        && !tail.is_empty()
        && tail.bytes().all(|c| c.is_ascii_digit())
}

/// `20240315`: eight digits that read as a date (ISO 8601 basic form).
fn compact_date(digits: &str) -> bool {
    let d = super::checksums::digits(digits);
    d.len() == 8
        && matches!(d[0] * 10 + d[1], 19 | 20)
        && super::checksums::valid_date(
            d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3],
            d[4] * 10 + d[5],
            d[6] * 10 + d[7],
        )
}

/// Whether `s` is a phone number: `keyword` says a phone label is before it,
/// `labelled_otherwise` whether a word such as `Bestellnr.` or `ISBN` is,
/// `id_shape` whether it has the exact shape of a national ID of the
/// document's language.
fn phone(
    s: &str,
    origin: &Origin,
    keyword: bool,
    labelled_otherwise: impl Fn() -> bool,
    id_shape: impl Fn() -> bool,
) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    // E.164 allows 15 digits, plus the two of a written `00` prefix.
    let most = if s.starts_with("00") { 17 } else { 15 };
    if !(7..=most).contains(&digits) || looks_like_date(s) {
        return false;
    }
    let digits_only: String = s.chars().filter(char::is_ascii_digit).collect();
    // International numbers are checked against their country's plan as
    // written, in any grouping.
    if s.starts_with('+') {
        return super::phone::is_valid_international(&digits_only);
    }
    if let Some(rest) = digits_only.strip_prefix("00") {
        return super::phone::is_valid_international(rest);
    }
    // National numbers: groups after the second have at least two digits
    // (`8 612 88005`, `0180 1 2345`; `7.19.0.15.0` is a version), and
    // dotted ones have no one-digit group at all (`12.3.28.4643`).
    let groups: Vec<&str> = s
        .split([' ', '.', '/', '-'])
        .map(|g| g.trim_matches(['(', ')']))
        .filter(|g| !g.is_empty() && *g != "0")
        .collect();
    let dotted = s.contains('.');
    let lengths: Vec<usize> = groups
        .iter()
        .map(|g| g.bytes().filter(u8::is_ascii_digit).count())
        .collect();
    if groups.iter().skip(if dotted { 1 } else { 2 }).any(|g| g.len() < 2) {
        // Unless grouped exactly as the country writes its numbers
        // (`0180 1 2345` in Germany, `06 1 234 5678` in Hungary): in the
        // document's countries, or after a keyword in any EU country.
        return !labelled_otherwise()
            && (origin
                .regions
                .iter()
                .any(|id| super::phone::grouped_as_in(id, &digits_only, &lengths))
                || keyword && super::phone::grouped_as_national(&digits_only, &lengths).is_some());
    }
    let grouped = groups.len() > 1;
    if compact_date(&digits_only) || (!keyword && reference_number(s)) {
        return false;
    }
    // In the countries the document points to, a valid number that is
    // grouped, follows a keyword or starts with the trunk prefix. A bare run
    // of digits is weaker evidence (where a country has no trunk prefix,
    // many order or tax numbers are valid phone numbers): it is taken only
    // as a fixed-line or mobile number of the country, and not after a word
    // that labels it as something else (order, invoice, ISBN, ID ...).
    //
    // A run that starts with the country's trunk prefix is written the way
    // only its phone numbers are: an ID of the same length does not veto it
    // (Slovak `0900123456` has the shape of a birth number).
    let mut labelled = None;
    let mut label_or_id = None;
    let mut not_labelled = || !*labelled.get_or_insert_with(&labelled_otherwise);
    for id in &origin.regions {
        let trunk = super::phone::has_trunk_prefix(id);
        if keyword && super::phone::is_valid_national(id, &digits_only) {
            return true;
        }
        if trunk && !grouped && super::phone::is_trunk_national(id, &digits_only) && not_labelled() {
            return true;
        }
        let mut plain = || not_labelled() && !*label_or_id.get_or_insert_with(&id_shape);
        if (trunk || grouped) && super::phone::is_valid_national(id, &digits_only) && plain() {
            return true;
        }
        // A bare run: a fixed-line or mobile number, or, where the country
        // dials no trunk prefix, any valid number of it.
        if !grouped
            && (super::phone::is_personal_national(id, &digits_only)
                || !trunk && super::phone::is_valid_national(id, &digits_only))
            && plain()
        {
            return true;
        }
    }
    // Elsewhere: after a keyword, a number valid in any EU country; with
    // nothing to go by, a grouped one written with a trunk prefix
    // (`06 48 78 96 07`) or grouped as its country writes its numbers
    // (`612 34 56 78`).
    if keyword {
        return super::phone::valid_national_region(&digits_only, false).is_some();
    }
    grouped
        && (super::phone::valid_national_region(&digits_only, true).is_some()
            || super::phone::grouped_as_national(&digits_only, &lengths).is_some())
}
