#!/usr/bin/env bash
# Fetches the decontamination test source: the translated manual pages of
# Debian's manpages-<l> packages (manpages-l10n; human translations, GPL-3+)
# for 13 EU languages, unpacked under target/decont/manpages/<l>/.
# Run once; benches/decont/make_items.py turns them into benchmark items
# and documents.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/decont/manpages
mkdir -p "$out/debs"
for l in cs da de el es fi fr hu it nl pl ro sv; do
  [ -d "$out/$l" ] && continue
  (cd "$out/debs" && apt-get download "manpages-$l" >/dev/null)
  deb=$(ls "$out"/debs/manpages-"$l"_*.deb | head -n1)
  mkdir -p "$out/$l.tmp"
  dpkg-deb -x "$deb" "$out/$l.tmp"
  mv "$out/$l.tmp" "$out/$l"
done
ls "$out"
