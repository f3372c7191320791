//! Phone-number validity from libphonenumber's metadata (the `phonenumber`
//! crate's database), with the patterns compiled once per region.
//!
//! `phonenumber::is_valid` recompiles patterns through a 100-entry shared
//! cache, which thrashes as soon as a corpus mixes countries (each country
//! needs about ten patterns); this keeps every region's patterns compiled
//! for the life of the process and matches them without locking.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex::Regex;

/// One number type of a region: its possible lengths and its pattern.
struct TypePattern {
    lengths: Vec<usize>,
    /// What a number needs before its pattern is worth matching (most
    /// candidates fail it: most regions reject most leading digits).
    cheap: Shape,
    regex: Regex,
    /// A fixed-line or mobile pattern: numbers people have, as opposed to
    /// service numbers (toll-free, premium, shared cost, UAN ...).
    personal: bool,
}

/// Everything needed to validate national significant numbers of a region.
struct RegionPatterns {
    general: TypePattern,
    types: Vec<TypePattern>,
    national_prefix: Option<String>,
    /// Prefixes people dial before national numbers (`[08]` in Lithuania,
    /// where the old trunk prefix 8 is still written), anchored at the start.
    prefix_for_parsing: Option<Regex>,
    /// How the country writes its numbers nationally.
    formats: Vec<NationalFormat>,
}

/// One national format: which numbers it applies to, its groups (the
/// pattern's captures) and whether the trunk prefix is written before them.
struct NationalFormat {
    leading: Option<Regex>,
    pattern: Regex,
    with_prefix: bool,
    /// The least and most digits of each group, when the pattern is a plain
    /// sequence of groups (most are): a number written in other groups is
    /// not in this format, which is known before any pattern runs.
    group_sizes: Option<Vec<(usize, usize)>>,
}

impl NationalFormat {
    /// Whether a number written in groups of `groups` digits, the first
    /// holding a trunk prefix of `prefix_len` digits (glued to the first
    /// group or apart), can be in this format. Never false for a number
    /// [`grouped_as_in`] would accept.
    fn could_group(&self, prefix_len: usize, groups: &[usize]) -> bool {
        if self.with_prefix != (prefix_len > 0) {
            return false;
        }
        let Some(sizes) = self.group_sizes.as_ref().filter(|_| !groups.is_empty()) else {
            return true;
        };
        let fits = |written: &[usize]| {
            written.len() == sizes.len() && written.iter().zip(sizes).all(|(n, (lo, hi))| (lo..=hi).contains(&n))
        };
        if prefix_len == 0 {
            return fits(groups);
        }
        let glued = groups.first().is_some_and(|&g| g >= prefix_len) && {
            let mut g = groups.to_vec();
            g[0] -= prefix_len;
            fits(&g)
        };
        let apart = groups.first() == Some(&prefix_len) && fits(&groups[1..]);
        glued || apart
    }
}

/// The least and most characters of each capture group of `pattern`, when
/// it is anchors and capture groups in sequence (each group then takes part
/// in every match exactly once); `None` for anything else.
fn group_sizes(pattern: &str) -> Option<Vec<(usize, usize)>> {
    use regex_syntax::hir::{Hir, HirKind};
    fn walk(h: &Hir, out: &mut Vec<(usize, usize)>) -> bool {
        match h.kind() {
            HirKind::Look(_) | HirKind::Empty => true,
            HirKind::Concat(items) => items.iter().all(|i| walk(i, out)),
            HirKind::Capture(c) => {
                let p = c.sub.properties();
                if p.explicit_captures_len() > 0 {
                    return false;
                }
                match p.minimum_len() {
                    Some(lo) => {
                        out.push((lo, p.maximum_len().unwrap_or(usize::MAX)));
                        true
                    }
                    None => false,
                }
            }
            _ => false,
        }
    }
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .build()
        .parse(pattern)
        .ok()?;
    let mut sizes = Vec::new();
    walk(&hir, &mut sizes).then_some(sizes)
}

