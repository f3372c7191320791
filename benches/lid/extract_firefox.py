"""Extracts clean translated strings from Firefox ESR language packs.

Usage: extract_firefox.py XPI_DIR OUT_DIR LOCALE=ISO ...

Debian's `firefox-esr-l10n-<locale>` packages ship
`langpack-<locale>@firefox-esr.mozilla.org.xpi` (a zip of Fluent `.ftl`,
`.properties` and `.dtd` files; MPL-2.0). Strings are kept with the same
rules as the MediaWiki extractor (plain prose, no placeholders or markup,
40-1,200 characters); a string equal to one of en-US Firefox (FIREFOX_ENGLISH)
or the en-GB pack, or found in three or more packs, is untranslated
English and dropped. Writes OUT_DIR/<iso>.txt and prints counts.
"""

import glob
import os
import re
import sys
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from extract_mediawiki import clean  # noqa: E402

FTL_MSG = re.compile(r"^(?:-?[\w-]+|\s+\.[\w-]+)\s*=\s*(.*)$")
DTD = re.compile(r'<!ENTITY\s+\S+\s+"([^"]*)"\s*>')


def ftl_values(text):
    values, cur = [], None
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            if cur is not None:
                values.append(cur)
                cur = None
            continue
        m = FTL_MSG.match(line)
        if m:
            if cur is not None:
                values.append(cur)
            cur = m.group(1).strip()
        elif line.startswith(" ") and cur is not None:
            cur = (cur + " " + line.strip()).strip()
    if cur is not None:
        values.append(cur)
    return values


def strings(xpi):
    out = []
    with zipfile.ZipFile(xpi) as z:
        for name in sorted(z.namelist()):
            data = z.read(name).decode("utf-8", "replace")
            if name.endswith(".ftl"):
                out += ftl_values(data)
            elif name.endswith(".properties"):
                for line in data.splitlines():
                    if "=" in line and not line.lstrip().startswith("#"):
                        out.append(line.split("=", 1)[1].strip())
            elif name.endswith(".dtd"):
                out += DTD.findall(data)
    return out


def main():
    xpi_dir, out_dir, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    english = set()
    for pair in pairs:
        if pair.split("=")[1] == "en":
            english = {" ".join(s.split()).lower() for s in strings(glob.glob(os.path.join(xpi_dir, f"langpack-{pair.split('=')[0]}@*.xpi"))[0])}
    # A string found word for word in three or more language packs is
    # English left untranslated (developer-tool strings often are).
    packs = {}
    for xpi in sorted(glob.glob(os.path.join(xpi_dir, "langpack-*.xpi"))):
        packs[xpi] = {" ".join(s.split()).lower() for s in strings(xpi)}
    seen_in = {}
    for texts in packs.values():
        for t in texts:
            seen_in[t] = seen_in.get(t, 0) + 1
    english |= {t for t, n in seen_in.items() if n >= 3}
    # And the en-US source strings of Firefox itself (its omni.ja files),
    # given in FIREFOX_ENGLISH (colon-separated paths).
    for omni in filter(None, os.environ.get("FIREFOX_ENGLISH", "").split(":")):
        english |= {" ".join(s.split()).lower() for s in strings(omni)}
    for pair in pairs:
        loc, iso = pair.split("=")
        xpis = glob.glob(os.path.join(xpi_dir, f"langpack-{loc}@*.xpi"))
        if not xpis:
            print(f"{iso}\t{loc}\tmissing", file=sys.stderr)
            continue
        seen, kept = set(), []
        raw = strings(xpis[0])
        for s in raw:
            t = clean(s)
            if t is None or t.lower() in seen or (iso != "en" and t.lower() in english):
                continue
            seen.add(t.lower())
            kept.append(t)
        with open(os.path.join(out_dir, f"{iso}.txt"), "w", encoding="utf-8") as f:
            f.writelines(t + "\n" for t in kept)
        print(f"{iso}\t{loc}\t{len(raw)}\t{len(kept)}")


if __name__ == "__main__":
    main()
