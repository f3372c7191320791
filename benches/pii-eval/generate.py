#!/usr/bin/env python3
"""Builds the independent PII evaluation set (fixtures/pii-eval/eval.jsonl).

Shares no code with eurocurate's detector. Values come from, or are checked
by, independent implementations used only here, at generation time:

* phones: libphonenumber's example numbers for every EU region and number
  type (PyPI `phonenumbers`, Apache-2.0), plus variants of them that
  `phonenumbers.is_valid_number` accepts, written in the national and
  international styles of `phonenumbers.format_number` and in other
  groupings people write (dots, dashes, slashes, `(0)`, `00`, compact);
* national IDs, IBANs and cards: random candidates kept only when PyPI
  `python-stdnum` (LGPL-2.1+, used as an oracle, not shipped) validates
  them, plus the examples published in stdnum's own documentation;
* look-alikes: order numbers, dates, prices, ISBNs (stdnum.isbn-valid),
  versions, coordinates, hex hashes, too-long colon strings, and
  one-character-corrupted IDs, IBANs and cards that stdnum rejects.

The sentences are templates written for this set in each of the 24 EU
languages, with and without a keyword. Output: one JSON object per line,
byte offsets into UTF-8 `text`.

    python3 -m venv target/pii-venv
    target/pii-venv/bin/pip install phonenumbers==9.0.43 python-stdnum==2.2
    target/pii-venv/bin/python benches/pii-eval/generate.py fixtures/pii-eval/eval.jsonl
"""
import importlib
import ipaddress
import json
import random
import re
import sys

import phonenumbers
import stdnum
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT
from stdnum import iban as std_iban
from stdnum import isbn as std_isbn
from stdnum import luhn as std_luhn

SEED = 20260
R = random.Random(SEED)

EU_REGIONS = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]

# Languages written in each region (first = main).
REGION_LANGS = {
    "AT": ["de"], "BE": ["nl", "fr", "de"], "BG": ["bg"], "CY": ["el"], "CZ": ["cs"], "DE": ["de"],
    "DK": ["da"], "EE": ["et"], "ES": ["es"], "FI": ["fi", "sv"], "FR": ["fr"], "GR": ["el"],
    "HR": ["hr"], "HU": ["hu"], "IE": ["en", "ga"], "IT": ["it"], "LT": ["lt"], "LU": ["fr", "de"],
    "LV": ["lv"], "MT": ["mt", "en"], "NL": ["nl"], "PL": ["pl"], "PT": ["pt"], "RO": ["ro"],
    "SE": ["sv"], "SI": ["sl"], "SK": ["sk"],
}
TLD = {r: r.lower() for r in EU_REGIONS}