impl RegionPatterns {
    /// The format libphonenumber would write `nsn` with.
    fn format_of(&self, nsn: &str) -> Option<&NationalFormat> {
        self.formats
            .iter()
            .find(|f| f.leading.as_ref().is_none_or(|l| l.is_match(nsn)) && f.pattern.is_match(nsn))
    }
}

/// The cheap part of a pattern: the lengths a number may have and the
/// two-digit starts it may have, read off the pattern's automaton once, so
/// that a number of another length or start is rejected without a regex.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Bit `n`: numbers of `n` digits fit (all bits when the metadata lists none).
    lengths: u64,
    /// Bit `10 * a + b`: some number starting with the digits `a`, `b` matches.
    starts: u128,
}

impl Shape {
    fn of(pattern: &str, lengths: &[usize]) -> Shape {
        let lengths = if lengths.is_empty() {
            u64::MAX
        } else {
            lengths.iter().filter(|&&n| n < 64).fold(0, |m, &n| m | 1 << n)
        };
        Shape {
            lengths,
            starts: two_digit_starts(pattern),
        }
    }

    /// False when `nsn` cannot match: wrong length or start. Numbers shorter
    /// than two digits are left to the pattern.
    #[inline]
    fn admits(&self, nsn: &str) -> bool {
        let b = nsn.as_bytes();
        if b.len() >= 64 || self.lengths & (1 << b.len()) == 0 {
            return false;
        }
        match b {
            [x @ b'0'..=b'9', y @ b'0'..=b'9', ..] => self.starts & (1 << ((x - b'0') * 10 + (y - b'0'))) != 0,
            _ => true,
        }
    }
}

/// Which two-digit starts an anchored pattern can match numbers with:
/// walks its lazy DFA over each pair of digits and keeps those that do not
/// reach the dead state (all of them when the automaton cannot be built).
fn two_digit_starts(pattern: &str) -> u128 {
    use regex_automata::hybrid::dfa::DFA;
    use regex_automata::util::syntax;
    use regex_automata::{Anchored, Input};
    let all = (1u128 << 100) - 1;
    let Ok(dfa) = DFA::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build(pattern)
    else {
        return all;
    };
    let mut cache = dfa.create_cache();
    let Ok(start) = dfa.start_state_forward(&mut cache, &Input::new("").anchored(Anchored::Yes)) else {
        return all;
    };
    let mut starts = 0u128;
    for a in 0..10u8 {
        let Ok(s1) = dfa.next_state(&mut cache, start, b'0' + a) else {
            return all;
        };
        for b in 0..10u8 {
            let Ok(s2) = dfa.next_state(&mut cache, s1, b'0' + b) else {
                return all;
            };
            if !s2.is_dead() {
                starts |= 1 << (a * 10 + b);
            }
        }
    }
    starts
}

/// Compiles a metadata pattern over ASCII digits: `\d` as `[0-9]` keeps
/// the automata small (Unicode `\d` has hundreds of ranges), which is most of
/// the cost of checking a candidate against every EU region.
fn ascii_regex(pattern: &str) -> Option<Regex> {
    regex::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .or_else(|_| Regex::new(pattern))
        .ok()
}

fn compile(d: &Descriptor, fallback_lengths: &[usize]) -> Option<TypePattern> {
    let pattern = format!("(?x)^(?:{})$", d.national_number().as_str());
    let regex = ascii_regex(&pattern)?;
    let lengths: Vec<usize> = d.possible_length().iter().map(|&l| l as usize).collect();
    let lengths = if lengths.is_empty() {
        fallback_lengths.to_vec()
    } else {
        lengths
    };
    Some(TypePattern {
        cheap: Shape::of(&pattern, &lengths),
        lengths,
        regex,
        personal: false,
    })
}

impl TypePattern {
    /// Whether the national significant number `nsn` is of this type.
    #[inline]
    fn fits(&self, nsn: &str) -> bool {
        self.cheap.admits(nsn) && self.regex.is_match(nsn)
    }
}

