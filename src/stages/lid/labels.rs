//! Label mapping: every fastText LID model names languages its own way
//! (`__label__de` in lid.176, `__label__deu_Latn` in GlotLID and OpenLID).
//! Documents always get ISO 639-1 for the 24 EU languages, and the model's
//! own code otherwise.

/// A model label, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// ISO 639-1 for the EU24, the model's code otherwise.
    pub lang: String,
    /// Script when the label has one (`Latn`).
    pub script: Option<String>,
    /// The label as the model wrote it.
    pub raw: String,
}

/// Decodes `__label__de`, `__label__deu_Latn`, `__label__zh-Hant` and the like.
pub fn decode(raw: &str) -> Label {
    let code = raw.strip_prefix("__label__").unwrap_or(raw);
    let (lang, script) = crate::text::lang_code::split(code);
    Label {
        lang: lang.to_string(),
        script: script.map(str::to_string),
        raw: raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_model_style_to_iso_639_1() {
        assert_eq!(decode("__label__mt").lang, "mt");
        let g = decode("__label__mlt_Latn");
        assert_eq!((g.lang.as_str(), g.script.as_deref()), ("mt", Some("Latn")));
        assert_eq!(decode("__label__ekk_Latn").lang, "et");
        assert_eq!(decode("__label__lvs_Latn").lang, "lv");
        assert_eq!(decode("__label__srp_Cyrl").lang, "srp");
        assert_eq!(decode("__label__ru").lang, "ru");
    }
}
