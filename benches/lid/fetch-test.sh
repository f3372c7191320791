#!/usr/bin/env bash
# Language-ID TEST sentences (role: test; nothing trains or calibrates on
# them): target/lid-data/test/<iso>.txt for the 24 EU languages and the
# neighbours (see README.md). Sources: MediaWiki's interface messages
# (Debian `mediawiki`) and the Firefox ESR language packs (Debian
# `firefox-esr-l10n-*`). Idempotent; downloads are cached in
# target/lid-data/cache/ and never committed.
#
#   benches/lid/fetch-test.sh          # ~1 min the first time (~125 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/lid/common.sh
HERE=benches/lid
TEST=$OUT/test
STAMP=$TEST/.done-$(cat "$0" $HERE/common.sh $HERE/extract_*.py $HERE/merge_test.py | sha256sum | cut -c1-12)
[ -e "$STAMP" ] && exit 0
mkdir -p "$TEST"
debs "$OUT/cache/mediawiki" mediawiki
# MediaWiki codes: sr-el/sr-ec are Serbian in Latin/Cyrillic script.
python3 $HERE/extract_mediawiki.py "$OUT/cache/mediawiki/mediawiki/usr/share/mediawiki" "$TEST/mediawiki" \
  $(for l in $EU; do echo "$l=$l"; done) sr-el=sr sr-ec=sr_cyrl bs=bs nb=nb nn=nn gl=gl ca=ca gd=gd mk=mk ru=ru uk=uk tr=tr \
  > "$TEST/mediawiki.tsv"
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
debs "$OUT/cache/firefox" $ff_pkgs firefox-esr
mkdir -p "$OUT/cache/xpi" "$TEST"
find "$OUT/cache/firefox" -name 'langpack-*.xpi' -exec cp {} "$OUT/cache/xpi/" \;
# shellcheck disable=SC2086
FIREFOX_ENGLISH=$(find "$OUT/cache/firefox/firefox-esr" -name omni.ja | paste -sd:) \
  python3 $HERE/extract_firefox.py "$OUT/cache/xpi" "$TEST/firefox" $ff_pairs > "$TEST/firefox.tsv"

python3 $HERE/merge_test.py "$TEST" $EU $NEIGHBOURS | tee "$TEST/counts.tsv"
touch "$STAMP"
