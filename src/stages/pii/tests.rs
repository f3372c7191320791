//! Tests: published examples, generated valid identifiers, one-digit
//! look-alikes, detection in context, actions and pathological inputs.

use super::checksums::*;
use super::generate::{self, Rng};
use super::*;

/// Published or well-known valid examples, per validator.
const KNOWN_VALID: &[(&str, &str)] = &[
    ("payment_card", "4111 1111 1111 1111"),
    ("payment_card", "5555-5555-5555-4444"),
    ("payment_card", "3782 822463 10005"),
    ("iban", "DE89 3704 0044 0532 0130 00"),
    ("iban", "GB82 WEST 1234 5698 7654 32"),
    ("iban", "MT84 MALT 0110 0001 2345 MTLC AST0 01S"),
    ("iban", "FR14 2004 1010 0505 0001 3M02 606"),
    ("iban", "IE29 AIBK 9311 5212 3456 78"),
    ("es_dni", "12345678Z"),
    ("es_dni", "X1234567L"),
    ("it_codice_fiscale", "RSSMRA85T10A562S"),
    ("pl_pesel", "44051401359"),
    ("pl_pesel", "02070803628"),
    ("be_national_number", "85.07.30-033.28"),
    ("ee_lt_personal_code", "37605030299"),
    ("ee_lt_personal_code", "33309240064"),
    ("de_tax_id", "86095742719"),
    ("hr_oib", "69435151530"),
    ("nl_bsn", "111222333"),
    ("nl_bsn", "123456782"),
    ("pt_nif", "123456789"),
    ("se_personnummer", "811218-9876"),
    ("se_personnummer", "19811218-9876"),
    ("fi_hetu", "131052-308T"),
    ("dk_cpr", "070761-4285"),
    ("ro_cnp", "1800101221144"),
    ("bg_egn", "7523169263"),
    ("cz_sk_birth_number", "736028/5163"),
    ("cz_sk_birth_number", "7103192745"),
];

/// Strings that look like identifiers but are not.
const KNOWN_INVALID: &[(&str, &str)] = &[
    ("payment_card", "4111 1111 1111 1112"),
    ("payment_card", "1234 5678 9012 3456"),
    ("iban", "DE89 3704 0044 0532 0130 01"),
    ("iban", "XX89 3704 0044 0532 0130 00"),
    ("es_dni", "12345678A"),
    ("it_codice_fiscale", "RSSMRA85T10A562T"),
    ("pl_pesel", "44051401358"),
    ("pl_pesel", "44133101359"),
    ("be_national_number", "85.07.30-033.29"),
    ("ee_lt_personal_code", "37605030298"),
    ("de_tax_id", "86095742718"),
    ("de_tax_id", "12345678903"),
    ("hr_oib", "69435151531"),
    ("nl_bsn", "111222334"),
    ("pt_nif", "123456788"),
    ("se_personnummer", "811218-9877"),
    ("fi_hetu", "131052-308U"),
    ("dk_cpr", "070761-4286"),
    ("ro_cnp", "1800101221145"),
    ("bg_egn", "7523169264"),
    ("cz_sk_birth_number", "736028/5164"),
    ("si_emso", "0101006500007"),
];

#[test]
fn published_examples_are_accepted_and_look_alikes_rejected() {
    for (name, s) in KNOWN_VALID {
        assert!(by_name(name).unwrap()(s), "{name}: {s} should be valid");
    }
    for (name, s) in KNOWN_INVALID {
        assert!(!by_name(name).unwrap()(s), "{name}: {s} should be invalid");
    }
}

#[test]
fn generated_identifiers_pass_and_one_digit_changes_fail() {
    let mut rng = Rng::new(7);
    for name in NAMES.iter().filter(|n| **n != "luhn") {
        let f = by_name(name).unwrap();
        let mut caught = 0;
        for _ in 0..300 {
            let v = generate::valid(name, &mut rng);
            assert!(f(&v), "{name}: generated {v} fails its own rule");
            if !f(&generate::corrupt(&v, &mut rng)) {
                caught += 1;
            }
        }
        // Schemes that map two remainders to one check digit (mod 11 with
        // 10 -> 0 or 1) miss a few single-digit changes; all catch >= 97%.
        assert!(caught >= 291, "{name}: only {caught}/300 one-digit changes rejected");
    }
}

#[test]
fn dates_inside_identifiers_are_checked() {
    assert!(valid_date(2024, 2, 29) && !valid_date(2023, 2, 29) && !valid_date(2024, 4, 31));
    // A PESEL with 31 April and a correct check digit is still rejected.
    let body = "8004310123";
    let with_check = (0..10).map(|c| format!("{body}{c}")).find(|s| {
        let d = digits(s);
        let sum: u32 = d[..10]
            .iter()
            .zip([1, 3, 7, 9, 1, 3, 7, 9, 1, 3])
            .map(|(a, b)| a * b)
            .sum();
        (10 - sum % 10) % 10 == d[10]
    });
    assert!(!pl_pesel(&with_check.unwrap()));
}

fn stage(yaml_params: &str) -> PiiStage {
    let cfg: PiiConfig = serde_saphyr::from_str(if yaml_params.is_empty() { "{}" } else { yaml_params }).unwrap();
    PiiStage {
        rules: cfg.rule_set().unwrap(),
        cfg,
    }
}

fn kinds(st: &PiiStage, text: &str, lang: Option<&str>) -> Vec<String> {
    st.find(text, lang)
        .iter()
        .map(|f| format!("{}={}", st.rules.rules[f.rule].name, &text[f.start..f.end]))
        .collect()
}

