#!/usr/bin/env bash
# Held-out clean text in 23 of the 24 EU languages (no Maltese source was
# found in the registries; see README.md) for measuring how much clean text
# the quality filters keep, and for testing language ID:
#   target/heldout/<iso>.txt         one sentence a line
#   target/heldout/docs-<iso>.jsonl  documents of 10 consecutive sentences,
#                                    one a line (id, text, lang, source)
#   target/heldout/counts.tsv        per language: source, sentences, documents
# Sources: translated help manuals in Debian 12 packages (LibreOffice, GNOME,
# MATE, GIMP) and LibreOffice's translated UI catalogues for sk and ga,
# downloaded with `apt-get download` into target/heldout/cache/deb and read by
# extract.py (Python standard library + dpkg-deb). Idempotent: downloads are
# cached, and nothing is redone while the outputs match the cached packages
# and the scripts. Options: HELDOUT_MAX_DOCS (default 500 documents a
# language), HELDOUT_FORCE=1 to rebuild.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benches/heldout
OUT=target/heldout
CACHE=$OUT/cache
MAX_DOCS=${HELDOUT_MAX_DOCS:-500}
mkdir -p "$CACHE/deb"

mapfile -t PKGS < <(python3 "$HERE/extract.py" --cache "$CACHE" --out "$OUT" --list-packages)
missing=()
for p in "${PKGS[@]}"; do
  compgen -G "$CACHE/deb/${p}_*.deb" >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # apt-get download needs the package lists; fetch them once if they are absent
  if ! apt-cache show "${missing[0]}" >/dev/null 2>&1; then
    apt-get update -qq
  fi
  echo "heldout: downloading ${missing[*]}" >&2
  (cd "$CACHE/deb" && apt-get download "${missing[@]}" 2>&1 | grep -v 'unsandboxed' >&2 || true)
  for p in "${missing[@]}"; do
    compgen -G "$CACHE/deb/${p}_*.deb" >/dev/null || { echo "heldout: could not download $p" >&2; exit 1; }
  done
fi

# Fingerprint of the inputs: package files, scripts, options.
stamp=$( { ls "$CACHE/deb"; sha256sum "$HERE/extract.py" "$HERE/fetch.sh"; echo "$MAX_DOCS"; } | sha256sum | cut -d' ' -f1)
if [ "${HELDOUT_FORCE:-0}" != 1 ] && [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ] \
   && [ -s "$OUT/counts.tsv" ]; then
  cat "$OUT/counts.tsv"
  exit 0
fi
python3 "$HERE/extract.py" --cache "$CACHE" --out "$OUT" --max-docs "$MAX_DOCS"
echo "$stamp" > "$OUT/.stamp"
cat "$OUT/counts.tsv"
