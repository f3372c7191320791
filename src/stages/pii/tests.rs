//! Tests: published examples, detection in context, token boundaries,
//! region inference, actions and pathological inputs. Recall and
//! look-alikes at scale are measured on the independent set
//! (`fixtures/pii-eval/`, measured by the `pii` bench).

use super::checksums::*;
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
    ("dk_cpr_date", "211062-5629"),
    ("dk_cpr_date", "0101104321"),
    ("cz_sk_birth_number_old", "991231/123"),
    ("si_emso", "0101006500006"),
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
    ("cz_sk_birth_number_old", "541231/123"),
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
fn pathological_inputs_run_in_linear_time() {
    // Not timed: the work `find` counts for an input twice as long must be
    // at most about twice as much (a quadratic step would give 4×).
    let st = stage("");
    let steps = |text: &str| {
        super::detect::STEPS.with(|c| c.set(0));
        let _ = st.find(text, Some("de"));
        super::detect::STEPS.with(|c| c.get())
    };
    let units = [
        "7", "@", ".", "1.", "a@", "+4", "DE89 ", "1:", "a@b.cc,", "0 ", "(0)", "030 1234567 ", "((((1234 5678",
        "DE89 3704 0044 0532 0130 00 ", "192.168.1.1:8080 ", "Tel. 0151 234567 ", "4111 1111 1111 1111 ",
        "DE89 3704 0044 0532 0130 01 Tel. 0151 234567 ", "12.04.2023 10:15 ", "PL 44051401358 +48 601 234 567 ",
    ];
    for unit in units {
        let n = unit.repeat(100_000 / unit.len());
        let (one, two) = (steps(&n), steps(&n.repeat(2)));
        assert!(one > 0, "{unit:?}: no work counted");
        assert!(two <= one * 2 + one / 10, "{unit:?}: {one} steps for n, {two} for 2n");
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

#[test]
fn national_phones_after_a_keyword_need_no_language() {
    let st = stage("");
    for (text, phone) in [
        ("Tel. 020 7611 9379 (office)", "020 7611 9379"),
        ("Tel. 030 12345678.", "030 12345678"),
        ("Tel. 01 34 57 30 27", "01 34 57 30 27"),
        ("Tel. 06-25708784", "06-25708784"),
        ("Puh. 09 4171 775", "09 4171 775"),
        ("τηλ. 210 123 4567", "210 123 4567"),
    ] {
        assert_eq!(kinds(&st, text, None), [format!("phone={phone}")], "{text}");
    }
    // With nothing to go by, a grouped number with a trunk prefix still is one;
    // a bare run of digits is not.
    assert_eq!(kinds(&st, "Anna: 06 48 78 96 07", None), ["phone=06 48 78 96 07"]);
    assert!(kinds(&st, "Anna: 0648789607", None).is_empty());
}

#[test]
fn international_numbers_in_every_grouping() {
    let st = stage("");
    for p in [
        "+33 6 48 78 96 07",
        "+31 6 17101739",
        "+359 2 806 5087",
        "+358 9 4171 775",
        "+385 1 9844 230",
        "+36 1 532 1922",
        "+386 1 300 39 84",
        "+45 32 12 34 56",
        "+49 (0)30 1234 5678",
        "+49-30-1234-5678",
        "+49.30.1234.5678",
        "0049 30 12345678",
        "+33 (0) 6 48 78 96 07",
    ] {
        for lang in [None, Some("en")] {
            let text = format!("Call me: {p}, thanks.");
            assert_eq!(kinds(&st, &text, lang), [format!("phone={p}")], "{p} {lang:?}");
        }
    }
    assert_eq!(kinds(&st, "Tel. 8 612 88005", Some("lt")), ["phone=8 612 88005"]);
    // Not numbers libphonenumber knows (no such range in its metadata).
    assert!(kinds(&st, "Call +370 5 748 2644, +386 1 917 39 84 or +45 25 03 97 60", None).is_empty());
    assert_eq!(kinds(&st, "Telefon: (030) 1234 5678", None), ["phone=(030) 1234 5678"]);
}

#[test]
fn page_language_and_country_domain_stand_in_for_lang() {
    let st = stage("");
    let at = Signals {
        lang: None,
        html_lang: None,
        url: Some("https://www.praxis-huber.at/kontakt"),
    };
    let text = "Ordination Dr. Huber, 0664 1234567, Montag bis Freitag.";
    let found: Vec<String> = st
        .find_with(text, &at)
        .iter()
        .map(|f| text[f.start..f.end].to_string())
        .collect();
    assert_eq!(found, ["0664 1234567"]);
    // A PESEL is read as one on a Polish page without `lang`, not on an English one.
    let pl = Signals {
        lang: None,
        html_lang: Some("pl-PL"),
        url: None,
    };
    assert_eq!(st.find_with("Numer 44051401359 w bazie.", &pl).len(), 1);
    assert!(st
        .find_with("Order 44051401359 shipped.", &Signals::default())
        .is_empty());
    // The stage reads them from the document.
    let mut doc = Document::new("d", "Numer 44051401359 w bazie.");
    doc.meta.insert("html_lang".into(), "pl".into());
    let mut st = stage("");
    st.process(&mut doc, &mut Counters::default()).unwrap();
    assert_eq!(doc.text, "Numer <NATIONAL_ID> w bazie.");
}

#[test]
fn pieces_of_longer_tokens_are_left_whole() {
    let st = stage("");
    for text in [
        "Key 2a02:8071:2b3:1:2:3:4:5:6 here.",
        "Key 2a02:8071::2b3::1 here.",
        "Hash a3f0612345678b and 9f86d081884c7d659a2feaa0c55ad015.",
        "Ref X0648789607 and 0648789607Y.",
        "Path /srv/193.99.144.80x/ and v193.99.144.80.",
        "Build 4111111111111111a.",
    ] {
        assert!(
            kinds(&st, text, Some("en")).is_empty(),
            "{text}: {:?}",
            kinds(&st, text, Some("en"))
        );
    }
    assert_eq!(
        kinds(
            &st,
            "Mail jürgen.müller@bäckerei.de, IP 193.99.144.80:8080 und IBAN:DE89370400440532013000.",
            Some("de")
        ),
        [
            "email=jürgen.müller@bäckerei.de",
            "ipv4=193.99.144.80:8080",
            "iban=DE89370400440532013000",
        ]
    );
}

#[test]
fn keywords_start_a_word() {
    let st = stage("");
    // `tel` of `Hotel` and `ring` of `during` say nothing about the number.
    assert!(kinds(&st, "Hotel 612345678 and during 912345678", None).is_empty());
    assert_eq!(kinds(&st, "CPR-nr.: 010110-4321", None), ["dk_cpr_keyword=010110-4321"]);
}

#[test]
fn bare_digit_runs_are_phones_of_the_documents_country_unless_labelled() {
    let st = stage("");
    // libphonenumber's example numbers: Malta fixed line, Denmark fixed line.
    assert_eq!(
        kinds(&st, "Ċemplu lill-uffiċċju fuq 21001234 filgħodu.", Some("mt")),
        ["phone=21001234"]
    );
    assert_eq!(kinds(&st, "Kontoret har nummer 32123456.", Some("da")), ["phone=32123456"]);
    // Labelled as something else, or with no country to read them in.
    assert!(kinds(&st, "Invoice 21001234 was paid.", Some("en")).is_empty());
    assert!(kinds(&st, "Ordrenummer: 32123456.", Some("da")).is_empty());
    assert!(kinds(&st, "Kontoret har nummer 32123456.", None).is_empty());
    // Where the country dials no trunk prefix, a bare service number of it
    // (Malta's toll-free 8007 1234) too; with no country, only after a keyword.
    assert_eq!(kinds(&st, "Iċċekkja 80071234 illum.", Some("mt")), ["phone=80071234"]);
    assert!(kinds(&st, "Iċċekkja 80071234 illum.", None).is_empty());
    assert_eq!(kinds(&st, "Tel. 80071234", None), ["phone=80071234"]);
}

#[test]
fn trunk_prefix_and_national_grouping_are_strong_evidence() {
    let st = stage("");
    // libphonenumber's Slovak premium-rate example, written with the trunk
    // prefix: ten digits like a birth number, but only phones start with 0 there.
    assert_eq!(kinds(&st, "V liste je iba 0900123456.", Some("sk")), ["phone=0900123456"]);
    assert!(kinds(&st, "Objednávka 0900123456.", Some("sk")).is_empty());
    // German pager numbers have no national format: written without the 0.
    assert_eq!(kinds(&st, "Tel. 16412345", Some("de")), ["phone=16412345"]);
    // One-digit groups only as the country groups its numbers (`0180 1 2345`).
    assert_eq!(kinds(&st, "Service: 0180.1.2345", Some("de")), ["phone=0180.1.2345"]);
    assert_eq!(kinds(&st, "Telefon: 06.1.234.5678", Some("hu")), ["phone=06.1.234.5678"]);
    assert!(kinds(&st, "Version 0180.12.3.45 ist da.", Some("de")).is_empty());
}
