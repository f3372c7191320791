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
    for i in matched.iter() {
        let rule = &rules.rules[i];
        let lang_ok = lang.is_some_and(|l| rule.languages.iter().any(|x| x == l));
        for m in rule.regex.find_iter(text) {
            if rule.context == Scope::LanguageOrKeyword && !lang_ok && !keyword_before(text, m.start(), &rule.keywords)
            {
                continue;
            }
            let (start, mut end) = (m.start(), m.end());
            let ok = match rule.validator {
                Validator::Checksum(f) => f(m.as_str()),
                Validator::Email => email(m.as_str()),
                Validator::Ipv4 => ipv4(text, start, end, opts),
                Validator::Ipv6 => ipv6(m.as_str(), opts),
                Validator::Phone => phone(m.as_str(), lang),
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
            }
        }
    }
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

/// A keyword of the rule within 60 bytes before `start` (case-insensitive).
fn keyword_before(text: &str, start: usize, keywords: &[String]) -> bool {
    if keywords.is_empty() {
        return false;
    }
    let mut from = start.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from += 1;
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

fn phone(s: &str, lang: Option<&str>) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    if !(7..=15).contains(&digits) || looks_like_date(s) {
        return false;
    }
    let international = s.starts_with('+') || s.starts_with("00");
    let parsed = if international {
        let normalized = match s.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => s.to_string(),
        };
        phonenumber::parse(None, normalized)
    } else {
        let Some(region) = lang.and_then(region_of) else {
            return false;
        };
        // Where the country dials a trunk prefix (0 in most of the EU), a
        // national number without it is some other number.
        let id = format!("{region:?}");
        if let Some(prefix) = phonenumber::metadata::DATABASE
            .by_id(id.as_str())
            .and_then(|m| m.national_prefix())
        {
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            if !digits.starts_with(prefix) {
                return false;
            }
        }
        phonenumber::parse(Some(region), s)
    };
    parsed.is_ok_and(|n| phonenumber::is_valid(&n))
}
