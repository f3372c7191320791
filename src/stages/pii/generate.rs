//! Generators of valid identifiers and of look-alikes that fail their
//! checks, from the published rules: used by the tests and by the
//! precision/recall evaluation (`eurocurate bench pii`).

use super::checksums;

/// A small seeded PRNG (xorshift64*), so generated corpora are reproducible.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    /// Next raw value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// `n` random decimal digits.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Appends the check character (from `alphabet`) that makes `valid` accept.
fn complete(body: &str, alphabet: &str, valid: fn(&str) -> bool) -> Option<String> {
    alphabet.chars().map(|c| format!("{body}{c}")).find(|s| valid(s))
}

fn date(rng: &mut Rng, from: u32, to: u32) -> (u32, u32, u32) {
    let y = from + rng.below((to - from) as u64) as u32;
    let m = 1 + rng.below(12) as u32;
    let d = 1 + rng.below(28) as u32;
    (y, m, d)
}

/// A valid identifier for `rule` (a rule name of `pii/rules.yaml`), in a
/// usual written form.
pub fn valid(rule: &str, rng: &mut Rng) -> String {
    for _ in 0..1000 {
        if let Some(s) = try_valid(rule, rng) {
            return s;
        }
    }
    panic!("cannot generate a valid `{rule}`")
}

const D: &str = "0123456789";

