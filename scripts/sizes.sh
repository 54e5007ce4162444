#!/usr/bin/env bash
# Builds the release and prints what a browser downloads on first load (wasm,
# js, css: raw, gzip -9 and brotli -q 11) and the server binary's size.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"
ensure_build_tools
command -v brotli >/dev/null || apt_install brotli
cargo leptos build --release --split >&2
pkg="$ROOT/target/site/pkg"
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
printf '%-28s %12s %12s %12s\n' file raw gzip brotli
total_br=0
for f in "$pkg"/bastion-profile.wasm "$pkg"/bastion-profile.js "$pkg"/bastion-profile.css "$pkg"/__wasm_split.*.js; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  total_br=$((total_br + br))
  printf '%-28s %12s %12s %12s\n' "$(basename "$f")" "$(kib "$raw")" "$(kib "$gz")" "$(kib "$br")"
done
printf '%-28s %12s %12s %12s\n' "first load (brotli)" "" "" "$(kib "$total_br")"
# Code split off with #[lazy] (the password checker and zxcvbn): fetched on first use.
for f in "$pkg"/*.wasm; do
  [ "$(basename "$f")" = bastion-profile.wasm ] && continue
  printf '%-28s %12s %12s %12s  (lazy)\n' "$(basename "$f" | cut -c1-28)" "$(kib "$(stat -c %s "$f")")" \
    "$(kib "$(gzip -9 -c "$f" | wc -c)")" "$(kib "$(brotli -q 11 -c "$f" | wc -c)")"
done
bin="$CARGO_TARGET_DIR/release/bastion-profile"
printf '%-28s %12s\n' "server binary" "$(kib "$(stat -c %s "$bin")")"
stripped=$(mktemp)
strip -o "$stripped" "$bin"
printf '%-28s %12s\n' "server binary (stripped)" "$(kib "$(stat -c %s "$stripped")")"
rm -f "$stripped"
