# Shared by the fetch scripts of benches/lid/: where data goes, which
# languages, and a cached `apt-get download` + unpack.
OUT=${LID_DATA:-target/lid-data}
DEB_CACHE=$OUT/cache/deb
mkdir -p "$DEB_CACHE"
# EU languages, then the neighbours (sr_cyrl is Serbian in Cyrillic script).
EU="bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv"
NEIGHBOURS="sr sr_cyrl bs nb nn gl ca gd mk ru uk tr"

# debs DEST PACKAGE... : downloads each package once into $DEB_CACHE and
# unpacks it under DEST/<package>; a package Debian no longer has is reported
# and skipped.
debs() {
  local dest=$1 p
  shift
  if ! apt-cache show coreutils >/dev/null 2>&1; then apt-get update -qq; fi
  for p in "$@"; do
    if ! ls "$DEB_CACHE/${p}"_*.deb >/dev/null 2>&1; then
      (cd "$DEB_CACHE" && apt-get download "$p" >/dev/null 2>&1) || { echo "not in Debian: $p (skipped)" >&2; continue; }
    fi
    if [ ! -d "$dest/$p" ]; then
      mkdir -p "$dest/$p.tmp"
      dpkg-deb -x "$(ls "$DEB_CACHE/${p}"_*.deb | head -1)" "$dest/$p.tmp"
      mv "$dest/$p.tmp" "$dest/$p"
    fi
  done
}
