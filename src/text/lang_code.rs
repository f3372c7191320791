//! Language codes as datasets and models write them, mapped to the ISO 639-1
//! codes `langs/` and the outputs use: lid.176 writes `mt`, GlotLID and
//! OpenLID `mlt_Latn`, FineWeb-2 `mlt` with the script in another column.

/// ISO 639-3 (and the individual codes used for macrolanguages) of the EU24.
const ISO3: &[(&str, &str)] = &[
    ("bul", "bg"),
    ("ces", "cs"),
    ("dan", "da"),
    ("deu", "de"),
    ("ell", "el"),
    ("eng", "en"),
    ("spa", "es"),
    ("est", "et"),
    ("ekk", "et"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("gle", "ga"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("ita", "it"),
    ("lit", "lt"),
    ("lav", "lv"),
    ("lvs", "lv"),
    ("mlt", "mt"),
    ("nld", "nl"),
    ("pol", "pl"),
    ("por", "pt"),
    ("ron", "ro"),
    ("slk", "sk"),
    ("slv", "sl"),
    ("swe", "sv"),
];

/// Splits `code` into language and script (`mlt_Latn` → `mlt`, `Latn`) and
/// maps an EU language's ISO 639-3 code to ISO 639-1. Other codes are kept
/// as written (`srp`, `ru`, `zh-Hant`).
pub fn split(code: &str) -> (&str, Option<&str>) {
    let (lang, script) = match code.split_once('_') {
        Some((l, s)) => (l, Some(s)),
        None => (code, None),
    };
    let lang = ISO3
        .iter()
        .find(|(three, _)| *three == lang)
        .map(|(_, two)| *two)
        .unwrap_or(lang);
    (lang, script)
}

/// The ISO 639-1 code of an EU language given in any of the forms above
/// (`mt`, `mlt`, `mlt_Latn`); anything else unchanged.
pub fn to_iso639_1(code: &str) -> &str {
    split(code).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_style_maps_to_iso_639_1() {
        assert_eq!(to_iso639_1("mt"), "mt");
        assert_eq!(to_iso639_1("mlt"), "mt");
        assert_eq!(split("mlt_Latn"), ("mt", Some("Latn")));
        assert_eq!(to_iso639_1("ekk"), "et");
        assert_eq!(to_iso639_1("lvs_Latn"), "lv");
        assert_eq!(split("srp_Cyrl"), ("srp", Some("Cyrl")));
        assert_eq!(to_iso639_1("ru"), "ru");
    }
}
