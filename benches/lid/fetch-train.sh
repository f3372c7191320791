#!/usr/bin/env bash
# TRAIN and CALIBRATE text for the second-stage language-ID model (roles:
# train, calibrate; never test): target/lid-data/{train,calibrate}/<iso>.txt.
# Sources (see README.md): the gettext catalogues of the Debian packages
# listed below, the Leipzig sentences of the crates.io
# `lingua-<language>-language-model` 1.3.0 crates, and for Maltese, which
# neither has, the word list of Debian's `tesseract-ocr-mlt`. Every sentence
# goes to calibrate when the first hex digit of its SHA-1 is 0-2 (3/16),
# else to train. Idempotent; downloads are cached, never committed.
#
#   benches/lid/fetch-train.sh          # ~4 min the first time (~870 MB of packages)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/lid/common.sh
HERE=benches/lid
STAMP=$OUT/train/.done-$(cat "$0" $HERE/common.sh $HERE/extract_*.py $HERE/split_train.py | sha256sum | cut -c1-12)
[ -e "$STAMP" ] && exit 0
# gettext catalogues of GNOME, KDE, MATE, Xfce and GNU packages with many
# translated sentences. Not the manuals of benches/heldout.
GETTEXT="coreutils tar grep sed findutils diffutils gettext wget libc-l10n e2fsprogs parted util-linux-locales
gnupg-l10n aspell gawk nano mc-data cpio sharutils texinfo make libglib2.0-data libgtk-3-common libgtk2.0-common
dpkg apt debconf-i18n aptitude-common gnome-control-center-data nautilus-data gedit-common evince-common
xfce4-session thunar-data xfdesktop4-data tasksel-data xkb-data gnome-shell-common libgweather-4-common mutter-common
totem-common cheese-common gimp-data gnome-software-common rhythmbox-data gucharmap network-manager-gnome pulseaudio
gnumeric-common vlc-l10n tuxpaint-data pidgin-data libgimp2.0 audacity-data evolution-common gthumb-data k3b-i18n
krita-l10n kdevelop-l10n libkf5kdelibs4support-data libkf5khtml-data libkf5xmlgui-data kio konqueror kmail korganizer
kontact okular dolphin konsole kate5-data kstars-data marble-data kdepim-addons libkf5pimcommon-data
libkf5mailcommon-data kdepim-runtime libkf5libkdepim-data kf5-messagelib-data kgeography-data khangman parley-data
lokalize kile-l10n libktorrent-l10n ktorrent-data libokteta-l10n mate-control-center-common mate-panel-common
caja-common pluma-common atril-common engrampa-common eom-common mate-power-manager-common
mate-settings-daemon-common mate-terminal-common marco-common evolution-data-server-common epiphany-browser-data
file-roller eog baobab gnome-calculator gnome-terminal-data gnome-system-monitor yelp zenity-common shared-mime-info
synaptic planner-data tellico-data umbrello-data kmymoney-common skrooge-common digikam-data kdenlive-data gwenview
ark plasma-workspace-data plasma-desktop-data systemsettings kinfocenter khelpcenter libkf5configwidgets-data
libkf5kcmutils-data libkf5newstuff-data libkf5parts-data libkf5textwidgets-data ktouch-data kwin-data poedit-common
gtranslator bison m4 gettext-base binutils-common man-db wdiff recode dialog libnewt0.52 libpopt0 xdg-user-dirs
sysstat gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly transmission-gtk libsugarext-data"
# shellcheck disable=SC2086
debs "$OUT/cache/gettext" $GETTEXT
mkdir -p "$OUT/train-src"
python3 $HERE/extract_gettext.py "$OUT/cache/gettext" "$OUT/train-src/gettext" \
  $(for l in $EU; do [ "$l" = en ] && echo en_GB=en || echo "$l=$l"; done) sr@latin=sr sr=sr_cyrl bs=bs nb=nb nn=nn gl=gl \
  ca=ca gd=gd mk=mk ru=ru uk=uk tr=tr > "$OUT/train-src/gettext.tsv"

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