# Per language: phone keywords, labels, sentences with no keyword before the
# value, and a sentence with `{kw}` right before it.
LANG = {
    "bg": dict(tel=["Тел.", "тел.:", "Телефон:", "Моб.:"], card="Номер на карта:", ip="IP адрес:", email="Имейл:",
               plain=["Документът беше подписан от Иван Петров ({v}) миналата седмица.", "Данни за резервацията: {v}.",
                      "На писмото стои {v} и нищо друго."],
               kw="За въпроси: {kw} {v} от понеделник до петък."),
    "cs": dict(tel=["Tel.", "tel.:", "Telefon:", "Mobil:"], card="Číslo karty:", ip="IP adresa:", email="E-mail:",
               plain=["Formulář podepsal Jan Novák ({v}) minulý týden.", "Údaje k rezervaci: {v}.",
                      "Na dopise je uvedeno {v} a nic víc."],
               kw="S dotazy se obraťte na sekretariát, {kw} {v}, v pracovní dny."),
    "da": dict(tel=["Tlf.", "Tlf:", "Telefon:", "Mobil:"], card="Kortnummer:", ip="IP-adresse:", email="E-mail:",
               plain=["Formularen blev underskrevet af Mette Hansen ({v}) i sidste uge.", "Oplysninger om bookingen: {v}.",
                      "På brevet står {v} og intet andet."],
               kw="Sekretariatet har {kw} {v} på hverdage."),
    "de": dict(tel=["Tel.", "Tel.:", "Telefon:", "Mobil:", "Fax"], card="Kartennummer:", ip="IP-Adresse:",
               email="E-Mail:",
               plain=["Das Formular wurde von Anna Berger ({v}) letzte Woche unterschrieben.", "Angaben zur Buchung: {v}.",
                      "Auf dem Brief steht {v} und sonst nichts."],
               kw="Das Sekretariat erreichen Sie unter {kw} {v} werktags von neun bis fünf Uhr."),
    "el": dict(tel=["Τηλ.", "τηλ.:", "Τηλέφωνο:", "Κιν.:"], card="Αριθμός κάρτας:", ip="Διεύθυνση IP:", email="Email:",
               plain=["Το έντυπο υπογράφηκε από τη Μαρία Παπαδοπούλου ({v}) την περασμένη εβδομάδα.",
                      "Στοιχεία κράτησης: {v}.", "Στην επιστολή αναγράφεται {v} και τίποτε άλλο."],
               kw="Για ερωτήσεις: {kw} {v}, Δευτέρα έως Παρασκευή."),
    "en": dict(tel=["Tel.", "Phone:", "Mobile:", "Call"], card="Card number:", ip="IP address:", email="Email:",
               plain=["The form was signed by Anna Byrne ({v}) last week.", "Booking details: {v}.",
                      "The letter only says {v} and nothing else."],
               kw="For appointments, {kw} {v} on weekdays between nine and five."),
    "es": dict(tel=["Tel.", "Tel.:", "Teléfono:", "Móvil:"], card="Número de tarjeta:", ip="Dirección IP:",
               email="Correo:",
               plain=["El formulario lo firmó Ana García ({v}) la semana pasada.", "Datos de la reserva: {v}.",
                      "En la carta solo pone {v} y nada más."],
               kw="Para consultas, {kw} {v} de lunes a viernes."),
    "et": dict(tel=["Tel.", "tel:", "Telefon:", "Mob:"], card="Kaardi number:", ip="IP-aadress:", email="E-post:",
               plain=["Vormi allkirjastas Mari Tamm ({v}) eelmisel nädalal.", "Broneeringu andmed: {v}.",
                      "Kirjas on ainult {v} ja mitte midagi muud."],
               kw="Küsimuste korral {kw} {v} tööpäevadel."),
    "fi": dict(tel=["Puh.", "puh:", "Puhelin:", "GSM:"], card="Kortin numero:", ip="IP-osoite:", email="Sähköposti:",
               plain=["Lomakkeen allekirjoitti Anna Virtanen ({v}) viime viikolla.", "Varauksen tiedot: {v}.",
                      "Kirjeessä lukee vain {v} eikä mitään muuta."],
               kw="Kysymyksiin vastaa toimisto, {kw} {v}, arkisin."),
    "fr": dict(tel=["Tél.", "Tél. :", "Téléphone :", "Portable :"], card="Numéro de carte :", ip="Adresse IP :",
               email="Courriel :",
               plain=["Le formulaire a été signé par Marie Dubois ({v}) la semaine dernière.",
                      "Détails de la réservation : {v}.", "Sur la lettre figure seulement {v}, rien d'autre."],
               kw="Pour toute question, {kw} {v} du lundi au vendredi."),
    "ga": dict(tel=["Teil.", "Fón:", "Guthán:", "Tel."], card="Uimhir chárta:", ip="Seoladh IP:", email="Ríomhphost:",
               plain=["Shínigh Áine Ní Bhriain an fhoirm ({v}) an tseachtain seo caite.", "Sonraí na háirithinte: {v}.",
                      "Níl ach {v} scríofa ar an litir."],
               kw="Le haghaidh ceisteanna, {kw} {v} Luan go hAoine."),
    "hr": dict(tel=["Tel.", "Tel:", "Telefon:", "Mob.:"], card="Broj kartice:", ip="IP adresa:", email="E-pošta:",
               plain=["Obrazac je potpisala Ana Horvat ({v}) prošli tjedan.", "Podaci o rezervaciji: {v}.",
                      "Na pismu piše samo {v} i ništa više."],
               kw="Za pitanja: {kw} {v} radnim danom."),
    "hu": dict(tel=["Tel.:", "Telefon:", "Mobil:", "Tel."], card="Kártyaszám:", ip="IP-cím:", email="E-mail:",
               plain=["Az űrlapot Nagy Anna ({v}) írta alá a múlt héten.", "A foglalás adatai: {v}.",
                      "A levélen csak {v} áll, semmi más."],
               kw="Kérdés esetén {kw} {v} hétköznap."),
    "it": dict(tel=["Tel.", "Tel:", "Telefono:", "Cell.:"], card="Numero di carta:", ip="Indirizzo IP:",
               email="E-mail:",
               plain=["Il modulo è stato firmato da Giulia Rossi ({v}) la settimana scorsa.",
                      "Dati della prenotazione: {v}.", "Sulla lettera c'è scritto solo {v} e nient'altro."],
               kw="Per informazioni, {kw} {v} dal lunedì al venerdì."),
    "lt": dict(tel=["Tel.", "tel. nr.", "Telefonas:", "Mob.:"], card="Kortelės numeris:", ip="IP adresas:",
               email="El. paštas:",
               plain=["Formą praėjusią savaitę pasirašė Ona Kazlauskienė ({v}).", "Rezervacijos duomenys: {v}.",
                      "Laiške parašyta tik {v} ir nieko daugiau."],
               kw="Klausimais kreipkitės {kw} {v} darbo dienomis."),
    "lv": dict(tel=["Tālr.", "tālr.:", "Tālrunis:", "Mob.:"], card="Kartes numurs:", ip="IP adrese:", email="E-pasts:",
               plain=["Veidlapu pagājušajā nedēļā parakstīja Anna Bērziņa ({v}).", "Rezervācijas dati: {v}.",
                      "Vēstulē rakstīts tikai {v} un nekas cits."],
               kw="Jautājumu gadījumā {kw} {v} darba dienās."),
    "mt": dict(tel=["Tel.", "Tel:", "Mowbajl:", "Numru tat-telefon:"], card="Numru tal-karta:", ip="Indirizz IP:",
               email="Email:",
               plain=["Il-formola ġiet iffirmata minn Maria Borg ({v}) il-ġimgħa l-oħra.",
                      "Dettalji tal-prenotazzjoni: {v}.", "Fuq l-ittra hemm miktub biss {v} u xejn aktar."],
               kw="Għal mistoqsijiet, {kw} {v} mit-Tnejn sal-Ġimgħa."),
    "nl": dict(tel=["Tel.", "Tel:", "Telefoon:", "Mobiel:"], card="Kaartnummer:", ip="IP-adres:", email="E-mail:",
               plain=["Het formulier is vorige week ondertekend door Sanne de Vries ({v}).", "Gegevens van de boeking: {v}.",
                      "Op de brief staat alleen {v} en verder niets."],
               kw="Voor vragen: {kw} {v} op werkdagen."),
    "pl": dict(tel=["Tel.", "tel.:", "Telefon:", "Kom.:"], card="Numer karty:", ip="Adres IP:", email="E-mail:",
               plain=["Formularz podpisała Anna Kowalska ({v}) w zeszłym tygodniu.", "Dane rezerwacji: {v}.",
                      "Na liście jest tylko {v} i nic więcej."],
               kw="W sprawie pytań: {kw} {v} w dni robocze."),
    "pt": dict(tel=["Tel.", "Tel.:", "Telefone:", "Telemóvel:"], card="Número do cartão:", ip="Endereço IP:",
               email="E-mail:",
               plain=["O formulário foi assinado por Ana Silva ({v}) na semana passada.", "Dados da reserva: {v}.",
                      "Na carta consta apenas {v} e mais nada."],
               kw="Para esclarecimentos, {kw} {v} nos dias úteis."),
    "ro": dict(tel=["Tel.", "Tel.:", "Telefon:", "Mobil:"], card="Număr card:", ip="Adresă IP:", email="E-mail:",
               plain=["Formularul a fost semnat de Ana Popescu ({v}) săptămâna trecută.", "Detaliile rezervării: {v}.",
                      "Pe scrisoare scrie doar {v} și nimic altceva."],
               kw="Pentru întrebări, {kw} {v} în zilele lucrătoare."),
    "sk": dict(tel=["Tel.", "tel.:", "Telefón:", "Mobil:"], card="Číslo karty:", ip="IP adresa:", email="E-mail:",
               plain=["Formulár podpísala Jana Horváthová ({v}) minulý týždeň.", "Údaje o rezervácii: {v}.",
                      "V liste je uvedené iba {v} a nič viac."],
               kw="S otázkami sa obráťte na sekretariát, {kw} {v}, v pracovné dni."),
    "sl": dict(tel=["Tel.", "tel.:", "Telefon:", "GSM:"], card="Številka kartice:", ip="IP-naslov:", email="E-pošta:",
               plain=["Obrazec je prejšnji teden podpisala Maja Novak ({v}).", "Podatki o rezervaciji: {v}.",
                      "Na pismu piše samo {v} in nič drugega."],
               kw="Za vprašanja: {kw} {v} ob delavnikih."),
    "sv": dict(tel=["Tel.", "Tfn:", "Telefon:", "Mobil:"], card="Kortnummer:", ip="IP-adress:", email="E-post:",
               plain=["Blanketten undertecknades av Anna Lindberg ({v}) förra veckan.", "Uppgifter om bokningen: {v}.",
                      "I brevet står bara {v} och inget annat."],
               kw="Vid frågor, {kw} {v} på vardagar."),
}
LANGS = sorted(LANG)

