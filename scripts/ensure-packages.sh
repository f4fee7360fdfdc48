#!/usr/bin/env bash
# Installs the given Debian packages when they are missing (apt-get, as root
# or through sudo). Elsewhere it prints exactly what to install and fails.
set -euo pipefail
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  echo "Cordwain needs these packages (names as on Debian/Ubuntu): $*" >&2
  echo "On macOS: Xcode command line tools (xcode-select --install) are enough to build." >&2
  echo "On Fedora: sudo dnf install gcc libXcursor-devel libXrandr-devel mesa-libGL-devel libXi-devel libXinerama-devel libXxf86vm-devel" >&2
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
