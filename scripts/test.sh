#!/usr/bin/env bash
# Sets up what the tests need on a fresh machine and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
# Real Slurm daemons for tests/slurm.rs (needs root and apt; elsewhere those tests skip).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  ./scripts/slurm/start-local-slurm.sh --install
  export SLURM_CONF=/tmp/local-slurm/etc/slurm.conf
  export EUROCURATE_REQUIRE_SLURM=1
fi
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --no-fail-fast
else
  cargo test
fi