# National ID schemes: stdnum module, country, languages of the text, the
# labels people write before them, and how much the number says by itself:
# "always" (letters or a strong check), "region" (a check digit and a date:
# identifiable in its country's text), "keyword" (one weak check digit: only
# identifiable next to its name).
SCHEMES = [
    ("es_dni", "es.dni", "ES", ["es"], ["DNI", "DNI:", "NIF:"], "always"),
    ("es_nie", "es.nie", "ES", ["es"], ["NIE", "NIE:"], "always"),
    ("it_codice_fiscale", "it.codicefiscale", "IT", ["it"], ["Codice fiscale:", "C.F."], "always"),
    ("fr_nir", "fr.nir", "FR", ["fr"], ["N° de sécurité sociale :", "NIR :", "numéro INSEE"], "always"),
    ("fi_hetu", "fi.hetu", "FI", ["fi", "sv"], ["Henkilötunnus:", "Hetu:"], "always"),
    ("se_personnummer", "se.personnummer", "SE", ["sv"], ["Personnummer:", "Pnr"], "region"),
    ("be_nn", "be.nn", "BE", ["nl", "fr", "de"], ["Rijksregisternummer:", "Numéro national :", "INSZ:"], "region"),
    ("pl_pesel", "pl.pesel", "PL", ["pl"], ["PESEL:", "nr PESEL"], "region"),
    ("ee_ik", "ee.ik", "EE", ["et"], ["Isikukood:", "IK"], "region"),
    ("lt_asmens", "lt.asmens", "LT", ["lt"], ["Asmens kodas:", "a. k."], "region"),
    ("de_idnr", "de.idnr", "DE", ["de"], ["Steuer-ID:", "Steuerliche Identifikationsnummer:", "IdNr."], "keyword"),
    ("hr_oib", "hr.oib", "HR", ["hr"], ["OIB:", "OIB"], "keyword"),
    ("nl_bsn", "nl.bsn", "NL", ["nl"], ["BSN:", "Burgerservicenummer:"], "keyword"),
    ("pt_nif", "pt.nif", "PT", ["pt"], ["NIF:", "Contribuinte n.º"], "keyword"),
    ("dk_cpr", "dk.cpr", "DK", ["da"], ["CPR-nr.:", "CPR:"], "region"),
    ("ro_cnp", "ro.cnp", "RO", ["ro"], ["CNP:", "Cod numeric personal:"], "region"),
    ("bg_egn", "bg.egn", "BG", ["bg"], ["ЕГН:", "ЕГН"], "region"),
    ("cz_rc", "cz.rc", "CZ", ["cs"], ["Rodné číslo:", "r. č."], "region"),
    ("sk_rc", "sk.rc", "SK", ["sk"], ["Rodné číslo:", "r. č."], "region"),
    ("si_emso", "si.emso", "SI", ["sl"], ["EMŠO:", "EMŠO"], "region"),
]

