#!/usr/bin/env bash
# Throughput and latency of GET /api/v1/users/profile/ signed with an access
# key (HTTP Signature, hmac-sha256), beside the unauthenticated /healthz of
# the same release server, at 1 and 64 connections, with wrk. Prints a table;
# the figures in the README come from here. The target: the signed call
# reaches at least 60% of /healthz's throughput.
#
#   bash scripts/bench.sh [seconds per run, default 10]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"
duration=${1:-10}
ensure_build_tools
command -v wrk >/dev/null || apt_install wrk
log "building the release"
cargo leptos build --release --split >&2

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bin="$CARGO_TARGET_DIR/release/bastion-profile"
export BP_DATA_DIR="$work/data" BP_BIND="127.0.0.1:$port" BP_LOG=warn
unset BP_DATABASE_URL
password="bench passphrase $(date +%s)"
echo "$password" | "$bin" user create --username bench --email bench@example.com --password-stdin >/dev/null
"$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

# An access key, made the way a person would: API sign-in, confirmation, create.
read -r key_id secret < <(BASE="$base" PASSWORD="$password" python3 - <<'PY'
import json, os, urllib.request
base, password = os.environ["BASE"], os.environ["PASSWORD"]
def call(method, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, json.dumps(body).encode(), headers, method=method)
    with urllib.request.urlopen(req) as res:
        return json.load(res)
token = call("POST", "/api/v1/authentication/auth/", {"username": "bench", "password": password})["token"]
call("POST", "/api/v1/authentication/confirm/", {"confirm_type": "password", "secret_key": password}, token)
key = call("POST", "/api/v1/authentication/access-keys/", {}, token)
print(key["id"], key["secret"])
PY
)
# One signature serves the whole run: its Date stays valid for 300 s.
mapfile -t signed < <(KEY_ID="$key_id" SECRET="$secret" python3 - <<'PY'
import base64, email.utils, hashlib, hmac, os
date = email.utils.formatdate(usegmt=True)
text = f"(request-target): get /api/v1/users/profile/\naccept: application/json\ndate: {date}"
sig = base64.b64encode(hmac.new(os.environ["SECRET"].encode(), text.encode(), hashlib.sha256).digest()).decode()
print(f"Date: {date}")
print(f'Authorization: Signature keyId="{os.environ["KEY_ID"]}",algorithm="hmac-sha256",headers="(request-target) accept date",signature="{sig}"')
PY
)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Accept: application/json" -H "${signed[0]}" -H "${signed[1]}" "$base/api/v1/users/profile/")
[ "$code" = 200 ] || { echo "the signed request failed with $code" >&2; cat "$work/server.log" >&2; exit 1; }

# wrk --latency prints "Requests/sec: N" and a percentile table ("50%  1.23ms").
run() {
  local conns=$1 url=$2; shift 2
  local threads=$(( conns < 2 ? 1 : 2 ))
  local out
  out=$(wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "$@" "$url")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  echo "$rps $p50 $p99"
}
printf '\n%-44s %6s %12s %10s %10s\n' endpoint conns "requests/s" p50 p99
for conns in 1 64; do
  read -r h_rps h50 h99 < <(run "$conns" "$base/healthz")
  read -r s_rps s50 s99 < <(run "$conns" "$base/api/v1/users/profile/" -H "Accept: application/json" -H "${signed[0]}" -H "${signed[1]}")
  printf '%-44s %6s %12s %10s %10s\n' "GET /healthz (no auth)" "$conns" "$h_rps" "$h50" "$h99"
  printf '%-44s %6s %12s %10s %10s\n' "GET /api/v1/users/profile/ (access key)" "$conns" "$s_rps" "$s50" "$s99"
  awk -v s="$s_rps" -v h="$h_rps" -v c="$conns" 'BEGIN { printf "  signed / trivial at %s connections: %.0f%% (target: at least 60%%)\n", c, 100 * s / h }'
done