fn try_valid(rule: &str, rng: &mut Rng) -> Option<String> {
    Some(match rule {
        "email" => {
            let first = rng
                .pick(&["anna", "jan", "marie", "pekka", "ioana", "sean", "giulia", "lukas"])
                .to_string();
            let last = rng
                .pick(&["novak", "murphy", "rossi", "virtanen", "schmidt", "kowalski", "borg"])
                .to_string();
            let domain = rng
                .pick(&["example", "posta", "mail-eu", "uni-wien", "gov"])
                .to_string();
            let tld = rng.pick(&["eu", "de", "mt", "ie", "com", "co.uk"]).to_string();
            format!("{first}.{last}{}@{domain}.{tld}", rng.below(100))
        }
        "ipv4" => {
            let a = *rng.pick(&[31u64, 46, 62, 77, 85, 91, 145, 193, 212]);
            format!("{a}.{}.{}.{}", rng.below(256), rng.below(256), 1 + rng.below(254))
        }
        "ipv6" => format!(
            "2a02:{:x}:{:x}::{:x}",
            rng.below(0xffff),
            rng.below(0xffff),
            1 + rng.below(0xfffe)
        ),
        "payment_card" => {
            let (prefix, len) = *rng.pick(&[
                ("4", 16),
                ("51", 16),
                ("55", 16),
                ("2221", 16),
                ("34", 15),
                ("37", 15),
                ("6011", 16),
            ]);
            let body = format!("{prefix}{}", rng.digits(len - prefix.len() - 1));
            let card = complete(&body, D, checksums::payment_card)?;
            if len == 16 {
                format!("{} {} {} {}", &card[..4], &card[4..8], &card[8..12], &card[12..])
            } else {
                format!("{} {} {}", &card[..4], &card[4..10], &card[10..])
            }
        }
        "iban" => {
            let (cc, len) = *rng.pick(checksums::IBAN_LENGTHS);
            let bban = rng.digits(len - 4);
            let check = 98 - mod97_num(&format!("{bban}{}00", letters_to_digits(cc)));
            let iban = format!("{cc}{check:02}{bban}");
            iban.as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(" ")
        }
        "es_dni" => {
            let letter = b"TRWAGMYFPDXBNJZSQVHLCKE";
            if rng.below(3) == 0 {
                let p = *rng.pick(&['X', 'Y', 'Z']);
                let n: u64 = format!("{}{}", (p as u8 - b'X'), rng.digits(7)).parse().ok()?;
                format!("{p}{:07}{}", n % 10_000_000, letter[(n % 23) as usize] as char)
            } else {
                let n = rng.below(100_000_000);
                format!("{n:08}{}", letter[(n % 23) as usize] as char)
            }
        }
        "it_codice_fiscale" => {
            let l = |rng: &mut Rng| char::from(b'A' + rng.below(26) as u8);
            let (y, m, d) = date(rng, 1940, 2005);
            let month = b"ABCDEHLMPRST"[(m - 1) as usize] as char;
            let day = d + if rng.below(2) == 0 { 40 } else { 0 };
            let body: String = format!(
                "{}{}{}{}{}{}{:02}{month}{day:02}{}{}",
                l(rng),
                l(rng),
                l(rng),
                l(rng),
                l(rng),
                l(rng),
                y % 100,
                l(rng),
                rng.digits(3)
            );
            complete(&body, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", checksums::it_codice_fiscale)?
        }
        "pl_pesel" => {
            let (y, m, d) = date(rng, 1930, 2020);
            let mm = if y >= 2000 { m + 20 } else { m };
            complete(
                &format!("{:02}{mm:02}{d:02}{}", y % 100, rng.digits(4)),
                D,
                checksums::pl_pesel,
            )?
        }
        "be_national_number" => {
            let (y, m, d) = date(rng, 1930, 1999);
            let body = format!("{:02}{m:02}{d:02}{:03}", y % 100, 1 + rng.below(997));
            let n: u64 = body.parse().ok()?;
            let check = 97 - n % 97;
            format!(
                "{}.{}.{}-{}.{check:02}",
                &body[..2],
                &body[2..4],
                &body[4..6],
                &body[6..9]
            )
        }
        "ee_lt_personal_code" => {
            let (y, m, d) = date(rng, 1930, 2020);
            let g = if y >= 2000 { 5 } else { 3 } + rng.below(2) as u32;
            complete(
                &format!("{g}{:02}{m:02}{d:02}{}", y % 100, rng.digits(3)),
                D,
                checksums::ee_lt_personal_code,
            )?
        }
        "fr_nir" => {
            let sex = 1 + rng.below(2);
            let dept = *rng.pick(&["75", "13", "69", "2A", "2B", "33", "59"]);
            let body = format!(
                "{sex}{:02}{:02}{dept}{:03}{:03}",
                rng.below(100),
                1 + rng.below(12),
                1 + rng.below(998),
                1 + rng.below(998)
            );
            let numeric = body.replace("2A", "19").replace("2B", "18");
            let n: u64 = numeric.parse().ok()?;
            let key = 97 - n % 97;
            format!(
                "{} {} {} {} {} {} {key:02}",
                &body[..1],
                &body[1..3],
                &body[3..5],
                &body[5..7],
                &body[7..10],
                &body[10..13]
            )
        }
        "de_tax_id" => {
            // Ten digits with exactly one digit twice, then the check digit.
            let mut pool: Vec<u8> = (0..10).collect();
            for i in (1..pool.len()).rev() {
                pool.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let mut ten: Vec<u8> = pool[..9].to_vec();
            ten.push(pool[rng.below(9) as usize]);
            if ten[0] == 0 {
                ten.swap(0, 1);
            }
            if ten[0] == 0 {
                return None;
            }
            let body: String = ten.iter().map(|d| char::from(b'0' + d)).collect();
            let id = complete(&body, D, checksums::de_tax_id)?;
            format!("{} {} {} {}", &id[..2], &id[2..5], &id[5..8], &id[8..])
        }
        "hr_oib" => complete(&rng.digits(10), D, checksums::hr_oib)?,
        "nl_bsn" => complete(&format!("{}{}", 1 + rng.below(9), rng.digits(7)), D, checksums::nl_bsn)?,
        "pt_nif" => {
            let nif = complete(
                &format!("{}{}", rng.pick(&[1, 2, 5, 9]), rng.digits(7)),
                D,
                checksums::pt_nif,
            )?;
            format!("{} {} {}", &nif[..3], &nif[3..6], &nif[6..])
        }
        "se_personnummer" => {
            let (y, m, d) = date(rng, 1930, 2020);
            let s = complete(
                &format!("{:02}{m:02}{d:02}{}", y % 100, rng.digits(3)),
                D,
                checksums::se_personnummer,
            )?;
            format!("{}-{}", &s[..6], &s[6..])
        }
        "fi_hetu" => {
            let (y, m, d) = date(rng, 1930, 2020);
            let sign = if y >= 2000 { 'A' } else { '-' };
            let body = format!("{d:02}{m:02}{:02}{sign}{:03}", y % 100, 2 + rng.below(897));
            complete(&body, "0123456789ABCDEFHJKLMNPRSTUVWXY", checksums::fi_hetu)?
        }
        "dk_cpr" => {
            let (y, m, d) = date(rng, 1930, 1999);
            let s = complete(
                &format!("{d:02}{m:02}{:02}{}", y % 100, rng.digits(3)),
                D,
                checksums::dk_cpr,
            )?;
            format!("{}-{}", &s[..6], &s[6..])
        }
        "ro_cnp" => {
            let (y, m, d) = date(rng, 1930, 2020);
            let s = if y >= 2000 { 5 } else { 1 } + rng.below(2);
            let body = format!("{s}{:02}{m:02}{d:02}{:02}{}", y % 100, 1 + rng.below(46), rng.digits(3));
            complete(&body, D, checksums::ro_cnp)?
        }
        "bg_egn" => {
            let (y, m, d) = date(rng, 1930, 2020);
            let mm = if y >= 2000 { m + 40 } else { m };
            complete(
                &format!("{:02}{mm:02}{d:02}{}", y % 100, rng.digits(3)),
                D,
                checksums::bg_egn,
            )?
        }
        "cz_sk_birth_number" => {
            let (y, m, d) = date(rng, 1954, 2020);
            let mm = if rng.below(2) == 0 { m + 50 } else { m };
            let s = complete(
                &format!("{:02}{mm:02}{d:02}{}", y % 100, rng.digits(3)),
                D,
                checksums::cz_sk_birth_number,
            )?;
            format!("{}/{}", &s[..6], &s[6..])
        }
        "si_emso" => {
            let (y, m, d) = date(rng, 1930, 2020);
            let body = format!("{d:02}{m:02}{:03}50{}", y % 1000, rng.digits(3));
            complete(&body, D, checksums::si_emso)?
        }
        "phone" => return None,
        other => panic!("no generator for rule `{other}`"),
    })
}

fn letters_to_digits(s: &str) -> String {
    s.chars().map(|c| c.to_digit(36).unwrap_or(0).to_string()).collect()
}

fn mod97_num(s: &str) -> u64 {
    s.bytes().fold(0u64, |r, b| (r * 10 + (b - b'0') as u64) % 97)
}

/// A valid phone number of the country of `lang`, written nationally
/// (`0151 2345678`) or internationally (`+49 151 2345678`).
pub fn phone(lang: &str, international: bool, rng: &mut Rng) -> Option<String> {
    let region = super::detect::region_of(lang)?;
    let id = format!("{region:?}");
    let meta = phonenumber::metadata::DATABASE.by_id(id.as_str())?;
    let example = meta
        .descriptors()
        .mobile()
        .and_then(|d| d.example())
        .or_else(|| meta.descriptors().fixed_line().and_then(|d| d.example()))?
        .to_string();
    for _ in 0..200 {
        let keep = example.len().saturating_sub(4);
        let nsn = format!("{}{}", &example[..keep], rng.digits(example.len() - keep));
        let full = format!("+{}{nsn}", meta.country_code());
        if !phonenumber::parse(None, &full).is_ok_and(|n| phonenumber::is_valid(&n)) {
            continue;
        }
        let split = nsn.len().min(3);
        return Some(if international {
            format!("+{} {} {}", meta.country_code(), &nsn[..split], &nsn[split..])
        } else {
            let prefix = meta.national_prefix().unwrap_or("");
            format!("{prefix}{} {}", &nsn[..split], &nsn[split..])
        });
    }
    None
}

/// A look-alike of `valid` that must be rejected: one digit changed, so
/// every checksum above detects it.
pub fn corrupt(valid: &str, rng: &mut Rng) -> String {
    let positions: Vec<usize> = valid
        .char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    let i = positions[rng.below(positions.len() as u64) as usize];
    let old = valid.as_bytes()[i] - b'0';
    let new = (old + 1 + rng.below(9) as u8) % 10;
    let mut out = valid.to_string();
    out.replace_range(i..i + 1, &char::from(b'0' + new).to_string());
    out
}
