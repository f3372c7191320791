#!/usr/bin/env bash
# Language-ID TEST sentences (role: test; nothing trains or calibrates on
# them): target/lid-data/test/<iso>.txt for the 24 EU languages and the
# neighbours (see README.md). Sources: MediaWiki's interface messages
# (Debian `mediawiki`) and the gettext catalogues of the GNOME, KDE, MATE,
# Xfce and GNU packages listed below. Idempotent; downloads are cached in
# target/lid-data/cache/ and never committed.
#
#   benches/lid/fetch-test.sh          # ~2 min the first time (~250 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/lid/common.sh
HERE=benches/lid
TEST=$OUT/test
# Catalogues with many translated sentences (the Irish ones are mostly the
# work of the GNOME/KDE/GNU Irish teams). Not the manuals of benches/heldout.
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
gtranslator bison m4 gettext-base binutils-common man-db wdiff recode dialog libnewt0.52 libpopt0 xdg-user-dirs"
STAMP=$TEST/.done-$(cat "$0" $HERE/common.sh $HERE/extract_*.py $HERE/merge_test.py | sha256sum | cut -c1-12)
[ -e "$STAMP" ] && exit 0
mkdir -p "$TEST"
debs "$OUT/cache/mediawiki" mediawiki
# shellcheck disable=SC2086
debs "$OUT/cache/gettext" $GETTEXT
# MediaWiki codes: sr-el/sr-ec are Serbian in Latin/Cyrillic script.
python3 $HERE/extract_mediawiki.py "$OUT/cache/mediawiki/mediawiki/usr/share/mediawiki" "$TEST/mediawiki" \
  $(for l in $EU; do echo "$l=$l"; done) sr-el=sr sr-ec=sr_cyrl bs=bs nb=nb nn=nn gl=gl ca=ca gd=gd mk=mk ru=ru uk=uk tr=tr \
  > "$TEST/mediawiki.tsv"
python3 $HERE/extract_gettext.py "$OUT/cache/gettext" "$TEST/gettext" \
  $(for l in $EU; do [ "$l" = en ] && echo en_GB=en || echo "$l=$l"; done) sr@latin=sr sr=sr_cyrl bs=bs nb=nb nn=nn gl=gl \
  ca=ca gd=gd mk=mk ru=ru uk=uk tr=tr > "$TEST/gettext.tsv"
python3 $HERE/merge_test.py "$TEST" $EU $NEIGHBOURS | tee "$TEST/counts.tsv"
touch "$STAMP"
