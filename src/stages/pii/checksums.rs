//! Checksum and structure validators for European identifiers.
//!
//! Each validator takes the matched text (separators included), keeps the
//! characters that carry the number, and checks length, structure (dates,
//! ranges) and the check digit. A string that fails is not PII: this is
//! what keeps order numbers, dates, prices and ISBNs out of the findings.

/// Digits of `s` (every other character dropped).
pub fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

fn alnum_upper(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn weighted(d: &[u32], weights: &[u32]) -> u32 {
    d.iter().zip(weights).map(|(a, b)| a * b).sum()
}

fn num(d: &[u32]) -> u64 {
    d.iter().fold(0u64, |acc, &x| acc * 10 + x as u64)
}

/// A real calendar date (Gregorian; leap years included).
pub fn valid_date(year: u32, month: u32, day: u32) -> bool {
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    day <= days[(month - 1) as usize]
}

/// Luhn (ISO/IEC 7812) over all digits.
pub fn luhn(s: &str) -> bool {
    let d = digits(s);
    luhn_digits(&d)
}

fn luhn_digits(d: &[u32]) -> bool {
    if d.len() < 2 {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// Payment cards: 12..19 digits, a known issuer range for the length, Luhn.
pub fn payment_card(s: &str) -> bool {
    let d = digits(s);
    let n = d.len();
    if !(12..=19).contains(&n) || !luhn_digits(&d) {
        return false;
    }
    let p = |k: usize| num(&d[..k]);
    // 13-digit Visa cards are no longer issued; 13 random digits pass too often.
    let visa = d[0] == 4 && matches!(n, 16 | 19);
    let mastercard = n == 16 && ((51..=55).contains(&p(2)) || (2221..=2720).contains(&p(4)));
    let amex = n == 15 && matches!(p(2), 34 | 37);
    let discover = (16..=19).contains(&n) && (p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3)));
    let jcb = (16..=19).contains(&n) && (3528..=3589).contains(&p(4));
    let diners = n == 14 && ((300..=305).contains(&p(3)) || matches!(p(2), 36 | 38));
    // Maestro allows 12..19 digits; cards in circulation have 16..19, and
    // shorter lengths let too many random numbers through.
    let maestro = (16..=19).contains(&n) && (matches!(p(2), 50 | 56..=69));
    let unionpay = (16..=19).contains(&n) && p(2) == 62;
    visa || mastercard || amex || discover || jcb || diners || maestro || unionpay
}

/// IBAN lengths of the SEPA countries (ISO 13616 registry).
pub const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

/// IBAN: SEPA country, its exact length, ISO 7064 mod 97-10 == 1.
pub fn iban(s: &str) -> bool {
    let v = alnum_upper(s);
    let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| v.starts_with(c)) else {
        return false;
    };
    if v.len() != len || !v[2..4].chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    mod97(&format!("{}{}", &v[4..], &v[..4])) == 1
}

/// Remainder mod 97 of an alphanumeric string, letters as 10..35.
fn mod97(s: &str) -> u32 {
    let mut r = 0u32;
    for c in s.chars() {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return u32::MAX,
        };
        r = if v >= 10 { (r * 100 + v) % 97 } else { (r * 10 + v) % 97 };
    }
    r
}

const DNI_LETTERS: &[u8] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Spain: DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter).
pub fn es_dni(s: &str) -> bool {
    let v = alnum_upper(s);
    let (num_part, letter) = match v.len() {
        9 => (&v[..8], v.as_bytes()[8]),
        _ => return false,
    };
    let n: String = match num_part.as_bytes()[0] {
        b'X' => format!("0{}", &num_part[1..]),
        b'Y' => format!("1{}", &num_part[1..]),
        b'Z' => format!("2{}", &num_part[1..]),
        _ => num_part.to_string(),
    };
    match n.parse::<u32>() {
        Ok(x) if n.len() == 8 => DNI_LETTERS[(x % 23) as usize] == letter,
        _ => false,
    }
}

