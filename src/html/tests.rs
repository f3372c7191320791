use super::*;

const PAGE: &str = r##"<!doctype html><html lang="fr"><head><title>Le titre</title></head><body>
<nav><a href="/">Accueil</a> <a href="/sport">Sport</a></nav>
<div id="cookie-consent">Nous utilisons des cookies. <button>Accepter</button></div>
<header><div class="menu"><a href="/a">A</a><a href="/b">B</a></div></header>
<article>
  <h1>La réforme des retraites adoptée</h1>
  <p>Le Parlement a adopté mardi la réforme des retraites, après des mois de débats et de manifestations dans tout le pays. Le gouvernement a salué un texte qui doit, selon lui, assurer l'avenir du système par répartition pour les prochaines décennies.</p>
  <div class="share-buttons"><a href="#">Partager</a><a href="#">Tweeter</a></div>
  <p>Le texte prévoit de relever progressivement l'âge légal de départ, une mesure que les syndicats contestent toujours.</p>
  <ul><li>Premier point du texte</li><li>Second point du texte</li></ul>
  <table><tr><th>Année</th><td>2024</td></tr></table>
  <div class="related-posts"><ul><li><a href="/x">Autre article un</a></li><li><a href="/y">Autre article deux</a></li></ul></div>
</article>
<div id="comments"><p>Super article, merci beaucoup pour ces explications détaillées !</p></div>
<footer>© 2024 Le Journal — Mentions légales</footer>
</body></html>"##;

#[test]
fn article_without_chrome() {
    let got = extract(PAGE, &Options::default());
    assert_eq!(got.method, "container");
    assert!(
        got.text
            .starts_with("La réforme des retraites adoptée\nLe Parlement a adopté mardi"),
        "{}",
        got.text
    );
    assert!(got.text.contains("Premier point du texte\nSecond point du texte"));
    assert!(got.text.contains("Année | 2024"));
    for boiler in [
        "Accueil",
        "cookies",
        "Partager",
        "Autre article",
        "Super article",
        "Mentions",
    ] {
        assert!(!got.text.contains(boiler), "{boiler} in {}", got.text);
    }
    assert_eq!(got.meta.title.as_deref(), Some("Le titre"));
    assert_eq!(got.meta.lang.as_deref(), Some("fr"));
}

#[test]
fn options_tables_and_comments() {
    let got = extract(
        PAGE,
        &Options {
            tables: false,
            comments: true,
            ..Options::default()
        },
    );
    assert!(!got.text.contains("2024"), "{}", got.text);
    let whole = extract(
        &PAGE.replace("<article>", "<div>").replace("</article>", "</div>"),
        &Options::default(),
    );
    assert!(whole.text.contains("Le Parlement a adopté"), "{}", whole.text);
}

#[test]
fn pages_without_markup_keep_prose_and_drop_navigation() {
    let page = r#"<html><body><table><tr><td><a href="/">Start</a> | <a href="/n">Nachrichten</a> | <a href="/k">Kontakt</a></td></tr>
<tr><td><font>Die Gemeinde hat am Montag beschlossen, dass die Schule im nächsten Jahr saniert wird, weil das Dach
schon seit langer Zeit undicht ist und die Heizung nicht mehr richtig funktioniert.</font><br><br>
<font>Der Bürgermeister sagte, dass die Kosten von den Ländern und dem Bund gemeinsam getragen werden sollen, und er
hofft auf eine schnelle Umsetzung der Pläne in den kommenden Monaten.</font></td></tr>
<tr><td><a href="/i">Impressum</a> · <a href="/d">Datenschutz</a></td></tr></table></body></html>"#;
    let got = extract(page, &Options::default());
    assert_ne!(got.method, "container");
    assert!(got.text.contains("Die Gemeinde hat am Montag") && got.text.contains("Der Bürgermeister sagte"));
    assert!(
        !got.text.contains("Impressum") && !got.text.contains("Nachrichten"),
        "{}",
        got.text
    );
}

#[test]
fn empty_and_garbage_yield_nothing() {
    assert_eq!(extract("", &Options::default()).text, "");
    assert_eq!(
        extract(
            "<html><body><script>var x=1</script></body></html>",
            &Options::default()
        )
        .text,
        ""
    );
}

#[test]
fn share_labels_and_decomposed_letters() {
    let page = PAGE.replace(
        "<ul><li>Premier",
        "<p>Facebook</p><p>E-Mail</p><p>Mehr zum Thema:</p><p>Cafe\u{301} et the\u{301}</p><ul><li>Premier",
    );
    let got = extract(&page, &Options::default());
    assert!(!got.text.contains("Facebook") && !got.text.contains("E-Mail") && !got.text.contains("Mehr zum"));
    assert!(got.text.contains("Café et thé"), "{}", got.text);
}
