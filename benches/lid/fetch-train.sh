#!/usr/bin/env bash
# TRAIN and CALIBRATE text for the second-stage language-ID model (roles:
# train, calibrate; never test): target/lid-data/{train,calibrate}/<iso>.txt.
# Only text whose licence lets its statistics ship inside the Apache-2.0
# binary (see README.md and models/README.md):
#   - the gettext catalogues (.mo) of permissively licensed Python projects
#     on PyPI: Django, Wagtail, django CMS, Django REST framework, Oscar,
#     django-import-export, the JupyterLab language packs (BSD), Sphinx
#     (BSD-2), django-allauth (MIT); translations under the project's licence;
#   - Unicode CLDR's localised names and phrases from the `babel` wheel
#     (Unicode licence);
#   - the Leipzig sentences of the crates.io `lingua-<language>-language-model`
#     1.3.0 crates (Apache-2.0 crates, CC-BY text);
#   - for Maltese, Debian's `tesseract-ocr-mlt` word list (Apache-2.0).
# LID_TRAIN_GPL=1 adds the gettext catalogues of ~150 Debian desktop
# packages (GPL/LGPL family) and writes train-gpl/ and calibrate-gpl/
# instead: only to reproduce the earlier model for comparison, never for
# the shipped one. Every sentence goes to calibrate when the first hex
# digit of its SHA-1 is 0-2 (3/16), else to train. Idempotent; downloads
# are cached, never committed.
#
#   benches/lid/fetch-train.sh          # ~1 min the first time (~40 MB of wheels, the lingua crates)
#   LID_TRAIN_GPL=1 benches/lid/fetch-train.sh   # + ~870 MB of Debian packages
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/lid/common.sh
HERE=benches/lid
GPL=${LID_TRAIN_GPL:-0}
SUFFIX=""
[ "$GPL" = 1 ] && SUFFIX=-gpl
STAMP=$OUT/train$SUFFIX/.done-$(cat "$0" $HERE/common.sh $HERE/extract_*.py $HERE/split_train.py | sha256sum | cut -c1-12)
[ -e "$STAMP" ] && exit 0
mkdir -p "$OUT/train-src"

# Permissive catalogues and CLDR from PyPI wheels (pinned).
WHEELS="django==5.2.8 wagtail==8.0.1 sphinx==9.0.4 django-allauth==65.22.1 django-cms==5.1.3 babel==2.19.0
djangorestframework==3.18.3 django-oscar==4.2.1 django-import-export==4.4.3
$(for l in cs-cz da-dk de-de el-gr es-es et-ee fi-fi fr-fr hu-hu it-it lt-lt nl-nl no-no pl-pl ro-ro ca-es ru-ru tr-tr uk-ua; do
  echo "jupyterlab-language-pack-$l==4.5.post3"; done)"
PYPI=$OUT/cache/pypi
mkdir -p "$PYPI" "$OUT/cache/pypi-x"
# shellcheck disable=SC2086
(cd "$PYPI" && pip download --no-deps -q $WHEELS)
for w in "$PYPI"/*.whl; do
  x=$OUT/cache/pypi-x/$(basename "$w" .whl)
  [ -d "$x" ] || { python3 -m zipfile -e "$w" "$x.tmp" && mv "$x.tmp" "$x"; }
done
# ISO=catalogue codes (projects spell locales differently); Serbian is routed by script.
python3 $HERE/extract_catalogues.py "$OUT/cache/pypi-x" "$OUT/train-src/catalogues" \
  bg=bg,bg_BG cs=cs,cs_CZ da=da,da_DK de=de,de_DE el=el,el_GR en=en_GB es=es,es_ES et=et,et_EE fi=fi,fi_FI \
  fr=fr,fr_FR ga=ga,ga_IE hr=hr,hr_HR hu=hu,hu_HU it=it,it_IT lt=lt,lt_LT lv=lv,lv_LV mt=mt,mt_MT nl=nl,nl_NL \
  pl=pl,pl_PL pt=pt,pt_PT ro=ro,ro_RO sk=sk,sk_SK sl=sl,sl_SI sv=sv,sv_SE \
  sr=sr,sr_Latn,sr@latin,sr_RS bs=bs,bs_BA nb=nb,nb_NO,no,no_NO nn=nn,nn_NO gl=gl,gl_ES ca=ca,ca_ES gd=gd mk=mk,mk_MK \
  ru=ru,ru_RU uk=uk,uk_UA tr=tr,tr_TR \
  > "$OUT/train-src/catalogues.tsv"
python3 $HERE/extract_cldr.py "$(ls -d "$OUT"/cache/pypi-x/babel-*)" "$OUT/train-src/cldr" \
  $(for l in $EU; do [ "$l" = pt ] && echo pt=pt_PT || echo "$l=$l"; done) sr=sr_Latn sr_cyrl=sr bs=bs nb=nb nn=nn \
  gl=gl ca=ca gd=gd mk=mk ru=ru uk=uk tr=tr > "$OUT/train-src/cldr.tsv"
# LID_TRAIN_GPL=1 only: gettext catalogues of GNOME, KDE, MATE, Xfce and GNU packages with many
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
if [ "$GPL" = 1 ]; then
# shellcheck disable=SC2086
debs "$OUT/cache/gettext" $GETTEXT
python3 $HERE/extract_gettext.py "$OUT/cache/gettext" "$OUT/train-src/gettext" \
  $(for l in $EU; do [ "$l" = en ] && echo en_GB=en || echo "$l=$l"; done) sr@latin=sr sr=sr_cyrl bs=bs nb=nb nn=nn gl=gl \
  ca=ca gd=gd mk=mk ru=ru uk=uk tr=tr > "$OUT/train-src/gettext.tsv"
fi

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

SOURCES=catalogues,cldr,leipzig
[ "$GPL" = 1 ] && SOURCES=gettext,leipzig
mkdir -p "$OUT/train$SUFFIX"
python3 $HERE/split_train.py "$OUT" "$SUFFIX" "$SOURCES" $EU $NEIGHBOURS | tee "$OUT/train$SUFFIX/counts.tsv"
touch "$STAMP"