/// Italy: codice fiscale (16 chars, omocodia letters allowed), check letter.
pub fn it_codice_fiscale(s: &str) -> bool {
    let v = alnum_upper(s);
    if v.len() != 16 {
        return false;
    }
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
    ];
    let b = v.as_bytes();
    // Structure: 6 letters, then digits or omocodia letters where digits go.
    let omocodia = |c: u8| c.is_ascii_digit() || b"LMNPQRSTUV".contains(&c);
    let letter = |c: u8| c.is_ascii_uppercase();
    let shape = (0..6).all(|i| letter(b[i]))
        && [6, 7, 9, 10, 12, 13, 14].iter().all(|&i| omocodia(b[i]))
        && b"ABCDEHLMPRST".contains(&b[8])
        && letter(b[11])
        && letter(b[15]);
    if !shape {
        return false;
    }
    let mut sum = 0;
    for (i, &c) in b[..15].iter().enumerate() {
        let idx = if c.is_ascii_digit() {
            (c - b'0') as usize
        } else {
            (c - b'A') as usize
        };
        sum += if i % 2 == 0 { ODD[idx] } else { idx as u32 };
    }
    (b'A' + (sum % 26) as u8) == b[15]
}

/// Poland: PESEL, 11 digits, birth date with century in the month, weights 1-3-7-9.
pub fn pl_pesel(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 11 {
        return false;
    }
    let (yy, mm, dd) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    let (century, month) = match mm {
        1..=12 => (1900, mm),
        21..=32 => (2000, mm - 20),
        41..=52 => (2100, mm - 40),
        61..=72 => (2200, mm - 60),
        81..=92 => (1800, mm - 80),
        _ => return false,
    };
    if !valid_date(century + yy, month, dd) {
        return false;
    }
    let sum = weighted(&d[..10], &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
    (10 - sum % 10) % 10 == d[10]
}

/// Belgium: national register number, YYMMDD SSS CC, mod 97 (2000+ variant too).
pub fn be_national_number(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 11 {
        return false;
    }
    let first9 = num(&d[..9]);
    let check = num(&d[9..]);
    let (mm, dd) = (d[2] * 10 + d[3], d[4] * 10 + d[5]);
    // Month/day may be 0 when unknown (refugees); otherwise a real date.
    if mm > 12 || dd > 31 {
        return false;
    }
    97 - first9 % 97 == check || 97 - (2_000_000_000 + first9) % 97 == check
}

/// Estonia (isikukood) and Lithuania (asmens kodas): G YYMMDD SSS C, two-stage mod 11.
pub fn ee_lt_personal_code(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 11 || !(1..=6).contains(&d[0]) {
        return false;
    }
    let year = 1800 + (d[0] - 1) / 2 * 100 + d[1] * 10 + d[2];
    if !valid_date(year, d[3] * 10 + d[4], d[5] * 10 + d[6]) {
        return false;
    }
    let mut r = weighted(&d[..10], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11;
    if r == 10 {
        r = weighted(&d[..10], &[3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11;
        if r == 10 {
            r = 0;
        }
    }
    r == d[10]
}

/// France: NIR (numéro de sécurité sociale), 13 characters + 2-digit key, Corsica 2A/2B.
pub fn fr_nir(s: &str) -> bool {
    let v = alnum_upper(s);
    if v.len() != 15 {
        return false;
    }
    let body = &v[..13];
    let Ok(key) = v[13..].parse::<u64>() else { return false };
    if !matches!(&body[..1], "1" | "2" | "3" | "4" | "7" | "8") {
        return false;
    }
    let month: u32 = body[3..5].parse().unwrap_or(0);
    if !(1..=12).contains(&month) && !(20..=42).contains(&month) && !(50..=99).contains(&month) {
        return false;
    }
    let numeric = match &body[5..7] {
        "2A" => format!("{}19{}", &body[..5], &body[7..]),
        "2B" => format!("{}18{}", &body[..5], &body[7..]),
        _ => body.to_string(),
    };
    match numeric.parse::<u64>() {
        Ok(n) => 97 - n % 97 == key,
        Err(_) => false,
    }
}

/// ISO 7064 MOD 11,10 (German Steuer-ID, Croatian OIB): true if the last digit checks.
fn iso7064_mod11_10(d: &[u32]) -> bool {
    let mut product = 10;
    for &x in &d[..d.len() - 1] {
        let mut sum = (x + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    check == d[d.len() - 1]
}

/// Germany: Steuerliche Identifikationsnummer, 11 digits, no leading 0, one
/// digit repeated (2 or 3 times) in the first ten, ISO 7064 MOD 11,10.
pub fn de_tax_id(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 11 || d[0] == 0 {
        return false;
    }
    let mut counts = [0u32; 10];
    for &x in &d[..10] {
        counts[x as usize] += 1;
    }
    let repeated: Vec<u32> = counts.iter().copied().filter(|&c| c > 1).collect();
    if repeated.len() != 1 || repeated[0] > 3 {
        return false;
    }
    iso7064_mod11_10(&d)
}

/// Croatia: OIB, 11 digits, ISO 7064 MOD 11,10.
pub fn hr_oib(s: &str) -> bool {
    let d = digits(s);
    d.len() == 11 && iso7064_mod11_10(&d)
}

/// Netherlands: BSN, 9 digits, "11-proef" (weights 9..2, last -1).
pub fn nl_bsn(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 9 || d.iter().all(|&x| x == 0) {
        return false;
    }
    let sum: i64 = d[..8]
        .iter()
        .enumerate()
        .map(|(i, &x)| (9 - i as i64) * x as i64)
        .sum::<i64>()
        - d[8] as i64;
    sum % 11 == 0
}

/// Portugal: NIF, 9 digits, valid first digit(s), mod 11.
pub fn pt_nif(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 9 || !matches!(d[0], 1 | 2 | 3 | 5 | 6 | 8 | 9) {
        return false;
    }
    let r = weighted(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    let check = if r < 2 { 0 } else { 11 - r };
    check == d[8]
}

/// Sweden: personnummer / samordningsnummer, (YY)YYMMDD-NNNC, Luhn on 10 digits.
pub fn se_personnummer(s: &str) -> bool {
    let d = digits(s);
    let d = match d.len() {
        10 => d,
        12 => d[2..].to_vec(),
        _ => return false,
    };
    let (yy, mm, mut dd) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    if dd > 60 {
        dd -= 60; // samordningsnummer
    }
    valid_date(2000 + yy, mm, dd) && luhn_digits(&d)
}

/// Finland: henkilötunnus DDMMYYCZZZQ with century sign and mod-31 check character.
pub fn fi_hetu(s: &str) -> bool {
    let v: String = s.trim().to_ascii_uppercase();
    let b = v.as_bytes();
    if b.len() != 11 {
        return false;
    }
    let century = match b[6] {
        b'+' => 1800,
        b'-' | b'Y' | b'X' | b'W' | b'V' | b'U' => 1900,
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' => 2000,
        _ => return false,
    };
    let (Ok(date), Ok(individual)) = (v[..6].parse::<u32>(), v[7..10].parse::<u32>()) else {
        return false;
    };
    if !v[..6].bytes().all(|c| c.is_ascii_digit()) || !v[7..10].bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let (dd, mm, yy) = (date / 10000, date / 100 % 100, date % 100);
    if !valid_date(century + yy, mm, dd) || individual < 2 {
        return false;
    }
    const CHARS: &[u8] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
    CHARS[((date as u64 * 1000 + individual as u64) % 31) as usize] == b[10]
}

/// Denmark: CPR, DDMMYY-SSSS with a valid date and the mod-11 check (numbers
/// issued since 2007 may lack it; those are not claimed, to stay precise).
pub fn dk_cpr(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 10 {
        return false;
    }
    let (dd, mm, yy) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    valid_date(1900 + yy, mm, dd) && weighted(&d, &[4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0
}

/// Denmark: CPR without the mod-11 check (numbers issued since 2007 have
/// none): DDMMYY-SSSS with a real date, the century read from the seventh
/// digit. Weak on its own; the rules take it only after `CPR`.
pub fn dk_cpr_date(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 10 {
        return false;
    }
    let (dd, mm, yy) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    let century = match d[6] {
        5..=8 if yy >= 58 => 1800,
        0..=3 => 1900,
        4 | 9 if yy >= 37 => 1900,
        _ => 2000,
    };
    // Nobody is born in the future.
    let this_year = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(2025, |d| 1970 + (d.as_secs() / 31_556_952) as u32);
    century + yy <= this_year && valid_date(century + yy, mm, dd)
}

/// Romania: CNP, S YYMMDD JJ NNN C, weights 279146358279.
pub fn ro_cnp(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 13 || d[0] == 0 {
        return false;
    }
    let century = match d[0] {
        1 | 2 => 1900,
        3 | 4 => 1800,
        5 | 6 => 2000,
        _ => 1900, // 7, 8, 9: residents; century not encoded
    };
    if !valid_date(century + d[1] * 10 + d[2], d[3] * 10 + d[4], d[5] * 10 + d[6]) {
        return false;
    }
    let county = d[7] * 10 + d[8];
    if !(1..=52).contains(&county) && county != 70 {
        return false;
    }
    let r = weighted(&d[..12], &[2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
    (if r == 10 { 1 } else { r }) == d[12]
}

/// Bulgaria: EGN, YYMMDD SSS C (month +20 for 1800s, +40 for 2000s), mod 11.
pub fn bg_egn(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 10 {
        return false;
    }
    let (yy, mm, dd) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    let (year, month) = match mm {
        1..=12 => (1900 + yy, mm),
        21..=32 => (1800 + yy, mm - 20),
        41..=52 => (2000 + yy, mm - 40),
        _ => return false,
    };
    if !valid_date(year, month, dd) {
        return false;
    }
    let r = weighted(&d[..9], &[2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11;
    (if r == 10 { 0 } else { r }) == d[9]
}

/// Czechia and Slovakia: rodné číslo YYMMDD/SSSC (10 digits, issued since
/// 1954), month +50 for women (+20/+70 since 2004), divisible by 11.
pub fn cz_sk_birth_number(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 10 {
        return false;
    }
    let (yy, mut mm, dd) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    if mm > 70 {
        mm -= 70;
    } else if mm > 50 {
        mm -= 50;
    } else if mm > 20 {
        mm -= 20;
    }
    let year = if yy >= 54 { 1900 + yy } else { 2000 + yy };
    if !valid_date(year, mm, dd) {
        return false;
    }
    let n = num(&d);
    let first9 = num(&d[..9]);
    n % 11 == 0 || (first9 % 11 == 10 && d[9] == 0)
}

/// Czechia and Slovakia: rodné číslo issued before 1954, YYMMDD/SSS (nine
/// digits, no check digit; a real date, 1880..1953). Weak on its own; the
/// rules take it only after its name.
pub fn cz_sk_birth_number_old(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 9 {
        return false;
    }
    let (yy, mut mm, dd) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    if mm > 50 {
        mm -= 50;
    }
    let year = match yy {
        0..=53 => 1900 + yy,
        80..=99 => 1800 + yy,
        _ => return false,
    };
    valid_date(year, mm, dd)
}

/// Slovenia (and the other ex-Yugoslav states): EMŠO, DDMMYYY RR BBB K, mod 11.
pub fn si_emso(s: &str) -> bool {
    let d = digits(s);
    if d.len() != 13 {
        return false;
    }
    let yyy = d[4] * 100 + d[5] * 10 + d[6];
    let year = if yyy >= 800 { 1000 + yyy } else { 2000 + yyy };
    if !valid_date(year, d[2] * 10 + d[3], d[0] * 10 + d[1]) {
        return false;
    }
    // m = 10 or 11 gives check digit 0 (as JMBG is usually described, and
    // as python-stdnum checks it).
    let m = 11 - weighted(&d[..12], &[7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11;
    (m % 11) % 10 == d[12]
}

/// Looks up a validator by the name used in `pii/rules.yaml`.
pub fn by_name(name: &str) -> Option<fn(&str) -> bool> {
    Some(match name {
        "luhn" => luhn,
        "payment_card" => payment_card,
        "iban" => iban,
        "es_dni" => es_dni,
        "it_codice_fiscale" => it_codice_fiscale,
        "pl_pesel" => pl_pesel,
        "be_national_number" => be_national_number,
        "ee_lt_personal_code" => ee_lt_personal_code,
        "fr_nir" => fr_nir,
        "de_tax_id" => de_tax_id,
        "hr_oib" => hr_oib,
        "nl_bsn" => nl_bsn,
        "pt_nif" => pt_nif,
        "se_personnummer" => se_personnummer,
        "fi_hetu" => fi_hetu,
        "dk_cpr" => dk_cpr,
        "dk_cpr_date" => dk_cpr_date,
        "ro_cnp" => ro_cnp,
        "bg_egn" => bg_egn,
        "cz_sk_birth_number" => cz_sk_birth_number,
        "cz_sk_birth_number_old" => cz_sk_birth_number_old,
        "si_emso" => si_emso,
        _ => return None,
    })
}

/// Every checksum name, for error messages.
pub const NAMES: &[&str] = &[
    "luhn",
    "payment_card",
    "iban",
    "es_dni",
    "it_codice_fiscale",
    "pl_pesel",
    "be_national_number",
    "ee_lt_personal_code",
    "fr_nir",
    "de_tax_id",
    "hr_oib",
    "nl_bsn",
    "pt_nif",
    "se_personnummer",
    "fi_hetu",
    "dk_cpr",
    "dk_cpr_date",
    "ro_cnp",
    "bg_egn",
    "cz_sk_birth_number",
    "cz_sk_birth_number_old",
    "si_emso",
];