impl RegionPatterns {
    fn new(meta: &Metadata) -> Option<Self> {
        let ds = meta.descriptors();
        let general = compile(ds.general(), &[])?;
        let personal = [ds.fixed_line(), ds.mobile()]
            .into_iter()
            .flatten()
            .filter_map(|d| compile(d, &general.lengths))
            .map(|t| TypePattern { personal: true, ..t });
        let service = [
            ds.toll_free(),
            ds.premium_rate(),
            ds.shared_cost(),
            ds.personal_number(),
            ds.voip(),
            ds.pager(),
            ds.uan(),
            ds.voicemail(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|d| compile(d, &general.lengths));
        let types = personal.chain(service).collect();
        let national_prefix = meta.national_prefix().map(str::to_string);
        // Only plain prefixes: regions whose rule rewrites the number (a
        // transform) or that have no trunk prefix keep their digits as written.
        let prefix_for_parsing = match (&national_prefix, meta.national_prefix_transform_rule()) {
            (Some(_), None) => meta
                .national_prefix_for_parsing()
                .and_then(|r| ascii_regex(&format!("(?x)^(?:{})", r.as_str()))),
            _ => None,
        };
        let formats: Vec<NationalFormat> = meta
            .formats()
            .iter()
            .filter_map(|f| {
                let source = format!("(?x)^(?:{})$", f.pattern().as_str());
                let pattern = ascii_regex(&source)?;
                let leading = match f.leading_digits().last() {
                    Some(l) => Some(ascii_regex(&format!("(?x)^(?:{})", l.as_str()))?),
                    None => None,
                };
                let with_prefix =
                    national_prefix.is_some() && f.national_prefix().is_some_and(|rule| rule.contains("$NP"));
                Some(NationalFormat {
                    group_sizes: group_sizes(&source).filter(|g| g.len() + 1 == pattern.captures_len()),
                    leading,
                    pattern,
                    with_prefix,
                })
            })
            .collect();
        Some(RegionPatterns {
            general,
            types,
            national_prefix,
            prefix_for_parsing,
            formats,
        })
    }

    /// libphonenumber's rule: the general pattern and one typed pattern match.
    fn is_valid_nsn(&self, nsn: &str) -> bool {
        self.general.fits(nsn) && self.types.iter().any(|t| t.fits(nsn))
    }

    /// Valid as a fixed-line or mobile number (not a service number).
    fn is_personal_nsn(&self, nsn: &str) -> bool {
        self.general.fits(nsn) && self.types.iter().any(|t| t.personal && t.fits(nsn))
    }
}

/// The EU regions' patterns, compiled together on first use: every
/// candidate is checked against several of them, so they are looked up by
/// position, without a lock or a hash.
static EU_PATTERNS: OnceLock<Vec<Option<RegionPatterns>>> = OnceLock::new();

/// Other regions (international numbers), compiled when first seen and kept
/// for the life of the process (there are about 250).
static OTHER_PATTERNS: OnceLock<RwLock<HashMap<String, Option<&'static RegionPatterns>>>> = OnceLock::new();

/// The position of `id` in [`EU_REGIONS`], without comparing strings.
#[inline]
fn eu_index(id: &str) -> Option<usize> {
    // Two upper-case letters -> 0..676 -> position + 1 (0: not an EU region).
    static INDEX: OnceLock<[u8; 676]> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut t = [0u8; 676];
        for (i, r) in EU_REGIONS.iter().enumerate() {
            let b = r.as_bytes();
            t[(b[0] - b'A') as usize * 26 + (b[1] - b'A') as usize] = i as u8 + 1;
        }
        t
    });
    match id.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => match index[(a - b'A') as usize * 26 + (b - b'A') as usize] {
            0 => None,
            i => Some(i as usize - 1),
        },
        _ => None,
    }
}

