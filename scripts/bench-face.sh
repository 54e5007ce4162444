#!/usr/bin/env bash
# Benchmarks the face engine in release: model load time, milliseconds per
# verification on each test photo, peak memory. Fetches the models and
# photos first when they are missing.
#
# Usage: scripts/bench-face.sh [MODELS_DIR [PHOTOS_DIR]]
#   Without arguments it uses ${BP_TEST_FACE_ASSETS:-/var/tmp/bastion-profile-face}.
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

export BP_TEST_FACE_ASSETS=${BP_TEST_FACE_ASSETS:-/var/tmp/bastion-profile-face}
log "face assets in $BP_TEST_FACE_ASSETS"
"$ROOT/scripts/fetch-face-assets.sh" "$BP_TEST_FACE_ASSETS"

log "building and running the face benchmark (release)"
cd "$ROOT"
cargo run --release -p server --example face_bench -- "$@"
