//! Finding PII in a text: prefilter, candidates, validation, overlaps.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

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

/// Every confirmed, non-overlapping finding in `text`, in order.
pub fn find(rules: &RuleSet, text: &str, lang: Option<&str>, opts: DetectOptions) -> Vec<Finding> {
    let matched = rules.prefilter.matches(text);
    if !matched.matched_any() {
        return Vec::new();
    }
    let mut found: Vec<Finding> = Vec::new();
    // Spans that have the exact shape of an IBAN, card or ID but fail its
    // check: numbers of that kind, so no phone may be read inside them.
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    for i in matched.iter() {
        let rule = &rules.rules[i];
        let lang_ok = lang.is_some_and(|l| rule.languages.iter().any(|x| x == l));
        for m in rule.regex.find_iter(text) {
            let keyword = || keyword_before(text, m.start(), &rule.keywords);
            let applies = match rule.context {
                Scope::Always => true,
                Scope::LanguageOrKeyword => lang_ok || keyword(),
                Scope::Keyword => keyword(),
            };
            if !applies {
                continue;
            }
            let (start, mut end) = (m.start(), m.end());
            let ok = match rule.validator {
                Validator::Checksum(f) => f(m.as_str()) && whole_number(text, start, end),
                Validator::Email => email(m.as_str()),
                Validator::Ipv4 => ipv4(text, start, end, opts),
                Validator::Ipv6 => ipv6(m.as_str(), opts),
                Validator::Phone => whole_number(text, start, end) && phone(m.as_str(), lang, keyword()),
                Validator::Iban => match iban_span(m.as_str()) {
                    Some(len) => {
                        end = start + len;
                        true
                    }
                    None => false,
                },
            };
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
    found.retain(|f| {
        !matches!(rules.rules[f.rule].validator, Validator::Phone)
            || !claimed.iter().any(|&(s, e)| s <= f.start && f.end <= e)
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

/// False when the candidate is only part of a longer run of digit groups
/// (`1234 5678` inside `9876 1234 5678 4321`): a piece of a number is not one.
fn whole_number(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let sep = |c: u8| matches!(c, b' ' | b'-' | b'.' | b'/');
    let before = start >= 2 && sep(b[start - 1]) && b[start - 2].is_ascii_digit();
    let glued_before = start >= 1 && b[start - 1].is_ascii_digit();
    let after = end + 1 < b.len() && sep(b[end]) && b[end + 1].is_ascii_digit();
    !(before || glued_before || after)
}

/// A keyword of the rule within 60 bytes before `start` on the same line
/// (case-insensitive): `Tel.: 0151 …`, `PESEL 44051401359`.
fn keyword_before(text: &str, start: usize, keywords: &[String]) -> bool {
    if keywords.is_empty() {
        return false;
    }
    let mut from = start.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    if let Some(nl) = text[from..start].rfind('\n') {
        from += nl + 1;
    }
    let window = text[from..start].to_lowercase();
    keywords.iter().any(|k| window.contains(k.as_str()))
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

/// Phone region for a document language (the main country of the language).
pub fn region_of(lang: &str) -> Option<phonenumber::country::Id> {
    use phonenumber::country::Id::*;
    Some(match lang {
        "bg" => BG,
        "cs" => CZ,
        "da" => DK,
        "de" => DE,
        "el" => GR,
        "en" => GB,
        "es" => ES,
        "et" => EE,
        "fi" => FI,
        "fr" => FR,
        "ga" => IE,
        "hr" => HR,
        "hu" => HU,
        "it" => IT,
        "lt" => LT,
        "lv" => LV,
        "mt" => MT,
        "nl" => NL,
        "pl" => PL,
        "pt" => PT,
        "ro" => RO,
        "sk" => SK,
        "sl" => SI,
        "sv" => SE,
        _ => return None,
    })
}

fn looks_like_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['.', '/', '-']).collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
        && parts[0].len() <= 4
        && parts[1].len() <= 2
        && (parts[2].len() == 2 || parts[2].len() == 4)
}

fn phone(s: &str, lang: Option<&str>, keyword: bool) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    if !(7..=15).contains(&digits) || looks_like_date(s) {
        return false;
    }
    // Groups after the first have at least two digits: `7.19.0.15.0` is a
    // version, not a number anyone dials.
    let groups: Vec<&str> = s.split([' ', '.', '/', '-']).filter(|g| !g.is_empty()).collect();
    if groups.iter().skip(1).any(|g| g.trim_matches(['(', ')']).len() < 2) {
        return false;
    }
    let digits_only: String = s.chars().filter(char::is_ascii_digit).collect();
    if s.starts_with('+') {
        return super::phone::is_valid_international(&digits_only);
    }
    if let Some(rest) = digits_only.strip_prefix("00") {
        return super::phone::is_valid_international(rest);
    }
    let Some(region) = lang.and_then(region_of) else {
        return false;
    };
    // A bare run of digits is a phone number only where the text says so.
    if groups.len() == 1 && !keyword {
        return false;
    }
    // Where the country dials a trunk prefix (0 in most of the EU), a
    // national number must start with it; where it has none, digits alone
    // do not tell a phone from an order or tax number, so a keyword must.
    let id = format!("{region:?}");
    if super::phone::national_prefix(&id).is_none() && !keyword {
        return false;
    }
    super::phone::is_valid_national(&id, &digits_only)
}