fn region(id: &str) -> Option<&'static RegionPatterns> {
    if let Some(i) = eu_index(id) {
        let eu = EU_PATTERNS.get_or_init(|| {
            EU_REGIONS
                .iter()
                .map(|&id| DATABASE.by_id(id).and_then(RegionPatterns::new))
                .collect()
        });
        return eu[i].as_ref();
    }
    let map = OTHER_PATTERNS.get_or_init(|| RwLock::new(HashMap::new()));
    if let Some(p) = map.read().ok()?.get(id) {
        return *p;
    }
    let mut map = map.write().ok()?;
    let compiled = *map.entry(id.to_string()).or_insert_with(|| {
        DATABASE
            .by_id(id)
            .and_then(RegionPatterns::new)
            .map(|p| &*Box::leak(Box::new(p)))
    });
    compiled
}

/// Whether region `id` dials a trunk prefix before national numbers (`0`).
pub fn has_trunk_prefix(id: &str) -> bool {
    region(id).is_some_and(|r| r.national_prefix.is_some())
}

/// A national number (trunk prefix included, if the region has one).
pub fn is_valid_national(id: &str, digits: &str) -> bool {
    let Some(r) = region(id) else { return false };
    match &r.national_prefix {
        Some(p) => {
            if digits.strip_prefix(p.as_str()).is_some_and(|nsn| r.is_valid_nsn(nsn)) {
                return true;
            }
            let after_prefix = r
                .prefix_for_parsing
                .as_ref()
                .and_then(|re| re.find(digits))
                .is_some_and(|m| m.end() > 0 && r.is_valid_nsn(&digits[m.end()..]));
            // Numbers the country writes without its trunk prefix (Irish
            // `1800 …`): those whose format does not carry it, and those no
            // format applies to, which libphonenumber writes as the bare
            // national significant number (German pagers, `16412345`).
            after_prefix || (r.is_valid_nsn(digits) && r.format_of(digits).is_none_or(|f| !f.with_prefix))
        }
        None => r.is_valid_nsn(digits),
    }
}

/// Whether `digits` starts with the trunk prefix of region `id` and what
/// follows it is a valid national significant number there (`0900123456`
/// in Slovakia): a run written the way only that country's phone numbers are.
pub fn is_trunk_national(id: &str, digits: &str) -> bool {
    let Some(r) = region(id) else { return false };
    r.national_prefix
        .as_deref()
        .and_then(|p| digits.strip_prefix(p))
        .is_some_and(|nsn| r.is_valid_nsn(nsn))
}

/// Whether `digits`, grouped in groups of `groups` digits, is a valid
/// national number of region `id` grouped exactly as the country's own
/// national format groups it (`0180 1 2345` in Germany, `06 1 234 5678` in
/// Hungary), trunk prefix included where the format writes it.
pub fn grouped_as_in(id: &str, digits: &str, groups: &[usize]) -> bool {
    let Some(r) = region(id) else { return false };
    let (prefix_len, nsn) = match &r.national_prefix {
        Some(p) if digits.starts_with(p.as_str()) => (p.len(), &digits[p.len()..]),
        _ => (0, digits),
    };
    if !r.formats.iter().any(|f| f.could_group(prefix_len, groups)) || !r.is_valid_nsn(nsn) {
        return false;
    }
    let Some(f) = r.format_of(nsn) else { return false };
    if f.with_prefix != (prefix_len > 0) {
        return false;
    }
    let Some(caps) = f.pattern.captures(nsn) else {
        return false;
    };
    let expected: Vec<usize> = caps.iter().skip(1).flatten().map(|m| m.len()).collect();
    if prefix_len == 0 {
        return expected == groups;
    }
    // The trunk prefix glued to the first group (`0180 1 2345`) or written
    // apart from it (`06 1 234 5678`, Hungary's `$NP $FG`).
    let glued = groups.first().copied() == expected.first().map(|&f| f + prefix_len) && groups.get(1..) == expected.get(1..);
    let apart = groups.first() == Some(&prefix_len) && groups.get(1..) == Some(&expected[..]);
    glued || apart
}