DIG = "0123456789"


def digits(n):
    return "".join(R.choice(DIG) for _ in range(n))


def ddmmyy():
    y = R.randint(1930, 2015)
    m = R.randint(1, 12)
    d = R.randint(1, 28)
    return y, m, d


def candidate(scheme):
    """A random candidate with the scheme's shape; stdnum decides if it is valid."""
    y, m, d = ddmmyy()
    if scheme == "es_dni":
        n = digits(8)
        return n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(n) % 23]
    if scheme == "es_nie":
        p = R.choice("XYZ")
        n = digits(7)
        return p + n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(str("XYZ".index(p)) + n) % 23]
    if scheme == "it_codice_fiscale":
        from stdnum.it import codicefiscale as cf
        body = ("".join(R.choice("BCDFGHLMNPRSTVZ") for _ in range(6)) + f"{y % 100:02d}" + "ABCDEHLMPRST"[m - 1]
                + f"{d + R.choice([0, 40]):02d}" + R.choice("ABCDEFGHILMZ") + digits(3))
        return body + cf.calc_check_digit(body)
    if scheme == "fr_nir":
        body = R.choice("12") + f"{y % 100:02d}{m:02d}" + R.choice(["75", "13", "69", "2A", "2B", "33", "59"]) + digits(3) + digits(3)
        n = int(body.replace("2A", "19").replace("2B", "18"))
        return body + f"{97 - n % 97:02d}"
    if scheme == "fi_hetu":
        sep = "-" if y < 2000 else "A"
        body = f"{d:02d}{m:02d}{y % 100:02d}"
        ind = f"{R.randint(2, 899):03d}"
        return body + sep + ind + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(body + ind) % 31]
    if scheme == "se_personnummer":
        return f"{y % 100:02d}{m:02d}{d:02d}" + R.choice("-+" if y < 1925 else "-") + digits(4)
    if scheme == "be_nn":
        body = f"{y % 100:02d}{m:02d}{d:02d}" + digits(3)
        base = int(body) + (2000000000 if y >= 2000 else 0)
        return body + f"{97 - base % 97:02d}"
    if scheme == "pl_pesel":
        mm = m + (20 if y >= 2000 else 0)
        return f"{y % 100:02d}{mm:02d}{d:02d}" + digits(5)
    if scheme in ("ee_ik", "lt_asmens"):
        g = (3 if y < 2000 else 5) + R.randint(0, 1)
        return f"{g}{y % 100:02d}{m:02d}{d:02d}" + digits(4)
    if scheme == "de_idnr":
        return R.choice("123456789") + digits(10)
    if scheme in ("hr_oib",):
        return digits(11)
    if scheme in ("nl_bsn",):
        return digits(9)
    if scheme in ("pt_nif",):
        return R.choice("12356") + digits(8)
    if scheme == "dk_cpr":
        return f"{d:02d}{m:02d}{y % 100:02d}" + R.choice("0123" if y < 2000 else "4") + digits(3)
    if scheme == "ro_cnp":
        s = (1 if y < 2000 else 5) + R.randint(0, 1)
        return f"{s}{y % 100:02d}{m:02d}{d:02d}" + f"{R.randint(1, 46):02d}" + digits(4)
    if scheme == "bg_egn":
        mm = m + (40 if y >= 2000 else 0)
        return f"{y % 100:02d}{mm:02d}{d:02d}" + digits(4)
    if scheme in ("cz_rc", "sk_rc"):
        y = R.randint(1954, 2015)
        mm = m + R.choice([0, 50])
        return f"{y % 100:02d}{mm:02d}{d:02d}" + digits(4)
    if scheme == "si_emso":
        return f"{d:02d}{m:02d}{y % 1000:03d}" + R.choice(["50", "55"]) + digits(4)
    raise ValueError(scheme)


def module(path):
    return importlib.import_module("stdnum." + path)


def std_valid(mod, v):
    try:
        return mod.is_valid(v)
    except Exception:
        return False


def dk_checksum_ok(v):
    from stdnum.dk import cpr
    return cpr.checksum(cpr.compact(v)) == 0


def written_forms(scheme, mod, v):
    """The compact value and stdnum's own display format when it has one."""
    forms = [mod.compact(v)]
    if hasattr(mod, "format"):
        try:
            f = mod.format(v)
            if f not in forms:
                forms.append(f)
        except Exception:
            pass
    return forms


