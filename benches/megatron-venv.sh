# Sourced by the Megatron compatibility benches: makes sure $VENV
# (target/megatron-venv unless EUROCURATE_MEGATRON_VENV says otherwise) has
# megatron-core (which pulls PyTorch, ~3 GB with its CUDA libraries),
# tokenizers and zstandard; nothing else uses them.
VENV=${EUROCURATE_MEGATRON_VENV:-target/megatron-venv}
if ! "$VENV/bin/python" -c "import megatron.core, tokenizers, zstandard" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q megatron-core tokenizers zstandard
fi