/// A fixed-line or mobile number of region `id` written as one unbroken run
/// of digits in the country's own national form: without a trunk prefix
/// where the country dials none (Malta's `21001234`, Denmark's `32121212`),
/// with it where it does.
pub fn is_personal_national(id: &str, digits: &str) -> bool {
    let Some(r) = region(id) else { return false };
    match &r.national_prefix {
        Some(p) => digits.strip_prefix(p.as_str()).is_some_and(|nsn| r.is_personal_nsn(nsn)),
        None => r.is_personal_nsn(digits),
    }
}

/// The EU regions (and the United Kingdom) tried when the text does not
/// say where a national number is from.
pub const EU_REGIONS: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// A region of [`EU_REGIONS`] where `digits`, written in groups of
/// `groups` digits, is a valid national number grouped as that country's
/// national format groups it (`612 34 56 78` in Spain, `512 345 678` in
/// Poland), trunk prefix included where the format writes it.
pub fn grouped_as_national(digits: &str, groups: &[usize]) -> Option<&'static str> {
    EU_REGIONS.iter().copied().find(|id| grouped_as_in(id, digits, groups))
}

/// A region of [`EU_REGIONS`] where `digits` is a valid national number;
/// with `trunk_only`, only regions that dial a trunk prefix, written first.
pub fn valid_national_region(digits: &str, trunk_only: bool) -> Option<&'static str> {
    EU_REGIONS.iter().copied().find(|id| {
        if trunk_only {
            let Some(r) = region(id) else { return false };
            let Some(p) = &r.national_prefix else { return false };
            let written = digits.starts_with(p.as_str())
                || r.prefix_for_parsing
                    .as_ref()
                    .and_then(|re| re.find(digits))
                    .is_some_and(|m| m.end() > 0);
            if !written {
                return false;
            }
        }
        is_valid_national(id, digits)
    })
}

/// An international number: country calling code followed by the national
/// significant number (a `(0)` trunk prefix after the code is tolerated).
pub fn is_valid_international(digits: &str) -> bool {
    for cc_len in 1..=3 {
        let (Some(cc), Some(rest)) = (digits.get(..cc_len), digits.get(cc_len..)) else {
            continue;
        };
        let Ok(code) = cc.parse::<u16>() else { continue };
        let Some(regions) = DATABASE.by_code(&code) else {
            continue;
        };
        for meta in regions {
            let Some(r) = region(meta.id()) else { continue };
            if r.is_valid_nsn(rest) {
                return true;
            }
            if let Some(p) = &r.national_prefix {
                if rest.strip_prefix(p.as_str()).is_some_and(|nsn| r.is_valid_nsn(nsn)) {
                    return true;
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_of_every_eu_region_are_valid_and_damaged_ones_not() {
        for id in [
            "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU", "IE", "IT", "LT",
            "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
        ] {
            let meta = DATABASE.by_id(id).unwrap();
            for d in [meta.descriptors().fixed_line(), meta.descriptors().mobile()]
                .into_iter()
                .flatten()
            {
                let Some(example) = d.example() else { continue };
                let cc = meta.country_code();
                assert!(is_valid_international(&format!("{cc}{example}")), "{id} +{cc}{example}");
                // The crate's own check also matches a prefix of longer
                // numbers; like libphonenumber, patterns here must match whole.
                let reference =
                    phonenumber::parse(None, format!("+{cc}{example}")).is_ok_and(|n| phonenumber::is_valid(&n));
                assert!(reference, "{id}: the crate agrees on the example");
                assert!(
                    !is_valid_international(&format!("{cc}{}", &example[..3])),
                    "{id} too short"
                );
                let national = format!("{}{example}", meta.national_prefix().unwrap_or(""));
                assert!(is_valid_national(id, &national), "{id} national {national}");
            }
        }
    }
}
