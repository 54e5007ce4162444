#!/usr/bin/env bash
# Installs what is missing, builds the release, and serves Bastion Profile on
# SQLite with no configuration (data in ./data). Any BP_* variable or
# --config FILE still applies; extra arguments go to `bastion-profile serve`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"
ensure_build_tools
log "building the release (the first build takes about 10 minutes)"
cargo leptos build --release --split
log "starting"
exec "$CARGO_TARGET_DIR/release/bastion-profile" serve "$@"