def published_examples(path):
    """Valid examples in a stdnum module's documentation (`>>> validate('x')` not followed by a Traceback)."""
    mod = module(path)
    doc = mod.__doc__ or ""
    lines = doc.splitlines()
    out = []
    for i, line in enumerate(lines):
        m = re.match(r">>> validate\('([^']+)'\)", line.strip())
        if m and i + 1 < len(lines) and not lines[i + 1].strip().startswith("Traceback"):
            if std_valid(mod, m.group(1)):
                out.append(m.group(1))
    return out


def corrupt(v, valid_fn):
    """Changes one digit (or letter) of `v` so that `valid_fn` rejects it."""
    for _ in range(200):
        idx = [i for i, c in enumerate(v) if c.isalnum()]
        i = R.choice(idx)
        c = v[i]
        if c.isdigit():
            n = R.choice([x for x in DIG if x != c])
        else:
            n = R.choice([x for x in "ABCDEFGHJKLMNPRSTUVWXYZ" if x != c.upper()])
        w = v[:i] + n + v[i + 1:]
        if not valid_fn(w):
            return w
    return None


# ---------------------------------------------------------------- items

ITEMS = []


def signals(country):
    """Where the page says its country, as a crawl would record it."""
    kind = R.choice(["none", "html_lang", "url_cc", "both", "url_generic"])
    html_lang = url = None
    if kind in ("html_lang", "both"):
        html_lang = R.choice(["{l}", "{l}-{C}"])
    if kind in ("url_cc", "both"):
        url = "https://www." + R.choice(["firma", "praxis", "hotel-sol", "kanzlei", "shop", "verein"]) + "." + TLD[country] + "/" + R.choice(["kontakt", "about", "impressum", "contact", "info"])
    if kind == "url_generic":
        url = "https://" + R.choice(["example.com", "news.example.org", "blog.example.net", "site.example.eu"]) + "/p/" + digits(4)
    return kind, html_lang, url


def add(kind, category, lang, value, keyword, country=None, positive=True, extra=None):
    """Places `value` in a sentence of `lang`, after `keyword` if given."""
    L = LANG[lang]
    if keyword:
        text_tpl = L["kw"]
        pre, post = text_tpl.split("{v}")
        pre = pre.replace("{kw}", keyword)
    else:
        text_tpl = R.choice(L["plain"])
        pre, post = text_tpl.split("{v}")
    text = pre + value + post
    start = len(pre.encode("utf-8"))
    end = start + len(value.encode("utf-8"))
    sig, html_lang, url = signals(country) if country else ("none", None, None)
    if html_lang:
        html_lang = html_lang.replace("{l}", lang).replace("{C}", country)
    item = {
        "id": f"{kind}-{category}-{len(ITEMS):05d}",
        "text": text,
        "lang": lang,
        "html_lang": html_lang,
        "url": url,
        "signal": sig,
        "country": country,
        "keyword": bool(keyword),
        "category": category,
        "spans": [{"start": start, "end": end, "type": kind, "value": value}] if positive else [],
        "lookalike": None if positive else {"start": start, "end": end, "value": value},
    }
    if extra:
        item.update(extra)
    ITEMS.append(item)


# ---------------------------------------------------------------- phones

PHONE_TYPES = ["FIXED_LINE", "MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "VOIP", "PERSONAL_NUMBER",
               "PAGER", "UAN", "VOICEMAIL"]


def phone_numbers(region):
    """(type, number) for each example number of the region, plus valid variants of it."""
    out = []
    for t in PHONE_TYPES:
        ex = phonenumbers.example_number_for_type(region, getattr(PNT, t))
        if ex is None:
            continue
        out.append((t, ex, "example"))
        nsn = str(ex.national_number)
        found = 0
        for _ in range(200):
            if found == 2:
                break
            k = R.randint(2, min(4, len(nsn) - 2))
            v = nsn[:-k] + digits(k)
            n = phonenumbers.parse("+" + str(ex.country_code) + v)
            if v != nsn and phonenumbers.is_valid_number(n) and phonenumbers.number_type(n) == getattr(PNT, t):
                out.append((t, n, "variant"))
                found += 1
    return out


def phone_forms(region, n):
    """Written forms: (style, text)."""
    cc = str(n.country_code)
    nat = phonenumbers.format_number(n, PNF.NATIONAL)
    intl = phonenumbers.format_number(n, PNF.INTERNATIONAL)
    rest = intl[len(cc) + 2:]  # after "+CC "
    prefix = phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix
    nsn = phonenumbers.national_significant_number(n)
    forms = [
        ("intl", intl),
        ("intl_compact", "+" + cc + nsn),
        ("intl_dashes", "+" + cc + "-" + rest.replace(" ", "-")),
        ("intl_dots", "+" + cc + "." + rest.replace(" ", ".")),
        ("intl_00", "00" + cc + " " + rest),
        ("national", nat),
        ("national_dashes", re.sub(r"[ ()]+", "-", nat).strip("-")),
        ("national_dots", re.sub(r"[ ()-]+", ".", nat).strip(".")),
        ("national_compact", re.sub(r"[^0-9]", "", nat)),
    ]
    if prefix:
        forms.append(("intl_paren0", "+" + cc + " (" + prefix + ") " + rest))
        groups = re.sub(r"[()-]", " ", nat).split()
        if len(groups) >= 2:
            forms.append(("national_slash", groups[0] + "/" + "".join(groups[1:])))
            forms.append(("national_parens", "(" + groups[0] + ") " + " ".join(groups[1:])))
    return forms


