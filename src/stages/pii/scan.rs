//! The passes over a whole text that find where candidates can be, so the
//! rules' patterns only see those places: runs of number tokens (digits,
//! and short upper-case groups next to them) and colons between hex digits.
//! Most bytes of ordinary text are looked at once, a block at a time.

/// Bytes checked together when looking for the next digit; a whole block
/// is tested with one vectorised comparison.
const BLOCK: usize = 32;

/// Whether a block holds an ASCII digit (no early exit, so it vectorises).
#[inline(always)]
fn block_has_digit(block: &[u8]) -> bool {
    block.iter().fold(0u8, |acc, &c| acc | u8::from(c.wrapping_sub(b'0') < 10)) != 0
}

/// The position of the first ASCII digit at or after `from`.
fn next_digit(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + BLOCK <= b.len() {
        if block_has_digit(&b[i..i + BLOCK]) {
            break;
        }
        i += BLOCK;
    }
    b[i..].iter().position(u8::is_ascii_digit).map(|p| i + p)
}

/// What a token (maximal run of bytes other than ASCII whitespace) is to
/// the number rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    /// Holds a digit.
    Digits,
    /// Upper-case letters (one to four, with punctuation around them), as
    /// in `GB82 WEST 1234 …`: part of a number when next to one.
    Letters,
    /// Anything else ends a run.
    Other,
}

fn classify(token: &[u8]) -> Token {
    let (mut digit, mut upper_only, mut core) = (false, true, 0usize);
    for &c in token {
        if c.is_ascii_digit() {
            digit = true;
            core += 1;
        } else if c.is_ascii_uppercase() {
            core += 1;
        } else if !c.is_ascii_punctuation() {
            upper_only = false;
        }
    }
    // Punctuation around a token (`NQLR,`, `(LU94`) is ignored here.
    if digit {
        Token::Digits
    } else if upper_only && (1..=4).contains(&core) {
        Token::Letters
    } else {
        Token::Other
    }
}

/// The end of the token starting at `start`.
fn token_end(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(b.len(), |p| start + p)
}

/// The start of the token ending at `end`.
fn token_start(b: &[u8], end: usize) -> usize {
    b[..end].iter().rposition(u8::is_ascii_whitespace).map_or(0, |p| p + 1)
}

/// Runs of whitespace-separated tokens that hold a digit, or are short
/// upper-case groups (`WEST` in `GB82 WEST 1234 …`), holding at least one
/// digit: where numbers can be. Appends `(start, end)` byte spans to
/// `runs`, in order; returns the bytes looked at one by one (the rest are
/// skipped a block at a time), for the linear-time test.
pub fn number_runs(text: &str, runs: &mut Vec<(usize, usize)>) -> usize {
    let b = text.as_bytes();
    let mut looked = 0;
    // Everything before `pos` is in a run already or holds no digit.
    let mut pos = 0;
    while let Some(d) = next_digit(b, pos) {
        // The digit's token, then its neighbours while they belong to a
        // number. Tokens to the left hold no digit (the search would have
        // stopped there) and none of them is in the previous run, which
        // ended before a token that is not part of a number.
        let mut start = token_start(b, d);
        let mut end = token_end(b, d);
        looked += end - start;
        loop {
            let gap_end = start;
            let prev_end = b[..gap_end]
                .iter()
                .rposition(|c| !c.is_ascii_whitespace())
                .map_or(0, |p| p + 1);
            if prev_end <= pos {
                break;
            }
            let prev_start = token_start(b, prev_end);
            looked += gap_end - prev_start;
            if classify(&b[prev_start..prev_end]) == Token::Other {
                break;
            }
            start = prev_start;
        }
        while let Some(next_start) = b[end..].iter().position(|c| !c.is_ascii_whitespace()).map(|p| end + p) {
            let next_end = token_end(b, next_start);
            looked += next_end - end;
            if classify(&b[next_start..next_end]) == Token::Other {
                break;
            }
            end = next_end;
        }
        runs.push((start, end));
        pos = end;
    }
    looked
}

/// Whether the text has a colon between hex digits or next to another
/// colon, as every IPv6 address has.
pub fn hex_colon(text: &str) -> bool {
    let b = text.as_bytes();
    let part = |c: u8| c.is_ascii_hexdigit() || c == b':';
    memchr::memchr_iter(b':', b).any(|i| i > 0 && i + 1 < b.len() && part(b[i - 1]) && part(b[i + 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition: classify every token, group neighbours.
    fn runs_by_definition(text: &str) -> Vec<(usize, usize)> {
        let b = text.as_bytes();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let e = token_end(b, i);
            tokens.push((i, e, classify(&b[i..e])));
            i = e;
        }
        let mut runs = Vec::new();
        let mut open: Option<(usize, usize, bool)> = None;
        for (s, e, t) in tokens {
            match (open, t) {
                (Some((os, _, d)), Token::Digits | Token::Letters) => {
                    open = Some((os, e, d || t == Token::Digits));
                }
                (_, Token::Other) => {
                    if let Some((os, oe, true)) = open.take() {
                        runs.push((os, oe));
                    }
                }
                (None, _) => open = Some((s, e, t == Token::Digits)),
            }
        }
        if let Some((os, oe, true)) = open {
            runs.push((os, oe));
        }
        runs
    }

    #[test]
    fn runs_are_the_number_tokens_and_their_upper_case_neighbours() {
        let texts = [
            "",
            "7",
            "no digits here AT ALL",
            "IBAN GB82 WEST 1234 5698 7654 32, thanks",
            "Tel. +49 30 1234567\nFax (030) 1234-568 END",
            "AB CD 12 EF gh 34",
            "  leading and trailing 1  ",
            "word 1 word 2 3 XYZW 4 word",
            "Ärger 12€ NIF: X1234567L; 0049 (0) 30 12 34 56",
            "\t1\t\tAB\r\n2 ABCDE 3",
        ];
        let long: String = (0..400).map(|i| format!("w{} AB x{} ", i % 7, i)).collect();
        for t in texts.iter().copied().chain([long.as_str()]) {
            let mut runs = Vec::new();
            number_runs(t, &mut runs);
            assert_eq!(runs, runs_by_definition(t), "{t:?}");
        }
    }

    #[test]
    fn colons_between_hex_digits() {
        assert!(hex_colon("at 2001:db8::1 today"));
        assert!(hex_colon("::1"));
        assert!(!hex_colon("Tel.: 030 123, time 10 : 15"));
        assert!(!hex_colon(":"));
        assert!(hex_colon("a:b"));
    }
}
