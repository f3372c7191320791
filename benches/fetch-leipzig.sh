#!/usr/bin/env bash
# Fetches real sentences of 23 EU languages into target/lid-heldout/<iso>.txt:
# the `testdata/sentences.txt` files shipped in the crates.io crates
# lingua-<language>-language-model 1.3.0 (Apache-2.0; sentences from the
# Leipzig Wortschatz corpora). Maltese has no such crate. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/lid-heldout
declare -A NAMES=([bg]=bulgarian [cs]=czech [da]=danish [de]=german [el]=greek [en]=english [es]=spanish
  [et]=estonian [fi]=finnish [fr]=french [ga]=irish [hr]=croatian [hu]=hungarian [it]=italian [lt]=lithuanian
  [lv]=latvian [nl]=dutch [pl]=polish [pt]=portuguese [ro]=romanian [sk]=slovak [sl]=slovene [sv]=swedish)
have=1
for iso in "${!NAMES[@]}"; do [ -s "$OUT/$iso.txt" ] || have=0; done
[ "$have" = 1 ] && exit 0
mkdir -p "$OUT/fetch/src"
{
  echo '[package]'; echo 'name = "lid-heldout"'; echo 'version = "0.0.0"'; echo 'edition = "2021"'; echo '[dependencies]'
  for iso in "${!NAMES[@]}"; do echo "lingua-${NAMES[$iso]}-language-model = \"=1.3.0\""; done
} > "$OUT/fetch/Cargo.toml"
echo 'fn main() {}' > "$OUT/fetch/src/main.rs"
cargo fetch --quiet --manifest-path "$OUT/fetch/Cargo.toml"
REG=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -1)
for iso in "${!NAMES[@]}"; do
  cp "$REG/lingua-${NAMES[$iso]}-language-model-1.3.0/testdata/sentences.txt" "$OUT/$iso.txt"
done
