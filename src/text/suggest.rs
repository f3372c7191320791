//! "Did you mean" for misspelt kinds, keys and choices.

/// The closest candidate to `word`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_but_not_strangers() {
        let kinds = ["minhash_dedup", "exact_dedup", "normalize"];
        assert_eq!(did_you_mean("minhas_dedup", kinds), Some("minhash_dedup"));
        assert_eq!(did_you_mean("normalise", kinds), Some("normalize"));
        assert_eq!(did_you_mean("tokenize", kinds), None);
    }
}
