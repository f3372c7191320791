#!/usr/bin/env bash
# TRAIN and CALIBRATE text for the second-stage language-ID model (roles:
# train, calibrate; never test): target/lid-data/{train,calibrate}/<iso>.txt.
# Sources (see README.md): Firefox ESR language packs (Debian
# `firefox-esr-l10n-*`), the Leipzig sentences of the crates.io
# `lingua-<language>-language-model` 1.3.0 crates, and for Maltese, which
# neither has, the word list of Debian's `tesseract-ocr-mlt`. Every sentence
# goes to calibrate when the first hex digit of its SHA-1 is 0-2 (3/16),
# else to train. Idempotent; downloads are cached, never committed.
#
#   benches/lid/fetch-train.sh          # ~1 min the first time (~15 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/lid/common.sh
HERE=benches/lid
STAMP=$OUT/train/.done-$(cat "$0" $HERE/common.sh $HERE/extract_*.py $HERE/split_train.py | sha256sum | cut -c1-12)
[ -e "$STAMP" ] && exit 0
# Firefox locale per language (en-GB for English: en-US is the source text).
declare -A FF=([en]=en-GB [es]=es-ES [ga]=ga-IE [pt]=pt-PT [sv]=sv-SE [nb]=nb-NO [nn]=nn-NO [sr_cyrl]=sr)
ff_pkgs="" ff_pairs=""
for l in $EU $NEIGHBOURS; do
  case $l in mt|sr) continue ;; esac
  loc=${FF[$l]:-$l}
  ff_pkgs="$ff_pkgs firefox-esr-l10n-${loc,,}"
  ff_pairs="$ff_pairs $loc=$l"
done
# shellcheck disable=SC2086
debs "$OUT/cache/firefox" $ff_pkgs
mkdir -p "$OUT/cache/xpi" "$OUT/train-src"
find "$OUT/cache/firefox" -name 'langpack-*.xpi' -exec cp {} "$OUT/cache/xpi/" \;
# shellcheck disable=SC2086
python3 $HERE/extract_firefox.py "$OUT/cache/xpi" "$OUT/train-src/firefox" $ff_pairs > "$OUT/train-src/firefox.tsv"

# Leipzig sentences from the lingua crates (no Maltese, Galician or Gaelic).
declare -A LINGUA=([bg]=bulgarian [cs]=czech [da]=danish [de]=german [el]=greek [en]=english [es]=spanish
  [et]=estonian [fi]=finnish [fr]=french [ga]=irish [hr]=croatian [hu]=hungarian [it]=italian [lt]=lithuanian
  [lv]=latvian [nl]=dutch [pl]=polish [pt]=portuguese [ro]=romanian [sk]=slovak [sl]=slovene [sv]=swedish
  [sr_cyrl]=serbian [bs]=bosnian [nb]=bokmal [nn]=nynorsk [ca]=catalan [mk]=macedonian [ru]=russian
  [uk]=ukrainian [tr]=turkish)
CRATE=$OUT/cache/lingua
mkdir -p "$CRATE/src" "$OUT/train-src/leipzig"
{
  echo '[package]'; echo 'name = "lid-train"'; echo 'version = "0.0.0"'; echo 'edition = "2021"'; echo '[dependencies]'
  for l in "${!LINGUA[@]}"; do echo "lingua-${LINGUA[$l]}-language-model = \"=1.3.0\""; done
} > "$CRATE/Cargo.toml"
echo 'fn main() {}' > "$CRATE/src/main.rs"
cargo fetch --quiet --manifest-path "$CRATE/Cargo.toml"
REG=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -1)
for l in "${!LINGUA[@]}"; do
  cp "$REG/lingua-${LINGUA[$l]}-language-model-1.3.0/testdata/sentences.txt" "$OUT/train-src/leipzig/$l.txt"
done

# Maltese: tesseract's word list (Apache-2.0), one word a line.
debs "$OUT/cache/tesseract" tesseract-ocr-mlt
if ! command -v dawg2wordlist >/dev/null; then
  echo "dawg2wordlist missing: apt-get install tesseract-ocr (it unpacks the Maltese word list)" >&2
  exit 1
fi
T=$OUT/cache/tesseract/mlt
mkdir -p "$T" "$OUT/train-src/tesseract"
combine_tessdata -u "$(find "$OUT/cache/tesseract/tesseract-ocr-mlt" -name mlt.traineddata)" "$T/mlt." >/dev/null 2>&1
dawg2wordlist "$T/mlt.lstm-unicharset" "$T/mlt.lstm-word-dawg" "$OUT/train-src/tesseract/mt.txt" >/dev/null 2>&1

mkdir -p "$OUT/train"
python3 $HERE/split_train.py "$OUT" $EU $NEIGHBOURS | tee "$OUT/train/counts.tsv"
touch "$STAMP"
