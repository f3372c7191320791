//! Where a document is from: its language, the page's declared language
//! (`html_lang`, e.g. `de-AT`) and the URL's country domain, turned into the
//! languages national-ID rules are meant for and the phone regions whose
//! national numbers the text may carry.

/// What a document says about its origin (any of them may be missing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals<'a> {
    /// The document's language (`lang`, from language ID or the source).
    pub lang: Option<&'a str>,
    /// The page's declared language (`<html lang>`), e.g. `fr`, `nl-BE`.
    pub html_lang: Option<&'a str>,
    /// The document's URL.
    pub url: Option<&'a str>,
}

/// Languages and phone regions a document's signals point to, in order.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub langs: Vec<&'static str>,
    pub regions: Vec<&'static str>,
}

/// Country (ISO 3166 / phone region) -> languages written there.
const COUNTRY_LANGS: &[(&str, &[&str])] = &[
    ("AT", &["de"]),
    ("BE", &["nl", "fr", "de"]),
    ("BG", &["bg"]),
    ("CY", &["el"]),
    ("CZ", &["cs"]),
    ("DE", &["de"]),
    ("DK", &["da"]),
    ("EE", &["et"]),
    ("ES", &["es"]),
    ("FI", &["fi", "sv"]),
    ("FR", &["fr"]),
    ("GB", &["en"]),
    ("GR", &["el"]),
    ("HR", &["hr"]),
    ("HU", &["hu"]),
    ("IE", &["en", "ga"]),
    ("IT", &["it"]),
    ("LT", &["lt"]),
    ("LU", &["fr", "de"]),
    ("LV", &["lv"]),
    ("MT", &["mt", "en"]),
    ("NL", &["nl"]),
    ("PL", &["pl"]),
    ("PT", &["pt"]),
    ("RO", &["ro"]),
    ("SE", &["sv"]),
    ("SI", &["sl"]),
    ("SK", &["sk"]),
];

/// Language -> the regions whose numbers its texts usually carry, main first.
const LANG_REGIONS: &[(&str, &[&str])] = &[
    ("bg", &["BG"]),
    ("cs", &["CZ"]),
    ("da", &["DK"]),
    ("de", &["DE", "AT", "LU", "BE"]),
    ("el", &["GR", "CY"]),
    ("en", &["GB", "IE", "MT"]),
    ("es", &["ES"]),
    ("et", &["EE"]),
    ("fi", &["FI"]),
    ("fr", &["FR", "BE", "LU"]),
    ("ga", &["IE"]),
    ("hr", &["HR"]),
    ("hu", &["HU"]),
    ("it", &["IT"]),
    ("lt", &["LT"]),
    ("lv", &["LV"]),
    ("mt", &["MT"]),
    ("nl", &["NL", "BE"]),
    ("pl", &["PL"]),
    ("pt", &["PT"]),
    ("ro", &["RO"]),
    ("sk", &["SK"]),
    ("sl", &["SI"]),
    ("sv", &["SE", "FI"]),
];

fn push<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

fn lang_entry(lang: &str) -> Option<&'static (&'static str, &'static [&'static str])> {
    LANG_REGIONS.iter().find(|(l, _)| l.eq_ignore_ascii_case(lang))
}

fn country_entry(cc: &str) -> Option<&'static (&'static str, &'static [&'static str])> {
    COUNTRY_LANGS.iter().find(|(c, _)| c.eq_ignore_ascii_case(cc))
}

/// The country of a URL's domain (`.de` -> DE, `.gr` -> GR, `.uk` -> GB).
pub fn url_country(url: &str) -> Option<&'static str> {
    let tld = crate::text::url::tld(url)?;
    let tld = tld.as_str();
    if tld == "uk" {
        return Some("GB");
    }
    if tld.len() != 2 {
        return None;
    }
    country_entry(tld).map(|(c, _)| *c)
}

impl Origin {
    /// Languages and regions from `lang`, then `html_lang`, then the URL.
    pub fn of(s: &Signals) -> Origin {
        let mut o = Origin::default();
        let add_lang = |o: &mut Origin, lang: &str| {
            if let Some((l, regions)) = lang_entry(lang) {
                push(&mut o.langs, *l);
                for r in *regions {
                    push(&mut o.regions, *r);
                }
            }
        };
        if let Some(lang) = s.lang {
            add_lang(&mut o, lang);
        }
        if let Some(h) = s.html_lang {
            let mut parts = h.split(['-', '_']);
            let primary = parts.next().unwrap_or("");
            // `de-AT`: the country first, then the language's usual ones.
            if let Some((c, _)) = parts.next().and_then(country_entry) {
                push(&mut o.regions, *c);
            }
            add_lang(&mut o, primary);
        }
        if let Some((c, langs)) = s.url.and_then(url_country).and_then(country_entry) {
            push(&mut o.regions, *c);
            for l in *langs {
                push(&mut o.langs, *l);
            }
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_give_languages_and_regions() {
        let o = Origin::of(&Signals {
            lang: None,
            html_lang: Some("nl-BE"),
            url: Some("https://www.gemeente.example.be:8443/contact?x=1"),
        });
        assert_eq!(o.langs, ["nl", "fr", "de"]);
        assert_eq!(o.regions, ["BE", "NL"]);
        assert_eq!(url_country("http://shop.co.uk/"), Some("GB"));
        assert_eq!(url_country("https://example.com/de/"), None);
        assert_eq!(url_country("https://user@firma.AT/"), Some("AT"));
        let o = Origin::of(&Signals {
            lang: Some("el"),
            ..Signals::default()
        });
        assert_eq!((o.langs, o.regions), (vec!["el"], vec!["GR", "CY"]));
    }
}
