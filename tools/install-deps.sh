#!/bin/sh
# Installs the Debian 12 packages ratesim builds with, if any is missing. Run as root.
# The one list of build dependencies: README.md and .ci/run both call this.
set -eu
packages="cmake ninja-build g++ pkg-config libabsl-dev libfmt-dev libtomlplusplus-dev libmuparser-dev
libgtest-dev libgmock-dev libbenchmark-dev parallel"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