def build_phones():
    for region in EU_REGIONS:
        for t, n, origin in phone_numbers(region):
            forms = phone_forms(region, n)
            for style, text in R.sample(forms, min(6, len(forms))):
                lang = R.choice(REGION_LANGS[region])
                kw = R.choice(LANG[lang]["tel"]) if R.random() < 0.5 else None
                add("PHONE", style, lang, text, kw, country=region,
                    extra={"number_type": t, "origin": origin})


# ---------------------------------------------------------------- IDs

def build_ids(per_scheme=44):
    for scheme, path, country, langs, kws, strength in SCHEMES:
        mod = module(path)
        values = []
        for ex in published_examples(path):
            if scheme == "dk_cpr" and not dk_checksum_ok(ex):
                continue
            values.append((ex, "published"))
        tries = 0
        while len(values) < per_scheme and tries < 200000:
            tries += 1
            c = candidate(scheme)
            if std_valid(mod, c):
                values.append((c, "random"))
        for v, origin in values:
            form = R.choice(written_forms(scheme, mod, v))
            lang = R.choice(langs)
            kw = R.choice(kws) if R.random() < 0.5 else None
            extra = {"scheme": scheme, "strength": strength, "origin": origin}
            if scheme == "dk_cpr":
                extra["mod11"] = dk_checksum_ok(v)
            add("NATIONAL_ID", scheme, lang, form, kw, country=country, extra=extra)


# ---------------------------------------------------------------- IBANs, cards