#[test]
fn finds_each_type_in_running_text() {
    let st = stage("");
    let text = "Schreiben Sie an anna.novak@posta.eu oder rufen Sie +49 151 23456789 an. \
                IBAN DE89 3704 0044 0532 0130 00, Karte 4111 1111 1111 1111, Server 193.99.144.80 \
                und 2a02:8071:2b3::1; Steuer-ID 86 095 742 719.";
    let found = kinds(&st, text, Some("de"));
    assert_eq!(
        found,
        [
            "email=anna.novak@posta.eu",
            "phone=+49 151 23456789",
            "iban=DE89 3704 0044 0532 0130 00",
            "payment_card=4111 1111 1111 1111",
            "ipv4=193.99.144.80",
            "ipv6=2a02:8071:2b3::1",
            "de_tax_id=86 095 742 719",
        ]
    );
}

#[test]
fn national_ids_need_their_language_or_a_keyword() {
    let st = stage("");
    // A valid PESEL in Polish text is found; the same digits in English text are
    // not, unless the keyword says what they are.
    assert_eq!(
        kinds(&st, "Numer 44051401359 w bazie.", Some("pl")),
        ["pl_pesel=44051401359"]
    );
    assert!(kinds(&st, "Order 44051401359 shipped.", Some("en")).is_empty());
    assert_eq!(
        kinds(&st, "His PESEL: 44051401359.", Some("en")),
        ["pl_pesel=44051401359"]
    );
    // Strongly structured IDs are found everywhere.
    assert_eq!(
        kinds(&st, "CF RSSMRA85T10A562S", None),
        ["it_codice_fiscale=RSSMRA85T10A562S"]
    );
    assert_eq!(kinds(&st, "hetu 131052-308T ok", None), ["fi_hetu=131052-308T"]);
}

#[test]
fn look_alikes_are_left_alone() {
    let st = stage("");
    for (lang, text) in [
        (
            "de",
            "Bestellnummer 86095742718 vom 15.03.2024, Preis 1.299,00 EUR, ISBN 978-3-16-148410-0.",
        ),
        ("pl", "Faktura 44051401358, telefon nieznany, data 2024-03-15."),
        (
            "en",
            "Version 1.2.3.4.5 of the tool, private host 192.168.1.20 and 10.0.0.1.",
        ),
        ("en", "Retina image logo@2x.png and icon@3x.jpg."),
        ("nl", "Artikel 111222334 kost 12,50 euro."),
        ("fr", "Commande 1 84 12 76 451 089 47 expédiée."),
        ("en", "Timestamps 10:30:00 and MAC 00:1A:2B:3C:4D:5E."),
    ] {
        assert!(
            kinds(&st, text, Some(lang)).is_empty(),
            "{lang}: {text} -> {:?}",
            kinds(&st, text, Some(lang))
        );
    }
}

#[test]
fn actions_replace_mask_tag_and_drop() {
    let text = "Mail jan.novak@example.eu, IBAN DE89 3704 0044 0532 0130 00.";
    let run = |params: &str| {
        let mut st = stage(params);
        let mut doc = Document::new("d", text);
        doc.lang = Some("cs".into());
        let mut c = Counters::default();
        let v = st.process(&mut doc, &mut c).unwrap();
        (v, doc, c)
    };
    let (_, doc, c) = run("");
    assert_eq!(doc.text, "Mail <EMAIL>, IBAN <IBAN>.");
    assert_eq!((c.get("EMAIL"), c.get("IBAN:cs")), (1, 1));
    let (_, doc, _) = run("placeholders: {EMAIL: '[e-mail]'}");
    assert_eq!(doc.text, "Mail [e-mail], IBAN <IBAN>.");
    let (_, doc, _) = run("action: mask");
    assert_eq!(doc.text, "Mail ***.*****@*******.**, IBAN **** **** **** **** **** **.");
    let (_, doc, _) = run("action: tag");
    assert_eq!(doc.text, text);
    assert_eq!(doc.meta["pii"][1]["type"], "IBAN");
    let (v, _, _) = run("action: drop_document\nmax_findings: 1");
    assert!(matches!(v, Verdict::Drop(r) if r.reason == "pii" && r.detail.as_deref() == Some("EMAIL=1 IBAN=1")));
    let (v, _, _) = run("action: drop_document\nmax_findings: 2");
    assert_eq!(v, Verdict::Keep);
    let (_, doc, _) = run("types: [IBAN]");
    assert_eq!(doc.text, "Mail jan.novak@example.eu, IBAN <IBAN>.");
}

#[test]
fn generated_phones_of_every_eu_country_are_found() {
    let st = stage("");
    let mut rng = Rng::new(11);
    for lang in [
        "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt", "nl",
        "pl", "pt", "ro", "sk", "sl", "sv",
    ] {
        for international in [true, false] {
            let p = generate::phone(lang, international, &mut rng).unwrap();
            let text = format!("Tel. {p} (office)");
            assert_eq!(kinds(&st, &text, Some(lang)), [format!("phone={p}")], "{lang}");
        }
    }
}

#[test]
fn pathological_inputs_run_in_linear_time() {
    // Not timed: a quadratic matcher would not finish these 10 MB lines.
    let st = stage("");
    for unit in ["7", "@", ".", "1.", "a@", "+4", "DE89 "] {
        let text = unit.repeat(10_000_000 / unit.len());
        let _ = st.find(&text, Some("de"));
    }
}

#[test]
fn a_custom_rules_file_is_validated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.yaml");
    std::fs::write(
        &path,
        "rules:\n  - name: x\n    type: X\n    pattern: '[0-9]+'\n    validate: mod_42\n    context: always\n",
    )
    .unwrap();
    let err = RuleSet::load(Some(&path), None).unwrap_err().to_string();
    assert!(
        err.contains("unknown validator `mod_42`") && err.contains("pl_pesel"),
        "{err}"
    );
}
