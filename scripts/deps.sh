#!/usr/bin/env bash
# Installs the Debian packages skein builds and tests with, when any is
# missing. Run as root (or with sudo available). Nothing is downloaded from
# anywhere but the distribution's package archive.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  liblmdb-dev libpcre2-dev libreadline-dev libgraphviz-dev libigraph-dev
  libutf8proc-dev libssl-dev libjansson-dev libcmocka-dev libcsv-dev
  libexpat1-dev libsqlite3-dev
  # tests: reference implementations, a terminal for the shell test
  python3 python3-networkx python3-igraph tmux lmdb-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "skein: installing missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