def random_iban(cc):
    fmt = None
    for prop in std_iban._ibandb.info(cc + "00"):
        if prop[1].get("bban"):
            fmt = prop[1]["bban"]
    if not fmt:
        return None
    bban = ""
    for count, kind in re.findall(r"(\d+)!?([nac])", fmt):
        alphabet = {"n": DIG, "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "c": DIG + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}[kind]
        bban += "".join(R.choice(alphabet) for _ in range(int(count)))
    check = std_iban.calc_check_digits(cc + "00" + bban)
    return cc + check + bban


def build_ibans(per_country=9):
    values = [(x, "published") for x in published_examples("iban")]
    for cc in EU_REGIONS:
        got = 0
        for _ in range(5000):
            if got == per_country:
                break
            v = random_iban("GR" if cc == "GR" else cc)
            if v and std_valid(std_iban, v):
                values.append((v, "random"))
                got += 1
    for v, origin in values:
        form = std_iban.format(v) if R.random() < 0.6 else std_iban.compact(v)
        lang = R.choice(REGION_LANGS.get(v[:2], LANGS))
        kw = "IBAN:" if R.random() < 0.5 else None
        add("IBAN", "iban", lang, form, kw, country=v[:2] if v[:2] in TLD else None,
            extra={"origin": origin})
    return [v for v, _ in values]


# Test card numbers published by payment processors (Stripe, PayPal, Adyen docs).
PUBLISHED_CARDS = [
    "4111111111111111", "4012888888881881", "4242424242424242", "4000056655665556", "5555555555554444",
    "5105105105105100", "2223003122003222", "378282246310005", "371449635398431", "6011111111111117",
    "6011000990139424", "3566002020360505", "5200828282828210", "4917610000000000", "6759649826438453",
]

CARD_PREFIXES = [("visa", "4", 16), ("mastercard", "51", 16), ("mastercard", "52", 16), ("mastercard", "53", 16),
                 ("mastercard", "54", 16), ("mastercard", "55", 16), ("mastercard", "2221", 16),
                 ("mastercard", "2720", 16), ("mastercard", "23", 16), ("amex", "34", 15), ("amex", "37", 15),
                 ("maestro", "6759", 16), ("maestro", "5018", 16), ("discover", "6011", 16), ("jcb", "3530", 16)]


def card_form(v):
    s = R.random()
    if len(v) == 15:
        parts = [v[:4], v[4:10], v[10:]]
    else:
        parts = [v[i:i + 4] for i in range(0, len(v), 4)]
    if s < 0.4:
        return " ".join(parts)
    if s < 0.7:
        return "-".join(parts)
    return v


def build_cards(n=260):
    values = [(x, "published") for x in PUBLISHED_CARDS]
    while len(values) < n:
        brand, prefix, length = R.choice(CARD_PREFIXES)
        body = prefix + digits(length - len(prefix) - 1)
        v = body + std_luhn.calc_check_digit(body)
        if std_luhn.is_valid(v):
            values.append((v, "random"))
    for v, origin in values:
        lang = R.choice(LANGS)
        kw = LANG[lang]["card"] if R.random() < 0.5 else None
        add("CARD", "card", lang, card_form(v), kw, extra={"origin": origin})
    return [v for v, _ in values]


# ---------------------------------------------------------------- e-mails, IPs

FIRST = ["anna", "jan", "marie", "pekka", "ioana", "sean", "giulia", "lukas", "eva", "tomas", "maria", "janis", "nikos",
         "zofia", "ines", "bjorn", "ana", "peter", "lea", "marek"]
LAST = ["novak", "murphy", "rossi", "virtanen", "schmidt", "kowalski", "borg", "papadopoulou", "horvat", "silva",
        "dubois", "jansen", "nagy", "popescu", "ozols", "tamm", "petrov", "garcia", "hansen", "lindberg"]
UNI_LOCAL = ["jürgen.müller", "zoë.ødegaard", "łukasz.wójcik", "ana.sánchez", "josé", "françois.dupré"]
UNI_DOMAIN = ["bäckerei-müller.de", "über.example.at", "españa.example.es"]


def build_emails(n=260):
    for i in range(n):
        f, l = R.choice(FIRST), R.choice(LAST)
        shape = R.random()
        if shape < 0.3:
            local = f"{f}.{l}"
        elif shape < 0.45:
            local = f"{f[0]}.{l}{R.randint(1, 99)}"
        elif shape < 0.55:
            local = f"{f}_{l}"
        elif shape < 0.65:
            local = f"{f}+{R.choice(['news', 'shop', 'x'])}"
        elif shape < 0.75:
            local = f"{f}-{l}".upper() if R.random() < 0.3 else f"{f}-{l}"
        elif shape < 0.85:
            local = R.choice(["info", "kontakt", "office", "sekretariat", "admin", "post"])
        else:
            local = R.choice(UNI_LOCAL)
        tld = R.choice([t.lower() for t in EU_REGIONS] + ["eu", "com", "org", "co.uk", "net"])
        domain = R.choice(["example", "posta", "mail-eu", "uni-wien", "gov", "firma", "praxis", "stadt"])
        if R.random() < 0.15:
            domain = R.choice(["mail", "lists", "staff"]) + "." + domain
        host = f"{domain}.{tld}"
        if R.random() < 0.04:
            host = R.choice(UNI_DOMAIN)
        v = f"{local}@{host}"
        lang = R.choice(LANGS)
        kw = LANG[lang]["email"] if R.random() < 0.5 else None
        if kw is None and R.random() < 0.2:
            v = "<" + v + ">"
            add_wrapped("EMAIL", "email", lang, v, 1, len(v) - 1)
            continue
        add("EMAIL", "email", lang, v, kw)


def add_wrapped(kind, category, lang, text_value, inner_start, inner_end):
    add(kind, category, lang, text_value, None)
    item = ITEMS[-1]
    s = item["spans"][0]
    pre = text_value[:inner_start].encode("utf-8")
    inner = text_value[inner_start:inner_end]
    s["start"] += len(pre)
    s["end"] = s["start"] + len(inner.encode("utf-8"))
    s["value"] = inner


def global_v4():
    while True:
        a = ipaddress.IPv4Address(R.getrandbits(32))
        if a.is_global and not a.is_multicast:
            return a


def global_v6():
    while True:
        prefix = R.choice([0x2001, 0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2a05, 0x2c0f, 0x2600, 0x2400])
        n = (prefix << 112) | (R.getrandbits(16) << 96)
        # Hosts often have runs of zero groups, which compress to `::`.
        tail_groups = [R.getrandbits(16) if R.random() < 0.6 else 0 for _ in range(6)]
        low = 0
        for g in tail_groups:
            low = (low << 16) | g
        a = ipaddress.IPv6Address(n | low)
        if a.is_global:
            return a


def build_ips(n4=150, n6=150):
    for _ in range(n4):
        v = str(global_v4())
        lang = R.choice(LANGS)
        add("IP", "ipv4", lang, v, LANG[lang]["ip"] if R.random() < 0.5 else None)
    for _ in range(n6):
        a = global_v6()
        s = R.random()
        v = a.compressed if s < 0.6 else (a.exploded if s < 0.8 else a.compressed.upper())
        lang = R.choice(LANGS)
        add("IP", "ipv6", lang, v, LANG[lang]["ip"] if R.random() < 0.5 else None)


# ---------------------------------------------------------------- look-alikes

def lookalike_keyword(kind, lang):
    tel = R.choice(LANG[lang]["tel"])
    return {
        # Not `Tel.`: a number right after it is a phone number to any reader.
        "order_number": "ID",
        "date": tel,
        "price": tel,
        "isbn": R.choice(["ID", tel]),
        "version": R.choice(["IP", "ID"]),
        "coordinates": tel,
        "hex_hash": "ID",
        "colon_string": R.choice(["IP", "ID"]),
        "corrupted_id": "ID",
        "corrupted_iban": "IBAN:",
        "corrupted_card": LANG[lang]["card"],
    }[kind]


def order_number():
    f = R.randint(0, 7)
    if f == 0:
        return str(R.randint(1, 9)) + digits(R.choice([5, 6, 7, 8]))
    if f == 1:
        return "ORD-" + digits(6)
    if f == 2:
        return digits(4) + "-" + digits(6)
    if f == 3:
        return "#" + digits(R.randint(5, 7))
    if f == 4:
        return f"{R.randint(2015, 2026)}/{digits(5)}"
    if f == 5:
        return "A" + digits(7)
    if f == 6:
        return f"{R.randint(2015, 2026)}-{digits(6)}"
    return "45" + digits(8)  # SAP purchase orders


def date():
    y, m, d = R.randint(1950, 2030), R.randint(1, 12), R.randint(1, 28)
    return R.choice([f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y}", f"{d}. {m}. {y}",
                     f"{d:02d}-{m:02d}-{y}", f"{y}{m:02d}{d:02d}", f"{d}.{m}.{y}"])


def price():
    a = R.randint(1, 999999)
    s = f"{a:,}"
    return R.choice([s.replace(",", ".") + "," + digits(2) + " €", "€ " + s.replace(",", " ") + "," + digits(2),
                     s.replace(",", " ") + "," + digits(2) + " EUR", s.replace(",", ".") + " Ft",
                     s + "." + digits(2) + " £", s.replace(",", "'") + ".– CHF", s.replace(",", " ") + " Kč"])


def isbn():
    while True:
        body = R.choice(["978", "979"]) + digits(9)
        for c in DIG:
            v = body + c
            if std_isbn.is_valid(v):
                return R.choice([std_isbn.format(v), v])


def version():
    return R.choice([
        f"{R.randint(0, 20)}.{R.randint(0, 40)}.{R.randint(0, 200)}",
        f"v{R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 9)}",
        f"{R.randint(1, 12)}.{R.randint(0, 9)}.{R.randint(0, 30)}.{R.randint(0, 9999)}",
        f"{R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 9)}.{R.randint(0, 30)}.{R.randint(0, 9)}",
        f"{R.randint(2, 6)}.{R.randint(0, 19)}.{R.randint(0, 200)}-{R.randint(100, 999)}.el{R.randint(6, 9)}",
    ])


def coordinates():
    la, lo = R.uniform(35, 70), R.uniform(-10, 35)
    return R.choice([f"{la:.4f}, {lo:.4f}", f"{la:.6f} {lo:.6f}", f"{la:.5f},{lo:.5f}",
                     f"N {int(la)}° {la % 1 * 60:.3f}' E {int(lo):03d}° {lo % 1 * 60:.3f}'"])


def hex_hash():
    n = R.choice([7, 8, 12, 32, 40, 64])
    h = "".join(R.choice("0123456789abcdef") for _ in range(n))
    return h.upper() if R.random() < 0.2 else h


def colon_string():
    f = R.randint(0, 5)
    g = lambda: format(R.getrandbits(16), "x")
    if f == 0:  # nine groups
        return ":".join(g() for _ in range(9))
    if f == 1:  # two "::"
        return g() + ":" + g() + "::" + g() + "::" + g()
    if f == 2:  # a global-looking prefix plus one group too many
        return "2a02:" + ":".join(g() for _ in range(8))
    if f == 3:  # MAC address
        return ":".join(format(R.getrandbits(8), "02X") for _ in range(6))
    if f == 4:  # time of day and durations
        return f"{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}"
    return ":".join(g() for _ in range(R.randint(9, 12)))


def build_lookalikes(ibans, cards, n=160):
    gens = {"order_number": order_number, "date": date, "price": price, "isbn": isbn, "version": version,
            "coordinates": coordinates, "hex_hash": hex_hash, "colon_string": colon_string}
    for kind, gen in gens.items():
        for i in range(n):
            lang = R.choice(LANGS)
            kw = lookalike_keyword(kind, lang) if i % 2 == 0 else None
            add(None, kind, lang, gen(), kw, country=R.choice(EU_REGIONS), positive=False)
    # One-character-corrupted national IDs, IBANs, cards, rejected by stdnum.
    for i in range(n):
        scheme, path, country, langs, kws, strength = SCHEMES[i % len(SCHEMES)]
        mod = module(path)
        while True:
            c = candidate(scheme)
            if std_valid(mod, c):
                break
        check = lambda w: std_valid(mod, w)
        w = corrupt(R.choice(written_forms(scheme, mod, c)), check)
        lang = R.choice(langs)
        kw = R.choice(kws) if i % 2 == 0 else None
        add(None, "corrupted_id", lang, w, kw, country=country, positive=False, extra={"scheme": scheme})
    for i in range(n):
        v = R.choice(ibans)
        w = corrupt(std_iban.format(v) if i % 3 else std_iban.compact(v), lambda x: std_valid(std_iban, x))
        lang = R.choice(LANGS)
        add(None, "corrupted_iban", lang, w, "IBAN:" if i % 2 == 0 else None, country=None, positive=False)
    for i in range(n):
        v = R.choice(cards)
        w = corrupt(card_form(v), lambda x: std_luhn.is_valid(re.sub(r"\D", "", x)))
        lang = R.choice(LANGS)
        add(None, "corrupted_card", lang, w, LANG[lang]["card"] if i % 2 == 0 else None, country=None,
            positive=False)


def main(out):
    build_phones()
    build_ids()
    ibans = build_ibans()
    cards = build_cards()
    build_emails()
    build_ips()
    build_lookalikes(ibans, cards)
    with open(out, "w", encoding="utf-8") as f:
        for it in ITEMS:
            b = it["text"].encode("utf-8")
            for s in it["spans"]:
                assert b[s["start"]:s["end"]].decode("utf-8") == s["value"], it
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    kinds = {}
    for it in ITEMS:
        k = it["spans"][0]["type"] if it["spans"] else "lookalike:" + it["category"]
        kinds[k] = kinds.get(k, 0) + 1
    print(f"{len(ITEMS)} items (phonenumbers {phonenumbers.__version__}, python-stdnum {stdnum.__version__}, seed {SEED})")
    for k in sorted(kinds):
        print(f"  {k:<28} {kinds[k]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fixtures/pii-eval/eval.jsonl")
